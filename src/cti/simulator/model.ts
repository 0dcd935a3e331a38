import type { TimerHandle } from '../../core/clock.js'
import type { ChatMessage } from '../../schemas/chat.schema.js'
import type {
  AgentState, ChannelState, ConversationRole, Direction, InteractionState, LiveConversationState, RecordingState
} from '../../schemas/vocabulary.js'
import type { CtiListener, CtiSessionSettings } from '../port.js'
import type { DirectoryAgent } from './directory.js'

/**
 * The simulated contact center's truth: agents, calls and the legs that join them, and each
 * agent's interactions. The simulator changes these atomically, then tells the agents. States
 * use the protocol's vocabulary (src/schemas/vocabulary.ts).
 */
export type AttachedData = Record<string, string | number | boolean>

export interface SimAgent {
  readonly profile: DirectoryAgent
  state: AgentState
  reason: string | null
  /** When the agent entered `state`. */
  stateSince: number
  /** The reason of a logout that waits for the agent's last call and its wrap-up, or null. */
  pendingLogout: string | null
  loggingIn: TimerHandle | undefined
  /** When the agent last became ready (longest-idle routing). */
  idleSince: number
  listener: CtiListener | undefined
  settings: CtiSessionSettings
  /** The agent state to return to once no interaction is left. */
  after: { state: 'ready' | 'not_ready', reason: string | null }
  readonly interactions: Map<string, SimInteraction>
  /** The chat channel's own readiness (chats.ts), and when it last became ready (longest-idle routing). */
  chat: { state: ChannelState, reason: string | null, idleSince: number }
  /** The agent's chats: offered, live or in wrap-up (each one of CHAT_MAX_PER_AGENT). */
  readonly chats: Map<string, SimChatInteraction>
}

/** A customer's chat, as the customer has it: from the first message until they leave. */
export interface SimChat {
  readonly id: string
  /** The customer's name or address. */
  readonly from: string
  /** The queue it waits in (or came through); a transfer to a queue changes it. */
  queueId: string | undefined
  /** The extension it was started to (`to`), if any. */
  readonly to: string | undefined
  state: 'queued' | 'offered' | 'connected' | 'ended'
  queuedAt: number
  /** While queued: the customer gives up when it runs out (SIM_MAX_QUEUE_MS). */
  patience?: TimerHandle
  data: AttachedData
  /** The transcript, the last CHAT_TRANSCRIPT_KEEP messages, oldest first. */
  readonly messages: ChatMessage[]
  /** The agent's side now (offered or live), if any. */
  interaction: SimChatInteraction | undefined
  agentTyping: boolean
  /** Whether the customer left (the chat goes once no agent holds it). */
  left: boolean
  /** Whether an agent transferred it (its next offer is a `transfer`). */
  transferred: boolean
  /** Agents who let it ring out or rejected it: offered to others first. */
  readonly declinedBy: Set<string>
  messageSeq: number
}

/** One agent's part of a chat: an interaction of the chat channel (no conversations; one party, the customer). */
export interface SimChatInteraction {
  readonly id: string
  readonly agent: SimAgent
  readonly chat: SimChat
  state: InteractionState
  readonly direction: Direction
  readonly origin: 'offered'
  readonly to: string
  readonly queueId: string | undefined
  stateSince: number
  startedAt: number | null
  /** The customer's party id, and whether the customer is still in the chat. */
  readonly partyId: string
  customerHere: boolean
  /** The agent's own party in the chat (a call's counterpart: the agent's leg): who diverts or transfers it. */
  readonly agentPartyId: string
  ring?: TimerHandle
  wrapUp?: TimerHandle
  wrapUpUntil?: number
}

interface LegBase {
  readonly id: string
  call: SimCall
  /** The outside number, or the agent's extension. */
  readonly number: string
  state: LiveConversationState
  /** Pending timer: ring-no-answer (agent legs) or the outside party answering. */
  timer?: TimerHandle
}

/** An outside party of a call. */
export interface ExternalLeg extends LegBase {
  readonly kind: 'external'
}

/** An agent on a call: one conversation of one of the agent's interactions. */
export interface AgentLeg extends LegBase {
  readonly kind: 'agent'
  readonly interaction: SimInteraction
  readonly role: ConversationRole
}

/** One participant of a call. */
export type SimLeg = ExternalLeg | AgentLeg

export interface SimCall {
  readonly id: string
  readonly from: string
  readonly to: string
  /** The queue the call came through, if any (where it goes back on ring-no-answer). */
  queueId: string | undefined
  /** Waiting in queueId for an agent. */
  queued: boolean
  queuedAt: number
  /** The caller's patience: while queued, they hang up when it runs out (SIM_MAX_QUEUE_MS). */
  patience?: TimerHandle
  data: AttachedData
  recording: RecordingState
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
  /** How it began: it rang at the agent, or the agent dialled it. */
  readonly origin: 'offered' | 'dialed'
  /** When it entered `state`, and when it was answered (STARTED). */
  stateSince: number
  startedAt: number | null
  primary: AgentLeg | undefined
  consult: AgentLeg | undefined
  /** Whether it ever reached STARTED (only those get wrap-up). */
  started: boolean
  /** Remote parties last reported to the agent, by leg id. */
  readonly parties: Map<string, { state: LiveConversationState, number: string }>
  wrapUp?: TimerHandle
  /** When a timed wrap-up ends by itself. */
  wrapUpUntil?: number
  /** The call's attached data when the interaction ended (wrap-up shows it). */
  endedData?: AttachedData
}

export interface SimQueue {
  readonly id: string
  readonly name: string
  readonly waiting: SimCall[]
  /** Chats waiting for an agent, oldest first (chats.ts). */
  readonly chats: SimChat[]
}

/** The conversations of an interaction (its primary, then its consult). */
export function legsOf (ix: SimInteraction): AgentLeg[] {
  const legs: AgentLeg[] = []
  if (ix.primary !== undefined) legs.push(ix.primary)
  if (ix.consult !== undefined) legs.push(ix.consult)
  return legs
}

/** The calls an interaction takes part in (its primary's and its consult's). */
export function callsOf (ix: SimInteraction): SimCall[] {
  const calls: SimCall[] = []
  for (const leg of legsOf(ix)) if (!calls.includes(leg.call)) calls.push(leg.call)
  return calls
}

/** Whether an interaction is live (not ENDED or COMPLETED). */
export function isLive (ix: SimInteraction): boolean {
  return ix.state === 'ALERTING' || ix.state === 'DIALING' || ix.state === 'STARTED'
}

/** Whether any of an agent's interactions is live (the agent is on a call). */
export function onCall (agent: SimAgent): boolean {
  for (const ix of agent.interactions.values()) if (isLive(ix)) return true
  return false
}
