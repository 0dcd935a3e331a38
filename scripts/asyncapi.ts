import { writeFileSync } from 'node:fs'
import type { TSchema } from '@sinclair/typebox'
import { stringify } from 'yaml'
import { projectPath } from '../src/paths.js'
import { COMMON_SCHEMAS } from '../src/schemas/common.schema.js'
import { EVENT_CATALOGUE, type CatalogueEntry } from '../src/schemas/events.schema.js'
import {
  CoreErrorSchema, CoreEventSchema, CoreRequestSchema, CoreResponseSchema, PROTOCOL_SCHEMAS, ResourceEventSchema,
  ResourceRequestSchema, ResourceResponseSchema, ServiceEventSchema, ServiceRequestSchema, ServiceResponseSchema
} from '../src/schemas/protocol.schema.js'
import { PrepareSessionDataSchema } from '../src/schemas/session-requests.schema.js'
import { VERSION } from '../src/version.js'

type Json = Record<string, unknown>

/**
 * A TypeBox schema as an AsyncAPI schema object: `$ref: "Failure"` becomes a reference to
 * `#/components/schemas/Failure`, and `$id` goes (components are named by their key).
 */
function convert (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(convert)
  if (schema === null || typeof schema !== 'object') return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id') continue
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out.$ref = `#/components/schemas/${value}`
    else out[key] = convert(value)
  }
  return out
}

function id (schema: TSchema): string {
  return String(schema.$id)
}

/** A message whose payload is one of the protocol's envelopes. */
function envelopeMessage (schema: TSchema, title: string, summary: string): Json {
  const examples: unknown[] = Array.isArray(schema.examples) ? schema.examples : []
  return {
    name: id(schema),
    title,
    summary,
    contentType: 'application/json',
    payload: { $ref: `#/components/schemas/${id(schema)}` },
    ...(examples.length > 0 && { examples: examples.map((payload, i) => ({ name: `example${i + 1}`, payload })) })
  }
}

function messageKey (entry: CatalogueEntry): string {
  const name = entry.name.replace('<action>', 'action')
  return entry.source === 'workflow' ? `workflow.${name}` : name.startsWith(`${entry.scope}.`) ? name : `${entry.scope}.${name}`
}

/** A message of the catalogue: a resourceEvent envelope whose inner event has this name and data. */
function catalogueMessage (entry: CatalogueEntry): Json {
  const workflow = entry.source === 'workflow'
  const target = workflow
    ? 'the session id, or an interaction\'s target'
    : `a ${entry.scope} target: ${{
    session: '<sessionId>',
    channel: '<sessionId>.<channelId>',
    interaction: '<sessionId>.<channelId>.<interactionId>',
    conversation: '<sessionId>.<channelId>.<interactionId>.<conversationId>'
  }[entry.scope]}`
  return {
    name: entry.name,
    title: `${entry.name} (${workflow ? 'workflow' : entry.scope})`,
    summary: entry.summary,
    contentType: 'application/json',
    payload: {
      type: 'object',
      required: ['messageType', 'serviceId', 'resourceId', 'event'],
      properties: {
        messageType: { const: 'resourceEvent' },
        serviceId: workflow ? { const: 'WorkflowManager' } : { type: 'string', description: 'the Interaction Processor\'s id' },
        resourceId: { type: 'string', description: 'the session id' },
        eventId: { type: 'integer', minimum: 1, description: 'the client\'s event sequence number' },
        event: {
          type: 'object',
          required: ['name', 'target', 'context', 'data'],
          properties: {
            ...(workflow && { messageType: { const: 'stateEvent' } }),
            name: entry.pattern !== undefined ? { type: 'string', pattern: entry.pattern.source } : { const: entry.name },
            target: { type: 'string', description: target },
            context: { type: 'object' },
            data: convert(entry.data)
          }
        }
      }
    }
  }
}

/** The AsyncAPI 3 document of the WebSocket messages and the event stream, as YAML. */
export function generateAsyncApi (): string {
  const schemas: Json = {}
  for (const schema of [...COMMON_SCHEMAS, ...PROTOCOL_SCHEMAS, PrepareSessionDataSchema]) schemas[id(schema)] = convert(schema)

  const requests: Json = {
    coreRequest: envelopeMessage(CoreRequestSchema, 'Core request', 'getServices, bindService, unbindService, bindResource, unbindResource, and the resume extension'),
    serviceRequest: envelopeMessage(ServiceRequestSchema, 'Service request', 'getCapabilities, prepareSession'),
    resourceRequest: envelopeMessage(ResourceRequestSchema, 'Resource request', 'a session request: session.ready, conversation.hold …')
  }
  const answers: Json = {
    coreResponse: envelopeMessage(CoreResponseSchema, 'Core response', 'the answer to a coreRequest (requestId echoed)'),
    serviceResponse: envelopeMessage(ServiceResponseSchema, 'Service response', 'the answer to a serviceRequest: success, confirm or failure'),
    resourceResponse: envelopeMessage(ResourceResponseSchema, 'Resource response', 'the answer to a resourceRequest'),
    coreError: envelopeMessage(CoreErrorSchema, 'Core error', 'a message that could not be read or has an unknown messageType')
  }
  const events: Json = {
    serviceEvent: envelopeMessage(ServiceEventSchema, 'Service event', 'the Service Monitor: serviceList, serviceAdded, serviceRemoved, serviceUpdated; the Interaction Processor to its own clients: serviceUpdated when its CTI is lost or back'),
    coreEvent: envelopeMessage(CoreEventSchema, 'Core event', '[extension] resync (re-read the snapshots) and shutdown'),
    resourceEvent: envelopeMessage(ResourceEventSchema, 'Resource event', 'any event of a processor session or workflow session (the catalogue below names each)')
  }
  for (const entry of EVENT_CATALOGUE) events[messageKey(entry)] = catalogueMessage(entry)

  const ref = (channel: string, keys: string[]): Json[] => keys.map(k => ({ $ref: `#/channels/${channel}/messages/${k}` }))
  const messageRefs = (group: Json): Json => Object.fromEntries(Object.keys(group).map(k => [k, { $ref: `#/components/messages/${k}` }]))
  const eventKeys = Object.keys(events)

  const document = {
    asyncapi: '3.1.0',
    info: {
      title: 'his-cti-server: WebSocket messages and events',
      version: VERSION,
      description: 'The HIS client protocol as this server speaks it: the requests a media bar sends and the answers it gets over ' +
        'the WebSocket, and the catalogue of every event, which arrives on the WebSocket and, as SSE `data`, on the event stream. ' +
        'Generated from the same TypeBox schemas that validate the messages (scripts/asyncapi.ts); the REST face is openapi.yaml.'
    },
    defaultContentType: 'application/json',
    servers: {
      websocket: { host: 'localhost:3000', protocol: 'ws', pathname: '/ws', description: 'the WebSocket face of `npm start`' },
      eventStream: { host: 'localhost:3000', protocol: 'http', description: 'the SSE face of `npm start` (token: Authorization: Bearer, or ?token=)' }
    },
    channels: {
      websocket: {
        address: '/ws',
        title: 'The HIS wire protocol',
        description: 'One connection is one client. Requests are processed in order; the events a request causes arrive before its answer.',
        servers: [{ $ref: '#/servers/websocket' }],
        messages: { ...messageRefs(requests), ...messageRefs(answers), ...messageRefs(events) }
      },
      eventStream: {
        address: '/clients/{clientId}/events',
        title: 'A client\'s event stream (Server-Sent Events)',
        description: 'Each SSE event: `id` = eventId, `event` = the inner event name, `data` = the envelope as one JSON line.',
        servers: [{ $ref: '#/servers/eventStream' }],
        parameters: { clientId: { description: 'the clientId of POST /clients' } },
        messages: messageRefs(events)
      }
    },
    operations: {
      handleRequest: {
        action: 'receive',
        channel: { $ref: '#/channels/websocket' },
        summary: 'The server takes a request from a media bar and answers it',
        messages: ref('websocket', Object.keys(requests)),
        reply: { channel: { $ref: '#/channels/websocket' }, messages: ref('websocket', Object.keys(answers)) }
      },
      sendEvent: {
        action: 'send',
        channel: { $ref: '#/channels/websocket' },
        summary: 'The server sends the client\'s events on its socket',
        messages: ref('websocket', eventKeys)
      },
      streamEvent: {
        action: 'send',
        channel: { $ref: '#/channels/eventStream' },
        summary: 'The server sends the client\'s events on its event stream',
        messages: ref('eventStream', eventKeys)
      }
    },
    components: {
      schemas,
      messages: { ...requests, ...answers, ...events }
    }
  }
  return stringify(document, { lineWidth: 0 })
}

export const ASYNCAPI_FILE = projectPath('asyncapi.yaml')

if (process.argv[1]?.endsWith('asyncapi.js') === true) {
  writeFileSync(ASYNCAPI_FILE, generateAsyncApi())
  process.stdout.write(`wrote ${ASYNCAPI_FILE}\n`)
}
