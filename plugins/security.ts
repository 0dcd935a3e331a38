import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
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

/**
 * The headers a helmet middleware sets (it sets them synchronously, whatever the request). A
 * middleware that refuses (a directive helmet finds invalid) throws: a page is never served
 * without its policy (the request fails instead).
 */
function recorded (middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader (name: string, value: unknown) { headers[name.toLowerCase()] = String(value) },
    removeHeader (name: string) { Reflect.deleteProperty(headers, name.toLowerCase()) }
  }
  let refused: unknown
  let done = false
  middleware(Object.create(null) as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => { refused = err; done = true })
  if (!done || refused !== undefined) throw refused instanceof Error ? refused : new Error('helmet did not finish its headers')
  return headers
}

/** An origin that can stand in a CSP source list (a peer's PUBLIC_URL may hold anything). */
function cspSource (origin: string): boolean {
  return /^https?:\/\/[^\s;,'"]+$/.test(origin)
}

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
  // The peers a page's CSP names: only origins that can stand in a source list.
  const cspPeers = (): string[] => peers().filter(cspSource)

  // helmet decides the headers; its middleware is built once, here (@fastify/helmet built it
  // again for every request, parsing every directive each time), and what it sets is recorded
  // and replayed: once per distinct list of domain peers (the only part that changes).
  const documentPolicy = helmet({
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
        connectSrc: ["'self'", ...servers, ...servers.map(websocketOrigin), () => cspPeers().map(o => `${o} ${websocketOrigin(o)}`).join(' ')],
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
  // An answer of the API (JSON, the event stream) is never a document: no script, style or frame
  // of it may run, whatever a browser is tricked into doing with it (OWASP's REST headers). The
  // same helmet, strictest settings; five short headers instead of twelve long ones on every answer.
  const apiHeaders = recorded(helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
    crossOriginResourcePolicy: { policy: anyOrigin || origins.size > 0 || app.his.domain.shared ? 'cross-origin' : 'same-origin' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false
  }))
  let documentFor: { peers: string, headers: Record<string, string> } | undefined
  const documentHeaders = (): Record<string, string> => {
    const key = cspPeers().join(' ')
    if (documentFor?.peers !== key) documentFor = { peers: key, headers: recorded(documentPolicy) }
    return documentFor.headers
  }
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(apiHeaders)
    done()
  })
  // Anything else (the media bar's pages and files, Swagger UI) gets the document policy.
  app.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type')
    if (typeof type !== 'string' || !(type.startsWith('application/json') || type.startsWith('text/event-stream'))) {
      for (const name of Object.keys(apiHeaders)) reply.removeHeader(name)
      reply.headers(documentHeaders())
    }
    done(null, payload)
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
