import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { urlList } from '../src/config.js'
import { forLog } from '../src/logger.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Whether a browser page at the request's `Origin` may use this server (its WebSocket, and any
     * request that changes state): its own origin, or one CORS_ORIGINS names. A request without
     * `Origin` (no browser) may.
     */
    originAllowed: (request: FastifyRequest) => boolean
  }
}

/** Methods that change state: a browser page of an origin that may not use this server sends none of them. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** The status of a request a page of another origin may not make. */
const FORBIDDEN = 403

/** `http(s)://host` → the WebSocket origin of the same server (`ws(s)://host`). */
function websocketOrigin (origin: string): string {
  return origin.replace(/^http/, 'ws')
}

/**
 * Browser-facing security: helmet's headers with a Content-Security-Policy the media bar
 * (web/, no inline script or style) and Swagger UI (/docs, which adds inline styles) both work
 * under; `frame-ancestors` from FRAME_ANCESTORS (`'none'`: no page may frame the bar, so nobody
 * can trick an agent into clicking "Take over"), `nosniff`, a same-origin referrer policy; and
 * the Origin check of the WebSocket face (a cross-site WebSocket is not stopped by CORS) and of
 * every request that changes state (a cross-site "simple" POST is not stopped by CORS either).
 */
export default fp(async function securityPlugin (app: FastifyInstance) {
  const { config } = app.his
  const servers = urlList(config.MEDIA_BAR_SERVERS).map(url => new URL(url).origin)
  const corsSetting = config.CORS_ORIGINS.trim()
  const frameAncestors = config.FRAME_ANCESTORS.trim()
  const anyOrigin = corsSetting === '*'
  const origins = new Set(anyOrigin ? [] : urlList(corsSetting).map(url => new URL(url).origin))
  // The media bar served by any instance of the domain calls the others.
  const peers = (): readonly string[] => app.his.domain.peerOrigins()

  // helmet's middleware is built once, here: @fastify/helmet built it again for every request
  // (parsing every directive each time), a measured share of a session request's cost.
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        // The media bar calls the servers it chooses from (MEDIA_BAR_SERVERS, or the domain's
        // live instances as this instance last read them): REST, SSE, WebSocket.
        connectSrc: ["'self'", ...servers, ...servers.map(websocketOrigin), () => peers().map(o => `${o} ${websocketOrigin(o)}`).join(' ')],
        formAction: ["'self'"],
        frameAncestors: frameAncestors.split(/\s+/)
      }
    },
    // Framing is CSP frame-ancestors'. X-Frame-Options, for browsers without it, says the same
    // thing where it can (DENY, SAMEORIGIN) and is left out when an origin is named (it cannot
    // name an embedding CRM, and a DENY there would contradict frame-ancestors).
    frameguard: frameAncestors === "'none'" ? { action: 'deny' } : frameAncestors === "'self'" ? { action: 'sameorigin' } : false,
    referrerPolicy: { policy: 'same-origin' },
    // TLS is the reverse proxy's to announce: on plain http this header only misleads.
    strictTransportSecurity: false,
    // The API is called cross-origin by media bars of other instances (CORS_ORIGINS).
    crossOriginResourcePolicy: { policy: anyOrigin || origins.size > 0 || app.his.domain.shared ? 'cross-origin' : 'same-origin' }
  })
  app.addHook('onRequest', (request, reply, done) => {
    headers(request.raw, reply.raw, (err?: unknown) => { done(err instanceof Error ? err : undefined) })
  })

  // A page the agent visits may send a "simple" cross-site request (a form's POST, no preflight):
  // whatever changes state is refused when a browser says it comes from an origin that may not
  // use this server. Clients that send no Origin are not browsers and are not checked.
  app.addHook('onRequest', async (request, reply) => {
    if (!STATE_CHANGING.has(request.method) || app.originAllowed(request)) return
    request.log.info({ origin: forLog(request.headers.origin), source: request.source, method: request.method }, 'request refused: origin not allowed')
    await reply.fail({ code: 'AUTH_FAILED', message: 'a page of this origin may not change anything on this server (CORS_ORIGINS)' }, FORBIDDEN)
  })

  app.decorate('originAllowed', function originAllowed (request: FastifyRequest): boolean {
    const origin = request.headers.origin
    if (origin === undefined) return true
    if (anyOrigin || origins.has(origin) || peers().includes(origin)) return true
    try {
      return new URL(origin).host === request.host
    } catch {
      return false
    }
  })
}, { name: 'security', dependencies: ['instance', 'reply', 'limits'] })
