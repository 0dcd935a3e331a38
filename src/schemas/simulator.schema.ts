import { Type, type Static } from '@sinclair/typebox'
import { ChatMessageSchema, ChatText } from './chat.schema.js'
import { literalUnion } from './vocabulary.js'

/**
 * The simulator's control face (/simulator/*): what it shows of agents, calls and queues, and
 * what placing a call and moving its clock take. The simulator's read views are these types.
 */
export const SimAgentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  extension: Type.String(),
  queues: Type.Array(Type.String()),
  state: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  pendingLogout: Type.Union([Type.String(), Type.Null()], { description: 'the reason of a logout that waits for the agent\'s last call and its wrap-up' }),
  loggingIn: Type.Boolean(),
  attached: Type.Boolean(),
  interactions: Type.Array(Type.Object({
    id: Type.String(),
    state: Type.String(),
    direction: Type.String(),
    conversations: Type.Array(Type.Object({ id: Type.String(), role: Type.String(), state: Type.String() }))
  }))
}, { $id: 'SimAgent', examples: [{ id: 'agent1', name: 'Ada Lovelace', extension: '1001', queues: ['sales', 'support'], state: 'busy', reason: null, pendingLogout: null, loggingIn: false, attached: true, interactions: [{ id: 'ix-1', state: 'STARTED', direction: 'inbound', conversations: [{ id: 'leg-2', role: 'primary', state: 'connected' }] }] }] })

export type SimAgent = Static<typeof SimAgentSchema>

export const SimAgentsAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  agents: Type.Array(Type.Ref(SimAgentSchema))
}, { $id: 'SimAgentsAnswer', examples: [{ result: 'success', agents: [{ id: 'agent2', name: 'Grace Hopper', extension: '1002', queues: ['sales', 'support'], state: 'ready', reason: null, pendingLogout: null, loggingIn: false, attached: true, interactions: [] }] }] })

const Phone = Type.String({ pattern: '^\\+?[0-9]{3,15}$', description: 'a phone number: digits, optionally with a leading +' })
const Attached = Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]), {
  maxProperties: 64, description: 'attached data (user data) of the call'
})

export const SimPlaceCallBodySchema = Type.Object({
  from: Phone,
  queue: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the queue whose ACD picks the agent (default: the first queue)' })),
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'an agent\'s extension (or id) to ring directly, bypassing the queue' })),
  data: Type.Optional(Attached)
}, { $id: 'SimPlaceCallBody', additionalProperties: false, examples: [{ from: '+15551234567', queue: 'sales', data: { account: '42' } }, { from: '+15551234567', to: '1002' }] })

export type SimPlaceCall = Static<typeof SimPlaceCallBodySchema>

export const SimPlaceCallAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  callId: Type.String()
}, { $id: 'SimPlaceCallAnswer', examples: [{ result: 'success', callId: 'call-1' }] })

export const SimCallSchema = Type.Object({
  id: Type.String(),
  from: Type.String(),
  to: Type.String(),
  queue: Type.Union([Type.String(), Type.Null()]),
  state: literalUnion(['queued', 'ringing', 'dialing', 'connected']),
  recording: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  parties: Type.Array(Type.Object({
    id: Type.String(),
    kind: Type.String(),
    number: Type.String(),
    state: Type.String(),
    agentId: Type.Optional(Type.String()),
    interactionId: Type.Optional(Type.String())
  }))
}, { $id: 'SimCall', examples: [{ id: 'call-1', from: '+15551234567', to: 'sales', queue: 'sales', state: 'connected', recording: 'off', data: { account: '42' }, parties: [{ id: 'leg-1', kind: 'external', number: '+15551234567', state: 'connected' }, { id: 'leg-2', kind: 'agent', number: '1001', state: 'connected', agentId: 'agent1', interactionId: 'ix-1' }] }] })

export type SimCall = Static<typeof SimCallSchema>

export const SimCallsAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  calls: Type.Array(Type.Ref(SimCallSchema))
}, { $id: 'SimCallsAnswer', examples: [{ result: 'success', calls: [] }] })

const SimQueueSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  waiting: Type.Array(Type.Object({ callId: Type.String(), from: Type.String(), waitingMs: Type.Integer() })),
  readyAgents: Type.Array(Type.String())
})
export type SimQueue = Static<typeof SimQueueSchema>

export const SimQueuesAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  queues: Type.Array(SimQueueSchema)
}, { $id: 'SimQueuesAnswer', examples: [{ result: 'success', queues: [{ id: 'sales', name: 'Sales', waiting: [{ callId: 'call-3', from: '+15550000001', waitingMs: 12000 }], readyAgents: [] }] }] })

export const SimCallParams = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 256, examples: ['call-1'] }) })

export const SimClockBodySchema = Type.Object({
  advanceMs: Type.Integer({ minimum: 0, maximum: 86_400_000 })
}, { $id: 'SimClockBody', additionalProperties: false, examples: [{ advanceMs: 15000 }] })

export const SimClockAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  now: Type.String({ format: 'date-time' })
}, { $id: 'SimClockAnswer', examples: [{ result: 'success', now: '2026-01-01T09:00:15.000Z' }] })

export const SimStartChatBodySchema = Type.Object({
  from: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'the customer: a name or an address, shown to the agent' }),
  queue: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the queue whose routing picks the agent (default: the first queue)' })),
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'an agent\'s extension (or id) to offer the chat to directly, ready or not, if their chat channel has room' })),
  text: ChatText,
  data: Type.Optional(Attached)
}, { $id: 'SimStartChatBody', additionalProperties: false, examples: [{ from: 'Alice Example', queue: 'support', text: 'Hello, my order has not arrived.', data: { order: '1234' } }] })
export type SimStartChat = Static<typeof SimStartChatBodySchema>

export const SimChatSchema = Type.Object({
  id: Type.String(),
  from: Type.String(),
  queue: Type.Union([Type.String(), Type.Null()]),
  state: literalUnion(['queued', 'offered', 'connected', 'ended']),
  agentId: Type.Union([Type.String(), Type.Null()], { description: 'the agent the chat is offered to or with now' }),
  agentTyping: Type.Boolean(),
  messageCount: Type.Integer({ minimum: 0, description: 'how many messages the chat has had' }),
  messages: Type.Array(ChatMessageSchema, { description: 'GET /simulator/chats/{chatId}: the transcript as the customer sees it (the last CHAT_TRANSCRIPT_KEEP messages); GET /simulator/chats: the last message only' })
}, { $id: 'SimChat', examples: [{ id: 'chat-1', from: 'Alice Example', queue: 'support', state: 'connected', agentId: 'agent3', agentTyping: false, messageCount: 1, messages: [{ messageId: 'chat-1-m1', from: 'customer', text: 'Hello, my order has not arrived.', at: '2026-01-01T09:00:00.000Z' }] }] })
export type SimChat = Static<typeof SimChatSchema>

export const SimChatAnswerSchema = Type.Object({ result: Type.Literal('success'), chat: Type.Ref(SimChatSchema) }, {
  $id: 'SimChatAnswer',
  examples: [{ result: 'success', chat: { id: 'chat-1', from: 'Alice Example', queue: 'support', state: 'queued', agentId: null, agentTyping: false, messageCount: 1, messages: [{ messageId: 'chat-1-m1', from: 'customer', text: 'Hello', at: '2026-01-01T09:00:00.000Z' }] } }]
})
export const SimChatsAnswerSchema = Type.Object({ result: Type.Literal('success'), chats: Type.Array(Type.Ref(SimChatSchema)) }, { $id: 'SimChatsAnswer', examples: [{ result: 'success', chats: [] }] })
export const SimStartChatAnswerSchema = Type.Object({ result: Type.Literal('success'), chatId: Type.String() }, { $id: 'SimStartChatAnswer', examples: [{ result: 'success', chatId: 'chat-1' }] })
export const SimChatMessageBodySchema = Type.Object({ text: ChatText }, { $id: 'SimChatMessageBody', additionalProperties: false, examples: [{ text: 'It was order 1234.' }] })
export const SimChatMessageAnswerSchema = Type.Object({ result: Type.Literal('success'), messageId: Type.String() }, { $id: 'SimChatMessageAnswer', examples: [{ result: 'success', messageId: 'chat-1-m2' }] })
export const SimChatTypingBodySchema = Type.Object({ typing: Type.Boolean() }, { $id: 'SimChatTypingBody', additionalProperties: false, examples: [{ typing: true }] })
export const SimChatParams = Type.Object({ chatId: Type.String({ minLength: 1, maxLength: 256, examples: ['chat-1'] }) })

export const SIMULATOR_SCHEMAS = [
  SimStartChatBodySchema, SimChatSchema, SimChatAnswerSchema, SimChatsAnswerSchema, SimStartChatAnswerSchema,
  SimChatMessageBodySchema, SimChatMessageAnswerSchema, SimChatTypingBodySchema,
  SimAgentSchema, SimAgentsAnswerSchema, SimClockBodySchema, SimClockAnswerSchema,
  SimPlaceCallBodySchema, SimPlaceCallAnswerSchema, SimCallSchema, SimCallsAnswerSchema, SimQueuesAnswerSchema
]
