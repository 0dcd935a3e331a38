import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { FailureAnswerSchema } from '../../src/schemas/failures.js'

/** The status of a plain GET /ws: it only upgrades. */
const UPGRADE_REQUIRED = 426

/** GET /ws: the HIS wire protocol over a WebSocket, one message per text frame. */
const ws: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/ws',
    schema: {
      tags: ['websocket'],
      operationId: 'websocket',
      summary: 'The HIS wire protocol over a WebSocket',
      description: 'Upgrade to a WebSocket and send the messages of docs/protocol.md (coreRequest, serviceRequest, resourceRequest), ' +
        'one JSON object per text frame; answers and events (resourceEvent, serviceEvent, coreEvent) come back the same way. ' +
        'One connection is one client. The message catalogue is asyncapi.yaml and docs/protocol.md; ' +
        'a plain GET (no upgrade) answers 426.',
      response: { [UPGRADE_REQUIRED]: Type.Ref(FailureAnswerSchema, { description: 'not an upgrade request: connect with a WebSocket client' }) }
    },
    handler: async (_request, reply) => {
      return reply.header('upgrade', 'websocket')
        .fail({ code: 'INVALID_MESSAGE', message: 'GET /ws upgrades to a WebSocket (send Connection: Upgrade, Upgrade: websocket)' }, UPGRADE_REQUIRED)
    },
    wsHandler: (socket, request) => { app.hisSockets.accept(socket, request.log) }
  })
}

export default ws
