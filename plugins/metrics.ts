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
  new Gauge({ name: 'his_clients', help: 'open client records', registers: [register], collect () { this.set(his.clients.size) } })
  new Gauge({ name: 'his_sessions', help: 'agent sessions', registers: [register], collect () { this.set(his.processor.sessionCount) } })
  new Gauge({
    name: 'his_event_streams', help: 'open SSE event streams', registers: [register],
    collect () { this.set(app.eventStreams.count) }
  })
  new Gauge({
    name: 'his_websockets', help: 'open WebSockets', registers: [register],
    collect () { this.set(app.hisSockets.count) }
  })
  new Gauge({
    name: 'his_outbox_events', help: 'events held in client outboxes for replay (about 0.5 KB each)', registers: [register],
    collect () {
      let held = 0
      for (const client of his.clients.all()) held += client.outbox.size
      this.set(held)
    }
  })
  let delivered = 0
  new Counter({
    name: 'his_events_delivered_total', help: 'events appended to client outboxes', registers: [register],
    collect () {
      const now = his.registry.eventsDelivered
      this.inc(now - delivered)
      delivered = now
    }
  })

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
