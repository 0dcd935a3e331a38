import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { OPERATOR, withFailures, type Responses } from '../../src/schemas/rest.schema.js'
import metrics from './metrics.js'
import simulator from './simulator.js'

/**
 * The operator scope: routes for whoever runs the server, never for agents or the public. One
 * hook lets a request in with `Authorization: Bearer <ADMIN_TOKEN>`, or, when no ADMIN_TOKEN is
 * set, from this machine (loopback) only: `npm start` on a laptop stays a one-command demo, a
 * server bound to a public interface is closed by default. SIM_CONTROL=off leaves the
 * simulator's control routes out altogether.
 */
const operatorScope: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRoute', route => {
    const schema = route.schema ?? {}
    const response: Responses = schema.response !== null && typeof schema.response === 'object' ? { ...schema.response } : {}
    route.schema = { ...schema, security: OPERATOR, response: withFailures(response, 'AUTH_FAILED', 'RATE_LIMITED', 'OVERLOADED') }
  })
  app.addHook('onRequest', app.authorizeOperator)
  await app.register(metrics)
  if (app.his.config.SIM_CONTROL === 'on') await app.register(simulator)
}

export default operatorScope
