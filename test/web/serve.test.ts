import t from 'tap'
import { build, body, RestClient } from '../helpers/app.js'
import { SseReader } from '../helpers/sse.js'
import { configWith } from '../../src/config.js'

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
    servers: [], domain: false, simulator: true, processorId: plain.config.PROCESSOR_ID
  }, 'by default: only the serving server, no shared domain')

  const listed = await build(t, { MEDIA_BAR_SERVERS: 'http://cti-a.example:3000, https://cti-b.example/' })
  t.same(body(await listed.app.inject({ method: 'GET', url: '/mediabar/config' })).servers,
    ['http://cti-a.example:3000', 'https://cti-b.example'], 'the configured list, trimmed')

  t.throws(() => configWith({ MEDIA_BAR_SERVERS: 'cti-a.example' }), /MEDIA_BAR_SERVERS/, 'a server without http(s):// is refused at start-up')
  t.throws(() => configWith({ CORS_ORIGINS: 'http://a.example,*' }), /CORS_ORIGINS/, 'a mixed origin list is refused')
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
