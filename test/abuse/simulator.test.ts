// Attacks 1 and 5 of the abuse issue: the simulator's control routes used, without credentials,
// to fill the server with calls, to read callers' numbers and data, and to end their calls.
import t from 'tap'
import { startServer } from '../helpers/process.js'
import { body, build } from '../helpers/app.js'
import { ADMIN_TOKEN, agentTakesACall } from './agent.js'
import { parties, flood, slowest, whileProbing } from './peer.js'

// Server and connector processes: more than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)

const OPERATOR = { authorization: `Bearer ${ADMIN_TOKEN}` }
const BIG = { blob: 'x'.repeat(1000), ...Object.fromEntries(Array.from({ length: 59 }, (_, i) => [`k${i}`, 'y'.repeat(1000)])) }

t.test('attack 1: a flood of calls with 60 KB of attached data, without credentials, puts nothing into the server', async t => {
  const server = await startServer({ ADMIN_TOKEN, SIM_LOGIN_DELAY_MS: '0', SIM_MAX_CALLS: '50' })
  t.teardown(async () => { await server.stop() })
  const { attacker, desk, operator } = parties(t, server.base, 20)

  const { result, probes } = await whileProbing(desk, async () => {
    const answers = await flood(1500, 20, async () => await attacker.send('POST', '/simulator/calls', { body: { from: '+15550009999', data: BIG } }))
    await agentTakesACall(desk, operator, { id: 'agent2', password: 'demo-pass-2', extension: '1002' })
    return answers
  })
  t.same([...new Set(result.map(a => a.status))], [401], 'every call refused: the simulator is an operator route')
  t.match(result[0]?.json, { result: 'failure', failure: { code: 'AUTH_FAILED', message: /ADMIN_TOKEN/ } })
  t.ok(probes.every(p => p.status === 200), 'GET /health answered throughout')
  t.comment(slowest(probes))
  t.same((await operator.send('GET', '/simulator/calls', { headers: OPERATOR })).json.calls.filter((c: { from: string }) => c.from === '+15550009999'), [], 'not one call got in')

  // The operator's own calls are bounded too: SIM_MAX_CALLS, and attached data size.
  const placed = await flood(50, 10, async () => await operator.send('POST', '/simulator/calls', { headers: OPERATOR, body: { from: '+15550002222', queue: 'sales' } }))
  t.ok(placed.every(a => a.status === 201), 'SIM_MAX_CALLS calls placed')
  const full = await operator.send('POST', '/simulator/calls', { headers: OPERATOR, body: { from: '+15550002222', queue: 'sales' } })
  t.equal(full.status, 429)
  t.match(full.json.failure, { code: 'RATE_LIMITED', message: /SIM_MAX_CALLS/, retryAfter: 1 })
  t.equal(full.headers['retry-after'], '1')
  const list = await operator.send('GET', '/simulator/calls', { headers: OPERATOR })
  t.equal(list.status, 200, 'the call list always reads')
  t.equal(list.json.calls.length, 50)
})

t.test('attached data past SIM_MAX_DATA_BYTES is refused', async t => {
  const { app } = await build(t, { SIM_MAX_DATA_BYTES: 512 })
  const res = await app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15550001111', data: { note: 'x'.repeat(600) } } })
  t.equal(res.statusCode, 400)
  t.match(body(res).failure, { code: 'INVALID_MESSAGE', message: /SIM_MAX_DATA_BYTES/ })
  const ok = await app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15550001111', data: { note: 'x'.repeat(400) } } })
  t.equal(ok.statusCode, 201)
})

t.test('a caller who waits SIM_MAX_QUEUE_MS in the queue hangs up, as real callers do', async t => {
  const { app, clock } = await build(t, { SIM_MAX_QUEUE_MS: 60_000 })
  const placed = body(await app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15550001111', queue: 'sales' } }))
  clock.advance(59_999)
  t.equal(body(await app.inject('/simulator/calls')).calls.length, 1, 'still waiting')
  clock.advance(1)
  t.same(body(await app.inject('/simulator/calls')).calls, [], `${String(placed.callId)} abandoned`)
  t.same(body(await app.inject('/simulator/queues')).queues.map((q: { waiting: unknown[] }) => q.waiting.length), [0, 0])
})

t.test('attack 5: nobody without credentials reads or ends a customer\'s call', async t => {
  const server = await startServer({ ADMIN_TOKEN, SIM_LOGIN_DELAY_MS: '0' })
  t.teardown(async () => { await server.stop() })
  const { attacker, operator } = parties(t, server.base)
  const placed = await operator.send('POST', '/simulator/calls', { headers: OPERATOR, body: { from: '+15557654321', queue: 'support', data: { account: '42' } } })
  t.equal(placed.status, 201)
  for (const [method, path] of [['GET', '/simulator/calls'], ['GET', '/simulator/queues'], ['GET', '/simulator/agents'], ['DELETE', `/simulator/calls/${String(placed.json.callId)}`], ['GET', '/metrics']]) {
    const tries: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-of-sixteen-chars' }, { authorization: `Bearer ${ADMIN_TOKEN}x` }]
    for (const headers of tries) {
      const res = await attacker.send(method ?? 'GET', path ?? '/', { headers })
      t.equal(res.status, 401, `${method} ${path} ${JSON.stringify(headers)}`)
      t.notMatch(res.text, /15557654321|account/, 'nothing of the call in the answer')
    }
  }
  const calls = (await operator.send('GET', '/simulator/calls', { headers: OPERATOR })).json.calls
  t.match(calls, [{ from: '+15557654321', state: 'queued', data: { account: '42' } }], 'the call is still there, and the operator sees it')
})

t.test('without ADMIN_TOKEN the operator routes answer loopback peers only; SIM_CONTROL=off removes the simulator\'s', async t => {
  const { app } = await build(t)
  for (const url of ['/simulator/calls', '/simulator/agents', '/simulator/queues', '/metrics']) {
    t.equal((await app.inject({ url })).statusCode, 200, `${url} from 127.0.0.1`)
    t.equal((await app.inject({ url, remoteAddress: '::1' })).statusCode, 200, `${url} from ::1`)
    const remote = await app.inject({ url, remoteAddress: '203.0.113.9' })
    t.equal(remote.statusCode, 401, `${url} from elsewhere`)
    t.match(body(remote).failure, { code: 'AUTH_FAILED', message: /loopback/ })
  }
  t.match(body(await app.inject({ url: '/mediabar/config' })), { simulator: true }, 'the media bar on this machine shows the simulator panel')
  t.match(body(await app.inject({ url: '/mediabar/config', remoteAddress: '203.0.113.9' })), { simulator: false }, 'a media bar elsewhere does not')

  const closed = await build(t, { ADMIN_TOKEN })
  t.equal((await closed.app.inject({ url: '/simulator/calls' })).statusCode, 401, 'with ADMIN_TOKEN set, loopback needs it too')
  t.equal((await closed.app.inject({ url: '/simulator/calls', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode, 200)
  t.match(body(await closed.app.inject({ url: '/mediabar/config' })), { simulator: false })

  const off = await build(t, { SIM_CONTROL: 'off' })
  const res = await off.app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15550001111' } })
  t.equal(res.statusCode, 404)
  t.equal(body(res).failure.code, 'UNKNOWN_COMMAND')
  t.match(body(await off.app.inject({ url: '/mediabar/config' })), { simulator: false })
  t.equal((await off.app.inject({ url: '/metrics' })).statusCode, 200, 'metrics stay')
})
