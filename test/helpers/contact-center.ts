import type { Test } from 'tap'
import { checkEvent } from '../../src/schemas/events.schema.js'
import { parseTarget } from '../../src/schemas/target.js'
import { PROCESSOR_ID, RestClient, WM, body, build, type Json, type TestApp } from './app.js'

export type Envelope = { serviceId: string, resourceId: string, event: { name: string, target: string, data: any } }

const PASSWORDS: Record<string, string> = {
  agent1: 'demo-pass-1', agent2: 'demo-pass-2', agent3: 'demo-pass-3', agent4: 'demo-pass-4', supervisor1: 'demo-pass-9'
}

/** A capability's short name in test expectations: `conversation.hold` → `hold`. */
export function short (capability: string): string {
  return capability.replace(/^(session|channel|conversation|interaction)\./, '').replace(/^request\./, '')
}

/**
 * One agent with a logged-in media bar. Events are read from the client's outbox (what SSE and
 * the WebSocket send) after each step, as compact lines, so a scenario can assert the full
 * sequence every agent saw.
 */
export class Agent {
  readonly id: string
  readonly bar: RestClient
  readonly rid: string
  #seen = 0
  /** The capability list last sent per workflow target. */
  readonly views = new Map<string, Array<{ name: string, type: string }>>()
  /** Every envelope drained so far, as sent. */
  readonly received: Envelope[] = []
  readonly #center: Center

  constructor (center: Center, id: string, bar: RestClient, rid: string) {
    this.#center = center
    this.id = id
    this.bar = bar
    this.rid = rid
  }

  get extension (): string {
    return this.#center.sim.agents().find(a => a.id === this.id)?.extension ?? ''
  }

  /** Every event since the last drain, as `who what` lines. */
  drain (): string[] {
    const outbox = this.#center.app.his.clients.get(this.bar.clientId)?.outbox
    if (outbox === undefined) return []
    const read = outbox.read(this.#seen)
    if (read.kind !== 'events') throw new Error('outbox gap in a test')
    this.#seen = outbox.latest
    return read.entries.map(e => {
      const envelope = JSON.parse(e.json) as Envelope
      this.received.push(envelope)
      // Every event must be in the published catalogue (asyncapi.yaml), with data of its shape.
      const problem = checkEvent(envelope.serviceId === WM, envelope.event.name, envelope.event.target, envelope.event.data)
      if (problem !== undefined) this.#center.violations.push(`catalogue: ${problem}`)
      return this.#line(envelope)
    })
  }

  #line (env: Envelope): string {
    const { name, target, data } = env.event
    const ids = parseTarget(target)
    const scope = ids?.scope
    const ix = ids !== undefined && 'interactionId' in ids ? ids.interactionId : undefined
    if (env.serviceId === WM) {
      this.views.set(target, data)
      const on = (data as Array<{ name: string, type: string }>).filter(c => c.type === 'enable').map(c => short(c.name))
      return `view ${ix ?? (ids !== undefined && 'channelId' in ids ? ids.channelId : 'session')}: ${on.join(' ')}`
    }
    if (name.startsWith('error.')) return `${ix === undefined ? '' : ix + ' '}${name} ${String(data.error)}`
    if (scope === 'session') {
      if (name === 'state.updated') return `agent ${data.state}${data.reason !== null ? ' ' + String(data.reason) : ''}`
      return `${name}${data.reason !== undefined ? ' ' + String(data.reason) : ''}`
    }
    if (scope === 'channel') {
      if (ids !== undefined && 'channelId' in ids && ids.channelId === 'chat') {
        if (name === 'state.updated') return `chat channel ${String(data.state)}${data.reason !== null ? ' ' + String(data.reason) : ''} ${String(data.chats)}/${String(data.max)}`
        return `chat ${name}`
      }
      return `${name}`
    }
    if (scope === 'conversation') {
      const n = name === 'state.updated' ? 'conversation' : name
      return `${ix} ${n} ${String(data.role)} ${String(data.state)}`
    }
    switch (name) {
      case 'interaction.added': return `${ix} added ${String(data.state)} ${String(data.direction)} from ${String(data.from)}`
      case 'state.updated': return `${ix} ${String(data.state)}${conversations(data)}${data.recording !== 'off' ? ' rec:' + String(data.recording) : ''}`
      case 'interaction.partyadded': return `${ix} partyadded ${String(data.focusresource)} ${String(data.partystate)}`
      case 'interaction.partystatechanged': return `${ix} partystatechanged ${String(data.focusresource)} ${String(data.partystate)}`
      case 'interaction.partydeleted': return `${ix} partydeleted`
      case 'interaction.udata.changed': return `${ix} udata ${JSON.stringify(data.udata)}`
      case 'interaction.deleted': return `${ix} deleted ${String(data.reason)}`
      case 'interaction.abandoned': return `${ix} abandoned`
      case 'interaction.ondivert': return `${ix} ondivert ${String(data.newdestination)} ${String(data.hints?.reason)}`
      case 'interaction.restored': return `${ix} restored ${String(data.state)}${conversations(data)}${Array.isArray(data.transcript) ? ` transcript:${String(data.transcript.length)}` : ''}`
      case 'chat.message': return `${ix} ${String(data.from)}: ${String(data.text)}`
      case 'chat.typing': return `${ix} typing ${String(data.typing)}`
      default:
        if (name.endsWith('.done')) return `${ix} ${name.slice('interaction.'.length)}`
        if (name.startsWith('error.')) return `${ix} ${name} ${String(data.error)}`
        return `${ix} ${name.replace(/^interaction\./, '')}`
    }
  }

  /** The enabled capabilities (short names) of a workflow target: the session or an interaction id. */
  caps (ix?: string): string[] {
    const target = ix === undefined ? this.rid : `${this.rid}.voice.${ix}`
    return (this.views.get(target) ?? []).filter(c => c.type === 'enable').map(c => short(c.name))
  }

  /** The enabled capabilities of the chat channel (no id) or of one chat. */
  chatCaps (ix?: string): string[] {
    return (this.views.get(this.chat(ix)) ?? []).filter(c => c.type === 'enable').map(c => short(c.name))
  }

  /** The chat channel's target, or one chat's. */
  chat (ix?: string): string {
    return ix === undefined ? `${this.rid}.chat` : `${this.rid}.chat.${ix}`
  }

  /** The agent's interactions as the processor sees them. */
  async interactions (): Promise<Json[]> {
    return (await this.bar.snapshot(PROCESSOR_ID, this.rid)).data.interactions
  }

  /** The target of an interaction, or of one of its conversations by role. */
  target (ix: string, role?: 'primary' | 'consult'): string {
    const session = this.#center.app.his.processor.session(this.rid)
    const record = session?.model.interactions.get(ix)
    if (role === undefined) return `${this.rid}.voice.${ix}`
    const conversation = [...(record?.conversations.values() ?? [])].find(c => c.role === role)
    if (conversation === undefined) throw new Error(`${this.id}: ${ix} has no ${role} conversation`)
    return conversation.target
  }

  /** The newest interaction id the agent has. */
  get latest (): string {
    const ids = [...(this.#center.app.his.processor.session(this.rid)?.model.interactions.keys() ?? [])]
    return ids[ids.length - 1] ?? ''
  }

  async req (command: string, target?: string, data?: unknown): Promise<Json> {
    const res = await this.bar.request(this.rid, command, data, target)
    return { status: res.statusCode, ...body(res) }
  }

  /** A request that must succeed. */
  async do (command: string, target?: string, data?: unknown): Promise<Json> {
    const answer = await this.req(command, target, data)
    if (answer.status !== 200) throw new Error(`${this.id} ${command}: ${answer.status} ${JSON.stringify(answer.failure)}`)
    return answer
  }
}

/** Interaction state line suffix: ` primary:connected consult:dialing`. */
function conversations (data: any): string {
  const list = (data.conversations ?? []) as Array<{ role: string, state: string }>
  return list.map(c => ` ${c.role}:${c.state}`).join('')
}

/**
 * A contact center under test: the real app, the simulator, a manual clock, agents logged in
 * through the trace's flow, and the protocol's interaction rules checked on every event.
 */
export class Center {
  readonly app: TestApp['app']
  readonly clock: TestApp['clock']
  /** The simulator behind the app (embedded, or across the bridge with TEST_CTI=bridge). */
  readonly sim: TestApp['sim']
  readonly settle: TestApp['settle']
  readonly agents = new Map<string, Agent>()
  /** Rule breaks seen on any event: the processor's picture, and the simulator's truth. */
  readonly violations: string[] = []

  private constructor (test: TestApp) {
    this.app = test.app
    this.clock = test.clock
    this.sim = test.sim
    this.settle = test.settle
  }

  static async open (t: Test, overrides: Record<string, string | number> = {}): Promise<Center> {
    const test = await build(t, { SIM_LOGIN_DELAY_MS: 0, ...overrides })
    return new Center(test)
  }

  /** Logs agents in (optionally with a model) and makes them ready, in the order given. */
  async login (ids: string[], options: { model?: string, ready?: boolean } = {}): Promise<Agent[]> {
    const out: Agent[] = []
    for (const id of ids) {
      const bar = await RestClient.open(this.app, `bar ${id}`)
      const rid = await bar.login({ id, password: PASSWORDS[id] ?? '' }, options.model === undefined ? {} : { model: options.model })
      const agent = new Agent(this, id, bar, rid)
      this.agents.set(id, agent)
      this.app.his.clients.get(bar.clientId)?.outbox.subscribe(() => { this.#check() })
      this.clock.advance(0)
      await this.settle()
      if (options.ready !== false) {
        await agent.do('session.ready')
        this.clock.advance(1) // distinct idle times: the first agent made ready has waited longest
        await this.settle()
      }
      agent.drain()
      out.push(agent)
    }
    return out
  }

  #check (): void {
    for (const p of this.sim.violations()) this.violations.push(`simulator: ${p}`)
    for (const agent of this.agents.values()) {
      const model = this.app.his.processor.session(agent.rid)?.model
      for (const ix of model?.interactions.values() ?? []) {
        if (ix.channelId === 'chat') {
          if (ix.conversations.size > 0) this.violations.push(`${agent.id} ${ix.id}: a chat with conversations`)
          continue
        }
        const roles = [...ix.conversations.values()].map(c => c.role)
        const primaries = roles.filter(r => r === 'primary').length
        const live = ix.state === 'ALERTING' || ix.state === 'DIALING' || ix.state === 'STARTED'
        if (live && primaries !== 1) this.violations.push(`${agent.id} ${ix.id} ${ix.state}: ${primaries} primary conversations`)
        if (!live && roles.length > 0) this.violations.push(`${agent.id} ${ix.id} ${ix.state}: has conversations`)
        if (roles.includes('consult') && ix.state !== 'STARTED') this.violations.push(`${agent.id} ${ix.id} ${ix.state}: consult outside STARTED`)
      }
    }
  }

  /** After a step: the processor's picture of every agent equals the simulator's truth. */
  async agreement (): Promise<string[]> {
    const problems: string[] = [...this.sim.agentStateViolations()]
    const truth = this.sim.agents()
    for (const agent of this.agents.values()) {
      const sim = truth.find(a => a.id === agent.id)
      const snap = await agent.bar.snapshot(PROCESSOR_ID, agent.rid)
      if (snap.result !== 'success') continue
      const seen = (snap.data.interactions as Json[]).filter(ix => ix.channelId === 'voice').map(ix => `${String(ix.id)} ${String(ix.state)} ${(ix.conversations as Json[]).map(c => `${String(c.role)}:${String(c.state)}`).join(',')}`)
      const real = (sim?.interactions ?? []).map(ix => `${ix.id} ${ix.state} ${ix.conversations.map(c => `${c.role}:${c.state}`).join(',')}`)
      if (JSON.stringify(seen) !== JSON.stringify(real)) problems.push(`${agent.id}: processor ${JSON.stringify(seen)} ≠ simulator ${JSON.stringify(real)}`)
      if (snap.data.session.state !== sim?.state) problems.push(`${agent.id}: state ${String(snap.data.session.state)} ≠ ${String(sim?.state)}`)
    }
    return problems
  }

  async call (body: Record<string, unknown>): Promise<string> {
    const res = await this.app.inject({ method: 'POST', url: '/simulator/calls', payload: body })
    if (res.statusCode !== 201) throw new Error(`place call: ${res.statusCode} ${res.body}`)
    return JSON.parse(res.body).callId
  }

  async hangup (callId: string): Promise<number> {
    return (await this.app.inject({ method: 'DELETE', url: `/simulator/calls/${callId}` })).statusCode
  }

  /** A customer starts a chat (POST /simulator/chats); its id. */
  async startChat (body: Record<string, unknown>): Promise<string> {
    const res = await this.app.inject({ method: 'POST', url: '/simulator/chats', payload: body })
    if (res.statusCode !== 201) throw new Error(`start chat: ${res.statusCode} ${res.body}`)
    return JSON.parse(res.body).chatId
  }

  /** The customer writes in a chat; the answer's status and body. */
  async customer (chatId: string, text: string): Promise<{ status: number, body: Json }> {
    const res = await this.app.inject({ method: 'POST', url: `/simulator/chats/${chatId}/messages`, payload: { text } })
    return { status: res.statusCode, body: JSON.parse(res.body) }
  }

  /** The chat as its customer sees it. */
  async chatView (chatId: string): Promise<Json> {
    return JSON.parse((await this.app.inject(`/simulator/chats/${chatId}`)).body).chat
  }

  async calls (): Promise<Json[]> {
    return JSON.parse((await this.app.inject('/simulator/calls')).body).calls
  }

  async queues (): Promise<Json[]> {
    return JSON.parse((await this.app.inject('/simulator/queues')).body).queues
  }

  /** Moves the simulated time, and waits for what it caused to arrive. */
  async advance (ms: number): Promise<void> {
    this.clock.advance(ms)
    await this.settle()
  }

  /** Drains every agent. */
  drainAll (): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    for (const [id, agent] of this.agents) out[id] = agent.drain()
    return out
  }
}

/**
 * One step of a scenario: runs it, then asserts what every agent saw (agents not named saw
 * nothing), that the processor's picture agrees with the simulator, and that no rule broke.
 */
export async function step (t: Test, cc: Center, label: string, action: () => Promise<unknown> | unknown, expected: Record<string, string[]>): Promise<void> {
  await action()
  await cc.settle()
  const seen = cc.drainAll()
  for (const id of cc.agents.keys()) t.same(seen[id], expected[id] ?? [], `${label}: ${id} sees`)
  t.same(await cc.agreement(), [], `${label}: the processor agrees with the simulator`)
  t.same(cc.violations.splice(0), [], `${label}: the interaction rules held at every event`)
}
