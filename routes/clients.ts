import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AUTH_FAILED, INVALID_MESSAGE, NOT_ACCEPTING_CLIENTS } from '../src/errors.js'
import { clientOf } from '../plugins/auth.js'
import {
  ClientParams, CLIENT_ROUTE, EventStreamQuery, OpenClientAnswerSchema, OpenClientBodySchema, SuccessAnswerSchema, TOKEN, answers
} from '../src/schemas/rest.schema.js'
import { CoreEventSchema, ResourceEventSchema, ServiceEventSchema } from '../src/schemas/protocol.schema.js'

/** Client records: open, close, and the client's SSE event stream. */
const clients: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app

  app.post('/clients', {
    schema: {
      tags: ['clients'],
      operationId: 'openClient',
      summary: 'Open a client record',
      description: 'Everything a REST client binds and every event it receives hangs off its client record. The token is shown once.',
      body: Type.Optional(Type.Ref(OpenClientBodySchema)),
      response: answers({ 201: [Type.Ref(OpenClientAnswerSchema), 'the client record and its token (shown once)'] }, 'INVALID_MESSAGE', 'NOT_ACCEPTING_CLIENTS')
    }
  }, async (request, reply) => {
    if (his.clients.size >= his.config.MAX_CLIENTS) throw new NOT_ACCEPTING_CLIENTS('this instance has reached its client limit')
    if (!his.processor.availability().acceptingClients && his.processor.availability().status === 'Stopping') {
      throw new NOT_ACCEPTING_CLIENTS('this instance is shutting down')
    }
    const name = request.body?.name ?? 'rest-client'
    const { client, token } = his.clients.open(name, Date.now())
    his.presence.opened(client)
    request.log.info({ clientId: client.id, name }, 'client opened')
    return reply.code(201).send({ result: 'success', clientId: client.id, token, events: `/clients/${client.id}/events` })
  })

  app.delete('/clients/:clientId', {
    preHandler: app.requireClient,
    schema: {
      tags: ['clients'],
      operationId: 'closeClient',
      security: TOKEN,
      summary: 'Close a client record',
      description: 'Unbinds everything the client holds, ends its agent sessions (the agents are logged out, reason client_closed) and forgets it.',
      params: ClientParams,
      response: answers({ 200: [Type.Ref(SuccessAnswerSchema), 'closed'] }, ...CLIENT_ROUTE)
    }
  }, async (request) => {
    const client = clientOf(request)
    if (client.id !== request.params.clientId) throw new AUTH_FAILED('the token does not belong to this client')
    await client.run(async () => { await his.presence.expire(client, 'closed') })
    return { result: 'success' as const }
  })

  app.get('/clients/:clientId/events', {
    preHandler: app.requireClient,
    schema: {
      tags: ['events'],
      operationId: 'eventStream',
      security: TOKEN,
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
        } as never, 'an endless text/event-stream of events (resourceEvent, serviceEvent, coreEvent envelopes)']
      }, ...CLIENT_ROUTE)
    }
  }, async (request, reply) => {
    const client = clientOf(request)
    if (client.id !== request.params.clientId) throw new AUTH_FAILED('the token does not belong to this client')
    const raw = request.headers['last-event-id'] ?? request.query.lastEventId
    let lastEventId: number | undefined
    if (raw !== undefined && raw !== '') {
      if (!/^[0-9]{1,15}$/.test(raw)) throw new INVALID_MESSAGE('Last-Event-ID must be a non-negative integer')
      lastEventId = Number(raw)
    }
    app.eventStreams.open(request, reply, client, lastEventId, request.query.names !== 'false')
  })
}

export default clients
