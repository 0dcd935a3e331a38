import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ANY_ROUTE, DomainAnswerSchema, answers } from '../../src/schemas/rest.schema.js'

/** GET /domain: the live instances of this instance's domain, public like GET /services. */
const domain: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app

  app.get('/domain', {
    schema: {
      tags: ['services'],
      operationId: 'getDomain',
      summary: 'The instances of the domain, with their load',
      description: 'Public: a media bar reads it to choose the least-loaded instance that accepts clients, and again to fail over when ' +
        'its instance is gone (docs/protocol.md, The domain). Without REDIS_URL the domain is this instance alone. An instance leaves ' +
        'the list when it stops, or DOMAIN_LEASE_MS after its last renewal when it died. While Redis cannot be reached, ' +
        '`available` is false and only this instance is listed.',
      response: answers({ 200: [Type.Ref(DomainAnswerSchema), 'the live instances'] }, ...ANY_ROUTE)
    }
  }, async () => {
    const { domain } = his
    const self = { name: domain.name, shared: domain.shared, self: domain.instanceId }
    if (domain.health().ok) {
      try {
        return { ...self, available: true, instances: await domain.instances() }
      } catch {}
    }
    return { ...self, available: false, instances: [domain.self()] }
  })
}

export default domain
