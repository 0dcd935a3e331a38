import { Type, type Static, type TUnsafe } from '@sinclair/typebox'
import { FAILURE_STATUS, type FailureCode } from '../errors.js'

/**
 * One of a vocabulary's strings: `{type: string, enum: […]}` (what OpenAPI readers and client
 * generators expect), typed as the union of the values. Only for schemas Ajv checks.
 */
export function literalUnion<T extends string> (values: readonly T[], options: object = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })
}

export const FAILURE_CODE_LIST = Object.keys(FAILURE_STATUS) as FailureCode[]

export const FailureSchema = Type.Object({
  code: literalUnion(FAILURE_CODE_LIST, { description: 'a code from the failure catalogue (PROTOCOL.md §8)' }),
  message: Type.String({ description: 'for people; never carries a secret or a stack trace' })
}, { $id: 'Failure', additionalProperties: false, examples: [{ code: 'INVALID_STATE', message: 'session.ready is not enabled now (view state ready)' }] })
export type FailureBody = Static<typeof FailureSchema>

/** Every REST failure body: the HIS result form. */
export const FailureAnswerSchema = Type.Object({
  command: Type.Optional(Type.String()),
  result: Type.Literal('failure'),
  failure: Type.Ref(FailureSchema),
  original: Type.Optional(Type.Unknown({ description: 'the request, with any password removed' }))
}, {
  $id: 'FailureAnswer',
  additionalProperties: true,
  examples: [{
    command: 'session.ready',
    result: 'failure',
    failure: { code: 'INVALID_STATE', message: 'session.ready is not enabled now (view state ready)' },
    original: { command: 'session.ready' }
  }]
})
export type FailureAnswer = Static<typeof FailureAnswerSchema>

export const SERVICE_STATUS = ['OutOfService', 'Starting', 'InService', 'Stopping'] as const
export type ServiceStatusName = typeof SERVICE_STATUS[number]

export const ServiceStatusSchema = Type.Object({
  status: literalUnion(SERVICE_STATUS),
  acceptingClients: Type.Boolean(),
  clientCount: Type.Integer({ minimum: 0, description: 'clients bound to the service' })
}, { $id: 'ServiceStatus', additionalProperties: false, examples: [{ status: 'InService', acceptingClients: true, clientCount: 42 }] })
export type ServiceStatus = Static<typeof ServiceStatusSchema>

export const ServiceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  info: Type.Record(Type.String(), Type.String()),
  serviceStatus: Type.Ref(ServiceStatusSchema)
}, {
  $id: 'Service',
  additionalProperties: false,
  examples: [{
    id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
    name: 'Simulator',
    type: 'com.openmethods.iserver.processor',
    info: { vendor: 'his-cti-server', version: '0.1.0', 'cti-vendor': 'his-cti-server simulator', 'cti-version': '1.0', 'instance-domain': 'default' },
    serviceStatus: { status: 'InService', acceptingClients: true, clientCount: 42 }
  }]
})
export type ServiceDescription = Static<typeof ServiceSchema>

/** Ids chosen by clients and used in paths: bounded, printable, no dots (dots separate targets). */
export const IdSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^.\\s/]+$' })
export const RequestIdSchema = Type.String({ minLength: 1, maxLength: 128 })
export const CommandSchema = Type.String({ minLength: 1, maxLength: 128 })
export const TargetSchema = Type.String({ minLength: 1, maxLength: 512, description: '<sessionId>[.<channelId>[.<interactionId>[.<conversationId>]]]' })

/** The schemas that are registered by `$id` (OpenAPI components, shared refs). */
export const COMMON_SCHEMAS = [FailureSchema, FailureAnswerSchema, ServiceStatusSchema, ServiceSchema]
