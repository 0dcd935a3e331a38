import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { HealthAnswerSchema, answers } from '../../src/schemas/rest.schema.js'
import { VERSION } from '../../src/version.js'

/** What a load balancer reads: 200 in service, 503 otherwise. */
const HEALTH_STATUS = { ok: 200, degraded: 503, stopping: 503 } as const

/** Health for operators and load balancers (served even while the instance sheds load). */
const health: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app
  const started = Date.now()

  app.get('/health', {
    config: { servedUnderPressure: true },
    schema: {
      tags: ['operations'],
      operationId: 'health',
      summary: 'Health of the instance',
      description: '200 while the instance is in service; 503 while it is stopping, its CTI is unavailable, or its domain\'s Redis cannot be reached.',
      response: answers({
        200: [Type.Ref(HealthAnswerSchema), 'in service'],
        503: [Type.Ref(HealthAnswerSchema), 'stopping, or the CTI or the domain is unavailable']
      }, 'RATE_LIMITED')
    }
  }, async (_request, reply) => {
    const cti = his.cti.health()
    const { domain } = his
    const domainHealth = domain.health()
    const services = his.registry.list().map(s => ({ id: s.id, name: s.name, ...s.serviceStatus }))
    const stopping = services.some(s => s.status === 'Stopping')
    const status = stopping ? 'stopping' as const : cti.ok && domainHealth.ok ? 'ok' as const : 'degraded' as const
    return reply.code(HEALTH_STATUS[status]).send({
      status,
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      cti,
      domain: { name: domain.name, shared: domain.shared, instance: domain.instanceId, ...domainHealth },
      services,
      clients: his.clients.size,
      sessions: his.processor.sessionCount,
      streams: app.eventStreams.count,
      sockets: app.hisSockets.count
    })
  })
}

export default health
