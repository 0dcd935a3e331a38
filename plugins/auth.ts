import fp from 'fastify-plugin'
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
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
     * or, with no ADMIN_TOKEN set, a loopback peer. AUTH_FAILED otherwise.
     */
    authorizeOperator: (request: FastifyRequest) => Promise<void>
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

/** Client tokens (the REST face's identification of a client record) and the operator credential. */
export default fp(async function authPlugin (app: FastifyInstance) {
  const adminToken = app.his.config.ADMIN_TOKEN
  const adminDigest = adminToken === '' ? undefined : hashToken(adminToken)
  // Digests are compared, in constant time: the time taken tells nothing of the token.
  const isOperator = (request: FastifyRequest): boolean => {
    if (adminDigest === undefined) return isLoopback(request.ip)
    const presented = bearer(request)
    return presented !== undefined && timingSafeEqual(hashToken(presented), adminDigest)
  }
  app.decorate('operatorAllowed', isOperator)
  app.decorate('authorizeOperator', async function authorizeOperator (request: FastifyRequest) {
    if (isOperator(request)) return
    request.log.info({ source: request.source, url: request.routeOptions.url }, 'operator route refused')
    throw new AUTH_FAILED(adminDigest === undefined
      ? 'operator routes answer only this machine (loopback) unless the server sets ADMIN_TOKEN'
      : 'operator route: send Authorization: Bearer <ADMIN_TOKEN>')
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
