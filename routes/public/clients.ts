import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ANSWER_STATUS, OpenClientAnswerSchema, OpenClientBodySchema, answers, type Responses } from '../../src/schemas/rest.schema.js'
import { FailureAnswerSchema } from '../../src/schemas/failures.js'

/** The status of a request from a page whose origin may not use this server (plugins/security.ts). */
const FORBIDDEN = 403

/** POST /clients: open a client record (admission is the instance's: src/core/client.ts). */
const clients: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app

  // The body is optional: `curl -X POST /clients` (no body), and an empty JSON body, open a
  // record with the default name. Any other body is JSON, read as everywhere else.
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    if (text.length === 0) done(null, {})
    else json(request, typeof text === 'string' ? text : text.toString('utf8'), done)
  })
  app.addHook('preValidation', async request => {
    request.body ??= {}
  })

  const openResponses: Responses = {
    ...answers({ 201: [Type.Ref(OpenClientAnswerSchema), 'the client record and its token (shown once)'] }, 'INVALID_MESSAGE', 'RATE_LIMITED', 'OVERLOADED', 'NOT_ACCEPTING_CLIENTS'),
    [FORBIDDEN]: Type.Ref(FailureAnswerSchema, { description: 'AUTH_FAILED: the page\'s Origin may not use this server (CORS_ORIGINS)' })
  }
  app.post('/clients', {
    schema: {
      tags: ['clients'],
      operationId: 'openClient',
      summary: 'Open a client record',
      description: 'Everything a REST client binds and every event it receives hangs off its client record. The token is shown once. ' +
        'The body is optional. Each source address holds and opens a limited share of records (SOURCE_MAX_CLIENTS, SOURCE_CLIENTS_PER_MIN: ' +
        '429 RATE_LIMITED with Retry-After); a record that owns no agent session and has no event stream or socket open is closed after ' +
        'CLIENT_UNBOUND_MS without a request, whatever it bound. A browser page of an origin that may not use this server (not its own, ' +
        'not one CORS_ORIGINS names) is refused: 403 AUTH_FAILED, as every request that changes state.',
      body: Type.Optional(Type.Ref(OpenClientBodySchema)),
      response: openResponses
    }
  }, async (request, reply) => {
    const name = request.body?.name ?? 'rest-client'
    const { client, token } = his.clients.open(name, request.source)
    his.presence.opened(client)
    request.log.info({ clientId: client.id, name, source: client.source }, 'client opened')
    return reply.code(ANSWER_STATUS.created).send({ result: 'success', clientId: client.id, token, events: `/clients/${client.id}/events` })
  })
}

export default clients
