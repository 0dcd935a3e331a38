import fp from 'fastify-plugin'
import websocket from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import { MessageRate } from '../src/core/rate.js'
import { WsConnections } from '../src/transport/ws-connection.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The open WebSockets (src/transport/ws-connection.ts): routes/public/ws.ts hands each new one here. */
    hisSockets: WsConnections
  }
}

/**
 * The WebSocket face (@fastify/websocket): frames over 1 MiB close the socket (1009); shutdown
 * tells every socket and closes it with 1001.
 */
export default fp(async function websocketPlugin (app: FastifyInstance) {
  const { his } = app
  // The message budget runs on the transports' clock: real time, even when SIM_CLOCK=manual.
  const messages = new MessageRate(his.config.WS_MESSAGES_PER_MIN, his.transportClock)
  const face = { dispatcher: his.dispatcher, clients: his.clients, presence: his.presence, sources: his.sources, messages, clock: his.transportClock }
  const sockets = new WsConnections(face, { pingMs: his.config.WS_PING_INTERVAL_MS, maxBytes: his.config.WS_MAX_MESSAGE_BYTES })
  app.decorate('hisSockets', sockets)
  await app.register(websocket, {
    options: { maxPayload: 1_048_576 },
    preClose (this: FastifyInstance, done: () => void) {
      sockets.closeAll()
      this.websocketServer.close()
      done()
    }
  })
}, { name: 'websocket', dependencies: ['instance'] })
