import { Type, type Static } from '@sinclair/typebox'
import { CommandSchema, RequestIdSchema, ServiceSchema, TargetSchema } from './common.schema.js'
import { literalUnion } from './vocabulary.js'
import { FailureSchema } from './failures.js'

/**
 * The HIS wire messages (docs/protocol.md, Envelopes): what a WebSocket carries one per text frame and what
 * the REST face maps onto HTTP. Fields are checked here for shape only; what a command needs in
 * its `data` is checked by the service that runs it.
 */
export const CORE_COMMANDS = ['getServices', 'bindService', 'unbindService', 'bindResource', 'unbindResource'] as const
export type CoreCommand = typeof CORE_COMMANDS[number]

const ShortString = Type.String({ minLength: 1, maxLength: 256 })

export const CoreRequestSchema = Type.Object({
  messageType: Type.Literal('coreRequest'),
  requestId: Type.Optional(RequestIdSchema),
  command: CommandSchema,
  serviceId: Type.Optional(ShortString),
  resourceId: Type.Optional(ShortString),
  /** resume (WS extension): the client record to take back. */
  clientId: Type.Optional(ShortString),
  token: Type.Optional(ShortString),
  lastEventId: Type.Optional(Type.Integer({ minimum: 0 }))
}, { $id: 'CoreRequest', examples: [{ messageType: 'coreRequest', requestId: 'r1', command: 'bindService', serviceId: 'WorkflowManager' }] })
export type CoreRequest = Static<typeof CoreRequestSchema>

const Result = literalUnion(['success', 'failure'])

export const CoreResponseSchema = Type.Object({
  messageType: Type.Literal('coreResponse'),
  requestId: Type.Optional(Type.String()),
  command: Type.String(),
  serviceId: Type.Optional(Type.String()),
  resourceId: Type.Optional(Type.String()),
  serviceName: Type.Optional(Type.String()),
  serviceType: Type.Optional(Type.String()),
  resourceName: Type.Optional(Type.String()),
  resourceType: Type.Optional(Type.String()),
  clientId: Type.Optional(Type.String({ description: '[extension] resume: the client record this socket took back' })),
  data: Type.Optional(Type.Unknown()),
  result: Result,
  failure: Type.Optional(Type.Ref(FailureSchema))
}, {
  $id: 'CoreResponse',
  examples: [{
    messageType: 'coreResponse',
    requestId: 'r1',
    command: 'bindService',
    serviceId: 'WorkflowManager',
    serviceName: 'WorkflowManager',
    serviceType: 'com.openmethods.iserver.workflow.manager',
    result: 'success'
  }]
})
export type CoreResponse = Static<typeof CoreResponseSchema>

export const ServiceRequestSchema = Type.Object({
  messageType: Type.Literal('serviceRequest'),
  requestId: Type.Optional(RequestIdSchema),
  serviceId: ShortString,
  request: Type.Object({
    command: CommandSchema,
    data: Type.Optional(Type.Unknown())
  })
}, { $id: 'ServiceRequest', examples: [{ messageType: 'serviceRequest', requestId: 'r2', serviceId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', request: { command: 'getCapabilities', data: '' } }] })
export type ServiceRequest = Static<typeof ServiceRequestSchema>

/** The inner answer of a service request: also the REST body of service routes. */
export const ServiceAnswerSchema = Type.Object({
  command: Type.String(),
  result: literalUnion(['success', 'confirm', 'failure']),
  data: Type.Optional(Type.Unknown()),
  resource: Type.Optional(Type.Object({
    id: Type.String(),
    data: Type.Optional(Type.Unknown({ description: 'prepareSession: the request data, password removed (as seed 004 writes it; also at the top level, as the trace shows)' }))
  })),
  workflow: Type.Optional(Type.Object({ serviceId: Type.String(), resourceId: Type.String() })),
  message: Type.Optional(Type.String({ description: 'confirm: the prompt to show the user' })),
  resumeToken: Type.Optional(Type.String({
    description: 'prepareSession success: the session\'s resume credential (docs/protocol.md, Resume credential). Keep it for this agent only; it replaces the password in the next prepareSession (a reload, or another instance of the domain when this one is gone) and is void once used, or when the session ends'
  })),
  original: Type.Optional(Type.Unknown({ description: 'confirm/failure: the request data, password removed' })),
  failure: Type.Optional(Type.Ref(FailureSchema))
}, {
  $id: 'ServiceAnswer',
  examples: [
    {
      command: 'prepareSession',
      result: 'success',
      resource: { id: 'Simulator-agent1' },
      data: { agent: { id: 'agent1' }, model: '' },
      workflow: { serviceId: 'WorkflowManager', resourceId: 'Simulator-agent1' }
    },
    {
      command: 'prepareSession',
      result: 'confirm',
      message: 'Agent agent1 already has a session on Simulator. Take it over? The other media bar will be signed out.',
      original: { command: 'prepareSession', data: { agent: { id: 'agent1' }, override: false } }
    },
    { command: 'getCapabilities', result: 'success', data: { 'single-channels-supported': 'true', 'call-models': 'default,RNA', 'notready-reason-codes': 'BREAK,LUNCH' } }
  ]
})
export type ServiceAnswer = Static<typeof ServiceAnswerSchema>

export const ServiceResponseSchema = Type.Object({
  messageType: Type.Literal('serviceResponse'),
  requestId: Type.Optional(Type.String()),
  serviceId: Type.String(),
  response: Type.Ref(ServiceAnswerSchema)
}, { $id: 'ServiceResponse', examples: [{ messageType: 'serviceResponse', requestId: 'r2', serviceId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', response: { command: 'getCapabilities', result: 'success', data: { 'single-channels-supported': 'true' } } }] })
export type ServiceResponse = Static<typeof ServiceResponseSchema>

export const ResourceRequestSchema = Type.Object({
  messageType: Type.Literal('resourceRequest'),
  requestId: Type.Optional(RequestIdSchema),
  serviceId: ShortString,
  resourceId: ShortString,
  request: Type.Object({
    command: CommandSchema,
    target: Type.Optional(TargetSchema),
    data: Type.Optional(Type.Unknown())
  })
}, { $id: 'ResourceRequest', examples: [{ messageType: 'resourceRequest', requestId: 'r3', serviceId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', resourceId: 'Simulator-agent1', request: { command: 'conversation.hold', target: 'Simulator-agent1.voice.ix-1.leg-2', data: {} } }] })
export type ResourceRequest = Static<typeof ResourceRequestSchema>

/** The inner answer of a resource request: also the REST body of the resource request route. */
export const ResourceAnswerSchema = Type.Object({
  command: Type.String(),
  target: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String({ description: 'REST only: the requestid the result event carries' })),
  result: Result,
  data: Type.Optional(Type.Unknown()),
  original: Type.Optional(Type.Unknown()),
  failure: Type.Optional(Type.Ref(FailureSchema))
}, { $id: 'ResourceAnswer', examples: [{ command: 'conversation.hold', target: 'Simulator-agent1.voice.ix-1.leg-2', requestId: 'r3', result: 'success' }] })
export type ResourceAnswer = Static<typeof ResourceAnswerSchema>

export const ResourceResponseSchema = Type.Object({
  messageType: Type.Literal('resourceResponse'),
  requestId: Type.Optional(Type.String()),
  serviceId: Type.String(),
  resourceId: Type.String(),
  response: Type.Ref(ResourceAnswerSchema)
}, { $id: 'ResourceResponse', examples: [{ messageType: 'resourceResponse', requestId: 'r3', serviceId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', resourceId: 'Simulator-agent1', response: { command: 'conversation.hold', target: 'Simulator-agent1.voice.ix-1.leg-2', result: 'success' } }] })
export type ResourceResponse = Static<typeof ResourceResponseSchema>

/** One capability of a workflow view. */
export const CapabilityStateSchema = Type.Object({
  name: Type.String(),
  type: literalUnion(['enable', 'disable'])
}, { $id: 'CapabilityState', additionalProperties: false, examples: [{ name: 'session.ready', type: 'enable' }] })
export type CapabilityState = Static<typeof CapabilityStateSchema>

export const ResourceEventBodySchema = Type.Object({
  messageType: Type.Optional(Type.Literal('stateEvent', { description: 'present on workflow state.updated' })),
  name: Type.String({ description: 'event name, e.g. session.started, state.updated, interaction.added' }),
  target: Type.String(),
  context: Type.Object({}),
  data: Type.Unknown({ description: 'event attributes; for workflow state.updated, the whole view: CapabilityState[]' })
}, { $id: 'ResourceEventBody', examples: [{ name: 'session.started', target: 'Simulator-agent1', context: {}, data: { agentId: 'agent1', extension: '1001' } }] })
export type ResourceEventBody = Static<typeof ResourceEventBodySchema>

const EventId = Type.Integer({ minimum: 1, description: '[extension] the client\'s event sequence number: resume after it (SSE Last-Event-ID, WS resume)' })

export const ResourceEventSchema = Type.Object({
  messageType: Type.Literal('resourceEvent'),
  serviceId: Type.String(),
  resourceId: Type.String(),
  event: Type.Ref(ResourceEventBodySchema),
  eventId: Type.Optional(EventId)
}, {
  $id: 'ResourceEvent',
  examples: [
    { messageType: 'resourceEvent', serviceId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', resourceId: 'Simulator-agent1', event: { name: 'session.started', target: 'Simulator-agent1', context: {}, data: { agentId: 'agent1', extension: '1001' } }, eventId: 2 },
    {
      messageType: 'resourceEvent',
      serviceId: 'WorkflowManager',
      resourceId: 'Simulator-agent1',
      event: {
        messageType: 'stateEvent',
        target: 'Simulator-agent1',
        name: 'state.updated',
        context: {},
        data: [{ name: 'session.logout', type: 'enable' }, { name: 'session.login', type: 'disable' }]
      },
      eventId: 3
    }
  ]
})
export type ResourceEvent = Static<typeof ResourceEventSchema>

export const SERVICE_EVENT_TYPES = ['serviceList', 'serviceAdded', 'serviceRemoved', 'serviceUpdated'] as const

export const ServiceEventSchema = Type.Object({
  messageType: Type.Literal('serviceEvent'),
  serviceId: Type.String(),
  event: Type.Object({
    eventType: literalUnion(SERVICE_EVENT_TYPES),
    services: Type.Optional(Type.Array(Type.Ref(ServiceSchema))),
    service: Type.Optional(Type.Ref(ServiceSchema))
  }),
  eventId: Type.Optional(EventId)
}, { $id: 'ServiceEvent', examples: [{ messageType: 'serviceEvent', serviceId: 'ServiceMonitor', event: { eventType: 'serviceUpdated', service: { id: 'WorkflowManager', name: 'WorkflowManager', type: 'com.openmethods.iserver.workflow.manager', info: { vendor: 'his-cti-server', version: '0.1.0' }, serviceStatus: { status: 'InService', acceptingClients: true, clientCount: 7 } } }, eventId: 9 }] })
export type ServiceEvent = Static<typeof ServiceEventSchema>

/**
 * [extension] Notices about the event stream itself: `resync` (the events after the reader's last
 * id are gone; re-read the snapshots) and `shutdown` (the server is going away; reconnect).
 */
export const CoreEventSchema = Type.Object({
  messageType: Type.Literal('coreEvent'),
  event: Type.Object({
    name: literalUnion(['resync', 'shutdown']),
    data: Type.Object({
      lastEventId: Type.Optional(Type.Integer()),
      oldest: Type.Optional(Type.Integer()),
      latest: Type.Optional(Type.Integer()),
      reason: Type.Optional(Type.String())
    })
  })
}, { $id: 'CoreEvent', examples: [{ messageType: 'coreEvent', event: { name: 'resync', data: { lastEventId: 2, oldest: 1050, latest: 2073 } } }, { messageType: 'coreEvent', event: { name: 'shutdown', data: { reason: 'server shutting down' } } }] })
export type CoreEvent = Static<typeof CoreEventSchema>

export const CoreErrorSchema = Type.Object({
  messageType: Type.Literal('coreError'),
  requestId: Type.Optional(Type.String()),
  failure: Type.Ref(FailureSchema)
}, { $id: 'CoreError', examples: [{ messageType: 'coreError', requestId: 'r9', failure: { code: 'INVALID_MESSAGE', message: 'unknown messageType; expected coreRequest, serviceRequest or resourceRequest' } }] })
export type CoreError = Static<typeof CoreErrorSchema>

export const SnapshotAnswerSchema = Type.Object({
  result: Type.Literal('success'),
  resource: Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), serviceId: Type.String() }),
  data: Type.Unknown({ description: 'processor session: session, channels, interactions, conversations; workflow session: every view\'s state' })
}, {
  $id: 'SnapshotAnswer',
  examples: [{
    result: 'success',
    resource: { id: 'Simulator-agent1', name: 'Simulator-agent1', type: 'com.openmethods.iserver.processor.session', serviceId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' },
    data: {
      session: { id: 'Simulator-agent1', agentId: 'agent1', agentName: 'Ada Lovelace', extension: '1001', model: 'default', loggedIn: true, loggingIn: false, state: 'busy', reason: null },
      channels: [{ id: 'voice', media: 'voice', extension: '1001', target: 'Simulator-agent1.voice' }],
      interactions: [{
        id: 'ix-1',
        target: 'Simulator-agent1.voice.ix-1',
        channelId: 'voice',
        state: 'STARTED',
        direction: 'inbound',
        from: '+15551234567',
        to: 'sales',
        queue: 'sales',
        recording: 'off',
        udata: { account: '42' },
        parties: [{ partyid: 'leg-1', focusresource: '+15551234567', partystate: 'connected' }],
        conversations: [{ id: 'leg-2', target: 'Simulator-agent1.voice.ix-1.leg-2', role: 'primary', state: 'connected' }]
      }],
      client: { id: '0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b', awayUntil: null },
      reasonCodes: [{ code: 'BREAK', label: 'Break' }]
    }
  }]
})

/** A resource snapshot (the REST face's GET …/resources/{id}; resync re-reads it). */
export type SnapshotAnswer = Static<typeof SnapshotAnswerSchema>

export type ProtocolRequest = CoreRequest | ServiceRequest | ResourceRequest
export type ProtocolAnswer = CoreResponse | ServiceResponse | ResourceResponse | CoreError
export type ProtocolEvent = ResourceEvent | ServiceEvent | CoreEvent

export const PROTOCOL_SCHEMAS = [
  CoreRequestSchema, CoreResponseSchema, ServiceRequestSchema, ServiceAnswerSchema, ServiceResponseSchema,
  ResourceRequestSchema, ResourceAnswerSchema, ResourceResponseSchema, CapabilityStateSchema,
  ResourceEventBodySchema, ResourceEventSchema, ServiceEventSchema, CoreEventSchema, CoreErrorSchema
]
