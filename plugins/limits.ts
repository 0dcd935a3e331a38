import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import { getHeapStatistics } from 'node:v8'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { OVERLOADED, rateLimited, withRetryAfter } from '../src/errors.js'
import { sourceOf } from '../src/core/sources.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Where the request came from, as the per-source limits count it (src/core/sources.ts). */
    readonly source: string
  }
  interface FastifyContextConfig {
    /** Under load shedding the route is still served (GET /health says how loaded the instance is). */
    servedUnderPressure?: boolean
  }
}

/** What an overloaded instance asks clients to wait, in seconds. */
const OVERLOAD_RETRY_SECONDS = 5

/**
 * Limits that keep one source, or too much work, from taking the instance down: request rates per
 * source (@fastify/rate-limit: RATE_LIMIT_PER_MIN, answered 429 RATE_LIMITED with Retry-After)
 * and load shedding (@fastify/under-pressure: past LOAD_SHED_EVENT_LOOP_MS of event-loop delay or
 * LOAD_SHED_HEAP_PERCENT of the heap, new requests get 503 OVERLOADED with Retry-After while open
 * streams and sockets keep flowing). Record, socket and stream shares per source are admission's
 * (src/core/sources.ts); failed logins are the processor's (src/core/login-throttle.ts).
 */
export default fp(async function limitsPlugin (app: FastifyInstance) {
  const { config } = app.his
  app.decorateRequest('source', {
    getter (this: FastifyRequest): string {
      return sourceOf(this.ip)
    }
  })

  if (config.RATE_LIMIT_PER_MIN > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.RATE_LIMIT_PER_MIN,
      timeWindow: 60_000,
      keyGenerator: request => request.source,
      // The stock headers, and what the answer says: a HIS failure through the error handler.
      errorResponseBuilder: (_request, context) => rateLimited(`more than ${context.max} requests a minute from this source; retry in ${context.after}`, context.ttl)
    })
  }

  const heapLimit = getHeapStatistics().heap_size_limit
  if (config.LOAD_SHED_EVENT_LOOP_MS > 0 || config.LOAD_SHED_HEAP_PERCENT > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: config.LOAD_SHED_EVENT_LOOP_MS,
      maxHeapUsedBytes: Math.floor(heapLimit * config.LOAD_SHED_HEAP_PERCENT / 100),
      retryAfter: OVERLOAD_RETRY_SECONDS,
      pressureHandler: (request, _reply, type, value) => {
        if (request.routeOptions.config.servedUnderPressure === true) return
        request.log.warn({ type, value }, 'overloaded: new request refused')
        // A rejected promise: under-pressure hands it to the error handler (HIS form, Retry-After).
        return Promise.reject(withRetryAfter(new OVERLOADED(`this instance is overloaded (${type}); retry in ${OVERLOAD_RETRY_SECONDS} s`), OVERLOAD_RETRY_SECONDS * 1000))
      }
    })
  }
}, { name: 'limits', dependencies: ['instance', 'errors'] })
