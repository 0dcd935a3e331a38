import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AUTH_FAILED } from '../src/errors.js'
import type { ClientRecord } from '../src/core/client.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The client whose token came with the request (set by requireClient). */
    client: ClientRecord | null
  }
  interface FastifyInstance {
    /** preHandler: finds the client from `Authorization: Bearer <token>` or `?token=`. */
    requireClient: (request: FastifyRequest) => Promise<void>
  }
}

function presentedToken (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return match?.[1]
  }
  const query = request.query as { token?: unknown } | undefined
  return typeof query?.token === 'string' && query.token !== '' ? query.token : undefined
}

/** The client of a request that went through requireClient. */
export function clientOf (request: FastifyRequest): ClientRecord {
  if (request.client === null) throw new AUTH_FAILED('missing client token')
  return request.client
}

/** Client tokens: the REST face's identification of a client record. */
export default fp(async function authPlugin (app: FastifyInstance) {
  app.decorateRequest('client', null)
  app.decorate('requireClient', async function requireClient (request: FastifyRequest) {
    const token = presentedToken(request)
    if (token === undefined) throw new AUTH_FAILED('missing client token: send Authorization: Bearer <token> (open one with POST /clients)')
    const client = app.his.clients.byToken(token)
    if (client === undefined) throw new AUTH_FAILED('unknown or closed client token')
    request.client = client
    app.his.presence.touch(client)
  })
}, { name: 'auth', dependencies: ['instance'] })
