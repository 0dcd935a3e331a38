import { INVALID_MESSAGE, INVALID_STATE, INVALID_TARGET, UNKNOWN_RESOURCE, UNSUPPORTED } from '../../errors.js'
import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type {
  AuthResult, CtiHealth, CtiListener, CtiPort, CtiRequest, CtiResult, CtiSessionSettings, ReasonCode
} from '../port.js'
import { Acd } from './acd.js'
import { Directory, type DirectoryFile } from './directory.js'
import { isLive, type AgentState, type AttachedData, type SimAgent, type SimCall, type SimInteraction, type SimLeg } from './model.js'
import { Telephony } from './telephony.js'
import { VOICE_CHANNEL, World } from './world.js'

export { VOICE_CHANNEL }

export interface SimulatorOptions {
  clock: Clock
  directory: DirectoryFile
  loginDelayMs: number
  log: Logger
}

/** What GET /simulator/agents shows of an agent (never the password). */
export interface AgentView {
  id: string
  name: string
  extension: string
  queues: string[]
  state: AgentState
  reason: string | null
  loggingIn: boolean
  attached: boolean
  interactions: Array<{ id: string, state: string, direction: string, conversations: Array<{ id: string, role: string, state: string }> }>
}

export interface CallView {
  id: string
  from: string
  to: string
  queue: string | null
  state: 'queued' | 'ringing' | 'dialing' | 'connected'
  recording: string
  data: AttachedData
  parties: Array<{ id: string, kind: string, number: string, state: string, agentId?: string, interactionId?: string }>
}

export interface QueueView {
  id: string
  name: string
  waiting: Array<{ callId: string, from: string, waitingMs: number }>
  readyAgents: string[]
}

export interface PlaceCall {
  from: string
  queue?: string
  to?: string
  data?: AttachedData
}

const DEFAULT_SETTINGS: CtiSessionSettings = { ringNoAnswerMs: 15000, wrapUpMs: null, afterWrapUp: 'ready', afterWrapUpReason: null }

/**
 * The built-in contact-center simulator: an in-process CTI with an agent directory, queues and
 * ACD routing, inbound and outbound calls, hold, consult, transfer, conference, recording,
 * ring-no-answer and wrap-up, on an injected clock. It implements the CTI adapter port, and
 * offers a control API (place a call, hang up as the caller, look) for people and tests.
 */
export class Simulator implements CtiPort {
  readonly vendor = 'his-cti-server simulator'
  readonly version = '1.0'
  readonly directory: Directory
  readonly clock: Clock
  readonly #world: World
  readonly #telephony: Telephony
  readonly #acd: Acd
  readonly #loginDelayMs: number
  readonly #log: Logger

  constructor (options: SimulatorOptions) {
    this.clock = options.clock
    this.directory = new Directory(options.directory, options.clock)
    this.#loginDelayMs = options.loginDelayMs
    this.#log = options.log
    this.#world = new World(options.directory, options.clock, options.log)
    this.#acd = new Acd(this.#world, () => this.#telephony)
    this.#telephony = new Telephony(this.#world, call => { this.#acd.requeue(call) })
    for (const profile of options.directory.agents) {
      this.#world.agents.set(profile.id, {
        profile,
        state: 'logged_out',
        reason: null,
        loggingIn: undefined,
        idleSince: 0,
        listener: undefined,
        settings: DEFAULT_SETTINGS,
        after: { state: 'not_ready', reason: null },
        interactions: new Map()
      })
    }
    // Whatever a timer did (ring-no-answer, wrap-up, an outside answer), routing follows.
    this.#world.afterTimer = () => { this.#acd.dispatch() }
  }

  capabilities (): Record<string, string> {
    return {
      'channel-groups-supported': 'false',
      'channel-groups-max-per-agent': '0',
      'channel-groups-media-types': '',
      'single-channels-supported': 'true',
      'single-channels-media-types': 'voice',
      'channel-actions': 'first'
    }
  }

  reasonCodes (): readonly ReasonCode[] {
    return this.directory.reasonCodes
  }

  authenticate (agentId: string, password: string): AuthResult {
    return this.directory.authenticate(agentId, password)
  }

  health (): CtiHealth {
    return { ok: true, detail: `simulator with ${this.#world.agents.size} agents, ${this.#world.calls.size} calls` }
  }

  attach (agentId: string, listener: CtiListener): () => void {
    const agent = this.#agent(agentId)
    agent.listener = listener
    return () => {
      if (agent.listener === listener) agent.listener = undefined
    }
  }

  async login (agentId: string, settings: CtiSessionSettings): Promise<void> {
    const agent = this.#agent(agentId)
    if (agent.state !== 'logged_out' || agent.loggingIn !== undefined) {
      throw new INVALID_STATE(`agent ${agentId} is already logged in`)
    }
    agent.settings = settings
    agent.loggingIn = this.#world.timer(this.#loginDelayMs, () => {
      agent.loggingIn = undefined
      agent.after = { state: 'not_ready', reason: null }
      this.#log.info({ agentId }, 'simulated agent logged in')
      this.#world.emit(agent, { name: 'session.started', data: { agentId, extension: agent.profile.extension } })
      this.#world.emit(agent, { name: 'channel.activated', channelId: VOICE_CHANNEL, data: { media: 'voice', extension: agent.profile.extension } })
      this.#world.setAgentState(agent, 'not_ready', null)
    })
  }

  async logout (agentId: string, reason: string, force = false): Promise<void> {
    const agent = this.#agent(agentId)
    if (agent.loggingIn !== undefined) {
      this.clock.clear(agent.loggingIn)
      agent.loggingIn = undefined
      return
    }
    if (agent.state === 'logged_out') throw new INVALID_STATE(`agent ${agentId} is not logged in`)
    if (agent.interactions.size > 0 && !force) throw new INVALID_STATE('the agent has calls; release and complete them first')
    // Out first (quietly), so releasing the calls does not pass through wrap-up and ready.
    agent.state = 'logged_out'
    agent.reason = null
    for (const ix of [...agent.interactions.values()]) {
      if (isLive(ix)) this.#telephony.end(ix, 'logout')
      if (ix.state === 'ENDED') this.#telephony.complete(ix, null, 'agent')
    }
    this.#world.emit(agent, { name: 'state.updated', data: { state: 'logged_out', reason: null } })
    this.#world.emit(agent, { name: 'channel.deactivated', channelId: VOICE_CHANNEL, data: {} })
    this.#world.emit(agent, { name: 'session.ended', data: { reason } })
    this.#log.info({ agentId, reason }, 'simulated agent logged out')
    this.#acd.dispatch()
  }

  async execute (agentId: string, request: CtiRequest): Promise<CtiResult | undefined> {
    const agent = this.#agent(agentId)
    if (agent.state === 'logged_out') throw new INVALID_STATE('the agent is not logged in')
    try {
      return this.#execute(agent, request)
    } finally {
      this.#acd.dispatch()
    }
  }

  #execute (agent: SimAgent, request: CtiRequest): CtiResult | undefined {
    const t = this.#telephony
    const data = request.data
    switch (request.command) {
      case 'session.ready':
      case 'channel.ready':
        this.#setChosenState(agent, 'ready', null)
        return undefined
      case 'session.notready':
      case 'channel.notready': {
        const reason = typeof data.reason === 'string' ? data.reason : null
        if (reason !== null && !this.directory.reasonCodes.some(r => r.code === reason && r.system !== true)) {
          throw new INVALID_MESSAGE(`unknown not-ready reason ${JSON.stringify(reason)}; known: ${this.#agentReasons().join(', ')}`)
        }
        this.#setChosenState(agent, 'not_ready', reason)
        return undefined
      }
      case 'channel.dial': {
        const ix = t.dial(agent, String(data.destination), (data.extensions ?? {}) as AttachedData)
        return { interactionId: ix.id }
      }
    }
    const ix = this.#interaction(agent, request)
    switch (request.command) {
      case 'interaction.accept': t.answer(ix, this.#needLeg(ix, ix.primary)); break
      case 'interaction.reject': t.reject(ix); break
      case 'interaction.complete': t.complete(ix, typeof data.disposition === 'string' ? data.disposition : null, 'agent'); break
      case 'interaction.setdata': t.setData(ix, data.data as AttachedData); break
      case 'interaction.consult': t.consult(ix, String(data.destination)); break
      case 'interaction.consulttransfer': t.consultTransfer(ix); break
      case 'interaction.consultconference': t.consultConference(ix); break
      case 'interaction.alternate': t.alternate(ix); break
      case 'interaction.request.recording.start': t.recording(ix, 'start'); break
      case 'interaction.request.recording.stop': t.recording(ix, 'stop'); break
      case 'interaction.request.recording.pause': t.recording(ix, 'pause'); break
      case 'interaction.request.recording.resume': t.recording(ix, 'resume'); break
      case 'conversation.answer': t.answer(ix, this.#leg(ix, request)); break
      case 'conversation.release': t.release(ix, this.#leg(ix, request)); break
      case 'conversation.hold': t.hold(ix, this.#leg(ix, request)); break
      case 'conversation.retrieve': t.retrieve(ix, this.#leg(ix, request)); break
      case 'conversation.transfer': t.transfer(ix, this.#leg(ix, request), String(data.destination)); break
      case 'conversation.conference': t.conference(ix, this.#leg(ix, request), String(data.destination)); break
      case 'conversation.dtmf': t.dtmf(this.#leg(ix, request), String(data.digits)); break
      default:
        throw new UNSUPPORTED(`the simulator does not support ${request.command}`)
    }
    return { interactionId: ix.id }
  }

  /** session/channel ready and not ready: only between calls. */
  #setChosenState (agent: SimAgent, state: 'ready' | 'not_ready', reason: string | null): void {
    if (agent.state === 'busy' || agent.state === 'wrap_up') throw new INVALID_STATE(`the agent is ${agent.state}`)
    agent.after = { state, reason }
    this.#world.setAgentState(agent, state, reason)
  }

  #interaction (agent: SimAgent, request: CtiRequest): SimInteraction {
    const ix = request.interactionId === undefined ? undefined : agent.interactions.get(request.interactionId)
    if (ix === undefined) throw new INVALID_TARGET(`no interaction ${request.interactionId ?? ''}`)
    return ix
  }

  #leg (ix: SimInteraction, request: CtiRequest): SimLeg {
    const leg = [ix.primary, ix.consult].find(l => l !== undefined && l.id === request.conversationId)
    if (leg === undefined) throw new INVALID_TARGET(`no conversation ${request.conversationId ?? ''} in ${ix.id}`)
    return leg
  }

  #needLeg (ix: SimInteraction, leg: SimLeg | undefined): SimLeg {
    if (leg === undefined) throw new INVALID_STATE(`interaction ${ix.id} has no call`)
    return leg
  }

  close (): void {
    for (const agent of this.#world.agents.values()) {
      this.clock.clear(agent.loggingIn)
      agent.loggingIn = undefined
    }
    for (const call of this.#world.calls.values()) for (const leg of call.legs) this.clock.clear(leg.timer)
  }

  // ---- control API (the simulator routes) -----------------------------------------------------

  /** A caller rings: into a queue (the ACD picks an agent) or straight to an agent's extension. */
  placeCall (request: PlaceCall): SimCall {
    const t = this.#telephony
    if (request.to !== undefined) {
      const agent = this.#world.agentByExtension(request.to) ?? this.#world.agents.get(request.to)
      if (agent === undefined) throw new INVALID_MESSAGE(`no agent with extension ${request.to}`)
      if (!this.#world.isAvailable(agent, false) || [...agent.interactions.values()].some(isLive)) {
        throw new INVALID_STATE(`extension ${agent.profile.extension} (${agent.profile.id}) is not available`)
      }
      const call = t.newCall(request.from, agent.profile.extension, request.queue, request.data ?? {})
      t.addExternal(call, request.from, 'connected')
      t.offer(call, agent, 'inbound')
      this.#acd.dispatch()
      return call
    }
    const queueId = request.queue ?? this.#world.queues.keys().next().value
    if (queueId === undefined || !this.#world.queues.has(queueId)) {
      throw new INVALID_MESSAGE(`no queue ${String(queueId)}; queues: ${[...this.#world.queues.keys()].join(', ')}`)
    }
    const call = t.newCall(request.from, queueId, queueId, request.data ?? {})
    t.addExternal(call, request.from, 'connected')
    this.#acd.enqueue(call)
    this.#log.info({ callId: call.id, queue: queueId }, 'call queued')
    this.#acd.dispatch()
    return call
  }

  /** The caller (the outside party) hangs up. */
  hangup (callId: string): void {
    const call = this.#world.calls.get(callId)
    if (call === undefined) throw new UNKNOWN_RESOURCE(`no call ${callId}`)
    this.#telephony.hangup(call)
    this.#acd.dispatch()
  }

  agents (): AgentView[] {
    return [...this.#world.agents.values()].map(a => ({
      id: a.profile.id,
      name: a.profile.name,
      extension: a.profile.extension,
      queues: a.profile.queues ?? [],
      state: a.state,
      reason: a.reason,
      loggingIn: a.loggingIn !== undefined,
      attached: a.listener !== undefined,
      interactions: [...a.interactions.values()].map(ix => ({
        id: ix.id,
        state: ix.state,
        direction: ix.direction,
        conversations: [ix.primary, ix.consult].filter((l): l is SimLeg => l !== undefined).map(l => ({ id: l.id, role: l.role ?? 'primary', state: l.state }))
      }))
    }))
  }

  calls (): CallView[] {
    return [...this.#world.calls.values()].map(call => ({
      id: call.id,
      from: call.from,
      to: call.to,
      queue: call.queueId ?? null,
      state: call.queued
        ? 'queued' as const
        : call.legs.some(l => l.state === 'connected' || l.state === 'held')
          ? 'connected' as const
          : call.legs.some(l => l.state === 'alerting') ? 'ringing' as const : 'dialing' as const,
      recording: call.recording,
      data: { ...call.data },
      parties: call.legs.map(l => ({
        id: l.id,
        kind: l.kind,
        number: l.number,
        state: l.state,
        ...(l.interaction !== undefined && { agentId: l.interaction.agent.profile.id, interactionId: l.interaction.id })
      }))
    }))
  }

  queues (): QueueView[] {
    const now = this.clock.now()
    return [...this.#world.queues.values()].map(q => ({
      id: q.id,
      name: q.name,
      waiting: q.waiting.map(c => ({ callId: c.id, from: c.from, waitingMs: now - c.queuedAt })),
      readyAgents: [...this.#world.agents.values()]
        .filter(a => this.#world.isAvailable(a, true) && (a.profile.queues ?? []).includes(q.id))
        .map(a => a.profile.id)
    }))
  }

  /**
   * The rules of PROTOCOL.md §6 on the simulator's truth, which hold at every event: an
   * interaction has a primary conversation in ALERTING, DIALING and STARTED (alerting, dialing,
   * connected or held), a consult one only in STARTED, none in ENDED and COMPLETED; and its legs
   * are on the calls they name. Returns what is broken.
   */
  violations (): string[] {
    const problems: string[] = []
    const expected: Record<string, string[]> = { ALERTING: ['alerting'], DIALING: ['dialing'], STARTED: ['connected', 'held'] }
    for (const agent of this.#world.agents.values()) {
      for (const ix of agent.interactions.values()) {
        const where = `${agent.profile.id}/${ix.id} (${ix.state})`
        if (isLive(ix)) {
          if (ix.primary === undefined) problems.push(`${where}: no primary conversation`)
          else if (!(expected[ix.state] ?? []).includes(ix.primary.state)) problems.push(`${where}: primary is ${ix.primary.state}`)
          if (ix.consult !== undefined && ix.state !== 'STARTED') problems.push(`${where}: consult outside STARTED`)
        } else if (ix.primary !== undefined || ix.consult !== undefined) {
          problems.push(`${where}: conversations in ${ix.state}`)
        }
        for (const leg of [ix.primary, ix.consult]) {
          if (leg !== undefined && !leg.call.legs.includes(leg)) problems.push(`${where}: leg ${leg.id} is not on call ${leg.call.id}`)
        }
      }
    }
    for (const call of this.#world.calls.values()) {
      if (call.queued && call.legs.some(l => l.kind === 'agent')) problems.push(`${call.id}: queued with an agent on it`)
    }
    return problems
  }

  /**
   * Between operations, each agent's state follows from their interactions: busy with a live
   * one, wrap-up with an ended one, otherwise ready or not ready. Returns what is broken.
   */
  agentStateViolations (): string[] {
    const problems: string[] = []
    for (const agent of this.#world.agents.values()) {
      const all = [...agent.interactions.values()]
      const want = agent.state === 'logged_out'
        ? 'logged_out'
        : all.some(isLive) ? 'busy' : all.some(ix => ix.state === 'ENDED') ? 'wrap_up' : undefined
      if (want !== undefined && agent.state !== want) problems.push(`${agent.profile.id}: ${agent.state}, should be ${want}`)
      if (want === undefined && agent.state !== 'ready' && agent.state !== 'not_ready') problems.push(`${agent.profile.id}: ${agent.state} without a call`)
    }
    return problems
  }

  #agentReasons (): string[] {
    return this.directory.reasonCodes.filter(r => r.system !== true).map(r => r.code)
  }

  #agent (agentId: string): SimAgent {
    const agent = this.#world.agents.get(agentId)
    if (agent === undefined) throw new INVALID_MESSAGE(`unknown agent ${agentId}`)
    return agent
  }
}
