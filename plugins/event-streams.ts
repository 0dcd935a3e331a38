import fp from 'fastify-plugin'
import { FastifySSEPlugin } from 'fastify-sse-v2'
import type { FastifyInstance } from 'fastify'
import { SseStreams } from '../src/transport/sse-stream.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The open SSE streams (src/transport/sse-stream.ts): the event route opens one per request. */
    eventStreams: SseStreams
  }
}

/** The SSE face: fastify-sse-v2 writes the streams; shutdown tells each one and ends it. */
export default fp(async function eventStreamsPlugin (app: FastifyInstance) {
  await app.register(FastifySSEPlugin, { retryDelay: app.his.config.SSE_RETRY_MS })
  const streams = new SseStreams(app.his.presence, app.his.sources, app.his.config.SSE_HEARTBEAT_MS)
  app.decorate('eventStreams', streams)
  app.addHook('preClose', async () => { await streams.closeAll() })
}, { name: 'event-streams', dependencies: ['instance'] })
