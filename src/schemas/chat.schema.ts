import { Type, type Static } from '@sinclair/typebox'
import { CHAT_AUTHORS, oneOf } from './vocabulary.js'

/**
 * Chat's words (docs/protocol.md, Chat): a message's text and a transcript's messages, shared by
 * the session requests (chat.send), the events (chat.message), snapshots and the simulator's
 * control face. Text is plain text everywhere: stored and sent as text, never markup.
 */
/** The longest chat message (plain text, in UTF-16 code units): the customer's and the agent's alike. */
export const CHAT_TEXT_MAX = 2000
/** A chat message's text: plain text, never markup (clients show it as text). */
export const ChatText = Type.String({ minLength: 1, maxLength: CHAT_TEXT_MAX, pattern: '\\S', description: 'plain text (never interpreted as HTML); not only white space' })
/** One message of a chat's transcript. */
export const ChatMessageSchema = Type.Object({
  messageId: Type.String(),
  from: oneOf(CHAT_AUTHORS, { description: 'customer, agent (whichever agent the chat was with), or system (the platform: the customer left …)' }),
  text: Type.String({ maxLength: CHAT_TEXT_MAX }),
  at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', description: 'when it was written, ISO 8601 in UTC' })
}, { additionalProperties: false })
export type ChatMessage = Static<typeof ChatMessageSchema>
