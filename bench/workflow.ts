// Workflow: call-model evaluation on one core. A workflow session (robot3 views compiled from
// models/default.json) is fed the processor events of whole calls: offered, answered, held,
// retrieved, released, completed. Reports events per second and memory per session.
import { loadCallModels } from '../src/workflow/call-model.js'
import { WorkflowSession } from '../src/workflow/workflow-session.js'
import type { ResourceEventBody } from '../src/schemas/protocol.schema.js'
import { projectPath } from '../src/paths.js'
import { round, table } from './lib.js'

export interface WorkflowOptions {
  /** events to feed in the throughput run */
  events: number
  /** sessions held at once in the memory run */
  sessions: number
}

export interface WorkflowResult {
  options: WorkflowOptions
  eventsPerSecond: number
  nsPerEvent: number
  stateEventsPublished: number
  bytesPerSession: number
  bytesPerSessionWithCall: number
  gc: boolean
}

const ev = (name: string, target: string, data: unknown = {}): ResourceEventBody => ({ name, target, context: {}, data } as ResourceEventBody)

/** The processor events of one call on session `s`, interaction number `i` (14 events). */
function callEvents (s: string, i: number): ResourceEventBody[] {
  const ix = `${s}.voice.ix-${i}`
  const conv = `${ix}.leg-1`
  const primary = (state: string): unknown => ({ conversationid: 'leg-1', role: 'primary', state })
  return [
    ev('interaction.added', ix, { state: 'ALERTING', direction: 'inbound', from: '+15550000000', conversations: [primary('alerting')] }),
    ev('conversation.created', conv, { role: 'primary', state: 'alerting' }),
    ev('state.updated', s, { state: 'busy', reason: null }),
    ev('state.updated', conv, { role: 'primary', state: 'connected' }),
    ev('state.updated', ix, { state: 'STARTED', recording: 'off', conversations: [primary('connected')] }),
    ev('state.updated', conv, { role: 'primary', state: 'held' }),
    ev('state.updated', conv, { role: 'primary', state: 'connected' }),
    ev('state.updated', conv, { role: 'primary', state: 'disconnected' }),
    ev('state.updated', ix, { state: 'ENDED', reason: 'released', conversations: [] }),
    ev('conversation.disposed', conv, { role: 'primary' }),
    ev('state.updated', s, { state: 'wrap_up', reason: null }),
    ev('state.updated', ix, { state: 'COMPLETED', conversations: [] }),
    ev('interaction.deleted', ix, { reason: 'completed' }),
    ev('state.updated', s, { state: 'ready', reason: null })
  ]
}

function heap (): number {
  globalThis.gc?.()
  globalThis.gc?.()
  return process.memoryUsage().heapUsed
}

export function runWorkflowBench (options: WorkflowOptions): WorkflowResult {
  const model = loadCallModels(projectPath('models')).get('default')
  if (model === undefined) throw new Error('no default call model')
  let published = 0
  const session = new WorkflowSession('Bench-1', model, undefined, () => { published++; return true })
  session.handle(ev('session.started', 'Bench-1'))
  session.handle(ev('state.updated', 'Bench-1', { state: 'ready', reason: null }))
  // A bound client: publishing (and the capability lists) is part of the work measured.
  session.clientBound(undefined as never)
  const template = callEvents('Bench-1', 0)
  const perCall = template.length
  // Warm-up, then the measured run; every call uses a new interaction target, as calls do.
  for (let i = 0; i < 2000; i++) for (const e of callEvents('Bench-1', i)) session.handle(e)
  const calls = Math.max(1, Math.ceil(options.events / perCall))
  const batches = Array.from({ length: calls }, (_, i) => callEvents('Bench-1', 10_000 + i))
  published = 0
  const start = process.hrtime.bigint()
  for (const batch of batches) for (const e of batch) session.handle(e)
  const ns = Number(process.hrtime.bigint() - start)
  const events = calls * perCall
  const views = session.snapshot().views
  if (views.length !== 1 || views[0]?.state !== 'ready' || published < calls * 4) {
    throw new Error(`the workflow did not follow the calls (views ${JSON.stringify(views.map(v => v.state))}, ${published} published)`)
  }

  // Memory: sessions logged in and ready; then each with one ringing call.
  const before = heap()
  const held: WorkflowSession[] = []
  for (let i = 0; i < options.sessions; i++) {
    const s = new WorkflowSession(`Bench-m${i}`, model, undefined, () => true)
    s.handle(ev('session.started', s.id))
    s.handle(ev('state.updated', s.id, { state: 'ready', reason: null }))
    held.push(s)
  }
  const idle = heap()
  for (const s of held) s.handle(callEvents(s.id, 1)[0] as ResourceEventBody)
  const withCall = heap()
  if (held.length !== options.sessions) throw new Error('sessions lost')

  return {
    options,
    eventsPerSecond: Math.round(events / (ns / 1e9)),
    nsPerEvent: round(ns / events, 0),
    stateEventsPublished: published,
    bytesPerSession: Math.round((idle - before) / options.sessions),
    bytesPerSessionWithCall: Math.round((withCall - before) / options.sessions),
    gc: typeof globalThis.gc === 'function'
  }
}

export function workflowTable (r: WorkflowResult): string {
  return table(
    ['events', 'events/s (one core)', 'ns/event', 'state.updated published', 'sessions', 'bytes/session (ready)', 'bytes/session (one call)'],
    [[r.options.events, r.eventsPerSecond, r.nsPerEvent, r.stateEventsPublished, r.options.sessions, r.bytesPerSession + (r.gc ? '' : ' (no gc)'), r.bytesPerSessionWithCall]]
  )
}
