// Who may use the operator routes without ADMIN_TOKEN (the loopback rule: forwarded requests,
// DNS rebinding, other origins), TRUST_PROXY=true, and pages of other origins changing state.
import t from 'tap'
import { body, build } from '../helpers/app.js'
import { startServer } from '../helpers/process.js'
import { ADMIN_TOKEN } from './agent.js'
import { Peer } from './peer.js'

const HIS_FAILURE = { result: 'failure', failure: { code: 'AUTH_FAILED', message: String } }

t.test('the loopback rule: a proxied request is not a local one, whatever TRUST_PROXY says', async t => {
  const { app } = await build(t)
  const local = await app.inject({ url: '/simulator/calls', remoteAddress: '127.0.0.1' })
  t.equal(local.statusCode, 200, 'this machine, directly')
  for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
    const proxied = await app.inject({ url: '/simulator/calls', remoteAddress: '127.0.0.1', headers: { [header]: header === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9' } })
    t.equal(proxied.statusCode, 401, `a reverse proxy on this machine forwarded it (${header})`)
    t.match(body(proxied), HIS_FAILURE)
  }
  t.match(body(await app.inject({ url: '/mediabar/config', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } })), { simulator: false },
    'the media bar behind a proxy shows no simulator panel')

  const trusting = await build(t, { TRUST_PROXY: 'true' })
  for (const xff of ['127.0.0.1', '127.0.0.1, 203.0.113.9', '::1']) {
    const spoofed = await trusting.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': xff } })
    t.equal(spoofed.statusCode, 401, `a remote peer naming loopback in X-Forwarded-For (${xff})`)
    t.match(body(spoofed), HIS_FAILURE)
  }
  t.match(trusting.logs.text, /"level":40,.*TRUST_PROXY=true believes every X-Forwarded-For/, 'TRUST_PROXY=true is warned about at start-up')
  const named = await build(t, { TRUST_PROXY: '10.0.0.0/8' })
  t.notMatch(named.logs.text, /TRUST_PROXY=true/, 'naming the proxy is not')
})

t.test('the loopback rule: only requests addressed to this machine (no DNS rebinding), and no page of another origin', async t => {
  const { app } = await build(t)
  const get = async (headers: Record<string, string>) => await app.inject({ url: '/simulator/agents', remoteAddress: '127.0.0.1', headers })
  for (const host of ['localhost', 'localhost:3000', 'LOCALHOST:3000', '127.0.0.1:3000', '127.5.6.7', '[::1]:3000', '[::1]']) {
    t.equal((await get({ host })).statusCode, 200, `Host: ${host}`)
  }
  for (const host of ['evil.example:3000', 'localhost.evil.example', '127.0.0.1.evil.example', 'evil.example', '10.0.0.1:3000', '[::2]:3000']) {
    const res = await get({ host })
    t.equal(res.statusCode, 401, `Host: ${host} (a page whose name was rebound to 127.0.0.1)`)
    t.match(body(res), { result: 'failure', failure: { code: 'AUTH_FAILED', message: /addressed to localhost/ } })
  }
  t.equal((await get({ host: 'localhost:3000', origin: 'http://localhost:3000' })).statusCode, 200, 'the server\'s own page')
  for (const origin of ['http://evil.example', 'http://localhost:3001', 'null', 'http://127.0.0.1:3000']) {
    const res = await get({ host: 'localhost:3000', origin })
    t.equal(res.statusCode, 403, `Origin: ${origin}`)
    t.match(body(res), { result: 'failure', failure: { code: 'AUTH_FAILED', message: /another origin/ } })
  }
  t.match(body(await app.inject({ url: '/mediabar/config', remoteAddress: '127.0.0.1', headers: { host: 'evil.example:3000' } })), { simulator: false })

  const closed = await build(t, { ADMIN_TOKEN })
  const withToken = await closed.app.inject({ url: '/simulator/agents', remoteAddress: '203.0.113.9', headers: { host: 'cti.example.com', authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.equal(withToken.statusCode, 200, 'ADMIN_TOKEN works under any name')
})

t.test('a page of another origin changes nothing: POST, PUT, PATCH and DELETE with a foreign Origin get 403; no Origin is no browser', async t => {
  const { app } = await build(t, { CORS_ORIGINS: 'https://crm.example.com' })
  const host = 'cti.example.com:3000'
  const open = async (headers: Record<string, string>) => await app.inject({ method: 'POST', url: '/clients', headers: { host, ...headers } })
  for (const origin of ['https://evil.example', 'http://cti.example.com:3001', 'null']) {
    const refused = await open({ origin })
    t.equal(refused.statusCode, 403, `Origin: ${origin}`)
    t.same(body(refused), { result: 'failure', failure: { code: 'AUTH_FAILED', message: 'a page of this origin may not change anything on this server (CORS_ORIGINS)' } })
  }
  t.equal(app.his.clients.size, 0, 'no record was opened')
  t.equal((await open({})).statusCode, 201, 'no Origin (curl -X POST)')
  t.equal((await open({ origin: 'http://cti.example.com:3000' })).statusCode, 201, 'the server\'s own page')
  const crm = await open({ origin: 'https://crm.example.com' })
  t.equal(crm.statusCode, 201, 'an origin CORS_ORIGINS names')
  const { clientId, token } = body(crm)
  const foreign = await app.inject({ method: 'DELETE', url: `/clients/${String(clientId)}`, headers: { host, origin: 'https://evil.example', authorization: `Bearer ${String(token)}` } })
  t.equal(foreign.statusCode, 403, 'DELETE too')
  t.ok(app.his.clients.get(String(clientId)), 'the record is still there')
  for (const method of ['PUT', 'PATCH'] as const) {
    t.equal((await app.inject({ method, url: '/clients', headers: { host, origin: 'https://evil.example' } })).statusCode, 403, method)
  }
  t.equal((await app.inject({ url: '/services', headers: { host, origin: 'https://evil.example' } })).statusCode, 200, 'reading is CORS\'s business')
  const preflight = await app.inject({ method: 'OPTIONS', url: '/clients', headers: { host, origin: 'https://crm.example.com', 'access-control-request-method': 'POST' } })
  t.equal(preflight.statusCode, 204, 'a preflight is no change')
})

t.test('a server process: a forwarded request from loopback is no operator, TRUST_PROXY=true warns; nothing fails with a 5xx', async t => {
  const server = await startServer({ TRUST_PROXY: 'true' })
  const peer = new Peer(server.base, '127.0.0.40')
  t.teardown(async () => { peer.close(); await server.stop() })
  t.match(server.stdout(), /"level":40,.*TRUST_PROXY=true/, 'warned at start-up')
  const proxied = await peer.send('GET', '/simulator/calls', { headers: { 'x-forwarded-for': '203.0.113.9' } })
  t.equal(proxied.status, 401)
  t.match(proxied.json, HIS_FAILURE)
  const spoofed = await peer.send('GET', '/simulator/calls', { headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' } })
  t.equal(spoofed.status, 401, 'naming loopback in X-Forwarded-For does not help')
  const rebound = await peer.send('POST', '/simulator/calls', { body: { from: '+15550001111', queue: 'sales' }, headers: { host: 'evil.example', origin: 'http://evil.example' } })
  t.equal(rebound.status, 401, 'a rebound name')
  const crossSite = await peer.send('POST', '/clients', { headers: { origin: 'https://evil.example' } })
  t.equal(crossSite.status, 403)
  t.match(crossSite.json, HIS_FAILURE)
  t.equal((await peer.send('GET', '/simulator/calls')).status, 200, 'this machine, directly, still may')
})
