import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { UNSUPPORTED } from '../../src/errors.js'
import type { SimulatorControl } from '../../src/cti/simulator/control.js'
import { ANSWER_STATUS, ANY_ROUTE, SuccessAnswerSchema, answers } from '../../src/schemas/rest.schema.js'
import {
  SimAgentsAnswerSchema, SimCallParams, SimCallsAnswerSchema, SimChatAnswerSchema, SimChatMessageAnswerSchema, SimChatMessageBodySchema,
  SimChatParams, SimChatTypingBodySchema, SimChatsAnswerSchema, SimClockAnswerSchema, SimClockBodySchema,
  SimPlaceCallAnswerSchema, SimPlaceCallBodySchema, SimQueuesAnswerSchema, SimStartChatAnswerSchema, SimStartChatBodySchema
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

  app.post('/simulator/chats', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorStartChat',
      summary: 'A customer starts a chat',
      description: 'A customer starts a chat with a first message: into a queue, where routing offers it to the longest-idle agent of the queue ' +
        'whose chat channel is ready and below CHAT_MAX_PER_AGENT, or with `to` straight to an agent (ready or not, if their chat channel has room). ' +
        'Text is plain text.',
      body: Type.Ref(SimStartChatBodySchema),
      response: answers({ 201: [Type.Ref(SimStartChatAnswerSchema), 'the chat is offered (or waits in the queue)'] }, ...CONTROL_ROUTE, 'INVALID_STATE')
    }
  }, async (request, reply) => {
    const { chatId } = await control().startChat(request.body)
    return reply.code(ANSWER_STATUS.created).send({ result: 'success' as const, chatId })
  })

  app.get('/simulator/chats', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorChats',
      summary: 'Chats in the simulator, as their customers see them, each with its last message',
      description: 'Each chat with `messageCount` and only its last message, so that the list stays small; GET /simulator/chats/{chatId} has the transcript.',
      response: answers({ 200: [Type.Ref(SimChatsAnswerSchema), 'every chat the simulator holds'] }, ...CONTROL_ROUTE)
    }
  }, async () => ({ result: 'success' as const, chats: await control().chats() }))

  app.get('/simulator/chats/:chatId', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorChat',
      summary: 'One chat: its state and transcript as the customer sees it',
      params: SimChatParams,
      response: answers({ 200: [Type.Ref(SimChatAnswerSchema), 'the chat'] }, ...CONTROL_ROUTE, 'UNKNOWN_RESOURCE')
    }
  }, async (request) => ({ result: 'success' as const, chat: await control().chat(request.params.chatId) }))

  app.post('/simulator/chats/:chatId/messages', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorChatMessage',
      summary: 'The customer writes',
      description: 'A message from the customer (plain text). Refused (INVALID_STATE) once the chat has ended.',
      params: SimChatParams,
      body: Type.Ref(SimChatMessageBodySchema),
      response: answers({ 201: [Type.Ref(SimChatMessageAnswerSchema), 'the message is in the transcript (and with the agent, if one has the chat)'] }, ...CONTROL_ROUTE, 'UNKNOWN_RESOURCE', 'INVALID_STATE')
    }
  }, async (request, reply) => {
    const { messageId } = await control().chatMessage(request.params.chatId, request.body.text)
    return reply.code(ANSWER_STATUS.created).send({ result: 'success' as const, messageId })
  })

  app.post('/simulator/chats/:chatId/typing', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorChatTyping',
      summary: 'The customer starts or stops typing',
      params: SimChatParams,
      body: Type.Ref(SimChatTypingBodySchema),
      response: answers({ 200: [Type.Ref(SuccessAnswerSchema), 'the agent is told (chat.typing)'] }, ...CONTROL_ROUTE, 'UNKNOWN_RESOURCE', 'INVALID_STATE')
    }
  }, async (request) => {
    await control().chatTyping(request.params.chatId, request.body.typing)
    return { result: 'success' as const }
  })

  app.delete('/simulator/chats/:chatId', {
    schema: {
      tags: ['simulator'],
      operationId: 'simulatorLeaveChat',
      summary: 'The customer leaves',
      description: 'The customer closes the chat: waiting in the queue it is gone; offered, the offer is abandoned; live, the agent\'s chat ends and wrap-up follows.',
      params: SimChatParams,
      response: answers({ 200: [Type.Ref(SuccessAnswerSchema), 'the customer left'] }, ...CONTROL_ROUTE, 'UNKNOWN_RESOURCE')
    }
  }, async (request) => {
    await control().leaveChat(request.params.chatId)
    return { result: 'success' as const }
  })

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
