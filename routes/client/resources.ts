import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ResourceAnswerSchema, SnapshotAnswerSchema } from '../../src/schemas/protocol.schema.js'
import {
  ANY_ROUTE, CoreAnswerSchema, ResourceParams, ResourceRequestBodySchema, answers
} from '../../src/schemas/rest.schema.js'

/** Resources: binding, requests (login, ready, answer, hold …) and snapshots. */
const resources: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app

  app.post('/services/:serviceId/resources/:resourceId/binding', {
    schema: {
      tags: ['resources'],
      operationId: 'bindResource',
      summary: 'bindResource',
      description: 'A session resource admits one bound client. Binding the workflow session sends its current views as `state.updated`.',
      params: ResourceParams,
      response: answers({ 200: [Type.Ref(CoreAnswerSchema), 'bound'] }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'UNKNOWN_RESOURCE', 'NOT_BOUND', 'ALREADY_BOUND')
    }
  }, async (request, reply) => {
    const { serviceId, resourceId } = request.params
    const answer = await his.dispatcher.core(request.client, { command: 'bindResource', serviceId, resourceId })
    return reply.answerCore(answer)
  })

  app.delete('/services/:serviceId/resources/:resourceId/binding', {
    schema: {
      tags: ['resources'],
      operationId: 'unbindResource',
      summary: 'unbindResource',
      params: ResourceParams,
      response: answers({ 200: [Type.Ref(CoreAnswerSchema), 'unbound'] }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'UNKNOWN_RESOURCE', 'NOT_BOUND')
    }
  }, async (request, reply) => {
    const { serviceId, resourceId } = request.params
    const answer = await his.dispatcher.core(request.client, { command: 'unbindResource', serviceId, resourceId })
    return reply.answerCore(answer)
  })

  app.post('/services/:serviceId/resources/:resourceId/requests', {
    schema: {
      tags: ['resources'],
      operationId: 'resourceRequest',
      summary: 'A session request (session.login, session.ready, conversation.hold …)',
      description: 'The commands of docs/protocol.md (Session requests). `target` defaults to the session. Success means the request was carried out; ' +
        'the state changes arrive as events. A request whose capability is disabled in the current view is refused with INVALID_STATE. ' +
        'Interaction requests (and channel.dial) also produce one result event, `interaction.<action>.done` or ' +
        '`error.interaction.<action>`, carrying `requestid`.',
      params: ResourceParams,
      body: Type.Ref(ResourceRequestBodySchema),
      response: answers({ 200: [Type.Ref(ResourceAnswerSchema), 'carried out; the state changes arrive as events'] }, ...ANY_ROUTE,
        'UNKNOWN_SERVICE', 'UNKNOWN_RESOURCE', 'NOT_BOUND', 'UNKNOWN_COMMAND', 'INVALID_TARGET', 'INVALID_STATE', 'UNSUPPORTED', 'CTI_UNAVAILABLE', 'TIMEOUT')
    }
  }, async (request, reply) => {
    const { serviceId, resourceId } = request.params
    const { command, target, data } = request.body
    const requestId = request.body.requestId ?? randomUUID()
    const answer = await his.dispatcher.resource(request.client, { serviceId, resourceId, command, target, data, requestId })
    return reply.answer({ ...answer, requestId })
  })

  app.get('/services/:serviceId/resources/:resourceId', {
    schema: {
      tags: ['resources'],
      operationId: 'getResource',
      summary: 'A resource snapshot',
      description: 'Processor session: the session, its channels, interactions and conversations. Workflow session: every view\'s state ' +
        'and capabilities. Clients re-read these after `resync`. Needs a binding to the resource.',
      params: ResourceParams,
      response: answers({ 200: [Type.Ref(SnapshotAnswerSchema), 'the resource\'s current state'] }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'UNKNOWN_RESOURCE', 'NOT_BOUND')
    }
  }, async (request, reply) => {
    const { serviceId, resourceId } = request.params
    return reply.answer(await his.dispatcher.snapshot(request.client, serviceId, resourceId))
  })
}

export default resources
