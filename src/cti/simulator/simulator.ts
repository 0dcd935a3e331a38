import { INVALID_MESSAGE, INVALID_STATE, INVALID_TARGET, UNKNOWN_RESOURCE, UNSUPPORTED, rateLimited } from '../../errors.js'
import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { AgentSnapshot } from '../../schemas/snapshot.schema.js'
import type { SimAgent as SimAgentView, SimCall as SimCallView, SimPlaceCall, SimQueue as SimQueueView } from '../../schemas/simulator.schema.js'
import type {
  AuthResult, CtiHealth, CtiListener, CtiPort, CtiRequest, CtiResult, CtiSessionSettings, ReasonCode
} from '../port.js'
import { Acd } from './acd.js'
import { Calls } from './calls.js'
import { Chats, type StartChat } from './chats.js'
import { Directory, type DirectoryFile } from './directory.js'
import { Interactions } from './interactions.js'
import { agentStateViolations, interactionViolations } from './invariants.js'
import { legsOf, onCall, type AgentLeg, type SimAgent, type SimCall, type SimChatInteraction, type SimInteraction } from './model.js'
import { Transfers } from './transfers.js'
import { restoreCenter, saveCenter, type SavedCenter } from './restore.js'
import { agentViews, callViews, queueViews } from './views.js'
import { CHAT_CHANNEL_ID, VOICE_CHANNEL, World } from './world.js'
import type { ChatMessage } from '../../schemas/chat.schema.js'
import type { SimChat as SimChatView } from '../../schemas/simulator.schema.js'

export { CHAT_CHANNEL_ID, VOICE_CHANNEL }

export interface SimulatorOptions {
  clock: Clock
  directory: DirectoryFile
  loginDelayMs: number
  log: Logger
  /** What the control face may put into the simulator (SIM_MAX_*): it can never be filled without bound. */
  limits?: Partial<SimulatorLimits>
  /** The chat channel (CHAT_MAX_PER_AGENT, CHAT_TRANSCRIPT_KEEP). */
  chat?: Partial<{ maxPerAgent: number, transcriptKeep: number }>
  /**
   * Real telephony under the model (the SIP connector, src/cti/sip): outside parties answer
   * when it says (`outsideAnswered`), not after a delay, and it hears of every change.
   */
  media?: MediaPlane
}

/**
 * Telephony that carries out what the contact center's model decides and tells it what
 * happened on the wire. `sync` runs after every operation (a request, a control, a timer, and
 * what `media` itself reported), once routing is done; it must not throw.
 */
export interface MediaPlane {
  sync: (world: World) => void
}

export interface SimulatorLimits {
  /** SIM_MAX_CALLS: calls held at once; placing one more is RATE_LIMITED. */
  maxCalls: number
  /** SIM_MAX_DATA_BYTES: the largest attached data of a placed call, as JSON. */
  maxDataBytes: number
  /** SIM_MAX_QUEUE_MS: a caller waits this long in a queue, then hangs up. */
  maxQueueMs: number
  /** SIM_MAX_CHATS: chats held at once; starting one more is RATE_LIMITED. */
  maxChats: number
}

const DEFAULT_LIMITS: SimulatorLimits = { maxCalls: 500, maxDataBytes: 4096, maxQueueMs: 600_000, maxChats: 500 }

const DEFAULT_SETTINGS: CtiSessionSettings = { ringNoAnswerMs: 15000, wrapUpMs: null, afterWrapUp: 'ready', afterWrapUpReason: null }

/**
 * The built-in contact-center simulator: an in-process CTI with an agent directory, queues and
 * ACD routing, inbound and outbound calls, hold, consult, transfer, conference, recording,
 * ring-no-answer and wrap-up, on an injected clock. It implements the CTI adapter port, and
 * offers a control API (place a call, hang up as the caller, look) for people and tests.
 *
 * Every change to the contact center is an operation (`#operate`): a port request, a control
 * request or a timer; routing (the ACD) follows each one, whether it succeeded or not.
 */
export class Simulator implements CtiPort {
  readonly vendor = 'his-cti-server simulator'
  readonly version = '1.0'
  readonly directory: Directory
  readonly clock: Clock
  readonly #world: World
  readonly #calls: Calls
  readonly #interactions: Interactions
  readonly #transfers: Transfers
  readonly #acd: Acd
  readonly #chats: Chats
  readonly #loginDelayMs: number
  readonly #limits: SimulatorLimits
  readonly #log: Logger
  readonly #media: MediaPlane | undefined

  constructor (options: SimulatorOptions) {
    this.clock = options.clock
    this.directory = new Directory(options.directory)
    this.#loginDelayMs = options.loginDelayMs
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits }
    this.#log = options.log
    if (options.directory.lockout !== undefined) this.#log.warn({}, 'the directory\'s lockout is ignored: the server throttles failed logins per source (LOGIN_FAILURES_PER_AGENT, LOGIN_LOCKOUT_MS)')
    this.#world = new World(options.directory, options.clock, options.log, work => { this.#operate(work) })
    this.#calls = new Calls(this.#world, this.#limits.maxQueueMs)
    this.#interactions = new Interactions(this.#world, this.#calls)
    this.#calls.abandon = call => { this.#interactions.hangup(call) }
    this.#transfers = new Transfers(this.#world, this.#calls, this.#interactions)
    this.#acd = new Acd(this.#world, this.#calls, this.#interactions)
    this.#chats = new Chats(this.#world, {
      maxPerAgent: options.chat?.maxPerAgent ?? 3,
      transcriptKeep: options.chat?.transcriptKeep ?? 100,
      maxChats: this.#limits.maxChats,
      maxQueueMs: this.#limits.maxQueueMs
    })
    this.#world.chatEnabled = this.#chats.enabled
    this.#media = options.media
    if (this.#media !== undefined) this.#world.outsideAnswers = false
    for (const profile of options.directory.agents) {
      this.#world.agents.set(profile.id, {
        profile,
        state: 'logged_out',
        reason: null,
        stateSince: options.clock.now(),
        pendingLogout: null,
        loggingIn: undefined,
        idleSince: 0,
        listener: undefined,
        settings: DEFAULT_SETTINGS,
        after: { state: 'not_ready', reason: null },
        interactions: new Map(),
        chat: { state: 'not_ready', reason: null, idleSince: 0 },
        chats: new Map()
      })
    }
  }

  /** Runs one change to the contact center, then routes waiting calls (even when it failed). */
  #operate<T> (work: () => T): T {
    try {
      return work()
    } finally {
      this.#acd.dispatch()
      this.#chats.dispatch()
      this.#media?.sync(this.#world)
    }
  }

  /** What a restart must not lose (restore.ts): the logged-in agents, calls that are up, wrap-ups. */
  save (): SavedCenter {
    return saveCenter(this.#world)
  }

  /** Rebuilds what `save` kept, before any server attaches; returns the calls rebuilt. */
  restore (saved: SavedCenter): SimCall[] {
    return this.#operate(() => restoreCenter(this.#world, saved, ix => { if (ix.state === 'ENDED') this.#interactions.complete(ix, null, 'timeout') }))
  }

  /** The contact center's state, for a media plane to read (never to change: operations do). */
  get world (): World {
    return this.#world
  }

  /**
   * A call offered to an agent could not ring at their phone (not registered, gone, no answer
   * from it): as a ring-no-answer, the agent goes not ready (RNA) and the call is offered again.
   */
  unreachable (agentId: string, interactionId: string): void {
    const ix = this.#agent(agentId).interactions.get(interactionId)
    if (ix === undefined) throw new INVALID_TARGET(`no interaction ${interactionId}`)
    this.#operate(() => { this.#interactions.ringNoAnswer(ix) })
  }

  /** An outside party ringing on a call answered (a media plane's telephony said so). */
  outsideAnswered (callId: string): void {
    const call = this.#world.calls.get(callId)
    const leg = call?.legs.find(l => l.kind === 'external' && l.state === 'alerting')
    if (leg === undefined || leg.kind !== 'external') throw new INVALID_STATE(`no outside party rings on call ${callId}`)
    this.#operate(() => { this.#interactions.connectOutside(leg) })
  }

  capabilities (): Record<string, string> {
    return {
      'channel-groups-supported': 'false',
      'channel-groups-max-per-agent': '0',
      'channel-groups-media-types': '',
      'single-channels-supported': 'true',
      'single-channels-media-types': this.#chats.enabled ? 'voice,chat' : 'voice',
      'channel-actions': 'first',
      'voice-max-per-agent': '1',
      'chat-max-per-agent': String(this.#chats.maxPerAgent)
    }
  }

  reasonCodes (): readonly ReasonCode[] {
    return this.directory.reasonCodes
  }

  async authenticate (agentId: string, password: string): Promise<AuthResult> {
    return this.directory.authenticate(agentId, password)
  }

  /** The embedded simulator's health never changes. */
  watch (_listener: (health: CtiHealth) => void): () => void {
    return () => {}
  }

  health (): CtiHealth {
    return { ok: true, detail: `simulator with ${this.#world.agents.size} agents, ${this.#world.calls.size} calls` }
  }

  attach (agentId: string, listener: CtiListener): () => void {
    const agent = this.#agent(agentId)
    agent.listener = listener
    this.#chats.wake()
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
    const w = this.#world
    agent.loggingIn = w.timer(this.#loginDelayMs, () => {
      agent.loggingIn = undefined
      agent.after = { state: 'not_ready', reason: null }
      this.#log.info({ agentId }, 'simulated agent logged in')
      w.sessionEvent(agent, { name: 'session.started', data: { agentId, extension: agent.profile.extension } })
      w.channelEvent(agent, { name: 'channel.activated', data: { media: 'voice', extension: agent.profile.extension } })
      w.setAgentState(agent, 'not_ready', null)
      this.#chats.activate(agent)
    })
  }

  async logout (agentId: string, reason: string): Promise<void> {
    const agent = this.#agent(agentId)
    if (this.#cancelLogin(agent)) return
    if (agent.state === 'logged_out') throw new INVALID_STATE(`agent ${agentId} is not logged in`)
    if (agent.interactions.size > 0) throw new INVALID_STATE('the agent has calls; release and complete them first')
    if (agent.chats.size > 0) throw new INVALID_STATE('the agent has chats; end and complete them first')
    this.#operate(() => { this.#world.logOut(agent, reason) })
  }

  async logoutWhenIdle (agentId: string, reason: string): Promise<'done' | 'pending'> {
    const agent = this.#agent(agentId)
    if (this.#cancelLogin(agent) || agent.state === 'logged_out') return 'done'
    return this.#operate(() => {
      const w = this.#world
      if (agent.interactions.size === 0 && agent.chats.size === 0) {
        w.logOut(agent, reason)
        return 'done'
      }
      agent.pendingLogout = reason
      w.sessionEvent(agent, { name: 'session.pendinglogout', data: { reason } })
      this.#log.info({ agentId, reason }, 'simulated agent logs out after the last call')
      // Nobody is left to end an untimed wrap-up: it ends now (a timed one runs its course).
      for (const ix of [...agent.interactions.values()]) {
        if (ix.state === 'ENDED' && ix.wrapUp === undefined) this.#interactions.complete(ix, null, 'timeout')
      }
      this.#chats.completeUntimed(agent)
      return agent.state === 'logged_out' ? 'done' : 'pending'
    })
  }

  async cancelLogout (agentId: string): Promise<void> {
    const agent = this.#agent(agentId)
    if (agent.pendingLogout === null) return
    this.#operate(() => {
      agent.pendingLogout = null
      this.#chats.wake()
      this.#world.sessionEvent(agent, { name: 'session.pendinglogout', data: { reason: null } })
      this.#log.info({ agentId }, 'pending logout called off')
    })
  }

  async snapshot (agentId: string): Promise<AgentSnapshot> {
    const agent = this.#agent(agentId)
    const w = this.#world
    const loggedIn = agent.state !== 'logged_out'
    return {
      agentId,
      loggedIn,
      loggingIn: agent.loggingIn !== undefined,
      state: agent.state,
      reason: agent.reason,
      since: new Date(agent.stateSince).toISOString(),
      pendingLogout: agent.pendingLogout,
      channels: !loggedIn
        ? []
        : [
            { channelId: VOICE_CHANNEL, media: 'voice', extension: agent.profile.extension },
            ...(this.#chats.enabled && agent.loggingIn === undefined
              ? [{ channelId: CHAT_CHANNEL_ID, media: 'chat', state: agent.chat.state, reason: agent.chat.reason, chats: agent.chats.size, max: this.#chats.maxPerAgent }]
              : [])
          ],
      interactions: [
        ...[...agent.interactions.values()].map(ix => ({ channelId: VOICE_CHANNEL, origin: ix.origin, interactionid: ix.id, ...w.picture(ix) })),
        ...[...agent.chats.values()].map(ix => ({ channelId: CHAT_CHANNEL_ID, origin: ix.origin, interactionid: ix.id, ...this.#chats.picture(ix) }))
      ]
    }
  }

  async configure (agentId: string, settings: CtiSessionSettings): Promise<void> {
    this.#agent(agentId).settings = settings
  }

  /** A login still under way is called off (quietly: the agent never was logged in). */
  #cancelLogin (agent: SimAgent): boolean {
    if (agent.loggingIn === undefined) return false
    this.clock.clear(agent.loggingIn)
    agent.loggingIn = undefined
    return true
  }

  async execute (agentId: string, request: CtiRequest): Promise<CtiResult | undefined> {
    const agent = this.#agent(agentId)
    if (agent.state === 'logged_out') throw new INVALID_STATE('the agent is not logged in')
    if (request.channelId === CHAT_CHANNEL_ID && this.#chats.enabled) return this.#operate(() => this.#executeChat(agent, request))
    return this.#operate(() => this.#execute(agent, request))
  }

  /** A request on the chat channel or one of its chats. */
  #executeChat (agent: SimAgent, request: CtiRequest): CtiResult | undefined {
    const chats = this.#chats
    const chat = (): CtiResult & { ix: SimChatInteraction } => {
      const ix = this.chatOf(agent, request.interactionId)
      return { interactionId: ix.id, ix }
    }
    const on = (act: (ix: SimChatInteraction) => void): CtiResult => {
      const { ix, interactionId } = chat()
      act(ix)
      return { interactionId }
    }
    switch (request.command) {
      case 'channel.ready':
        chats.setReadiness(agent, 'ready', null)
        return undefined
      case 'channel.notready':
        chats.setReadiness(agent, 'not_ready', this.#chosenReason(request.data.reason))
        return undefined
      case 'interaction.accept': return on(ix => { chats.accept(ix) })
      case 'interaction.reject': return on(ix => { chats.reject(ix) })
      case 'interaction.terminate': return on(ix => { chats.terminate(ix) })
      case 'interaction.clear': {
        if (request.data.resource !== undefined) throw new UNSUPPORTED('a chat has one other party, the customer: interaction.clear takes no resource on a chat')
        const { ix, interactionId } = chat()
        chats.terminate(ix)
        return { interactionId, resource: agent.profile.extension }
      }
      case 'interaction.complete': return on(ix => { chats.complete(ix, request.data.disposition ?? null, 'agent') })
      case 'interaction.setdata': return on(ix => { chats.setData(ix, request.data.data) })
      case 'interaction.singlesteptransfer': return on(ix => { chats.transfer(ix, request.data.destination) })
      case 'interaction.associate': return on(ix => {
        agent.listener?.({ agentId: agent.profile.id, scope: 'interaction', channelId: CHAT_CHANNEL_ID, interactionId: ix.id, name: 'interaction.restored', data: chats.picture(ix) })
      })
      case 'chat.send': return on(ix => { chats.send(ix, request.data.text) })
      case 'chat.typing': return on(ix => { chats.typing(ix, request.data.typing) })
      default:
        throw new UNSUPPORTED(`${request.command} is not something a chat can do`)
    }
  }

  /** One of the agent's chats, by its interaction id. */
  chatOf (agent: SimAgent, interactionId: string | undefined): SimChatInteraction {
    const ix = interactionId === undefined ? undefined : agent.chats.get(interactionId)
    if (ix === undefined) throw new INVALID_TARGET(`no chat ${interactionId ?? ''}`)
    return ix
  }

  #execute (agent: SimAgent, request: CtiRequest): CtiResult | undefined {
    const ix = this.#interactions
    const tx = this.#transfers
    switch (request.command) {
      case 'session.ready':
      case 'channel.ready':
        this.#setChosenState(agent, 'ready', null)
        return undefined
      case 'session.notready':
      case 'channel.notready':
        this.#setChosenState(agent, 'not_ready', this.#chosenReason(request.data.reason))
        return undefined
      case 'channel.dial':
        return { interactionId: ix.dial(agent, request.data.destination, request.data.extensions ?? {}).id }
      case 'interaction.accept': {
        const interaction = this.#interaction(agent, request)
        const primary = interaction.primary
        if (primary === undefined) throw new INVALID_STATE(`interaction ${interaction.id} has no call`)
        ix.answer(primary)
        return { interactionId: interaction.id }
      }
      case 'interaction.reject': return this.#on(agent, request, i => { ix.reject(i) })
      case 'interaction.redirect': return this.#on(agent, request, i => { ix.redirect(i, request.data.destination) })
      case 'interaction.pick': return { interactionId: ix.pick(agent, request.data.destination).id }
      case 'interaction.associate': return this.#on(agent, request, i => {
        this.#world.ixEvent(i, { name: 'interaction.restored', data: this.#world.picture(i) })
      })
      case 'interaction.terminate': return this.#on(agent, request, i => { ix.terminate(i) })
      case 'interaction.clear': {
        const interaction = this.#interaction(agent, request)
        return { interactionId: interaction.id, resource: ix.clear(interaction, request.data.resource) }
      }
      case 'interaction.singlesteptransfer': return this.#onPrimary(agent, request, l => { tx.transfer(l, request.data.destination) })
      case 'interaction.singlestepconference': return this.#onPrimary(agent, request, l => { tx.conference(l, request.data.destination) })
      case 'interaction.complete': return this.#on(agent, request, i => { ix.complete(i, request.data.disposition ?? null, 'agent') })
      case 'interaction.setdata': return this.#on(agent, request, i => { ix.setData(i, request.data.data) })
      case 'interaction.consult': return this.#on(agent, request, i => { tx.consult(i, request.data.destination) })
      case 'interaction.consulttransfer': return this.#on(agent, request, i => { tx.consultTransfer(i) })
      case 'interaction.consultconference': return this.#on(agent, request, i => { tx.consultConference(i) })
      case 'interaction.alternate': return this.#on(agent, request, i => { tx.alternate(i) })
      case 'interaction.request.recording.start': return this.#on(agent, request, i => { ix.recording(i, 'start') })
      case 'interaction.request.recording.stop': return this.#on(agent, request, i => { ix.recording(i, 'stop') })
      case 'interaction.request.recording.pause': return this.#on(agent, request, i => { ix.recording(i, 'pause') })
      case 'interaction.request.recording.resume': return this.#on(agent, request, i => { ix.recording(i, 'resume') })
      case 'conversation.answer': return this.#onLeg(agent, request, l => { ix.answer(l) })
      case 'conversation.release': return this.#onLeg(agent, request, l => { ix.release(l) })
      case 'conversation.hold': return this.#onLeg(agent, request, l => { ix.hold(l) })
      case 'conversation.retrieve': return this.#onLeg(agent, request, l => { ix.retrieve(l) })
      case 'conversation.transfer': return this.#onLeg(agent, request, l => { tx.transfer(l, request.data.destination) })
      case 'conversation.conference': return this.#onLeg(agent, request, l => { tx.conference(l, request.data.destination) })
      case 'conversation.dtmf': return this.#onLeg(agent, request, l => { ix.dtmf(l, request.data.digits) })
      case 'chat.send':
      case 'chat.typing':
        throw new INVALID_TARGET(`${request.command} is for chats (the ${CHAT_CHANNEL_ID} channel), not calls`)
      case 'session.login':
      case 'session.logout':
      case 'session.dispose':
        // The processor carries these out through login and logout; they never reach execute.
        throw new UNSUPPORTED(`the simulator does not support ${request.command}`)
      default: {
        const unhandled: never = request
        throw new UNSUPPORTED(`the simulator does not support ${JSON.stringify(unhandled)}`)
      }
    }
  }

  /** An interaction request: acts on the request's interaction, returns it. */
  #on (agent: SimAgent, request: CtiRequest, act: (ix: SimInteraction) => void): CtiResult {
    const ix = this.#interaction(agent, request)
    act(ix)
    return { interactionId: ix.id }
  }

  /** A single-step request on an interaction: acts on its primary conversation. */
  #onPrimary (agent: SimAgent, request: CtiRequest, act: (leg: AgentLeg) => void): CtiResult {
    const ix = this.#interaction(agent, request)
    if (ix.primary === undefined) throw new INVALID_STATE(`interaction ${ix.id} has no call`)
    act(ix.primary)
    return { interactionId: ix.id }
  }

  /** A conversation request: acts on the request's conversation, returns its interaction. */
  #onLeg (agent: SimAgent, request: CtiRequest, act: (leg: AgentLeg) => void): CtiResult {
    const ix = this.#interaction(agent, request)
    const leg = legsOf(ix).find(l => l.id === request.conversationId)
    if (leg === undefined) throw new INVALID_TARGET(`no conversation ${request.conversationId ?? ''} in ${ix.id}`)
    act(leg)
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

  close (): void {
    for (const agent of this.#world.agents.values()) {
      this.clock.clear(agent.loggingIn)
      agent.loggingIn = undefined
    }
    for (const call of this.#world.calls.values()) {
      this.clock.clear(call.patience)
      for (const leg of call.legs) this.clock.clear(leg.timer)
    }
    this.#chats.close()
  }

  // ---- control API (the simulator routes) -----------------------------------------------------

  /** A caller rings: into a queue (the ACD picks an agent) or straight to an agent's extension. */
  placeCall (request: SimPlaceCall): SimCall {
    const { maxCalls, maxDataBytes } = this.#limits
    if (this.#world.calls.size >= maxCalls) throw rateLimited(`the simulator holds ${this.#world.calls.size} calls, its limit (SIM_MAX_CALLS)`, 1000)
    const dataBytes = Buffer.byteLength(JSON.stringify(request.data ?? {}))
    if (dataBytes > maxDataBytes) throw new INVALID_MESSAGE(`attached data of ${dataBytes} bytes; the limit is ${maxDataBytes} (SIM_MAX_DATA_BYTES)`)
    return this.#operate(() => {
      const w = this.#world
      if (request.to !== undefined) {
        const agent = w.agentByExtension(request.to) ?? w.agents.get(request.to)
        if (agent === undefined) throw new INVALID_MESSAGE(`no agent with extension ${request.to}`)
        if (!w.isAvailable(agent, false) || onCall(agent)) {
          throw new INVALID_STATE(`extension ${agent.profile.extension} (${agent.profile.id}) is not available`)
        }
        const call = this.#calls.create(request.from, agent.profile.extension, request.queue, request.data ?? {})
        this.#calls.external(call, request.from, 'connected')
        this.#interactions.offer(call, agent, 'inbound')
        return call
      }
      const queueId = request.queue ?? w.queues.keys().next().value
      if (queueId === undefined || !w.queues.has(queueId)) {
        throw new INVALID_MESSAGE(`no queue ${String(queueId)}; queues: ${[...w.queues.keys()].join(', ')}`)
      }
      const call = this.#calls.create(request.from, queueId, queueId, request.data ?? {})
      this.#calls.external(call, request.from, 'connected')
      this.#calls.enqueue(call)
      this.#log.info({ callId: call.id, queue: queueId }, 'call queued')
      return call
    })
  }

  /** The caller (the outside party) hangs up. */
  hangup (callId: string): void {
    const call = this.#world.calls.get(callId)
    if (call === undefined) throw new UNKNOWN_RESOURCE(`no call ${callId}`)
    this.#operate(() => { this.#interactions.hangup(call) })
  }

  /** A customer starts a chat (POST /simulator/chats). */
  startChat (request: StartChat): SimChatView {
    const dataBytes = Buffer.byteLength(JSON.stringify(request.data ?? {}))
    if (dataBytes > this.#limits.maxDataBytes) throw new INVALID_MESSAGE(`attached data of ${dataBytes} bytes; the limit is ${this.#limits.maxDataBytes} (SIM_MAX_DATA_BYTES)`)
    return this.#operate(() => this.#chats.view(this.#chats.start(request)))
  }

  /** The customer writes in their chat. */
  chatMessage (chatId: string, text: string): ChatMessage {
    return this.#operate(() => this.#chats.customerWrites(chatId, text))
  }

  chatTyping (chatId: string, typing: boolean): void {
    this.#operate(() => { this.#chats.customerTyping(chatId, typing) })
  }

  /** The customer leaves their chat. */
  leaveChat (chatId: string): void {
    this.#operate(() => { this.#chats.customerLeaves(chatId) })
  }

  chats (): SimChatView[] {
    return this.#chats.views()
  }

  chat (chatId: string): SimChatView {
    return this.#chats.view(this.#chats.find(chatId))
  }

  agents (): SimAgentView[] {
    return agentViews(this.#world)
  }

  calls (): SimCallView[] {
    return callViews(this.#world)
  }

  queues (): SimQueueView[] {
    return queueViews(this.#world)
  }

  /** The interaction rules on the simulator's truth (invariants.ts); what is broken. */
  violations (): string[] {
    return interactionViolations(this.#world)
  }

  /** Whether each agent's state follows from their interactions (invariants.ts); what is broken. */
  agentStateViolations (): string[] {
    return agentStateViolations(this.#world)
  }

  /** A not-ready reason an agent may choose (or none); INVALID_MESSAGE for any other. */
  #chosenReason (reason: string | undefined): string | null {
    if (reason !== undefined && !this.directory.reasonCodes.some(r => r.code === reason && r.system !== true)) {
      throw new INVALID_MESSAGE(`unknown not-ready reason ${JSON.stringify(reason)}; known: ${this.#agentReasons().join(', ')}`)
    }
    return reason ?? null
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
