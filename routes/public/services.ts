import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ANY_ROUTE, ServicesAnswerSchema, answers } from '../../src/schemas/rest.schema.js'

/** GET /services: getServices, public, so media bars can read load before login. */
const services: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app
  let listAnswer = { key: '', json: '' }

  app.get('/services', {
    schema: {
      tags: ['services'],
      operationId: 'getServices',
      summary: 'getServices: every service with its status and load',
      description: 'Public: media bars read `status`, `acceptingClients` and `clientCount` of every instance before login ' +
        'and pick the least-loaded one that accepts clients.',
      response: answers({ 200: [Type.Ref(ServicesAnswerSchema), 'every service'] }, ...ANY_ROUTE)
    }
  }, async (_request, reply) => {
    // Media bars poll this before every login: the answer is serialized once and served again
    // until a service changes (a client binds or leaves, a status changes).
    const key = his.registry.listKey()
    if (key !== listAnswer.key) {
      const answer = { command: 'getServices' as const, result: 'success' as const, data: { services: his.registry.list() } }
      listAnswer = { key, json: String(reply.serialize(answer)) }
    }
    return reply.type('application/json; charset=utf-8').send(listAnswer.json)
  })
}

export default services
