import { Type, type Static } from '@sinclair/typebox'
import { FailureAnswerSchema, FailureSchema } from './failures.js'
import { literalUnion } from './vocabulary.js'

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
