// Memory of a full outbox. Every client keeps its last OUTBOX_SIZE events for replay, delivered or
// not, so after a few hours every agent's outbox is full: the event-path runs, a minute long, never
// get there. This fills outboxes with the frames our server sent for a call (recorded by the SSE
// run), each a fresh string as in the server, and measures the heap they hold (needs --expose-gc).
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Outbox } from '../src/core/outbox.js'
import { round, table } from './lib.js'

export interface OutboxCase {
  outboxSize: number
  /** average length of the recorded events' JSON */
  eventBytes: number
  /** heap held by one full outbox */
  fullKb: number
}

export function runOutboxBench (templatesFile: string, sizes: number[], outboxes = 100): OutboxCase[] {
  const gc = (globalThis as { gc?: () => void }).gc ?? exposeGc()
  const templates = JSON.parse(readFileSync(templatesFile, 'utf8')) as { offer: string[], hangup: string[] }
  // The envelopes without their eventId (appendJson adds it), named as the server names them.
  const events = [...templates.offer, ...templates.hangup].map(json => ({
    body: json.replace(/,"eventId":\d+}$/, '}'),
    name: (JSON.parse(json) as { event?: { name?: string, eventType?: string } }).event?.name ?? 'event'
  }))
  const eventBytes = round(events.reduce((n, e) => n + e.body.length, 0) / events.length, 0)
  return sizes.map(size => {
    gc()
    const before = process.memoryUsage().heapUsed
    const held: Outbox[] = []
    let call = 0
    for (let i = 0; i < outboxes; i++) {
      const outbox = new Outbox(size)
      for (let n = 0; n < size * 2; n++) {
        const e = events[n % events.length] as { body: string, name: string }
        if (n % events.length === 0) call++
        // A fresh string per event (the server serializes each one), with this call's id.
        outbox.appendJson(e.name, e.body.replace(/ix-\d+/g, `ix-${call}`))
      }
      held.push(outbox)
    }
    gc()
    const after = process.memoryUsage().heapUsed
    if (held.some(o => o.latest !== size * 2)) throw new Error('outbox not filled')
    return { outboxSize: size, eventBytes, fullKb: round((after - before) / outboxes / 1024, 0) }
  })
}

/** gc() when node was started without --expose-gc (the smoke run under tap). */
function exposeGc (): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

export function outboxTable (cases: OutboxCase[]): string {
  return table(
    ['OUTBOX_SIZE', 'event JSON bytes (avg)', 'full outbox KB', '5,000 agents: full outboxes MB'],
    cases.map(c => [c.outboxSize, c.eventBytes, c.fullKb, round(c.fullKb * 5000 / 1024, 0)])
  )
}
