import { Type, type Static } from '@sinclair/typebox'
import { InteractionPictureSchema } from './events.schema.js'
import { AGENT_STATES, CHANNEL_STATES, oneOf } from './vocabulary.js'

const NullableString = Type.Union([Type.String(), Type.Null()])

/**
 * An agent's life at the CTI, whole, as the CTI port's `snapshot` returns it: what a new session
 * is built from when it adopts an agent who is logged in already (a takeover, a reload, a client
 * that went away, a restart). Ids are the CTI's, below the session (the processor makes targets).
 */
export const AgentSnapshotSchema = Type.Object({
  agentId: Type.String(),
  loggedIn: Type.Boolean(),
  loggingIn: Type.Boolean(),
  state: oneOf(AGENT_STATES),
  reason: NullableString,
  since: Type.String({ description: 'when the agent entered this state (ISO 8601, UTC)' }),
  pendingLogout: Type.Union([Type.String(), Type.Null()], { description: 'the reason of a logout waiting for the last call and its wrap-up, or null' }),
  channels: Type.Array(Type.Object({
    channelId: Type.String(),
    media: Type.String(),
    extension: Type.Optional(Type.String()),
    state: Type.Optional(oneOf(CHANNEL_STATES, { description: 'a chat channel: its own readiness' })),
    reason: Type.Optional(NullableString),
    chats: Type.Optional(Type.Integer({ minimum: 0 })),
    max: Type.Optional(Type.Integer({ minimum: 0 }))
  })),
  interactions: Type.Array(Type.Object({
    channelId: Type.String(),
    origin: oneOf(['offered', 'dialed'], { description: 'how it began: it rang at the agent, or the agent dialled it' }),
    ...InteractionPictureSchema.properties
  }))
}, { $id: 'AgentSnapshot' })
export type AgentSnapshot = Static<typeof AgentSnapshotSchema>
export type InteractionSnapshot = AgentSnapshot['interactions'][number]
