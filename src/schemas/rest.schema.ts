import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { FAILURE_STATUS } from '../errors.js'
import { FailureAnswerSchema, IdSchema, RequestIdSchema, ServiceSchema, TargetSchema, CommandSchema, literalUnion } from './common.schema.js'
import { CapabilityStateSchema, ResourceAnswerSchema, ServiceAnswerSchema } from './protocol.schema.js'

/**
 * The REST face's bodies, parameters and answers (DESIGN.md §2). Answers keep the HIS result
 * form: `{"result":"success", …}`, `{"result":"confirm", …}` or
 * `{"result":"failure","failure":{"code","message"}}`.
 */
const Path = Type.String({ minLength: 1, maxLength: 256 })

export const ServiceParams = Type.Object({ serviceId: Path })
export const ResourceParams = Type.Object({ serviceId: Path, resourceId: Path })
export const ClientParams = Type.Object({ clientId: Path })

export const OpenClientBodySchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'who the client is, for logs (e.g. "media-bar agent1")' }))
}, { $id: 'OpenClientBody', additionalProperties: false })

export const OpenClientAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  clientId: Type.String(),
  token: Type.String({ description: 'bearer secret for every client-scoped request; shown once' }),
  events: Type.String({ description: 'the SSE event stream of this client' })
}, { $id: 'OpenClientAnswer' })

export const SuccessAnswerSchema = Type.Object({
  result: Type.Literal('success')
}, { $id: 'SuccessAnswer' })

/** The REST body of a core operation: the coreResponse without its envelope fields. */
export const CoreAnswerSchema = Type.Object({
  command: Type.String(),
  serviceId: Type.Optional(Type.String()),
  resourceId: Type.Optional(Type.String()),
  serviceName: Type.Optional(Type.String()),
  serviceType: Type.Optional(Type.String()),
  resourceName: Type.Optional(Type.String()),
  resourceType: Type.Optional(Type.String()),
  result: literalUnion(['success', 'failure'])
}, { $id: 'CoreAnswer', additionalProperties: true })

export const ServicesAnswerSchema = Type.Object({
  command: Type.Literal('getServices'),
  result: Type.Literal('success'),
  data: Type.Object({ services: Type.Array(Type.Ref(ServiceSchema)) })
}, { $id: 'ServicesAnswer' })

export const ServiceRequestBodySchema = Type.Object({
  command: CommandSchema,
  data: Type.Optional(Type.Unknown())
}, { $id: 'ServiceRequestBody', additionalProperties: false })

export const ResourceRequestBodySchema = Type.Object({
  command: CommandSchema,
  target: Type.Optional(TargetSchema),
  data: Type.Optional(Type.Unknown()),
  requestId: Type.Optional({ ...RequestIdSchema, description: 'echoed as `requestid` in the request\'s result event; made up when missing' })
}, { $id: 'ResourceRequestBody', additionalProperties: false })

export const SnapshotAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  resource: Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), serviceId: Type.String() }),
  data: Type.Unknown({ description: 'processor session: session, channels, interactions, conversations; workflow session: every view\'s state' })
}, { $id: 'SnapshotAnswer' })

export const HealthAnswerSchema = Type.Object({
  status: literalUnion(['ok', 'degraded', 'stopping']),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
  cti: Type.Object({ ok: Type.Boolean(), detail: Type.String() }),
  services: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), status: Type.String(), acceptingClients: Type.Boolean(), clientCount: Type.Integer() })),
  clients: Type.Integer(),
  sessions: Type.Integer(),
  streams: Type.Integer({ description: 'open SSE streams' }),
  sockets: Type.Integer({ description: 'open WebSockets' })
}, { $id: 'HealthAnswer' })

export const EventStreamQuery = Type.Object({
  token: Type.Optional(Type.String({ description: 'the client token, for EventSource which cannot set headers' })),
  lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'resume after this event id (the Last-Event-ID header wins)' }))
})

export const SimAgentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  extension: Type.String(),
  queues: Type.Array(Type.String()),
  state: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  loggingIn: Type.Boolean(),
  attached: Type.Boolean(),
  interactions: Type.Array(Type.Object({
    id: Type.String(),
    state: Type.String(),
    direction: Type.String(),
    conversations: Type.Array(Type.Object({ id: Type.String(), role: Type.String(), state: Type.String() }))
  }))
}, { $id: 'SimAgent' })

export const SimAgentsAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  agents: Type.Array(Type.Ref(SimAgentSchema))
}, { $id: 'SimAgentsAnswer' })

const Phone = Type.String({ pattern: '^\\+?[0-9]{3,15}$', description: 'a phone number: digits, optionally with a leading +' })
const Attached = Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]), {
  maxProperties: 64, description: 'attached data (user data) of the call'
})

export const SimPlaceCallBodySchema = Type.Object({
  from: Phone,
  queue: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the queue whose ACD picks the agent (default: the first queue)' })),
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'an agent\'s extension (or id) to ring directly, bypassing the queue' })),
  data: Type.Optional(Attached)
}, { $id: 'SimPlaceCallBody', additionalProperties: false })

export const SimPlaceCallAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  callId: Type.String()
}, { $id: 'SimPlaceCallAnswer' })

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
}, { $id: 'SimCall' })

export const SimCallsAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  calls: Type.Array(Type.Ref(SimCallSchema))
}, { $id: 'SimCallsAnswer' })

export const SimQueuesAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  queues: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    waiting: Type.Array(Type.Object({ callId: Type.String(), from: Type.String(), waitingMs: Type.Integer() })),
    readyAgents: Type.Array(Type.String())
  }))
}, { $id: 'SimQueuesAnswer' })

export const SimCallParams = Type.Object({ callId: Path })

export const SimClockBodySchema = Type.Object({
  advanceMs: Type.Integer({ minimum: 0, maximum: 86_400_000 })
}, { $id: 'SimClockBody', additionalProperties: false })

export const SimClockAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  now: Type.String({ format: 'date-time' })
}, { $id: 'SimClockAnswer' })

export type OpenClientBody = Static<typeof OpenClientBodySchema>

/** The response map of a route: its success schemas plus the failure body for each status listed. */
export function answers (success: Record<number, TSchema>, ...failures: Array<keyof typeof FAILURE_STATUS>): Record<number, TSchema> {
  const map: Record<number, TSchema> = { ...success }
  for (const code of failures) {
    const status = FAILURE_STATUS[code]
    if (map[status] === undefined) map[status] = Type.Ref(FailureAnswerSchema)
  }
  return map
}

/** Failures any route can answer: bad input, and the unexpected. */
export const ANY_ROUTE = ['INVALID_MESSAGE', 'INTERNAL'] as const
/** Failures of routes that need a client token. */
export const CLIENT_ROUTE = [...ANY_ROUTE, 'AUTH_FAILED'] as const

export const REST_SCHEMAS = [
  OpenClientBodySchema, OpenClientAnswerSchema, SuccessAnswerSchema, CoreAnswerSchema, ServicesAnswerSchema,
  ServiceRequestBodySchema, ResourceRequestBodySchema, SnapshotAnswerSchema, HealthAnswerSchema,
  SimAgentSchema, SimAgentsAnswerSchema, SimClockBodySchema, SimClockAnswerSchema,
  SimPlaceCallBodySchema, SimPlaceCallAnswerSchema, SimCallSchema, SimCallsAnswerSchema, SimQueuesAnswerSchema
]

export { IdSchema, ServiceAnswerSchema, ResourceAnswerSchema, CapabilityStateSchema }
