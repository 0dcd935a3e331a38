import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { IdSchema, RequestIdSchema, ServiceSchema, TargetSchema, CommandSchema } from './common.schema.js'
import { literalUnion } from './vocabulary.js'
import { FAILURE_MEANING, FAILURE_STATUS, FailureAnswerSchema, type FailureCode } from './failures.js'
import { CapabilityStateSchema, CoreResponseSchema, ResourceAnswerSchema, ServiceAnswerSchema, SnapshotAnswerSchema } from './protocol.schema.js'
import { SIMULATOR_SCHEMAS } from './simulator.schema.js'

/**
 * The REST face's bodies, parameters and answers (README, The HTTP face). Answers keep the HIS result
 * form: `{"result":"success", …}`, `{"result":"confirm", …}` or
 * `{"result":"failure","failure":{"code","message"}}`.
 */
const ServiceId = Type.String({ minLength: 1, maxLength: 256, description: 'a service id (GET /services)', examples: ['WorkflowManager'] })
const ResourceId = Type.String({ minLength: 1, maxLength: 256, description: 'a resource id: the session id prepareSession returned', examples: ['Simulator-agent1'] })

export const ServiceParams = Type.Object({ serviceId: ServiceId })
export const ResourceParams = Type.Object({ serviceId: ServiceId, resourceId: ResourceId })
export const ClientParams = Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 256, description: 'the clientId of POST /clients', examples: ['0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b'] }) })

export const OpenClientBodySchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'who the client is, for logs (e.g. "media-bar agent1")' }))
}, { $id: 'OpenClientBody', additionalProperties: false, examples: [{ name: 'media-bar agent1' }] })

export const OpenClientAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  clientId: Type.String(),
  token: Type.String({ description: 'bearer secret for every client-scoped request; shown once' }),
  events: Type.String({ description: 'the SSE event stream of this client' })
}, { $id: 'OpenClientAnswer', examples: [{ result: 'success', clientId: '0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b', token: 'k3m-EXAMPLE-TOKEN-2fQ9pV', events: '/clients/0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b/events' }] })

export const SuccessAnswerSchema = Type.Object({
  result: Type.Literal('success')
}, { $id: 'SuccessAnswer', examples: [{ result: 'success' }] })

/** The REST body of a core operation: the coreResponse without its envelope fields (resume is the WebSocket's). */
export const CoreAnswerSchema = Type.Omit(CoreResponseSchema, ['messageType', 'requestId', 'clientId'], { $id: 'CoreAnswer', additionalProperties: true, examples: [{ command: 'bindResource', serviceId: 'WorkflowManager', resourceId: 'Simulator-agent1', resourceName: 'Simulator-agent1', resourceType: 'com.openmethods.iserver.workflow.session', result: 'success' }] })

export const ServicesAnswerSchema = Type.Object({
  command: Type.Literal('getServices'),
  result: Type.Literal('success'),
  data: Type.Object({ services: Type.Array(Type.Ref(ServiceSchema)) })
}, { $id: 'ServicesAnswer', examples: [{ command: 'getServices', result: 'success', data: { services: [{ id: 'WorkflowManager', name: 'WorkflowManager', type: 'com.openmethods.iserver.workflow.manager', info: { vendor: 'his-cti-server', version: '0.1.0' }, serviceStatus: { status: 'InService', acceptingClients: true, clientCount: 7 } }] } }] })

export const ServiceRequestBodySchema = Type.Object({
  command: CommandSchema,
  data: Type.Optional(Type.Unknown())
}, { $id: 'ServiceRequestBody', additionalProperties: false, examples: [{ command: 'getCapabilities', data: '' }] })

export const ResourceRequestBodySchema = Type.Object({
  command: CommandSchema,
  target: Type.Optional(TargetSchema),
  data: Type.Optional(Type.Unknown()),
  requestId: Type.Optional({ ...RequestIdSchema, description: 'echoed as `requestid` in the request\'s result event; made up when missing' })
}, { $id: 'ResourceRequestBody', additionalProperties: false, examples: [{ command: 'session.notready', data: { reason: 'LUNCH' } }, { command: 'conversation.hold', target: 'Simulator-agent1.voice.ix-1.leg-2', requestId: 'r42' }, { command: 'channel.dial', data: { destination: '1002' } }] })

export const HealthAnswerSchema = Type.Object({
  status: literalUnion(['ok', 'degraded', 'stopping']),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
  cti: Type.Object({ ok: Type.Boolean(), detail: Type.String() }),
  domain: Type.Object({
    name: Type.String({ description: 'INSTANCE_DOMAIN' }),
    shared: Type.Boolean({ description: 'true: a domain in Redis (REDIS_URL); false: this instance alone' }),
    instance: Type.String({ description: 'this instance\'s id in the domain' }),
    ok: Type.Boolean({ description: 'false: Redis cannot be reached (new sessions are refused with DOMAIN_UNAVAILABLE, running ones carry on)' }),
    detail: Type.String()
  }),
  services: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), status: Type.String(), acceptingClients: Type.Boolean(), clientCount: Type.Integer() })),
  clients: Type.Integer(),
  sessions: Type.Integer(),
  streams: Type.Integer({ description: 'open SSE streams' }),
  sockets: Type.Integer({ description: 'open WebSockets' })
}, { $id: 'HealthAnswer', examples: [{ status: 'ok', version: '0.1.0', uptimeSeconds: 3600, cti: { ok: true, detail: 'simulator with 5 agents, 1 calls' }, domain: { name: 'default', shared: false, instance: 'desk-host:3000', ok: true, detail: 'this instance alone (no REDIS_URL)' }, services: [{ id: 'WorkflowManager', name: 'WorkflowManager', status: 'InService', acceptingClients: true, clientCount: 7 }], clients: 7, sessions: 7, streams: 6, sockets: 1 }] })

export const EventStreamQuery = Type.Object({
  token: Type.Optional(Type.String({ description: 'the client token, for EventSource which cannot set headers' })),
  lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'resume after this event id (the Last-Event-ID header wins)' })),
  names: Type.Optional(Type.Unsafe<'true' | 'false'>({
    type: 'string',
    enum: ['true', 'false'],
    description: '`false` leaves out the `event:` lines, so a browser\'s EventSource hands every event to `onmessage` ' +
      '(the name is in the envelope; `resync` and `shutdown` are coreEvent envelopes). Default `true`.'
  }))
})

export type OpenClientBody = Static<typeof OpenClientBodySchema>

/** A response that is not JSON (an event stream, text): its media types and what each carries. */
export interface ContentResponse {
  content: Record<string, { schema: TSchema }>
}

/** A route's response map: each status with its schema (or content) and its description. */
export type Responses = Record<number, TSchema | ContentResponse>

/**
 * The response map of a route: its answers with a description each, and for each failure code
 * listed the failure body under its status, described by the codes it stands for. A status that
 * is both (409: confirm, INVALID_STATE) keeps the answer's schema and lists both.
 */
export function answers (success: Record<number, [TSchema | ContentResponse, string]>, ...failures: FailureCode[]): Responses {
  const map: Responses = {}
  for (const [status, [schema, description]] of Object.entries(success)) map[Number(status)] = { ...schema, description }
  return withFailures(map, ...failures)
}

/** The response map with these failure codes added under their statuses (as `answers` lists them). */
export function withFailures (responses: Responses, ...failures: FailureCode[]): Responses {
  const map: Responses = { ...responses }
  for (const code of new Set(failures)) {
    const status = FAILURE_STATUS[code]
    const line = `${code}: ${FAILURE_MEANING[code]}`
    const existing = map[status]
    const description = existing !== undefined && 'description' in existing && typeof existing.description === 'string' ? existing.description : undefined
    if (description?.split('; ').includes(line) === true) continue
    map[status] = { ...(existing ?? Type.Ref(FailureAnswerSchema)), description: description === undefined ? line : `${description}; ${line}` }
  }
  return map
}

/**
 * The statuses of answers that are not failures (a failure's is its code's: FAILURE_STATUS).
 * prepareSession creates a session: `created`; a confirm asks the user first: `confirm`.
 */
export const ANSWER_STATUS = { success: 200, created: 201, confirm: 409 } as const

/** The security requirement of the routes that need the client token (Authorization: Bearer, or ?token=). */
export const TOKEN = [{ clientToken: [] }]

/** The security requirement of the operator routes (Authorization: Bearer <ADMIN_TOKEN>; loopback when none is set). */
export const OPERATOR = [{ operatorToken: [] }]

/** Failures any route can answer: bad input, too many requests from one source, an overloaded instance, and the unexpected. */
export const ANY_ROUTE = ['INVALID_MESSAGE', 'RATE_LIMITED', 'OVERLOADED', 'INTERNAL'] as const

export const DomainInstanceSchema = Type.Object({
  id: Type.String({ description: 'INSTANCE_ID (or <hostname>:<PORT>)' }),
  url: Type.String({ description: 'PUBLIC_URL: where media bars reach it (\'\' when it has none)' }),
  status: Type.String({ description: 'its Interaction Processor\'s status (InService, OutOfService, Stopping)' }),
  acceptingClients: Type.Boolean({ description: 'whether it takes new sessions now' }),
  clientCount: Type.Integer({ description: 'client records it holds' }),
  sessions: Type.Integer({ description: 'agent sessions it holds' }),
  startedAt: Type.String({ format: 'date-time' })
}, { $id: 'DomainInstance' })

export const DomainAnswerSchema = Type.Object({
  name: Type.String({ description: 'INSTANCE_DOMAIN' }),
  shared: Type.Boolean({ description: 'true: a domain in Redis (REDIS_URL); false: this instance alone' }),
  available: Type.Boolean({ description: 'false: Redis cannot be reached now; `instances` then lists this instance only' }),
  self: Type.String({ description: 'the id of the instance that answered' }),
  instances: Type.Array(Type.Ref(DomainInstanceSchema), { description: 'the live instances (registered, lease not expired), by id; the load is as of each one\'s last renewal' })
}, {
  $id: 'DomainAnswer',
  examples: [{
    name: 'sales',
    shared: true,
    available: true,
    self: 'a',
    instances: [
      { id: 'a', url: 'http://10.0.0.5:3001', status: 'InService', acceptingClients: true, clientCount: 12, sessions: 12, startedAt: '2026-12-01T08:00:00.000Z' },
      { id: 'b', url: 'http://10.0.0.6:3002', status: 'InService', acceptingClients: true, clientCount: 9, sessions: 9, startedAt: '2026-12-01T08:00:01.000Z' }
    ]
  }]
})

export const MediaBarConfigSchema = Type.Object({
  servers: Type.Array(Type.String(), { description: 'base URLs the media bar chooses from; empty: the serving server (or, with `domain`, the domain\'s instances)' }),
  domain: Type.Boolean({ description: 'this server is in a shared domain (REDIS_URL): the media bar reads GET /domain to choose an instance, and fails over to another one' }),
  simulator: Type.Boolean({ description: 'this page may use the simulator\'s control routes (the media bar shows its panel)' }),
  processorId: Type.String({ description: 'the Interaction Processor service id of this instance' }),
  embedOrigins: Type.Array(Type.String(), {
    description: 'the origins of the pages that may embed the media bar and talk to it with postMessage (FRAME_ANCESTORS): each listed http(s) origin ' +
      'normalised (`new URL(x).origin`), and `\'self\'` (the page\'s own origin) when FRAME_ANCESTORS has it; empty for `\'none\'`. A wildcard source frames the bar but is left out'
  })
}, { $id: 'MediaBarConfig', examples: [{ servers: [], domain: false, simulator: true, processorId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', embedOrigins: ['https://crm.example.com'] }] })

export const REST_SCHEMAS = [
  OpenClientBodySchema, OpenClientAnswerSchema, SuccessAnswerSchema, CoreAnswerSchema, ServicesAnswerSchema,
  ServiceRequestBodySchema, ResourceRequestBodySchema, SnapshotAnswerSchema, HealthAnswerSchema,
  ...SIMULATOR_SCHEMAS, MediaBarConfigSchema, DomainInstanceSchema, DomainAnswerSchema
]

export { IdSchema, ServiceAnswerSchema, ResourceAnswerSchema, CapabilityStateSchema }
