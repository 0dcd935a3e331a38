import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
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
import limitsPlugin from '../plugins/limits.js'
import securityPlugin from '../plugins/security.js'
import clientsRoutes from '../routes/public/clients.js'
import servicesRoutes from '../routes/public/services.js'
import domainRoutes from '../routes/public/domain.js'
import healthRoutes from '../routes/public/health.js'
import wsRoutes from '../routes/public/ws.js'
import webRoutes from '../routes/public/web.js'
import clientScope from '../routes/client/index.js'
import operatorScope from '../routes/operator/index.js'

export interface AppOptions {
  config: Config
  /** Overrides SIM_CLOCK (tests pass a ManualClock). */
  clock?: Clock
  /** Overrides the transports' real-time clock (tests pass a ManualClock). */
  transportClock?: Clock
}

/**
 * The application as a plugin: shared plugins first (instance, schemas, replies and errors,
 * limits, security headers, OpenAPI, CORS, auth, streams, metrics), then the public routes, the
 * client scope (the routes a client's token opens) and the operator scope (ADMIN_TOKEN, or
 * loopback). Only server.ts listens.
 */
export async function app (fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  const { config, clock, transportClock } = opts
  await fastify.register(instancePlugin, { config, ...(clock !== undefined && { clock }), ...(transportClock !== undefined && { transportClock }) })
  await fastify.register(schemasPlugin)
  await fastify.register(replyPlugin)
  await fastify.register(errorsPlugin)
  await fastify.register(limitsPlugin)
  await fastify.register(securityPlugin)
  await fastify.register(swaggerPlugin)
  await fastify.register(corsPlugin)
  await fastify.register(authPlugin)
  await fastify.register(eventStreamsPlugin)
  await fastify.register(websocketPlugin)
  await fastify.register(metricsPlugin)
  await fastify.register(clientsRoutes)
  await fastify.register(servicesRoutes)
  await fastify.register(domainRoutes)
  await fastify.register(healthRoutes)
  await fastify.register(wsRoutes)
  await fastify.register(webRoutes)
  await fastify.register(clientScope)
  await fastify.register(operatorScope)
}

export interface BuildOptions extends AppOptions {
  logger: FastifyBaseLogger
}

/** A failure body in the HIS form, for the answers fastify sends before any plugin runs. */
function failureBody (message: string): string {
  return JSON.stringify({ result: 'failure', failure: { code: 'INVALID_MESSAGE', message } })
}

/** What fastify itself refuses before routing (a path parameter over 100 characters: 414; a bad URL: 400), in the HIS form. */
const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (err, _request, reply) => {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
  const body = failureBody(tooLong ? 'a path segment is longer than 100 characters' : 'the URL could not be read')
  reply.raw.writeHead(tooLong ? 414 : 400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  reply.raw.end(body)
}

/** What node's HTTP parser refuses (headers too large: 431, a malformed request: 400), in the HIS form. */
function clientErrorHandler (err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy()
    return
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const body = failureBody(status === 431 ? 'the request headers are too large' : status === 408 ? 'the request took too long' : 'the request could not be read')
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
}

/** TRUST_PROXY as fastify reads it: off, on, a hop count, or the proxies' addresses. */
function trustProxy (setting: string): NonNullable<FastifyServerOptions['trustProxy']> {
  if (setting === '') return false
  if (setting === 'true') return true
  if (/^[0-9]+$/.test(setting)) {
    const hops = Number(setting)
    return (_address, hop) => hop < hops
  }
  return setting
}

/** How often node checks the requests in flight against their time (headers, whole request), at most. */
const TIMEOUT_CHECK_MS = 5000

/** Creates the fastify server with the product's settings and registers the application. */
export async function buildApp (options: BuildOptions) {
  const idleMs = options.config.HTTP_IDLE_TIMEOUT_MS
  const server = Fastify({
    loggerInstance: options.logger,
    forceCloseConnections: true,
    // A connection that sends nothing for HTTP_IDLE_TIMEOUT_MS is closed: before its first request,
    // between requests (keep-alive) and in the middle of one; a request's headers and body must
    // arrive within it too (408). Event streams and WebSockets turn the idle timer off: their
    // heartbeats and pings say whether the peer is there.
    connectionTimeout: idleMs,
    keepAliveTimeout: idleMs,
    requestTimeout: idleMs,
    http: { requestTimeout: idleMs, headersTimeout: idleMs, connectionsCheckingInterval: Math.min(idleMs, TIMEOUT_CHECK_MS) },
    bodyLimit: options.config.BODY_LIMIT,
    trustProxy: trustProxy(options.config.TRUST_PROXY),
    frameworkErrors,
    clientErrorHandler,
    // Strict validation: unknown fields and wrong types are refused, never silently rewritten.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } }
  }).withTypeProvider<TypeBoxTypeProvider>()
  // The API speaks JSON only: a text/plain body is refused with 415, not read as a string.
  server.removeContentTypeParser('text/plain')
  // fastify-plugin: the application's decorations (his, eventStreams …) belong to the root.
  await server.register(fp(app, { name: 'his-cti-server' }), options)
  return server
}
