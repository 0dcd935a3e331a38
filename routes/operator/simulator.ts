import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { UNSUPPORTED } from '../../src/errors.js'
import type { SimulatorControl } from '../../src/cti/simulator/control.js'
import { ANSWER_STATUS, ANY_ROUTE, SuccessAnswerSchema, answers } from '../../src/schemas/rest.schema.js'
import {
  SimAgentsAnswerSchema, SimCallParams, SimCallsAnswerSchema, SimClockAnswerSchema, SimClockBodySchema,
  SimPlaceCallAnswerSchema, SimPlaceCallBodySchema, SimQueuesAnswerSchema
} from '../../src/schemas/simulator.schema.js'

/** What any control route may fail with: the connector has no controls, is lost, or slow. */
const CONTROL_ROUTE = [...ANY_ROUTE, 'UNSUPPORTED', 'CTI_UNAVAILABLE', 'TIMEOUT'] as const

/** Control of the built-in simulator: ring agents, hang up as the caller, look, move a manual clock. */
const simulator: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app
  /** The embedded simulator's controls, or the connector's across the bridge (CTI_URL). */
  const control = (): SimulatorControl => {
    const found = his.control()
    if (found === undefined) throw new UNSUPPORTED(his.simulator === undefined ? 'the CTI connector has no simulator controls, or is not connected now' : 'the simulator has no controls')
    return found
  }

  app.get('/simulator/agents', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorAgents',
      summary: 'Simulated agents with their extension and state',
      description: 'The simulator\'s agent directory and each agent\'s current state. Passwords are never shown.',
      response: answers({ 200: [Type.Ref(SimAgentsAnswerSchema), 'every agent of the directory'] }, ...CONTROL_ROUTE)
    }
  }, async () => {
    return { result: 'success' as const, agents: await control().agents() }
  })

  app.post('/simulator/calls', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorPlaceCall',
      summary: 'Place an inbound call',
      description: 'A caller rings: into a queue, where the ACD offers the call to the longest-idle ready agent of the queue, ' +
        'or with `to` straight to an agent\'s extension. The call carries `data` as attached data.',
      body: Type.Ref(SimPlaceCallBodySchema),
      response: answers({ 201: [Type.Ref(SimPlaceCallAnswerSchema), 'the call rings (or waits in the queue)'] }, ...CONTROL_ROUTE, 'INVALID_STATE')
    }
  }, async (request, reply) => {
    const { callId } = await control().placeCall(request.body)
    return reply.code(ANSWER_STATUS.created).send({ result: 'success' as const, callId })
  })

  app.delete('/simulator/calls/:callId', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorHangUp',
      summary: 'The caller hangs up',
      description: 'The outside party of the call hangs up: in a queue or while ringing the call is abandoned; in talk it ends.',
      params: SimCallParams,
      response: answers({ 200: [Type.Ref(SuccessAnswerSchema), 'the caller hung up'] }, ...CONTROL_ROUTE, 'UNKNOWN_RESOURCE')
    }
  }, async (request) => {
    await control().hangup(request.params.callId)
    return { result: 'success' as const }
  })

  app.get('/simulator/calls', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorCalls',
      summary: 'Calls in the simulator with their parties',
      response: answers({ 200: [Type.Ref(SimCallsAnswerSchema), 'every call'] }, ...CONTROL_ROUTE)
    }
  }, async () => ({ result: 'success' as const, calls: await control().calls() }))

  app.get('/simulator/queues', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorQueues',
      summary: 'Queues with their waiting calls and ready agents',
      response: answers({ 200: [Type.Ref(SimQueuesAnswerSchema), 'every queue'] }, ...CONTROL_ROUTE)
    }
  }, async () => ({ result: 'success' as const, queues: await control().queues() }))

  app.post('/simulator/clock', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorAdvanceClock',
      summary: 'Advance the simulator clock (SIM_CLOCK=manual only)',
      description: 'With SIM_CLOCK=manual the simulator\'s time (login delay, ring-no-answer, wrap-up) only moves through this route.',
      body: Type.Ref(SimClockBodySchema),
      response: answers({ 200: [Type.Ref(SimClockAnswerSchema), 'the new simulated time'] }, ...CONTROL_ROUTE)
    }
  }, async (request) => {
    const { now } = await control().advanceClock(request.body.advanceMs)
    return { result: 'success' as const, now }
  })
}

export default simulator
