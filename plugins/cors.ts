import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import { urlList } from '../src/config.js'

/**
 * Cross-origin access for browsers, off by default. A media bar served by one instance that
 * lists others (MEDIA_BAR_SERVERS) calls them from its own origin: those instances name it in
 * CORS_ORIGINS. The API authenticates with bearer tokens, never cookies, so no credentials mode.
 */
export default fp(async function corsPlugin (app: FastifyInstance) {
  const setting = app.his.config.CORS_ORIGINS.trim()
  if (setting === '') return
  const origins = setting === '*' ? '*' : urlList(setting)
  await app.register(cors, {
    origin: origins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'last-event-id'],
    maxAge: 600
  })
}, { name: 'cors', dependencies: ['instance'] })
