import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { FailureAnswerSchema } from '../../src/schemas/failures.js'
import { rateLimited } from '../../src/errors.js'
import { forLog } from '../../src/logger.js'

/** The status of a plain GET /ws: it only upgrades. */
const UPGRADE_REQUIRED = 426
/** The status of an upgrade from a page whose origin may not use this server. */
const FORBIDDEN = 403

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
        'a plain GET (no upgrade) answers 426. A browser page may connect only from this server\'s own origin or one CORS_ORIGINS names ' +
        '(403 otherwise; clients that send no Origin are not browsers and are not checked), and each source address holds at most ' +
        'SOURCE_MAX_STREAMS sockets and event streams (429 RATE_LIMITED).',
      response: {
        [UPGRADE_REQUIRED]: Type.Ref(FailureAnswerSchema, { description: 'not an upgrade request: connect with a WebSocket client' }),
        [FORBIDDEN]: Type.Ref(FailureAnswerSchema, { description: 'AUTH_FAILED: the page\'s Origin may not use this server (CORS_ORIGINS)' }),
        429: Type.Ref(FailureAnswerSchema, { description: 'RATE_LIMITED: this source holds its share of sockets and streams, or made too many requests' })
      }
    },
    // Refused before the upgrade, with an HTTP answer a browser's console shows.
    onRequest: async (request, reply) => {
      if (!app.originAllowed(request)) {
        const origin = forLog(request.headers.origin)
        request.log.info({ origin, source: request.source }, 'websocket refused: origin not allowed')
        return await reply.fail({ code: 'AUTH_FAILED', message: `origin ${origin ?? ''} may not use this server (CORS_ORIGINS)` }, FORBIDDEN)
      }
      const { streams } = app.his.sources.held(request.source)
      if (streams >= app.his.config.SOURCE_MAX_STREAMS) throw rateLimited('this source holds its share of WebSockets and event streams (SOURCE_MAX_STREAMS)', 60_000)
    },
    handler: async (_request, reply) => {
      return reply.header('upgrade', 'websocket')
        .fail({ code: 'INVALID_MESSAGE', message: 'GET /ws upgrades to a WebSocket (send Connection: Upgrade, Upgrade: websocket)' }, UPGRADE_REQUIRED)
    },
    wsHandler: (socket, request) => { app.hisSockets.accept(socket, request.source, request.log) }
  })
}

export default ws
