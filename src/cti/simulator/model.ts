import type { TimerHandle } from '../../core/clock.js'
import type { CtiListener, CtiSessionSettings } from '../port.js'
import type { DirectoryAgent } from './directory.js'

/**
 * The simulated contact center's truth: agents, calls and the legs that join them, and each
 * agent's interactions. The simulator changes these atomically, then tells the agents.
 */
export const AGENT_STATES = ['logged_out', 'not_ready', 'ready', 'busy', 'wrap_up'] as const
export type AgentState = typeof AGENT_STATES[number]

export type InteractionState = 'ALERTING' | 'DIALING' | 'STARTED' | 'ENDED' | 'COMPLETED'
export type LegState = 'dialing' | 'alerting' | 'connected' | 'held'
export type Recording = 'off' | 'on' | 'paused'
export type Direction = 'inbound' | 'outbound' | 'internal' | 'consult' | 'transfer' | 'conference'
export type AttachedData = Record<string, string | number | boolean>

export interface SimAgent {
  readonly profile: DirectoryAgent
  state: AgentState
  reason: string | null
  loggingIn: TimerHandle | undefined
  /** When the agent last became ready (longest-idle routing). */
  idleSince: number
  listener: CtiListener | undefined
  settings: CtiSessionSettings
  /** The agent state to return to once no interaction is left. */
  after: { state: 'ready' | 'not_ready', reason: string | null }
  readonly interactions: Map<string, SimInteraction>
}

/** One participant of a call: an outside number, or an agent's conversation. */
export interface SimLeg {
  readonly id: string
  call: SimCall
  readonly kind: 'external' | 'agent'
  /** The outside number, or the agent's extension. */
  readonly number: string
  state: LegState
  /** Agent legs: the interaction this leg is a conversation of, and its role there. */
  interaction?: SimInteraction
  role?: 'primary' | 'consult'
  /** Pending timer: ring-no-answer (agent legs) or the outside party answering. */
  timer?: TimerHandle
}

export interface SimCall {
  readonly id: string
  readonly from: string
  readonly to: string
  /** The queue the call came through, if any (where it goes back on ring-no-answer). */
  queueId: string | undefined
  /** Waiting in queueId for an agent. */
  queued: boolean
  queuedAt: number
  data: AttachedData
  recording: Recording
  legs: SimLeg[]
  /** Agents who let this call ring out or rejected it: offered to others first. */
  readonly declinedBy: Set<string>
  ended: boolean
}

export interface SimInteraction {
  readonly id: string
  readonly agent: SimAgent
  state: InteractionState
  readonly direction: Direction
  readonly from: string
  readonly to: string
  readonly queueId: string | undefined
  primary: SimLeg | undefined
  consult: SimLeg | undefined
  /** Whether it ever reached STARTED (only those get wrap-up). */
  started: boolean
  /** Remote parties last reported to the agent: leg id → party state. */
  readonly parties: Map<string, string>
  wrapUp?: TimerHandle
}

export interface SimQueue {
  readonly id: string
  readonly name: string
  readonly waiting: SimCall[]
}

/** The calls an interaction takes part in (its primary's and its consult's). */
export function callsOf (ix: SimInteraction): SimCall[] {
  const calls: SimCall[] = []
  if (ix.primary !== undefined) calls.push(ix.primary.call)
  if (ix.consult !== undefined && !calls.includes(ix.consult.call)) calls.push(ix.consult.call)
  return calls
}

/** Whether an interaction is live (not ENDED or COMPLETED). */
export function isLive (ix: SimInteraction): boolean {
  return ix.state === 'ALERTING' || ix.state === 'DIALING' || ix.state === 'STARTED'
}
