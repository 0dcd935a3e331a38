import type { Clock, TimerHandle } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { CtiEvent } from '../port.js'
import type { DirectoryFile } from './directory.js'
import type { AgentState, SimAgent, SimCall, SimInteraction, SimLeg, SimQueue } from './model.js'
import { callsOf, isLive } from './model.js'

export const VOICE_CHANNEL = 'voice'

/**
 * The simulator's state and the one way it speaks to agents. Operations (telephony.ts, acd.ts)
 * change the state first and then call these helpers, so every event describes a state that
 * already holds.
 */
export class World {
  readonly agents = new Map<string, SimAgent>()
  readonly calls = new Map<string, SimCall>()
  readonly queues = new Map<string, SimQueue>()
  readonly clock: Clock
  readonly log: Logger
  /** Seconds an outside number takes to answer. */
  readonly outsideAnswerMs: number
  readonly #seq = { call: 0, leg: 0, ix: 0 }
  /** Runs after every timer the simulator set has fired (the ACD routes then). */
  afterTimer: () => void = () => {}

  constructor (directory: DirectoryFile, clock: Clock, log: Logger) {
    this.clock = clock
    this.log = log
    this.outsideAnswerMs = (directory.outsideAnswerSeconds ?? 3) * 1000
    for (const q of directory.queues) this.queues.set(q.id, { id: q.id, name: q.name, waiting: [] })
  }

  nextId (kind: 'call' | 'leg' | 'ix'): string {
    const n = ++this.#seq[kind]
    return kind === 'ix' ? `ix-${n}` : `${kind}-${n}`
  }

  /** A timer on the simulator clock; whatever it changes, `afterTimer` runs after it. */
  timer (ms: number, fn: () => void): TimerHandle {
    return this.clock.setTimer(ms, () => {
      fn()
      this.afterTimer()
    })
  }

  agentByExtension (extension: string): SimAgent | undefined {
    for (const agent of this.agents.values()) if (agent.profile.extension === extension) return agent
    return undefined
  }

  // ---- speaking to agents ---------------------------------------------------------------------

  emit (agent: SimAgent, event: Omit<CtiEvent, 'agentId'>): void {
    agent.listener?.({ agentId: agent.profile.id, ...event })
  }

  /** An event about an interaction (target `<session>.voice.<interaction>`). */
  ixEvent (ix: SimInteraction, name: string, data: Record<string, unknown> = {}): void {
    this.emit(ix.agent, { name, channelId: VOICE_CHANNEL, interactionId: ix.id, data: { interactionid: ix.id, ...data } })
  }

  /** An event about one of an interaction's conversations (an agent leg). */
  legEvent (ix: SimInteraction, leg: SimLeg, name: string, data: Record<string, unknown> = {}): void {
    this.emit(ix.agent, {
      name,
      channelId: VOICE_CHANNEL,
      interactionId: ix.id,
      conversationId: leg.id,
      data: { interactionid: ix.id, conversationid: leg.id, role: leg.role, state: leg.state, ...data }
    })
  }

  /** The interaction's whole state, as `interaction.added` and its `state.updated` carry it. */
  ixState (ix: SimInteraction): Record<string, unknown> {
    const call = ix.primary?.call
    return {
      state: ix.state,
      direction: ix.direction,
      from: ix.from,
      to: ix.to,
      queue: ix.queueId ?? null,
      recording: call?.recording ?? 'off',
      conversations: [ix.primary, ix.consult]
        .filter((l): l is SimLeg => l !== undefined)
        .map(l => ({ conversationid: l.id, role: l.role, state: l.state }))
    }
  }

  ixStateUpdated (ix: SimInteraction): void {
    this.ixEvent(ix, 'state.updated', this.ixState(ix))
  }

  /**
   * Reports the remote parties of an interaction that changed since it was last told: every leg
   * on its calls other than its own.
   */
  syncParties (ix: SimInteraction): void {
    if (!isLive(ix)) return
    const own = new Set([ix.primary, ix.consult])
    const now = new Map<string, SimLeg>()
    for (const call of callsOf(ix)) for (const leg of call.legs) if (!own.has(leg)) now.set(leg.id, leg)
    for (const [id, partystate] of ix.parties) {
      if (!now.has(id)) {
        ix.parties.delete(id)
        this.ixEvent(ix, 'interaction.partydeleted', { partyid: id, partystate: 'disconnected' })
      } else {
        const leg = now.get(id) as SimLeg
        if (leg.state !== partystate) {
          ix.parties.set(id, leg.state)
          this.ixEvent(ix, 'interaction.partystatechanged', { focusresource: leg.number, partyid: id, partystate: leg.state })
        }
      }
    }
    for (const [id, leg] of now) {
      if (!ix.parties.has(id)) {
        ix.parties.set(id, leg.state)
        this.ixEvent(ix, 'interaction.partyadded', { focusresource: leg.number, partyid: id, partystate: leg.state })
      }
    }
  }

  /** Reports party changes to every agent on a call. */
  syncCall (call: SimCall): void {
    for (const leg of [...call.legs]) if (leg.interaction !== undefined) this.syncParties(leg.interaction)
  }

  // ---- agent state ----------------------------------------------------------------------------

  setAgentState (agent: SimAgent, state: AgentState, reason: string | null): void {
    if (agent.state === state && agent.reason === reason) return
    agent.state = state
    agent.reason = reason
    if (state === 'ready') agent.idleSince = this.clock.now()
    this.emit(agent, { name: 'state.updated', data: { state, reason } })
  }

  /**
   * Derives the agent's state from their interactions: busy while one is live, wrap-up while
   * one is ended but not completed, else the state they chose (or the model set) for after.
   */
  refreshAgent (agent: SimAgent): void {
    if (agent.state === 'logged_out') return
    const all = [...agent.interactions.values()]
    if (all.some(isLive)) {
      if (agent.state === 'ready' || agent.state === 'not_ready') agent.after = { state: agent.state, reason: agent.reason }
      this.setAgentState(agent, 'busy', null)
    } else if (all.some(ix => ix.state === 'ENDED')) {
      this.setAgentState(agent, 'wrap_up', null)
    } else {
      this.setAgentState(agent, agent.after.state, agent.after.reason)
    }
  }

  /** Whether an agent can be offered or receive a call now. */
  isAvailable (agent: SimAgent, readyOnly: boolean): boolean {
    if (agent.listener === undefined || agent.loggingIn !== undefined) return false
    if (readyOnly) return agent.state === 'ready'
    return agent.state === 'ready' || agent.state === 'not_ready'
  }
}
