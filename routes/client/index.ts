import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { TOKEN, withFailures, type Responses } from '../../src/schemas/rest.schema.js'
import clients from './clients.js'
import resources from './resources.js'
import services from './services.js'

/**
 * The client scope: every route a client reaches with its token (fastify/demo's autohooks
 * pattern). One hook authenticates each request (`request.client`), and each route's OpenAPI
 * operation gets the token's security requirement and the AUTH_FAILED answer, so the routes
 * themselves only validate, call and answer.
 */
const clientScope: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRoute', route => {
    const schema = route.schema ?? {}
    const response: Responses = schema.response !== null && typeof schema.response === 'object' ? { ...schema.response } : {}
    route.schema = { ...schema, security: TOKEN, response: withFailures(response, 'AUTH_FAILED') }
  })
  app.addHook('preHandler', app.authenticate)
  await app.register(clients)
  await app.register(services)
  await app.register(resources)
}

export default clientScope
