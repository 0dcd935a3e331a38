import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ANSWER_STATUS, OpenClientAnswerSchema, OpenClientBodySchema, answers } from '../../src/schemas/rest.schema.js'

/** POST /clients: open a client record (admission is the instance's: src/core/client.ts). */
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
    const name = request.body?.name ?? 'rest-client'
    const { client, token } = his.clients.open(name)
    his.presence.opened(client)
    request.log.info({ clientId: client.id, name }, 'client opened')
    return reply.code(ANSWER_STATUS.created).send({ result: 'success', clientId: client.id, token, events: `/clients/${client.id}/events` })
  })
}

export default clients
