import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { answers } from '../../src/schemas/rest.schema.js'

/** GET /metrics: Prometheus metrics, for the operator's scraper. */
const metrics: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/metrics', {
    schema: {
      tags: ['operations'],
      operationId: 'metrics',
      summary: 'Metrics in Prometheus text format',
      response: answers({
        200: [{ content: { 'text/plain': { schema: Type.String({ examples: ['# HELP his_clients open client records\n# TYPE his_clients gauge\nhis_clients 3\n'] }) } } }, 'Prometheus exposition format']
      })
    }
  }, async (_request, reply) => {
    return reply.type(app.metrics.contentType).send(await app.metrics.metrics())
  })
}

export default metrics
