import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import { urlList } from '../src/config.js'

/**
 * Cross-origin access for browsers, off by default. A media bar served by one instance that
 * lists others (MEDIA_BAR_SERVERS) calls them from its own origin: those instances name it in
 * CORS_ORIGINS; the instances of a shared domain (REDIS_URL) allow each other's. The API authenticates with bearer tokens, never cookies, so no credentials mode.
 */
export default fp(async function corsPlugin (app: FastifyInstance) {
  const setting = app.his.config.CORS_ORIGINS.trim()
  const { domain } = app.his
  if (setting === '' && !domain.shared) return
  const listed = new Set(setting === '*' ? [] : urlList(setting).map(url => new URL(url).origin))
  await app.register(cors, {
    // The media bar of any live instance of the domain may call this one (it fails over here).
    origin: setting === '*' ? '*' : (origin, callback) => { callback(null, origin !== undefined && (listed.has(origin) || domain.peerOrigins().includes(origin))) },
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'last-event-id'],
    maxAge: 600
  })
}, { name: 'cors', dependencies: ['instance'] })
