import type { OutgoingHttpHeaders } from 'node:http'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { INVALID_MESSAGE } from '../../src/errors.js'
import { flattened } from '../../src/core/flat.js'
import { ANY_ROUTE, ClientParams, EventStreamQuery, SuccessAnswerSchema, answers } from '../../src/schemas/rest.schema.js'
import { CoreEventSchema, ResourceEventSchema, ServiceEventSchema } from '../../src/schemas/protocol.schema.js'

/** A client's own record: close it, and its SSE event stream. */
const clients: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app

  app.delete('/clients/:clientId', {
    schema: {
      tags: ['clients'],
      operationId: 'closeClient',
      summary: 'Close a client record',
      description: 'Unbinds everything the client holds, ends its agent sessions (the agents are logged out, reason client_closed) and forgets it.',
      params: ClientParams,
      response: answers({ 200: [Type.Ref(SuccessAnswerSchema), 'closed'] }, ...ANY_ROUTE)
    }
  }, async (request) => {
    const { client } = request
    await client.run(async () => { await his.presence.expire(client, 'closed') })
    return { result: 'success' as const }
  })

  app.get('/clients/:clientId/events', {
    // EventSource cannot send headers: this route, and only this one, takes the token as ?token=.
    config: { tokenInQuery: true },
    // A HEAD would open a stream that sends nothing (and replace the client's real one).
    exposeHeadRoute: false,
    schema: {
      tags: ['events'],
      operationId: 'eventStream',
      summary: 'The client\'s event stream (Server-Sent Events)',
      description: 'Every event addressed to the client: `id` is the outbox sequence number, `event` the inner event name, ' +
        '`data` the whole envelope as one JSON line. Reconnect with `Last-Event-ID` (or `?lastEventId=`) to resume; ' +
        'when the gap is gone the stream sends `event: resync` and the client re-reads the snapshots.',
      params: ClientParams,
      querystring: EventStreamQuery,
      headers: Type.Object({ 'last-event-id': Type.Optional(Type.String()) }),
      response: answers({
        200: [{
          content: {
            'text/event-stream': {
              schema: Type.Union([Type.Ref(ResourceEventSchema), Type.Ref(ServiceEventSchema), Type.Ref(CoreEventSchema)], {
                description: 'Each SSE event: `id:` the event id, `event:` the inner event name, `data:` one of these envelopes as one ' +
                  'JSON line. Comment lines (`:hb`) are heartbeats.'
              })
            }
          }
        }, 'an endless text/event-stream of events (resourceEvent, serviceEvent, coreEvent envelopes)']
      }, ...ANY_ROUTE)
    }
  }, async (request, reply) => {
    const raw = request.headers['last-event-id'] ?? request.query.lastEventId
    let lastEventId: number | undefined
    if (raw !== undefined && raw !== '') {
      if (!/^[0-9]{1,15}$/.test(raw)) throw new INVALID_MESSAGE('Last-Event-ID must be a non-negative integer')
      lastEventId = Number(raw)
    }
    const stream = app.eventStreams.open(request.client, reply.raw, lastEventId, request.query.names !== 'false', request.source)
    // The stream is not idle while it waits for events: its heartbeats keep it, not HTTP_IDLE_TIMEOUT_MS.
    // (An injected request's socket has no timer.)
    const socket: { setTimeout?: (ms: number) => unknown } = request.raw.socket
    socket.setTimeout?.(0)
    // The stream writes its frames itself from here on (src/transport/sse-stream.ts), after the
    // headers every answer has (security, CORS) and the reconnect delay EventSource is told.
    void reply.hijack()
    const headers: OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache,no-transform',
      connection: 'keep-alive',
      'x-no-compression': '1',
      'x-accel-buffering': 'no'
    })
    // Node keeps the head it wrote (`_header`) as long as the response lives, built by
    // concatenation: a rope of ~95 strings per stream.
    const head: unknown = Reflect.get(reply.raw, '_header')
    if (typeof head === 'string') flattened(head)
    reply.raw.write(`retry: ${app.his.config.SSE_RETRY_MS}\n\n`)
    stream.start()
    request.log.debug({ clientId: request.client.id, lastEventId }, 'event stream opened')
  })
}

export default clients
