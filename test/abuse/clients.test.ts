// Attack 2 of the abuse issue: one source opening client records until nobody else can.
import t from 'tap'
import { startServer } from '../helpers/process.js'
import { AGENT1, PROCESSOR_ID, WM, body, build } from '../helpers/app.js'
import { ADMIN_TOKEN, agentTakesACall } from './agent.js'
import { parties, flood, slowest, whileProbing } from './peer.js'

t.test('attack 2: one source opening client records gets its share, and everyone else still gets in', async t => {
  const server = await startServer({ ADMIN_TOKEN, SIM_LOGIN_DELAY_MS: '0', SOURCE_CLIENTS_PER_MIN: '200' })
  t.teardown(async () => { await server.stop() })
  const { attacker, desk, operator } = parties(t, server.base, 20)

  const { result, probes } = await whileProbing(desk, async () => {
    const answers = await flood(600, 20, async () => await attacker.send('POST', '/clients'))
    await agentTakesACall(desk, operator, { id: 'agent2', password: 'demo-pass-2', extension: '1002' })
    return answers
  })
  const opened = result.filter(a => a.status === 201).length
  t.equal(opened, 200, 'SOURCE_CLIENTS_PER_MIN records opened (no body needed)')
  const refused = result.filter(a => a.status === 429)
  t.equal(refused.length, 400, 'the rest refused')
  t.match(refused[0]?.json.failure, { code: 'RATE_LIMITED', message: /SOURCE_CLIENTS_PER_MIN/ })
  t.ok(Number(refused[0]?.headers['retry-after']) >= 1, 'with Retry-After')
  t.ok(probes.every(p => p.status === 200), 'GET /health answered throughout')
  t.comment(slowest(probes))
})

t.test('records held per source: SOURCE_MAX_CLIENTS; closing one frees a place; MAX_CLIENTS stays the last line', async t => {
  const { app } = await build(t, { SOURCE_MAX_CLIENTS: 3, MAX_CLIENTS: 5 })
  const open = async (remoteAddress: string) => await app.inject({ method: 'POST', url: '/clients', remoteAddress })
  const mine = [await open('198.51.100.1'), await open('198.51.100.1'), await open('198.51.100.1')]
  t.ok(mine.every(r => r.statusCode === 201))
  const fourth = await open('198.51.100.1')
  t.equal(fourth.statusCode, 429)
  t.match(body(fourth).failure, { code: 'RATE_LIMITED', message: /SOURCE_MAX_CLIENTS/ })
  t.equal((await open('2001:db8:1:2::7')).statusCode, 201, 'another source')
  t.equal((await open('2001:db8:1:2:ffff::9')).statusCode, 201, 'the same /64 is one source')
  t.equal((await open('2001:db8:1:2:ffff::10')).statusCode, 503, 'the instance is full (MAX_CLIENTS)')
  const first = body(mine[0] ?? fourth)
  await app.inject({ method: 'DELETE', url: `/clients/${String(first.clientId)}`, headers: { authorization: `Bearer ${String(first.token)}` } })
  t.equal((await open('198.51.100.1')).statusCode, 201, 'a closed record frees its source\'s place')
})

t.test('a record goes after CLIENT_UNBOUND_MS unless it owns a session: binding services (no password) is not enough', async t => {
  const { app, clock } = await build(t, { CLIENT_UNBOUND_MS: 60_000, CLIENT_IDLE_MS: 600_000, SOURCE_MAX_CLIENTS: 10 })
  const source = '198.51.100.7'
  const open = async () => await app.inject({ method: 'POST', url: '/clients', remoteAddress: source })
  const records = await Promise.all(Array.from({ length: 10 }, async () => body(await open())))
  t.equal((await open()).statusCode, 429, 'the source holds its ten')
  const call = async (record: Record<string, unknown>, url: string, payload?: Record<string, unknown>) => await app.inject({
    method: 'POST', url, remoteAddress: source, headers: { authorization: `Bearer ${String(record.token)}` }, ...(payload !== undefined && { payload })
  })
  // Nine do what anyone may: bind the processor and the Workflow Manager.
  for (const record of records.slice(1)) {
    t.equal((await call(record, `/services/${PROCESSOR_ID}/binding`)).statusCode, 200)
    t.equal((await call(record, `/services/${WM}/binding`)).statusCode, 200)
  }
  // One logs an agent in: it owns a session now.
  const agent = records[0] ?? {}
  await call(agent, `/services/${PROCESSOR_ID}/binding`)
  await call(agent, `/services/${WM}/binding`)
  t.equal((await call(agent, `/services/${PROCESSOR_ID}/sessions`, { agent: AGENT1 })).statusCode, 201)

  clock.advance(60_000)
  await new Promise(resolve => setImmediate(resolve))
  t.same([...app.his.clients.all()].map(c => c.id), [agent.clientId], 'the nine that only bound services are gone after CLIENT_UNBOUND_MS')
  t.equal((await open()).statusCode, 201, 'and their places are free')
  clock.advance(500_000)
  t.ok(app.his.clients.get(String(agent.clientId)), 'the record that owns a session is still there')
  clock.advance(100_000)
  await new Promise(resolve => setImmediate(resolve))
  t.notOk(app.his.clients.get(String(agent.clientId)), 'gone after CLIENT_IDLE_MS without a request')
})

t.test('POST /clients takes no body, an empty JSON body, or {name}; anything else is INVALID_MESSAGE', async t => {
  const { app } = await build(t)
  t.equal((await app.inject({ method: 'POST', url: '/clients' })).statusCode, 201, 'no body, no content-type (curl -X POST)')
  t.equal((await app.inject({ method: 'POST', url: '/clients', headers: { 'content-type': 'application/json' } })).statusCode, 201, 'an empty JSON body')
  const named = await app.inject({ method: 'POST', url: '/clients', payload: { name: 'bar' } })
  t.equal(named.statusCode, 201)
  const bad = await app.inject({ method: 'POST', url: '/clients', headers: { 'content-type': 'application/json' }, payload: '{"name":' })
  t.equal(bad.statusCode, 400)
  t.match(body(bad).failure, { code: 'INVALID_MESSAGE', message: 'the body is not valid JSON' })
  const poisoned = await app.inject({ method: 'POST', url: '/clients', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1}}' })
  t.equal(poisoned.statusCode, 400, 'prototype poisoning is refused as everywhere')
  t.equal((await app.inject({ method: 'POST', url: '/clients', payload: { name: 'x', extra: 1 } })).statusCode, 400)
})
