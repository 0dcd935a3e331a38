import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { PrepareSessionDataSchema } from '../../src/schemas/session-requests.schema.js'
import { ServiceAnswerSchema } from '../../src/schemas/protocol.schema.js'
import {
  ANSWER_STATUS, ANY_ROUTE, CoreAnswerSchema, ServiceParams, ServiceRequestBodySchema, answers
} from '../../src/schemas/rest.schema.js'

/** A service, for a client: binding, service requests, getCapabilities and prepareSession. */
const services: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app

  app.post('/services/:serviceId/binding', {
    schema: {
      tags: ['services'],
      operationId: 'bindService',
      summary: 'bindService',
      description: 'Binding entitles the client to the service\'s requests and events. Binding the ServiceMonitor yields `serviceList` first.',
      params: ServiceParams,
      response: answers({ 200: [Type.Ref(CoreAnswerSchema), 'bound'] }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'NOT_ACCEPTING_CLIENTS')
    }
  }, async (request, reply) => {
    return reply.answerCore(await his.dispatcher.core(request.client, { command: 'bindService', serviceId: request.params.serviceId }))
  })

  app.delete('/services/:serviceId/binding', {
    schema: {
      tags: ['services'],
      operationId: 'unbindService',
      summary: 'unbindService',
      description: 'Also unbinds the service\'s resources this client holds.',
      params: ServiceParams,
      response: answers({ 200: [Type.Ref(CoreAnswerSchema), 'unbound'] }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND')
    }
  }, async (request, reply) => {
    return reply.answerCore(await his.dispatcher.core(request.client, { command: 'unbindService', serviceId: request.params.serviceId }))
  })

  app.post('/services/:serviceId/requests', {
    schema: {
      tags: ['services'],
      operationId: 'serviceRequest',
      summary: 'A service request ({command, data})',
      description: 'The generic form of every service request (getCapabilities, prepareSession …). Needs a binding to the service.',
      params: ServiceParams,
      body: Type.Ref(ServiceRequestBodySchema),
      response: answers({
        200: [Type.Ref(ServiceAnswerSchema), 'done'],
        201: [Type.Ref(ServiceAnswerSchema), 'prepareSession: the session was created'],
        409: [Type.Ref(ServiceAnswerSchema), 'prepareSession: confirm (the agent has a session; send override: true to replace it)']
      }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND', 'UNKNOWN_COMMAND', 'UNKNOWN_MODEL', 'LOCKED_OUT', 'NOT_ACCEPTING_CLIENTS')
    }
  }, async (request, reply) => {
    const { command, data } = request.body
    const answer = await his.dispatcher.service(request.client, { serviceId: request.params.serviceId, command, data })
    return reply.answer(answer, command === 'prepareSession' ? ANSWER_STATUS.created : ANSWER_STATUS.success)
  })

  app.get('/services/:serviceId/capabilities', {
    schema: {
      tags: ['services'],
      operationId: 'getCapabilities',
      summary: 'getCapabilities of an Interaction Processor',
      description: 'String key/values: channel support, the call models offered, the request categories, the not-ready reason codes.',
      params: ServiceParams,
      response: answers({ 200: [Type.Ref(ServiceAnswerSchema), 'the capabilities, as string key/values in data'] }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND', 'UNKNOWN_COMMAND')
    }
  }, async (request, reply) => {
    return reply.answer(await his.dispatcher.service(request.client, { serviceId: request.params.serviceId, command: 'getCapabilities', data: '' }))
  })

  app.post('/services/:serviceId/sessions', {
    schema: {
      tags: ['sessions'],
      operationId: 'prepareSession',
      summary: 'prepareSession: create an agent session',
      description: 'Checks the agent\'s credentials, creates the session resource and the workflow session (same id) and starts ' +
        'the CTI login. 201 success; 409 confirm when the agent already has a session and `override` is not true ' +
        '(send again with `override: true` to replace it; in a domain, also when another instance holds it, and the message names that instance); ' +
        '401 bad credentials. `agent.resumeToken` (the `resumeToken` of the last success) replaces the password: the session is taken back on ' +
        'any instance of the domain, calls included, with no confirm (docs/protocol.md, Resume credential). 503 DOMAIN_UNAVAILABLE while the domain\'s Redis cannot be reached.',
      params: ServiceParams,
      // The processor checks the body, as it checks the same request from every face
      // (src/processor/interaction-processor.ts); this schema is what the OpenAPI shows.
      documentedBody: Type.Ref(PrepareSessionDataSchema),
      response: answers({
        201: [Type.Ref(ServiceAnswerSchema), 'the session was created: resource.id, and the workflow session to bind'],
        409: [Type.Ref(ServiceAnswerSchema), 'confirm: the agent already has a session; send again with override: true to replace it']
      }, ...ANY_ROUTE, 'UNKNOWN_SERVICE', 'NOT_BOUND', 'UNKNOWN_COMMAND', 'UNKNOWN_MODEL', 'LOCKED_OUT', 'NOT_ACCEPTING_CLIENTS', 'CTI_UNAVAILABLE', 'TIMEOUT', 'DOMAIN_UNAVAILABLE')
    }
  }, async (request, reply) => {
    const answer = await his.dispatcher.service(request.client, { serviceId: request.params.serviceId, command: 'prepareSession', data: request.body })
    return reply.answer(answer, ANSWER_STATUS.created)
  })
}

export default services
