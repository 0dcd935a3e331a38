import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AUTH_FAILED } from '../src/errors.js'
import type { ClientRecord } from '../src/core/client.js'

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
  }
}

function presentedToken (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]
  const token: unknown = request.query !== null && typeof request.query === 'object' ? Reflect.get(request.query, 'token') : undefined
  return typeof token === 'string' && token !== '' ? token : undefined
}

/** Client tokens: the REST face's identification of a client record. */
export default fp(async function authPlugin (app: FastifyInstance) {
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
}, { name: 'auth', dependencies: ['instance'] })
