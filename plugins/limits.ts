import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { OVERLOADED, rateLimited, retryAfterOf, withRetryAfter } from '../src/errors.js'
import { ConnectionLimits, sourceOf, trustedPeers } from '../src/core/sources.js'

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
/** How often load shedding samples the event-loop delay and the heap. */
const SAMPLE_MS = 1000
/** The resolution of the event-loop delay histogram (its own timer's period, subtracted from the mean). */
const RESOLUTION_MS = 10
/** What a connection past its source's share is asked to wait, in seconds. */
const CONNECTION_RETRY_SECONDS = 60

/**
 * Limits that keep one source, or too much work, from taking the instance down: connections per
 * source (SOURCE_MAX_CONNECTIONS, refused with 429 RATE_LIMITED as they open), request rates per
 * source (@fastify/rate-limit: RATE_LIMIT_PER_MIN, answered 429 RATE_LIMITED with Retry-After)
 * and load shedding (past LOAD_SHED_EVENT_LOOP_MS of event-loop delay or LOAD_SHED_HEAP_PERCENT of
 * the heap, new requests get 503 OVERLOADED with Retry-After while open streams and sockets keep
 * flowing). Record, socket and stream shares per source are admission's (src/core/sources.ts);
 * failed logins are the processor's (src/core/login-throttle.ts).
 */
export default fp(async function limitsPlugin (app: FastifyInstance) {
  const { config } = app.his
  app.decorateRequest('source', {
    getter (this: FastifyRequest): string {
      return sourceOf(this.ip)
    }
  })

  if (config.TRUST_PROXY === 'true') {
    app.log.warn('TRUST_PROXY=true believes every X-Forwarded-For: any client can name its own source address and so escape the per-source limits. Set TRUST_PROXY to the proxy\'s addresses or its hop count')
  }

  limitConnections(app, config.SOURCE_MAX_CONNECTIONS, trustedPeers(config.TRUST_PROXY))
  // An error of the listening socket (accept failing when file descriptors run out) is logged;
  // unheard, it would end the process.
  app.server.on('error', err => { app.log.error({ err }, 'the listening socket failed') })

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
  shedLoad(app, config.LOAD_SHED_EVENT_LOOP_MS, Math.floor(heapLimit * config.LOAD_SHED_HEAP_PERCENT / 100))
}, { name: 'limits', dependencies: ['instance', 'errors'] })

/**
 * SOURCE_MAX_CONNECTIONS: each TCP connection counts against its peer's source from when it opens
 * until it closes, whatever it carries (requests, an event stream, a WebSocket). One past the
 * share is answered 429 RATE_LIMITED, in the HIS form, and closed before node reads anything from
 * it. Connections from a proxy TRUST_PROXY trusts are not counted: it carries every agent's.
 */
function limitConnections (app: FastifyInstance, max: number, trusted: (address: string | undefined) => boolean): void {
  if (max === 0) return
  const connections = new ConnectionLimits(max)
  const refusal = httpFailure(429, rateLimited(`this source holds ${max} connections, its limit (SOURCE_MAX_CONNECTIONS); close some first`, CONNECTION_RETRY_SECONDS * 1000))
  /** Sources told about in the log since they last held fewer than their share (one line per episode, not per connection). */
  const logged = new Set<string>()
  app.server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress
    if (trusted(peer)) return
    const source = sourceOf(peer)
    const release = connections.open(source)
    if (release === undefined) {
      if (!logged.has(source)) {
        logged.add(source)
        app.log.warn({ source, connections: max }, 'connection refused: its source holds its share of connections (SOURCE_MAX_CONNECTIONS)')
      }
      socket.end(refusal, () => { socket.destroy() })
      return
    }
    socket.once('close', () => {
      release()
      if (connections.held(source) < max) logged.delete(source)
    })
  })
}

/** A whole HTTP response in the HIS failure form, for a connection refused before its first request. */
function httpFailure (status: number, err: Error): string {
  const retryAfter = retryAfterOf(err) ?? 1
  const body = JSON.stringify({ result: 'failure', failure: { code: 'RATE_LIMITED', message: err.message, retryAfter } })
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nretry-after: ${retryAfter}\r\nconnection: close\r\n\r\n${body}`
}

/**
 * Load shedding: from when the instance is ready, a sampler reads the event-loop delay (its mean
 * over the last interval) and the heap in use every second; while either is past its limit, new requests get 503 OVERLOADED with
 * Retry-After, except routes that are served under pressure (/health). Nothing in the sampler
 * opens a file (v8's heap statistics, not process.memoryUsage(), which reads /proc and throws
 * once file descriptors run out), and whatever it throws is logged and the last sample kept: the
 * sampler cannot end the process.
 */
function shedLoad (app: FastifyInstance, maxDelayMs: number, maxHeapBytes: number): void {
  if (maxDelayMs === 0 && maxHeapBytes === 0) return
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  let timer: NodeJS.Timeout | undefined
  let delayMs = 0
  let heapUsed = 0
  const sample = (): void => {
    try {
      const mean = histogram.mean / 1e6 - RESOLUTION_MS
      // No sample at all in the interval: the loop was blocked the whole time.
      delayMs = Number.isNaN(mean) ? Infinity : Math.max(0, mean)
      histogram.reset()
      heapUsed = getHeapStatistics().used_heap_size
    } catch (err) {
      app.log.warn({ err }, 'load sampling failed; the last sample stands')
    }
  }
  // Sampling starts once the instance is ready: the work of starting up is no load.
  app.addHook('onReady', async () => {
    histogram.enable()
    timer = setInterval(sample, SAMPLE_MS)
    timer.unref()
  })
  app.addHook('onClose', async () => {
    clearInterval(timer)
    histogram.disable()
  })
  app.addHook('onRequest', async request => {
    if (request.routeOptions.config.servedUnderPressure === true) return
    const type = maxDelayMs > 0 && delayMs > maxDelayMs
      ? 'eventLoopDelay'
      : maxHeapBytes > 0 && heapUsed > maxHeapBytes ? 'heapUsedBytes' : undefined
    if (type === undefined) return
    request.log.warn({ type, value: type === 'eventLoopDelay' ? delayMs : heapUsed }, 'overloaded: new request refused')
    throw withRetryAfter(new OVERLOADED(`this instance is overloaded (${type}); retry in ${OVERLOAD_RETRY_SECONDS} s`), OVERLOAD_RETRY_SECONDS * 1000)
  })
}
