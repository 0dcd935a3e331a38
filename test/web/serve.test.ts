import t from 'tap'
import { build, body, RestClient } from '../helpers/app.js'
import { SseReader } from '../helpers/sse.js'
import { configWith, frameOrigins } from '../../src/config.js'

// How the server hands out the media bar: the static page, its settings, cross-origin access
// for a bar served by another instance, and the EventSource-friendly stream without names.

t.test('the page, its modules and styles are served from web/', async (t) => {
  const { app } = await build(t)
  const page = await app.inject({ method: 'GET', url: '/' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /<title>Media bar/)
  for (const [url, type] of [['/js/main.js', /javascript/], ['/js/events.js', /javascript/], ['/styles.css', /^text\/css/]] as const) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, `${url} is served`)
    t.match(res.headers['content-type'], type, `${url} has its content type`)
  }
  const missing = await app.inject({ method: 'GET', url: '/js/nope.js' })
  t.equal(missing.statusCode, 404)
  t.equal(body(missing).failure.code, 'UNKNOWN_COMMAND', 'an unknown file gets the usual 404 failure')
})

t.test('GET /mediabar/config names the servers to choose from', async (t) => {
  const plain = await build(t)
  t.same(body(await plain.app.inject({ method: 'GET', url: '/mediabar/config' })), {
    servers: [], domain: false, simulator: true, processorId: plain.config.PROCESSOR_ID, embedOrigins: []
  }, 'by default: only the serving server, no shared domain, no embedding page')

  const listed = await build(t, { MEDIA_BAR_SERVERS: 'http://cti-a.example:3000, https://cti-b.example/' })
  t.same(body(await listed.app.inject({ method: 'GET', url: '/mediabar/config' })).servers,
    ['http://cti-a.example:3000', 'https://cti-b.example'], 'the configured list, trimmed')

  t.throws(() => configWith({ MEDIA_BAR_SERVERS: 'cti-a.example' }), /MEDIA_BAR_SERVERS/, 'a server without http(s):// is refused at start-up')
  t.throws(() => configWith({ CORS_ORIGINS: 'http://a.example,*' }), /CORS_ORIGINS/, 'a mixed origin list is refused')
})

t.test('embedOrigins in GET /mediabar/config: the origins of FRAME_ANCESTORS the bar talks to with postMessage', async (t) => {
  const cases: Array<[string, string[], string]> = [
    ["'none'", [], 'none for \'none\''],
    ["'self'", ["'self'"], '\'self\' as it is: the page\'s own origin, which the page knows'],
    ["'self' https://crm.example.com http://127.0.0.1:8080", ["'self'", 'https://crm.example.com', 'http://127.0.0.1:8080'], 'each origin, in order'],
    ['https://CRM.Example.com:443/app/ http://crm.example.com:80 https://crm.example.com', ['https://crm.example.com', 'http://crm.example.com'], 'normalised (host in lower case, no default port, no path), once each'],
    ["https://*.example.com 'self'", ["'self'"], 'a wildcard source frames the bar but is no origin to talk to']
  ]
  for (const [setting, origins, why] of cases) {
    const { app } = await build(t, { FRAME_ANCESTORS: setting })
    const answer = await app.inject({ method: 'GET', url: '/mediabar/config' })
    t.equal(answer.statusCode, 200)
    t.same(body(answer).embedOrigins, origins, `${setting}: ${why}`)
  }
  t.throws(() => configWith({ FRAME_ANCESTORS: 'crm.example.com' }), /FRAME_ANCESTORS/, 'a source without http(s):// is refused at start-up')
  t.throws(() => configWith({ FRAME_ANCESTORS: "'none' https://crm.example.com" }), /FRAME_ANCESTORS/, '\'none\' stands alone')
  t.throws(() => configWith({ FRAME_ANCESTORS: 'https://crm.example.com,https://b.example.com' }), /FRAME_ANCESTORS/, 'sources are separated by spaces, not commas')
  t.throws(() => configWith({ FRAME_ANCESTORS: 'http://[crm' }), /FRAME_ANCESTORS: "http:\/\/\[crm" is not a URL/, 'a source that is no URL is refused, named')
  t.doesNotThrow(() => configWith({ FRAME_ANCESTORS: 'http://localhost:* https://*.example.com' }), 'wildcard sources (CSP\'s, not URLs) are accepted')
  t.same(frameOrigins('http://localhost:* https://*.example.com https://crm.example.com'), ['https://crm.example.com'], 'and left out of embedOrigins: no message origin can equal them')
})

t.test('framing: CSP frame-ancestors and X-Frame-Options say the same thing', async (t) => {
  const headers = async (setting?: string): Promise<Record<string, unknown>> => {
    const { app } = await build(t, setting === undefined ? {} : { FRAME_ANCESTORS: setting })
    return (await app.inject({ method: 'GET', url: '/' })).headers
  }
  const closed = await headers()
  t.match(String(closed['content-security-policy']), /frame-ancestors 'none'/, 'by default no page may frame the bar')
  t.equal(closed['x-frame-options'], 'DENY', 'and X-Frame-Options says so to browsers without frame-ancestors')
  const self = await headers("'self'")
  t.match(String(self['content-security-policy']), /frame-ancestors 'self'/)
  t.equal(self['x-frame-options'], 'SAMEORIGIN', '\'self\': SAMEORIGIN')
  const crm = await headers("'self' https://crm.example.com")
  t.match(String(crm['content-security-policy']), /frame-ancestors 'self' https:\/\/crm\.example\.com/)
  t.notOk(crm['x-frame-options'], 'a named origin: no X-Frame-Options (it cannot name one; DENY would contradict frame-ancestors)')
  t.equal(crm['set-cookie'], undefined, 'no cookie to block in a third-party frame: the bar keeps its token in memory and sessionStorage')
})

t.test('cross-origin access only for the origins in CORS_ORIGINS', async (t) => {
  const closed = await build(t)
  const plain = await closed.app.inject({ method: 'GET', url: '/services', headers: { origin: 'http://bar.example' } })
  t.equal(plain.statusCode, 200)
  t.notOk(plain.headers['access-control-allow-origin'], 'no CORS headers by default')

  const open = await build(t, { CORS_ORIGINS: 'http://bar.example' })
  const allowed = await open.app.inject({ method: 'GET', url: '/services', headers: { origin: 'http://bar.example' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'http://bar.example', 'a listed origin may read answers')
  const other = await open.app.inject({ method: 'GET', url: '/services', headers: { origin: 'http://evil.example' } })
  t.notOk(other.headers['access-control-allow-origin'], 'another origin may not')
  const preflight = await open.app.inject({
    method: 'OPTIONS',
    url: '/services/WorkflowManager/binding',
    headers: { origin: 'http://bar.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' }
  })
  t.equal(preflight.statusCode, 204, 'the preflight is answered')
  t.match(preflight.headers['access-control-allow-headers'], /authorization/, 'the bearer token header is allowed')

  // The SSE stream carries the header too (EventSource from another origin).
  const base = await open.listen()
  const client = await RestClient.open(open.app)
  const stream = await SseReader.connect(`${base}/clients/${client.clientId}/events?token=${client.token}`, { origin: 'http://bar.example' })
  t.teardown(() => { stream.close() })
  t.equal(stream.status, 200)
  t.equal(stream.headers['access-control-allow-origin'], 'http://bar.example', 'the event stream allows the origin')
})

t.test('?names=false leaves out the event lines, for EventSource onmessage', async (t) => {
  const { app, listen } = await build(t)
  const base = await listen()
  const client = await RestClient.open(app)
  await client.login()
  const stream = await SseReader.connect(`${base}/clients/${client.clientId}/events?token=${client.token}&names=false`)
  t.teardown(() => { stream.close() })
  const { frame, envelope } = await stream.nextEvent()
  t.equal(frame.event, undefined, 'no event: line')
  t.equal(frame.id, '1', 'ids stay')
  t.equal(envelope.event.name, 'state.updated', 'the name is in the envelope')
  t.equal(envelope.eventId, 1)

  const bad = await app.inject({ method: 'GET', url: `/clients/${client.clientId}/events?token=${client.token}&names=no` })
  t.equal(bad.statusCode, 400)
  t.equal(body(bad).failure.code, 'INVALID_MESSAGE', 'names must be true or false')
})
