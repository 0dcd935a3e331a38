import { Type, type Static, type TSchema, type TString } from '@sinclair/typebox'
import { FAILURE_CODE_LIST } from '../schemas/failures.js'
import { AgentSnapshotSchema } from '../schemas/snapshot.schema.js'
import { TARGET_SCOPES } from '../schemas/target.js'
import { oneOf } from '../schemas/vocabulary.js'

/**
 * The CTI bridge protocol (docs/cti-bridge.md): JSON text messages over one WebSocket, the server
 * the client, the connector the listener. These schemas are the one source of the messages'
 * validation (both sides), their types and the document's tables.
 */
export const BRIDGE_PROTOCOL = 'his-cti-bridge'
/** The protocol versions this code speaks, newest last. */
export const BRIDGE_VERSIONS: readonly number[] = [1]

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_@-]+$' })
const Text = (maxLength: number, description?: string): TString => Type.String({ maxLength, ...(description !== undefined && { description }) })

export const ReasonCodeSchema = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64 }),
  label: Type.String({ maxLength: 256 }),
  system: Type.Optional(Type.Boolean({ description: 'set by the platform only (e.g. RNA); an agent cannot choose it' }))
}, { additionalProperties: false })

export const ConnectorInfoSchema = Type.Object({
  vendor: Text(128, 'who wrote the connector'),
  version: Text(64, 'the connector\'s version'),
  ctiVendor: Text(128, 'the telephony platform behind it'),
  ctiVersion: Text(64, 'the platform\'s version'),
  capabilities: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 1024 }), { maxProperties: 64, description: 'key/values added to getCapabilities' }),
  reasonCodes: Type.Array(ReasonCodeSchema, { maxItems: 256, description: 'the not-ready reason codes' }),
  controls: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64, description: 'the operator controls the connector takes (`control` requests): the simulator\'s `agents`, `calls`, `queues`, `placeCall`, `hangup`, `advanceClock` and the chat controls `startChat`, `chatMessage`, `chatTyping`, `leaveChat`, `chats`, `chat`; empty for a real platform' }),
  health: Type.Object({ ok: Type.Boolean(), detail: Text(512) }, { additionalProperties: false })
}, { additionalProperties: false })
export type ConnectorInfo = Static<typeof ConnectorInfoSchema>

const SettingsSchema = Type.Object({
  ringNoAnswerMs: Type.Integer({ minimum: 0 }),
  wrapUpMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  afterWrapUp: oneOf(['ready', 'not_ready']),
  afterWrapUpReason: Type.Union([Type.String({ maxLength: 64 }), Type.Null()])
}, { additionalProperties: false })

const CtiRequestSchema = Type.Object({
  command: Type.String({ minLength: 1, maxLength: 64, description: 'a session command of docs/protocol.md (Session requests)' }),
  channelId: Type.Optional(Id),
  interactionId: Type.Optional(Id),
  conversationId: Type.Optional(Id),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'the command\'s fields, checked by the server' }),
  requestId: Type.Optional(Type.String({ maxLength: 128 }))
}, { additionalProperties: false })

// --- server → connector -------------------------------------------------------------------

export const HelloSchema = Type.Object({
  type: Type.Literal('hello'),
  protocol: Type.Literal(BRIDGE_PROTOCOL),
  versions: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 16, description: 'the versions the server speaks' }),
  token: Type.String({ maxLength: 1024, description: 'CTI_BRIDGE_TOKEN; the connector compares it in constant time' }),
  heartbeatMs: Type.Integer({ minimum: 100, maximum: 60_000, description: 'how often the server would like heartbeats' }),
  server: Type.Object({ vendor: Text(128), version: Text(64), instance: Text(128) }, { additionalProperties: false })
}, { additionalProperties: false })
export type Hello = Static<typeof HelloSchema>

/** The requests, by operation: what each takes (`args`) and what a success answers (`result`). */
export const BRIDGE_OPERATIONS = {
  authenticate: {
    summary: 'checks an agent\'s credentials (never logged)',
    args: Type.Object({ agentId: Id, password: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
    result: Type.Union([
      Type.Object({ ok: Type.Literal(true), agent: Type.Object({ id: Id, name: Text(256), extension: Text(64) }, { additionalProperties: false }) }, { additionalProperties: false }),
      Type.Object({ ok: Type.Literal(false), code: oneOf(['AUTH_FAILED', 'LOCKED_OUT']), message: Text(512) }, { additionalProperties: false })
    ])
  },
  attach: {
    summary: 'sends this connection the agent\'s events from now on (`event` messages); with `generation`, fences off older sessions',
    args: Type.Object({
      agentId: Id,
      generation: Type.Optional(Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'the session\'s claim generation in its domain (docs/cti-bridge.md, Fencing): requests about the agent from a connection that attached it with a lower one (or none) are refused with ALREADY_BOUND'
      }))
    }, { additionalProperties: false }),
    result: Type.Null()
  },
  detach: {
    summary: 'stops them; the agent stays logged in',
    args: Type.Object({ agentId: Id }, { additionalProperties: false }),
    result: Type.Null()
  },
  login: {
    summary: 'starts the agent\'s login; `session.started` follows',
    args: Type.Object({ agentId: Id, settings: SettingsSchema }, { additionalProperties: false }),
    result: Type.Null()
  },
  logout: {
    summary: 'the agent\'s own logout (INVALID_STATE while they have calls)',
    args: Type.Object({ agentId: Id, reason: Text(128) }, { additionalProperties: false }),
    result: Type.Null()
  },
  logoutWhenIdle: {
    summary: 'logs out now (`done`) or after the last call (`pending`); never ends a call',
    args: Type.Object({ agentId: Id, reason: Text(128) }, { additionalProperties: false }),
    result: Type.Object({ outcome: oneOf(['done', 'pending']) }, { additionalProperties: false })
  },
  cancelLogout: {
    summary: 'calls off a pending logout',
    args: Type.Object({ agentId: Id }, { additionalProperties: false }),
    result: Type.Null()
  },
  snapshot: {
    summary: 'the agent\'s life at the CTI, whole (adoption and resync)',
    args: Type.Object({ agentId: Id }, { additionalProperties: false }),
    result: AgentSnapshotSchema
  },
  configure: {
    summary: 'the call model\'s settings of a session that adopted the agent',
    args: Type.Object({ agentId: Id, settings: SettingsSchema }, { additionalProperties: false }),
    result: Type.Null()
  },
  execute: {
    summary: 'carries out a session request; its effects arrive as events',
    args: Type.Object({ agentId: Id, request: CtiRequestSchema }, { additionalProperties: false }),
    result: Type.Union([Type.Object({ interactionId: Type.Optional(Id), resource: Type.Optional(Text(128)) }, { additionalProperties: false }), Type.Null()])
  },
  control: {
    summary: 'an operator control of `controls` (the simulator\'s /simulator/* routes)',
    args: Type.Object({ name: Type.String({ maxLength: 64 }), args: Type.Unknown() }, { additionalProperties: false }),
    result: Type.Unknown()
  },
  info: {
    summary: 'the connector\'s info now (the server refreshes it)',
    args: Type.Object({}, { additionalProperties: false }),
    result: ConnectorInfoSchema
  }
} as const satisfies Record<string, { summary: string, args: TSchema, result: TSchema }>

export type BridgeOperation = keyof typeof BRIDGE_OPERATIONS
export type OperationArgs<O extends BridgeOperation> = Static<typeof BRIDGE_OPERATIONS[O]['args']>
export type OperationResult<O extends BridgeOperation> = Static<typeof BRIDGE_OPERATIONS[O]['result']>
export function isBridgeOperation (op: string): op is BridgeOperation {
  return Object.hasOwn(BRIDGE_OPERATIONS, op)
}
export const BRIDGE_OPERATION_LIST = Object.keys(BRIDGE_OPERATIONS).filter(isBridgeOperation)

export const RequestSchema = Type.Object({
  type: Type.Literal('request'),
  id: Type.Integer({ minimum: 1, description: 'correlation id, unique on the connection; the response carries it' }),
  op: Type.String({ maxLength: 64 }),
  args: Type.Unknown()
}, { additionalProperties: false })
export type BridgeRequest = Static<typeof RequestSchema>

// --- connector → server -------------------------------------------------------------------

export const WelcomeSchema = Type.Object({
  type: Type.Literal('welcome'),
  version: Type.Integer({ minimum: 1, description: 'the version chosen: the highest both speak' }),
  heartbeatMs: Type.Integer({ minimum: 100, maximum: 60_000, description: 'the interval both sides keep from now on' }),
  connector: ConnectorInfoSchema
}, { additionalProperties: false })
export type Welcome = Static<typeof WelcomeSchema>

/** Why a connector turned the server away (it closes the socket after it). */
export const REFUSALS = ['VERSION_UNSUPPORTED', 'AUTH_FAILED', 'INVALID_MESSAGE'] as const
export const RefusedSchema = Type.Object({
  type: Type.Literal('refused'),
  code: oneOf(REFUSALS),
  message: Text(512),
  versions: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 16, description: 'the versions the connector speaks' }))
}, { additionalProperties: false })
export type Refused = Static<typeof RefusedSchema>

/** A response's failure: a code of the failure catalogue (docs/protocol.md, Failures). */
export const BridgeErrorSchema = Type.Object({
  code: Type.Union(FAILURE_CODE_LIST.map(c => Type.Literal(c))),
  message: Text(512),
  retryAfter: Type.Optional(Type.Integer({ minimum: 1 }))
}, { additionalProperties: false })
export type BridgeError = Static<typeof BridgeErrorSchema>

export const ResponseSchema = Type.Union([
  Type.Object({ type: Type.Literal('response'), id: Type.Integer({ minimum: 1 }), ok: Type.Literal(true), result: Type.Unknown() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('response'), id: Type.Integer({ minimum: 1 }), ok: Type.Literal(false), error: BridgeErrorSchema }, { additionalProperties: false })
])
export type BridgeResponse = Static<typeof ResponseSchema>

/** One CTI event for an attached agent (docs/cti-bridge.md, Events): the port's CtiEvent. */
export const CtiEventSchema = Type.Object({
  agentId: Id,
  scope: oneOf(TARGET_SCOPES),
  channelId: Type.Optional(Id),
  interactionId: Type.Optional(Id),
  conversationId: Type.Optional(Id),
  name: Type.String({ minLength: 1, maxLength: 128 }),
  data: Type.Record(Type.String(), Type.Unknown())
}, { additionalProperties: false })

export const EventSchema = Type.Object({
  type: Type.Literal('event'),
  seq: Type.Integer({ minimum: 1, description: 'per connection: 1, 2, 3 …; a gap makes the server reconnect and resync' }),
  event: CtiEventSchema
}, { additionalProperties: false })
export type BridgeEvent = Static<typeof EventSchema>

export const InfoSchema = Type.Object({
  type: Type.Literal('info'),
  connector: ConnectorInfoSchema
}, { additionalProperties: false, description: 'the connector\'s info changed (capabilities, reason codes, health)' })

// --- both ways ------------------------------------------------------------------------------

export const HeartbeatSchema = Type.Object({ type: Type.Literal('heartbeat') }, { additionalProperties: false })

/** What a connector may send, and what a server may send. */
export const FROM_CONNECTOR = Type.Union([WelcomeSchema, RefusedSchema, ResponseSchema, EventSchema, InfoSchema, HeartbeatSchema])
export const FROM_SERVER = Type.Union([HelloSchema, RequestSchema, HeartbeatSchema])
export type FromConnector = Static<typeof FROM_CONNECTOR>
export type FromServer = Static<typeof FROM_SERVER>

/** WebSocket close codes the bridge uses (docs/cti-bridge.md, Closing). */
export const BRIDGE_CLOSE = {
  normal: 1000,
  going_away: 1001,
  protocol_error: 1002,
  too_big: 1009,
  refused: 4001,
  heartbeat_lost: 4002
} as const
