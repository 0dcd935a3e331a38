import type { Clock, TimerHandle } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { CtiEventData, CtiEventName } from '../../schemas/events.schema.js'
import type { AgentState, ConversationState, InteractionState } from '../../schemas/vocabulary.js'
import type { CtiEventBody } from '../port.js'
import type { DirectoryFile } from './directory.js'
import type { AgentLeg, SimAgent, SimCall, SimInteraction, SimLeg, SimQueue } from './model.js'
import { callsOf, isLive, legsOf, onCall } from './model.js'

export const VOICE_CHANNEL = 'voice'
/** The chat channel's id (chats.ts): there when the simulator offers chat. */
export const CHAT_CHANNEL_ID = 'chat'

/** Where the simulator's timers go: a timer's work, and whatever must follow it (routing). */
export type Operate = (work: () => void) => void

/**
 * The simulator's state and the one way it speaks to agents. Operations (calls.ts,
 * interactions.ts, transfers.ts, acd.ts) change the state first and then call these helpers, so
 * every event describes a state that already holds. Every event is one of the catalogue's
 * (`CTI_EVENTS`), with its data checked at compile time.
 */
export class World {
  readonly agents = new Map<string, SimAgent>()
  readonly calls = new Map<string, SimCall>()
  readonly queues = new Map<string, SimQueue>()
  readonly clock: Clock
  readonly log: Logger
  /** How long an outside number takes to answer. */
  readonly outsideAnswerMs: number
  /** Whether agents have a chat channel (CHAT_MAX_PER_AGENT > 0). */
  chatEnabled = false
  /**
   * Whether outside parties answer by themselves after `outsideAnswerMs` (the simulator), or
   * when real telephony says so (a media plane: `Simulator.outsideAnswered`).
   */
  outsideAnswers = true
  readonly #seq = { call: 0, leg: 0, ix: 0 }
  readonly #operate: Operate

  constructor (directory: DirectoryFile, clock: Clock, log: Logger, operate: Operate) {
    this.clock = clock
    this.log = log
    this.#operate = operate
    this.outsideAnswerMs = (directory.outsideAnswerSeconds ?? 3) * 1000
    for (const q of directory.queues) this.queues.set(q.id, { id: q.id, name: q.name, waiting: [], chats: [] })
  }

  nextId (kind: 'call' | 'leg' | 'ix'): string {
    return `${kind}-${++this.#seq[kind]}`
  }

  /** An id restored from before a restart: new ids of its kind come after it. */
  seen (id: string): void {
    const match = /^(call|leg|ix)-(\d+)$/.exec(id)
    if (match === null) return
    const kind = match[1] as 'call' | 'leg' | 'ix'
    this.#seq[kind] = Math.max(this.#seq[kind], Number(match[2]))
  }

  /** A timer on the simulator clock; its work runs as an operation (routing follows it). */
  timer (ms: number, work: () => void): TimerHandle {
    return this.clock.setTimer(ms, () => { this.#operate(work) })
  }

  agentByExtension (extension: string): SimAgent | undefined {
    for (const agent of this.agents.values()) if (agent.profile.extension === extension) return agent
    return undefined
  }

  // ---- speaking to agents ---------------------------------------------------------------------

  /** An event about the agent's session. */
  sessionEvent (agent: SimAgent, event: CtiEventBody<'session'>): void {
    agent.listener?.({ agentId: agent.profile.id, scope: 'session', ...event })
  }

  /** An event about the agent's voice channel. */
  channelEvent (agent: SimAgent, event: CtiEventBody<'channel'>): void {
    agent.listener?.({ agentId: agent.profile.id, scope: 'channel', channelId: VOICE_CHANNEL, ...event })
  }

  /** An event about an interaction (target `<session>.voice.<interaction>`). */
  ixEvent (ix: SimInteraction, event: CtiEventBody<'interaction'>): void {
    ix.agent.listener?.({ agentId: ix.agent.profile.id, scope: 'interaction', channelId: VOICE_CHANNEL, interactionId: ix.id, ...event })
  }

  /** An event about one of an interaction's conversations (an agent leg), in its state or `state`. */
  legEvent (leg: AgentLeg, name: CtiEventName<'conversation'>, state: ConversationState = leg.state): void {
    const ix = leg.interaction
    ix.agent.listener?.({
      agentId: ix.agent.profile.id,
      scope: 'conversation',
      channelId: VOICE_CHANNEL,
      interactionId: ix.id,
      conversationId: leg.id,
      name,
      data: { role: leg.role, state }
    })
  }

  /** An interaction changes state (now). */
  moveIx (ix: SimInteraction, state: InteractionState): void {
    ix.state = state
    ix.stateSince = this.clock.now()
  }

  /** Everything a client needs to show an interaction as it is now (restored, snapshots). */
  picture (ix: SimInteraction): CtiEventData<'interaction', 'interaction.restored'> {
    const iso = (ms: number): string => new Date(ms).toISOString()
    return {
      ...this.ixState(ix),
      udata: { ...(ix.primary?.call.data ?? ix.endedData) },
      parties: [...ix.parties].map(([partyid, p]) => ({ partyid, focusresource: p.number, partystate: p.state })),
      startedAt: ix.startedAt === null ? null : iso(ix.startedAt),
      since: iso(ix.stateSince),
      wrapUpUntil: ix.wrapUpUntil === undefined ? null : iso(ix.wrapUpUntil)
    }
  }

  /** The interaction's whole state, as `interaction.added` and its `state.updated` carry it. */
  ixState (ix: SimInteraction): CtiEventData<'interaction', 'state.updated'> {
    return {
      state: ix.state,
      direction: ix.direction,
      from: ix.from,
      to: ix.to,
      queue: ix.queueId ?? null,
      recording: ix.primary?.call.recording ?? 'off',
      conversations: legsOf(ix).map(l => ({ conversationid: l.id, role: l.role, state: l.state }))
    }
  }

  ixStateUpdated (ix: SimInteraction): void {
    this.ixEvent(ix, { name: 'state.updated', data: this.ixState(ix) })
  }

  /**
   * Reports the remote parties of an interaction that changed since it was last told: every leg
   * on its calls other than its own.
   */
  syncParties (ix: SimInteraction): void {
    if (!isLive(ix)) return
    const own = new Set<SimLeg>(legsOf(ix))
    const now = new Map<string, SimLeg>()
    for (const call of callsOf(ix)) for (const leg of call.legs) if (!own.has(leg)) now.set(leg.id, leg)
    for (const [id, party] of ix.parties) {
      const leg = now.get(id)
      if (leg === undefined) {
        ix.parties.delete(id)
        this.ixEvent(ix, { name: 'interaction.partydeleted', data: { focusresource: party.number, partyid: id, partystate: 'disconnected' } })
      } else if (leg.state !== party.state) {
        party.state = leg.state
        this.ixEvent(ix, { name: 'interaction.partystatechanged', data: { focusresource: leg.number, partyid: id, partystate: leg.state, hints: {} } })
      }
    }
    for (const [id, leg] of now) {
      if (!ix.parties.has(id)) {
        ix.parties.set(id, { state: leg.state, number: leg.number })
        this.ixEvent(ix, { name: 'interaction.partyadded', data: { focusresource: leg.number, partyid: id, partystate: leg.state } })
      }
    }
  }

  /** Reports party changes to every agent on a call. */
  syncCall (call: SimCall): void {
    for (const leg of [...call.legs]) if (leg.kind === 'agent') this.syncParties(leg.interaction)
  }

  // ---- agent state ----------------------------------------------------------------------------

  setAgentState (agent: SimAgent, state: AgentState, reason: string | null): void {
    if (agent.state === state && agent.reason === reason) return
    agent.state = state
    agent.reason = reason
    agent.stateSince = this.clock.now()
    if (state === 'ready') agent.idleSince = this.clock.now()
    this.sessionEvent(agent, { name: 'state.updated', data: { state, reason } })
  }

  /**
   * Derives the agent's state from their interactions: busy while one is live, wrap-up while
   * one is ended but not completed, else the state they chose (or the model set) for after.
   */
  refreshAgent (agent: SimAgent): void {
    if (agent.state === 'logged_out') return
    if (agent.pendingLogout !== null && agent.interactions.size === 0 && agent.chats.size === 0) {
      this.logOut(agent, agent.pendingLogout)
      return
    }
    if (onCall(agent)) {
      if (agent.state === 'ready' || agent.state === 'not_ready') agent.after = { state: agent.state, reason: agent.reason }
      this.setAgentState(agent, 'busy', null)
    } else if ([...agent.interactions.values()].some(ix => ix.state === 'ENDED')) {
      this.setAgentState(agent, 'wrap_up', null)
    } else {
      this.setAgentState(agent, agent.after.state, agent.after.reason)
    }
  }

  /**
   * The agent leaves (a logout, or a pending one whose last call ended): out first, quietly,
   * then told. Their interactions and chats must be gone.
   */
  logOut (agent: SimAgent, reason: string): void {
    agent.state = 'logged_out'
    agent.reason = null
    agent.stateSince = this.clock.now()
    agent.pendingLogout = null
    this.sessionEvent(agent, { name: 'state.updated', data: { state: 'logged_out', reason: null } })
    this.channelEvent(agent, { name: 'channel.deactivated', data: {} })
    if (this.chatEnabled) {
      agent.chat = { state: 'not_ready', reason: null, idleSince: agent.chat.idleSince }
      agent.listener?.({ agentId: agent.profile.id, scope: 'channel', channelId: CHAT_CHANNEL_ID, name: 'channel.deactivated', data: {} })
    }
    this.sessionEvent(agent, { name: 'session.ended', data: { reason } })
    this.log.info({ agentId: agent.profile.id, reason }, 'simulated agent logged out')
  }

  /** Whether an agent can be offered or receive a call now (never while a logout waits). */
  isAvailable (agent: SimAgent, readyOnly: boolean): boolean {
    if (agent.listener === undefined || agent.loggingIn !== undefined || agent.pendingLogout !== null) return false
    if (readyOnly) return agent.state === 'ready'
    return agent.state === 'ready' || agent.state === 'not_ready'
  }
}
