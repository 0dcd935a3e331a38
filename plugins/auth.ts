import fp from 'fastify-plugin'
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AUTH_FAILED } from '../src/errors.js'
import { hashToken, type ClientRecord } from '../src/core/client.js'
import { isLoopback } from '../src/core/sources.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The client whose token came with the request (routes in the client scope only). */
    readonly client: ClientRecord
  }
  interface FastifyInstance {
    /**
     * The client scope's hook (routes/client/index.ts): finds the client from
     * `Authorization: Bearer <token>` or `?token=`, and refuses a token of another client than
     * the one a `:clientId` path names.
     */
    authenticate: (request: FastifyRequest) => Promise<void>
    /**
     * The operator scope's hook (routes/operator/index.ts): `Authorization: Bearer <ADMIN_TOKEN>`,
     * or, with no ADMIN_TOKEN set, the loopback rule (operatorRefusal). AUTH_FAILED otherwise
     * (401; 403 for a page of another origin).
     */
    authorizeOperator: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** Whether the request may use the operator routes (the media bar shows its simulator panel then). */
    operatorAllowed: (request: FastifyRequest) => boolean
  }
  interface FastifyContextConfig {
    /** The route takes the client token as `?token=` too (the event stream: EventSource sends no headers). */
    tokenInQuery?: boolean
  }
}

function bearer (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  return typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined
}

/** The client token of a request: the Authorization header, or `?token=` where the route takes it. */
function presentedToken (request: FastifyRequest): string | undefined {
  if (request.headers.authorization !== undefined) return bearer(request)
  if (request.routeOptions.config.tokenInQuery !== true) return undefined
  const token: unknown = request.query !== null && typeof request.query === 'object' ? Reflect.get(request.query, 'token') : undefined
  return typeof token === 'string' && token !== '' ? token : undefined
}

/** Headers a proxy adds to say whom it forwards: a request that carries one did not start on this machine. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip']

/** A Host that names this machine: `localhost`, an address of 127.0.0.0/8 or `[::1]`, with any port. */
const LOOPBACK_HOST = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::\d{1,5})?$/i

/** Why a request may not use the operator routes: its status and message. */
interface Refusal {
  status: 401 | 403
  message: string
}

const FORBIDDEN = 403
const UNAUTHORIZED = 401

/**
 * The loopback rule, for a server without ADMIN_TOKEN: the request comes from a socket on this
 * machine (the peer itself, not an address X-Forwarded-For names, whatever TRUST_PROXY says), no
 * proxy forwarded it (no X-Forwarded-For, Forwarded or X-Real-IP: a reverse proxy on this machine
 * does not make every client local), it is addressed to this machine (Host: localhost, 127.x.x.x
 * or [::1], so a page whose DNS name was rebound to 127.0.0.1 is refused), and no page of another
 * origin sent it (an Origin, when there is one, is the Host's own).
 */
function loopbackRefusal (request: FastifyRequest): Refusal | undefined {
  const headers = request.headers
  if (!isLoopback(request.socket.remoteAddress) || FORWARDING_HEADERS.some(name => headers[name] !== undefined)) {
    return { status: UNAUTHORIZED, message: 'operator routes answer only this machine (loopback, not through a proxy) unless the server sets ADMIN_TOKEN' }
  }
  const host = headers.host
  if (host === undefined || !LOOPBACK_HOST.test(host)) {
    return { status: UNAUTHORIZED, message: 'without ADMIN_TOKEN, operator routes answer only requests addressed to localhost, 127.0.0.1 or [::1]' }
  }
  const origin = headers.origin
  if (origin !== undefined && !sameOrigin(origin, host)) {
    return { status: FORBIDDEN, message: 'a page of another origin may not use the operator routes' }
  }
  return undefined
}

/** Whether a browser's Origin is the origin of the server the request is addressed to. */
function sameOrigin (origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host.toLowerCase()
  } catch {
    return false
  }
}

/** Client tokens (the REST face's identification of a client record) and the operator credential. */
export default fp(async function authPlugin (app: FastifyInstance) {
  const adminToken = app.his.config.ADMIN_TOKEN
  const adminDigest = adminToken === '' ? undefined : hashToken(adminToken)
  // Digests are compared, in constant time: the time taken tells nothing of the token.
  const operatorRefusal = (request: FastifyRequest): Refusal | undefined => {
    if (adminDigest === undefined) return loopbackRefusal(request)
    const presented = bearer(request)
    if (presented !== undefined && timingSafeEqual(hashToken(presented), adminDigest)) return undefined
    return { status: UNAUTHORIZED, message: 'operator route: send Authorization: Bearer <ADMIN_TOKEN>' }
  }
  app.decorate('operatorAllowed', (request: FastifyRequest) => operatorRefusal(request) === undefined)
  app.decorate('authorizeOperator', async function authorizeOperator (request: FastifyRequest, reply: FastifyReply) {
    const refusal = operatorRefusal(request)
    if (refusal === undefined) return
    request.log.info({ source: request.source, url: request.routeOptions.url, status: refusal.status }, 'operator route refused')
    if (refusal.status === UNAUTHORIZED) throw new AUTH_FAILED(refusal.message)
    await reply.fail({ code: 'AUTH_FAILED', message: refusal.message }, refusal.status)
  })

  const clients = new WeakMap<FastifyRequest, ClientRecord>()
  app.decorateRequest('client', {
    getter (this: FastifyRequest): ClientRecord {
      const client = clients.get(this)
      if (client === undefined) throw new AUTH_FAILED('missing client token')
      return client
    }
  })
  app.decorate('authenticate', async function authenticate (request: FastifyRequest) {
    const token = presentedToken(request)
    if (token === undefined) throw new AUTH_FAILED('missing client token: send Authorization: Bearer <token> (open one with POST /clients)')
    const client = app.his.clients.byToken(token)
    if (client === undefined) throw new AUTH_FAILED('unknown or closed client token')
    const named: unknown = request.params !== null && typeof request.params === 'object' ? Reflect.get(request.params, 'clientId') : undefined
    if (named !== undefined && named !== client.id) throw new AUTH_FAILED('the token does not belong to this client')
    clients.set(request, client)
    app.his.presence.touch(client)
  })
}, { name: 'auth', dependencies: ['instance', 'limits'] })
