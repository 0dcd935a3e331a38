import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import type { Clock } from './core/clock.js'
import instancePlugin from '../plugins/instance.js'
import schemasPlugin from '../plugins/schemas.js'
import errorsPlugin from '../plugins/errors.js'
import authPlugin from '../plugins/auth.js'
import eventStreamsPlugin from '../plugins/event-streams.js'
import metricsPlugin from '../plugins/metrics.js'
import websocketPlugin from '../plugins/websocket.js'
import swaggerPlugin from '../plugins/swagger.js'
import replyPlugin from '../plugins/reply.js'
import corsPlugin from '../plugins/cors.js'
import clientsRoutes from '../routes/public/clients.js'
import servicesRoutes from '../routes/public/services.js'
import healthRoutes from '../routes/public/health.js'
import simulatorRoutes from '../routes/public/simulator.js'
import wsRoutes from '../routes/public/ws.js'
import webRoutes from '../routes/public/web.js'
import clientScope from '../routes/client/index.js'

export interface AppOptions {
  config: Config
  /** Overrides SIM_CLOCK (tests pass a ManualClock). */
  clock?: Clock
  /** Overrides the transports' real-time clock (tests pass a ManualClock). */
  transportClock?: Clock
}

/**
 * The application as a plugin: shared plugins first (instance, schemas, replies and errors,
 * OpenAPI, CORS, auth, streams, metrics), then the public routes and the client scope (the
 * routes a client's token opens). Only server.ts listens.
 */
export async function app (fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  const { config, clock, transportClock } = opts
  await fastify.register(instancePlugin, { config, ...(clock !== undefined && { clock }), ...(transportClock !== undefined && { transportClock }) })
  await fastify.register(schemasPlugin)
  await fastify.register(replyPlugin)
  await fastify.register(errorsPlugin)
  await fastify.register(swaggerPlugin)
  await fastify.register(corsPlugin)
  await fastify.register(authPlugin)
  await fastify.register(eventStreamsPlugin)
  await fastify.register(websocketPlugin)
  await fastify.register(metricsPlugin)
  await fastify.register(clientsRoutes)
  await fastify.register(servicesRoutes)
  await fastify.register(healthRoutes)
  await fastify.register(simulatorRoutes)
  await fastify.register(wsRoutes)
  await fastify.register(webRoutes)
  await fastify.register(clientScope)
}

export interface BuildOptions extends AppOptions {
  logger: FastifyBaseLogger
}

/** Creates the fastify server with the product's settings and registers the application. */
export async function buildApp (options: BuildOptions) {
  const server = Fastify({
    loggerInstance: options.logger,
    forceCloseConnections: true,
    bodyLimit: options.config.BODY_LIMIT,
    // Strict validation: unknown fields and wrong types are refused, never silently rewritten.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } }
  }).withTypeProvider<TypeBoxTypeProvider>()
  // The API speaks JSON only: a text/plain body is refused with 415, not read as a string.
  server.removeContentTypeParser('text/plain')
  // fastify-plugin: the application's decorations (his, eventStreams …) belong to the root.
  await server.register(fp(app, { name: 'his-cti-server' }), options)
  return server
}
