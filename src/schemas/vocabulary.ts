import { Type, TypeRegistry, type SchemaOptions, type TLiteral, type TUnion, type TUnsafe } from '@sinclair/typebox'

/**
 * The words events and snapshots use for states, as `as const` lists: the one source of the
 * TypeScript unions (`AgentState` …), the event schemas (events.schema.ts) and the simulator's
 * model of the contact center.
 */
export const AGENT_STATES = ['logged_out', 'not_ready', 'ready', 'busy', 'wrap_up'] as const
export type AgentState = typeof AGENT_STATES[number]

export const INTERACTION_STATES = ['ALERTING', 'DIALING', 'STARTED', 'ENDED', 'COMPLETED'] as const
export type InteractionState = typeof INTERACTION_STATES[number]

/** A conversation's (call leg's) state; `disconnected` is only ever reported, as it goes. */
export const CONVERSATION_STATES = ['dialing', 'alerting', 'connected', 'held', 'disconnected'] as const
export type ConversationState = typeof CONVERSATION_STATES[number]
/** The states a conversation that is still there can be in. */
export type LiveConversationState = Exclude<ConversationState, 'disconnected'>

export const CONVERSATION_ROLES = ['primary', 'consult'] as const
export type ConversationRole = typeof CONVERSATION_ROLES[number]

export const DIRECTIONS = ['inbound', 'outbound', 'internal', 'consult', 'transfer', 'conference'] as const
export type Direction = typeof DIRECTIONS[number]

export const RECORDING_STATES = ['off', 'on', 'paused'] as const
export type RecordingState = typeof RECORDING_STATES[number]

export const COMPLETED_BY = ['agent', 'timeout'] as const
export type CompletedBy = typeof COMPLETED_BY[number]

export const MERGE_TYPES = ['transfer', 'conference'] as const

/** Who wrote a chat message: the customer, the agent (any agent the chat was with), or the platform. */
export const CHAT_AUTHORS = ['customer', 'agent', 'system'] as const
export type ChatAuthor = typeof CHAT_AUTHORS[number]

/** A channel's own readiness (the chat channel: independent of the agent's voice state). */
export const CHANNEL_STATES = ['ready', 'not_ready'] as const
export type ChannelState = typeof CHANNEL_STATES[number]

/** The media a session's channels carry. */
export const MEDIA = ['voice', 'chat'] as const

/**
 * A vocabulary as a union of literals. Unlike `literalUnion` (an `enum` for Ajv and OpenAPI),
 * TypeBox's own checker understands it, so it is the form of every schema TypeBox checks.
 */
export function oneOf<const T extends readonly string[]> (values: T, options: SchemaOptions = {}): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map(v => Type.Literal(v)), options)
}

/**
 * One of a vocabulary's strings: `{type: string, enum: […]}` (what OpenAPI readers and client
 * generators expect), typed as the union of the values. Ajv checks it as JSON Schema; TypeBox's
 * compiler (the bridge's answers) through the check registered below.
 */
export function literalUnion<T extends string> (values: readonly T[], options: object = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })
}

// TypeBox's compiler knows no `Unsafe` kind by itself: ours are string enums (literalUnion).
TypeRegistry.Set('Unsafe', (schema: { enum?: unknown[] }, value) => typeof value === 'string' && (schema.enum === undefined || schema.enum.includes(value)))
