import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { PrepareSessionDataSchema } from '../src/schemas/session-requests.schema.js'
import { ServiceAnswerSchema } from '../src/schemas/protocol.schema.js'
import {
  ANY_ROUTE, CLIENT_ROUTE, CoreAnswerSchema, ServiceParams, ServiceRequestBodySchema, ServicesAnswerSchema, TOKEN, answers
} from '../src/schemas/rest.schema.js'
import { clientOf } from '../plugins/auth.js'
import { coreBody, sendAnswer } from './answer.js'

/** Services: getServices, binding, service requests, getCapabilities and prepareSession. */
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
      listAnswer = { key, json: reply.serialize(answer) as string }
    }
    return reply.type('application/json; charset=utf-8').send(listAnswer.json)
  })

  app.post('/services/:serviceId/binding', {
    preHandler: app.requireClient,
    schema: {
      tags: ['services'],
      operationId: 'bindService',
      security: TOKEN,
      summary: 'bindService',
      description: 'Binding entitles the client to the service\'s requests and events. Binding the ServiceMonitor yields `serviceList` first.',
      params: ServiceParams,
      response: answers({ 200: [Type.Ref(CoreAnswerSchema), 'bound'] }, ...CLIENT_ROUTE, 'UNKNOWN_SERVICE', 'NOT_ACCEPTING_CLIENTS')
    }
  }, async (request, reply) => {
    const answer = await his.dispatcher.core(clientOf(request), { command: 'bindService', serviceId: request.params.serviceId })
    return sendAnswer(reply, coreBody(answer))
  })

  app.delete('/services/:serviceId/binding', {
    preHandler: app.requireClient,
    schema: {
      tags: ['services'],
      operationId: 'unbindService',
      security: TOKEN,
      summary: 'unbindService',
      description: 'Also unbinds the service\'s resources this client holds.',
      params: ServiceParams,
      response: answers({ 200: [Type.Ref(CoreAnswerSchema), 'unbound'] }, ...CLIENT_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND')
    }
  }, async (request, reply) => {
    const answer = await his.dispatcher.core(clientOf(request), { command: 'unbindService', serviceId: request.params.serviceId })
    return sendAnswer(reply, coreBody(answer))
  })

  app.post('/services/:serviceId/requests', {
    preHandler: app.requireClient,
    schema: {
      tags: ['services'],
      operationId: 'serviceRequest',
      security: TOKEN,
      summary: 'A service request ({command, data})',
      description: 'The generic form of every service request (getCapabilities, prepareSession …). Needs a binding to the service.',
      params: ServiceParams,
      body: Type.Ref(ServiceRequestBodySchema),
      response: answers({
        200: [Type.Ref(ServiceAnswerSchema), 'done'],
        201: [Type.Ref(ServiceAnswerSchema), 'prepareSession: the session was created'],
        409: [Type.Ref(ServiceAnswerSchema), 'prepareSession: confirm (the agent has a session; send override: true to replace it)']
      }, ...CLIENT_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND', 'UNKNOWN_COMMAND', 'UNKNOWN_MODEL', 'LOCKED_OUT', 'NOT_ACCEPTING_CLIENTS')
    }
  }, async (request, reply) => {
    const { command, data } = request.body
    const answer = await his.dispatcher.service(clientOf(request), { serviceId: request.params.serviceId, command, data })
    return sendAnswer(reply, answer, command === 'prepareSession' ? 201 : 200)
  })

  app.get('/services/:serviceId/capabilities', {
    preHandler: app.requireClient,
    schema: {
      tags: ['services'],
      operationId: 'getCapabilities',
      security: TOKEN,
      summary: 'getCapabilities of an Interaction Processor',
      description: 'String key/values: channel support, the call models offered, the request categories, the not-ready reason codes.',
      params: ServiceParams,
      response: answers({ 200: [Type.Ref(ServiceAnswerSchema), 'the capabilities, as string key/values in data'] }, ...CLIENT_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND', 'UNKNOWN_COMMAND')
    }
  }, async (request, reply) => {
    const answer = await his.dispatcher.service(clientOf(request), { serviceId: request.params.serviceId, command: 'getCapabilities', data: '' })
    return sendAnswer(reply, answer)
  })

  app.post('/services/:serviceId/sessions', {
    preHandler: app.requireClient,
    schema: {
      tags: ['sessions'],
      operationId: 'prepareSession',
      security: TOKEN,
      summary: 'prepareSession: create an agent session',
      description: 'Checks the agent\'s credentials, creates the session resource and the workflow session (same id) and starts ' +
        'the CTI login. 201 success; 409 confirm when the agent already has a session and `override` is not true ' +
        '(send again with `override: true` to replace it); 401 bad credentials.',
      params: ServiceParams,
      body: Type.Ref(PrepareSessionDataSchema),
      response: answers({
        201: [Type.Ref(ServiceAnswerSchema), 'the session was created: resource.id, and the workflow session to bind'],
        409: [Type.Ref(ServiceAnswerSchema), 'confirm: the agent already has a session; send again with override: true to replace it']
      }, ...CLIENT_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND', 'UNKNOWN_COMMAND', 'UNKNOWN_MODEL', 'LOCKED_OUT', 'NOT_ACCEPTING_CLIENTS', 'CTI_UNAVAILABLE')
    }
  }, async (request, reply) => {
    const answer = await his.dispatcher.service(clientOf(request), { serviceId: request.params.serviceId, command: 'prepareSession', data: request.body })
    return sendAnswer(reply, answer, 201)
  })
}

export default services
