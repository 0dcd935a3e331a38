import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

/**
 * Prometheus metrics for GET /metrics: process defaults, HTTP requests by route and status, and
 * the instance's own gauges (clients, sessions, open streams, events held and delivered).
 */
export default fp(async function metricsPlugin (app: FastifyInstance) {
  const { his } = app
  const register = new Registry()
  collectDefaultMetrics({ register, prefix: 'his_' })

  const requests = new Counter({
    name: 'his_http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [register]
  })
  const duration = new Histogram({
    name: 'his_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [register]
  })
  /** A gauge read when /metrics is scraped. */
  const gauge = (name: string, help: string, read: () => number): void => {
    register.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read()) } }))
  }
  gauge('his_clients', 'open client records', () => his.clients.size)
  gauge('his_sessions', 'agent sessions', () => his.processor.sessionCount)
  gauge('his_event_streams', 'open SSE event streams', () => app.eventStreams.count)
  gauge('his_websockets', 'open WebSockets', () => app.hisSockets.count)
  gauge('his_outbox_events', 'events held in client outboxes for replay (about 0.5 KB each)', () => {
    let held = 0
    for (const client of his.clients.all()) held += client.outbox.size
    return held
  })
  let delivered = 0
  register.registerMetric(new Counter({
    name: 'his_events_delivered_total',
    help: 'events appended to client outboxes',
    registers: [],
    collect () {
      const now = his.registry.eventsDelivered
      this.inc(now - delivered)
      delivered = now
    }
  }))

  // The labelled children are looked up once per method, route and status (prom-client hashes
  // the labels on every call otherwise), and the hook is synchronous: it runs on every request.
  const children = new Map<string, { count: ReturnType<typeof requests.labels>, time: ReturnType<typeof duration.labels> }>()
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const key = `${request.method} ${reply.statusCode} ${route}`
    let child = children.get(key)
    if (child === undefined) {
      child = { count: requests.labels(request.method, route, String(reply.statusCode)), time: duration.labels(request.method, route) }
      children.set(key, child)
    }
    child.count.inc()
    child.time.observe(reply.elapsedTime / 1000)
    done()
  })
  app.decorate('metrics', register)
}, { name: 'metrics', dependencies: ['instance', 'event-streams', 'websocket'] })
