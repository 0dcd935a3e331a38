import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { FailureAnswerSchema } from '../src/schemas/common.schema.js'
import { HisSocket } from '../plugins/websocket.js'

/** GET /ws: the HIS wire protocol over a WebSocket, one message per text frame. */
const ws: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app
  app.route({
    method: 'GET',
    url: '/ws',
    schema: {
      tags: ['websocket'],
      operationId: 'websocket',
      summary: 'The HIS wire protocol over a WebSocket',
      description: 'Upgrade to a WebSocket and send the messages of PROTOCOL.md (coreRequest, serviceRequest, resourceRequest), ' +
        'one JSON object per text frame; answers and events (resourceEvent, serviceEvent, coreEvent) come back the same way. ' +
        'One connection is one client. The message catalogue is asyncapi.yaml and the README\'s WebSocket section; ' +
        'a plain GET (no upgrade) answers 426.',
      response: { 426: Type.Ref(FailureAnswerSchema, { description: 'not an upgrade request: connect with a WebSocket client' }) }
    },
    handler: async (_request, reply) => {
      return reply.code(426).header('upgrade', 'websocket').send({
        result: 'failure',
        failure: { code: 'INVALID_MESSAGE', message: 'GET /ws upgrades to a WebSocket (send Connection: Upgrade, Upgrade: websocket)' }
      })
    },
    wsHandler: (socket, request) => {
      const connection = new HisSocket(his, socket, request.log, {
        pingMs: his.config.WS_PING_INTERVAL_MS,
        maxBytes: his.config.WS_MAX_MESSAGE_BYTES
      }, s => { app.hisSockets.remove(s) })
      app.hisSockets.add(connection)
    }
  })
}

export default ws
