import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { SseStreams } from '../src/transport/sse-stream.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The open SSE streams (src/transport/sse-stream.ts): the event route opens one per request. */
    eventStreams: SseStreams
  }
}

/**
 * The SSE face: each stream writes its own frames to the hijacked response (the event route
 * opens it; src/transport/sse-stream.ts); shutdown tells each one and ends it.
 */
export default fp(async function eventStreamsPlugin (app: FastifyInstance) {
  const streams = new SseStreams(app.his.presence, app.his.sources, app.his.config.SSE_HEARTBEAT_MS)
  app.decorate('eventStreams', streams)
  app.addHook('preClose', async () => { await streams.closeAll() })
}, { name: 'event-streams', dependencies: ['instance'] })
