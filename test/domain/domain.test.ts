// The instance domain with the real parts: redis-server, the simulator connector and two server
// instances, each a process the test starts on a free port and stops, passed or not.
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { freePort } from '../../bench/lib.js'
import { PROCESSOR_ID } from '../helpers/app.js'
import { haveRedis, processes, startConnector, startRedis, startServer, type ServerProcess } from '../helpers/process.js'
import { Desk, http, logged, until, type Answer } from '../bridge/desk.js'

// Processes: more than tap's default per file.
t.setTimeout(240_000)
const available = haveRedis(t)
/** A test that needs redis-server (skipped without it, outside CI). */
function test (name: string, fn: (t: Test) => Promise<void>): void {
  void t.test(name, { skip: !available }, fn)
}

const TOKEN = 'domain-test-bridge-token'
const AGENT1 = { id: 'agent1', password: 'demo-pass-1' }

interface Domain {
  redis: ServerProcess
  redisPort: number
  connector: ServerProcess
  /** Starts one more instance of the domain, named `id`. */
  instance: (id: string, env?: Record<string, string>) => Promise<ServerProcess>
}

/** redis-server, the connector, and a way to start instances of one domain on them. */
async function domain (t: Test, env: Record<string, string> = {}): Promise<Domain> {
  const keep = processes(t)
  const redisPort = await freePort()
  const redis = await keep(startRedis(redisPort))
  const connector = await keep(startConnector({ CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  const instance = async (id: string, more: Record<string, string> = {}): Promise<ServerProcess> => {
    const port = await freePort()
    return await keep(startServer({
      PORT: String(port),
      CTI_URL: connector.base,
      CTI_BRIDGE_TOKEN: TOKEN,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      INSTANCE_DOMAIN: 'test',
      INSTANCE_ID: id,
      DOMAIN_LEASE_MS: '1500',
      ...env,
      ...more
    }))
  }
  return { redis, redisPort, connector, instance }
}

/** A TCP relay to Redis that the test can cut and mend: one instance loses Redis, the others do not. */
async function relay (t: Test, port: number): Promise<{ url: string, cut: () => void, mend: () => void }> {
  const sockets = new Set<Socket>()
  let open = true
  const server: Server = createServer(client => {
    if (!open) { client.destroy(); return }
    const upstream = createConnection(port, '127.0.0.1')
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => { sockets.delete(s) }); s.on('error', () => {}) }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { for (const s of sockets) s.destroy(); await new Promise(resolve => server.close(resolve)) })
  const address = server.address()
  return {
    url: `redis://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
    cut: () => { open = false; for (const s of sockets) s.destroy() },
    mend: () => { open = true }
  }
}

interface DomainAnswer { name: string, shared: boolean, available: boolean, self: string, instances: Array<{ id: string, url: string, acceptingClients: boolean, sessions: number }> }

async function live (base: string): Promise<DomainAnswer> {
  return (await http(base, 'GET', '/domain')).json as DomainAnswer
}

/** The agent on a connected call at `base`: logged in (no override), ready, rung, answered. */
async function onACall (base: string): Promise<{ desk: Desk, ix: string, prepared: Answer }> {
  const desk = await Desk.open(base)
  const prepared = await desk.prepare(AGENT1)
  if (prepared.status !== 201) throw new Error(`prepareSession: ${prepared.status} ${JSON.stringify(prepared.json)}`)
  await until('logged in', async () => (await desk.picture()).session.loggedIn === true ? true : undefined)
  await desk.request('session.ready')
  const placed = await http(base, 'POST', '/simulator/calls', { from: '+15551234567', to: '1001' })
  if (placed.status !== 201) throw new Error(`place a call: ${placed.status} ${JSON.stringify(placed.json)}`)
  const ix = await until('the call rings', async () => (await desk.picture()).interactions[0] as Record<string, any> | undefined)
  const primary = (ix.conversations as Array<{ role: string, target: string }>).find(c => c.role === 'primary')
  const answered = await desk.request('conversation.answer', primary?.target)
  if (answered.status !== 200) throw new Error(`answer: ${answered.status} ${JSON.stringify(answered.json)}`)
  return { desk, ix: String(ix.target), prepared }
}

async function connectedCalls (base: string): Promise<number> {
  const calls = (await http(base, 'GET', '/simulator/calls')).json.calls as Array<{ state: string }>
  return calls.filter(c => c.state === 'connected').length
}

test('discovery: GET /domain lists the live instances with their URLs; a stopped one leaves at once, a killed one within DOMAIN_LEASE_MS', async t => {
  const d = await domain(t)
  const a = await d.instance('a')
  const b = await d.instance('b')
  const c = await d.instance('c')
  const listed = await until('three instances', async () => { const l = await live(a.base); return l.instances.length === 3 ? l : undefined })
  t.match(listed, { name: 'test', shared: true, available: true, self: 'a' })
  t.same(listed.instances.map(i => i.id), ['a', 'b', 'c'])
  t.same(listed.instances.map(i => i.url), [a.base, b.base, c.base], 'each with its PUBLIC_URL (here http://HOST:PORT)')
  t.ok(listed.instances.every(i => i.acceptingClients), 'all accepting clients')

  await c.stop()
  t.same((await live(a.base)).instances.map(i => i.id), ['a', 'b'], 'a stopped instance leaves at once')
  const killedAt = Date.now()
  b.child.kill('SIGKILL')
  await b.exited
  await until('b expires', async () => (await live(a.base)).instances.length === 1 ? true : undefined, 5000)
  const gone = Date.now() - killedAt
  t.ok(gone <= 1500 + 500, `a killed instance left GET /domain after ${gone} ms (lease 1500 ms)`)
  t.match((await http(a.base, 'GET', '/mediabar/config')).json, { domain: true })
  // Whatever someone publishes on an instance's command channel, it carries on.
  const intruder = new Redis(`redis://127.0.0.1:${d.redisPort}`)
  t.teardown(() => { intruder.disconnect() })
  for (const text of ['null', '42', '"x"', '{', '{"type":"release"}', '{"type":"release","command":{"agentId":1}}']) await intruder.publish('his:{test}:commands:a', text)
  await new Promise(resolve => setTimeout(resolve, 200))
  t.equal((await http(a.base, 'GET', '/health')).status, 200, 'malformed commands are dropped')
  t.match((await http(a.base, 'GET', '/health')).json, { status: 'ok', domain: { name: 'test', shared: true, instance: 'a', ok: true } })
})

test('one session per agent: a login on B while A holds the agent is a confirm naming A; override moves the session to B, the call stays up', async t => {
  const d = await domain(t)
  const a = await d.instance('a')
  const b = await d.instance('b')
  const { desk: onA, ix } = await onACall(a.base)

  const onB = await Desk.open(b.base)
  const confirm = await onB.prepare(AGENT1)
  t.equal(confirm.status, 409)
  t.match(confirm.json, { result: 'confirm', message: new RegExp(`already has a session on a \\(${a.base.replace(/[.]/g, '\\.')}\\)`) }, 'the prompt names the instance that holds the agent')
  t.equal((await onA.picture()).session.loggedIn, true, 'A\'s session is untouched by the question')

  const taken = await onB.prepare(AGENT1, true)
  t.equal(taken.status, 201, 'override: B has the session')
  await until('A\'s session ends', async () => (await onA.call('GET', `/services/${PROCESSOR_ID}/resources/${onA.rid}`)).status === 404 ? true : undefined)
  await logged(t, a, /"reason":"replaced","msg":"session ended"/, 'A ended its session as replaced')
  const picture = await onB.picture()
  t.match(picture.session, { loggedIn: true, state: 'busy' }, 'the agent was never logged out')
  t.match(picture.interactions, [{ target: ix, conversations: [{ role: 'primary', state: 'connected' }] }], 'B sees the call, connected')
  t.equal(await connectedCalls(b.base), 1, 'the call is up at the connector')
  // The load in GET /domain is each instance's as of its last renewal.
  const moved = await until('both renewed', async () => { const l = await live(b.base); return JSON.stringify(l.instances.map(i => [i.id, i.sessions])) === '[["a",0],["b",1]]' ? true : undefined })
  t.ok(moved, 'GET /domain: the session is on B')
})

test('the login race: two simultaneous logins of one agent on two instances never both succeed', async t => {
  const d = await domain(t)
  const a = await d.instance('a')
  const b = await d.instance('b')
  const rounds = 12
  let wins = 0
  for (let round = 0; round < rounds; round++) {
    const [onA, onB] = await Promise.all([Desk.open(a.base), Desk.open(b.base)])
    const answers = await Promise.all([onA.prepare(AGENT1), onB.prepare(AGENT1)])
    const statuses = answers.map(x => x.status).sort()
    t.same(statuses, [201, 409], `round ${round}: one session, one confirm (${statuses.join(', ')})`)
    const winner = answers[0]?.status === 201 ? onA : onB
    if (winner === onA) wins++
    // The winner leaves (no call: the agent is logged out) and the claim goes with the session.
    await winner.call('DELETE', `/clients/${winner.clientId}`)
    await until('logged out', async () => (await http(a.base, 'GET', '/simulator/agents')).json.agents.find((x: { id: string }) => x.id === 'agent1')?.state === 'logged_out' ? true : undefined)
  }
  t.comment(`A won ${wins} of ${rounds} rounds`)
})

test('failover: A is killed mid-call; B takes the session back with the resume credential, no password, no prompt, the call connected throughout', async t => {
  const d = await domain(t)
  const a = await d.instance('a')
  const b = await d.instance('b')
  const { ix, prepared } = await onACall(a.base)
  const token = String(prepared.json.resumeToken)
  t.match(token, /^[A-Za-z0-9_-]{43}$/, 'prepareSession answered a resume credential')
  t.notMatch(a.stdout(), new RegExp(token), 'which is never logged')

  const killedAt = Date.now()
  a.child.kill('SIGKILL')
  await a.exited
  t.equal(await connectedCalls(b.base), 1, 'the call is still connected at the connector')
  const bar = await Desk.open(b.base)
  const resumed = await bar.prepare({ id: AGENT1.id, resumeToken: token })
  const took = Date.now() - killedAt
  t.equal(resumed.status, 201, `B took the session back ${took} ms after the kill (A's lease had not expired: no wait for it)`)
  t.match(resumed.json.resumeToken, /^[A-Za-z0-9_-]{43}$/, 'with a new credential')
  t.not(resumed.json.resumeToken, token, 'rotated')
  t.notOk(JSON.stringify(resumed.json.data ?? {}).includes(token), 'the echo carries no credential')
  const picture = await bar.picture()
  t.match(picture.session, { loggedIn: true, state: 'busy' })
  t.match(picture.interactions, [{ target: ix, conversations: [{ role: 'primary', state: 'connected' }] }], 'with the call, connected')
  t.ok((await bar.buttons(ix)).includes('conversation.hold'), 'and its buttons')
  t.equal((await bar.request('conversation.hold', `${ix}.${String(picture.interactions[0].conversations[0].id)}`)).status, 200, 'which work')

  const again = await (await Desk.open(b.base)).prepare({ id: AGENT1.id, resumeToken: token })
  t.match(again, { status: 401, json: { failure: { code: 'AUTH_FAILED', message: /resume credential is not valid/ } } }, 'the used credential is void')
  t.notMatch(b.stdout(), new RegExp(`${token}|${String(resumed.json.resumeToken)}`), 'no credential in B\'s log')
})

test('graceful stop of A mid-call: the credential outlives it, B takes the session back; a page A served may still call B after A\'s lease', async t => {
  const d = await domain(t)
  const a = await d.instance('a')
  const b = await d.instance('b')
  const { ix, prepared } = await onACall(a.base)
  t.equal(await a.stop(), 0, 'A stops gracefully (SIGTERM)')
  const bar = await Desk.open(b.base)
  const resumed = await bar.prepare({ id: AGENT1.id, resumeToken: String(prepared.json.resumeToken) })
  t.equal(resumed.status, 201, 'B takes the session back with the credential A issued')
  t.match((await bar.picture()).interactions, [{ target: ix, conversations: [{ state: 'connected' }] }], 'with the call')
  await new Promise(resolve => setTimeout(resolve, 2500))
  t.same((await live(b.base)).instances.map(i => i.id), ['b'], 'A has left the domain')
  const preflight = await fetch(new URL(`/services/${PROCESSOR_ID}/resources/${bar.rid}/requests`, b.base), {
    method: 'OPTIONS',
    headers: { origin: new URL(a.base).origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
  })
  t.equal(preflight.headers.get('access-control-allow-origin'), new URL(a.base).origin, 'B still lets the page A served call it')
  const hold = await http(b.base, 'POST', `/services/${PROCESSOR_ID}/resources/${bar.rid}/requests`, { command: 'session.notready' }, { authorization: `Bearer ${bar.token}`, origin: new URL(a.base).origin })
  t.not(hold.status, 403, 'and change state')
  const stranger = await fetch(new URL('/domain', b.base), { headers: { origin: 'http://127.0.0.1:1' } })
  t.equal(stranger.headers.get('access-control-allow-origin'), null, 'no other origin')
})

test('A cut off from Redis alone: B takes the agent; the connector refuses A\'s requests about it (fencing); A ends its session when it reaches Redis again', async t => {
  const d = await domain(t)
  const cable = await relay(t, d.redisPort)
  const a = await d.instance('a', { REDIS_URL: cable.url })
  const b = await d.instance('b')
  const { desk: onA, ix } = await onACall(a.base)
  cable.cut()
  await until('A has lost the domain', async () => (await http(a.base, 'GET', '/health')).json.domain?.ok === false ? true : undefined)
  const onB = await Desk.open(b.base)
  const taken = await onB.prepare(AGENT1, true)
  t.equal(taken.status, 201, 'B takes the agent over (A cannot hear it)')
  const primary = `${ix}.${String((await onA.picture()).interactions[0].conversations[0].id)}`
  const refused = await onA.request('conversation.hold', primary)
  t.match(refused, { status: 409, json: { failure: { code: 'ALREADY_BOUND', message: /newer session of agent agent1/ } } }, 'A\'s request is refused by the connector: one session controls the agent')
  t.equal((await onB.request('conversation.hold', primary)).status, 200, 'B\'s works')
  cable.mend()
  await until('A ends its session', async () => (await onA.call('GET', `/services/${PROCESSOR_ID}/resources/${onA.rid}`)).status === 404 ? true : undefined, 10000)
  await logged(t, a, /another instance of the domain holds the agent now; this session ends/, 'A says why')
  t.match((await onB.picture()).interactions, [{ target: ix, conversations: [{ state: 'held' }] }], 'the call, held, on B')
})

test('Redis lost while running: sessions carry on; logins are refused with DOMAIN_UNAVAILABLE; all resumes when Redis is back', async t => {
  const d = await domain(t)
  const a = await d.instance('a')
  const desk = await Desk.open(a.base)
  const prepared = await desk.prepare(AGENT1)
  t.equal(prepared.status, 201)
  await until('logged in', async () => (await desk.picture()).session.loggedIn === true ? true : undefined)
  // agent3 has had two sessions (the connector fences it at the second's generation), none now.
  const agent3 = { id: 'agent3', password: 'demo-pass-3' }
  for (let i = 0; i < 2; i++) t.equal((await (await Desk.open(a.base)).prepare(agent3, true)).status, 201)
  const last = await Desk.open(a.base)
  t.equal((await last.prepare(agent3, true)).status, 201)
  await until('agent3 logged in', async () => (await last.picture()).session.loggedIn === true ? true : undefined)
  await last.call('DELETE', `/clients/${last.clientId}`)

  await d.redis.stop()
  const health = await until('degraded', async () => { const h = await http(a.base, 'GET', '/health'); return h.json.domain?.ok === false ? h : undefined })
  t.match(health, { status: 503, json: { status: 'degraded', domain: { ok: false, detail: /Redis/ } } }, '/health says the domain is unavailable')
  const services = (await http(a.base, 'GET', '/services')).json.data.services as Array<{ id: string, serviceStatus: { acceptingClients: boolean } }>
  t.match(services.find(s => s.id === PROCESSOR_ID)?.serviceStatus, { acceptingClients: false }, 'the processor takes no new sessions')
  t.match(await live(a.base), { available: false, instances: [{ id: 'a' }] }, 'GET /domain: unavailable, this instance only')
  t.equal((await desk.request('session.ready')).status, 200, 'the running session carries on')
  const refused = await http(a.base, 'POST', `/services/${PROCESSOR_ID}/sessions`, { agent: { id: 'agent2', password: 'demo-pass-2' } }, { authorization: `Bearer ${desk.token}` })
  t.match(refused, { status: 503, json: { failure: { code: 'DOMAIN_UNAVAILABLE' } } }, 'a new login is refused, clearly')

  const redis = await startRedis(d.redisPort)
  t.teardown(async () => { await redis.stop() })
  await until('available again', async () => (await http(a.base, 'GET', '/health')).json.domain?.ok === true ? true : undefined, 10000)
  const other = await Desk.open(a.base)
  t.equal((await other.prepare({ id: 'agent2', password: 'demo-pass-2' })).status, 201, 'logins work again')
  await until('re-registered with its claims', async () => (await live(a.base)).instances.find(i => i.id === 'a')?.sessions === 2 ? true : undefined)
  const b = await d.instance('b')
  const confirm = await (await Desk.open(b.base)).prepare(AGENT1)
  t.equal(confirm.status, 409, 'the session that ran through the outage is claimed again: a login elsewhere is a confirm')
  const again = await Desk.open(b.base)
  t.equal((await again.prepare({ id: 'agent3', password: 'demo-pass-3' })).status, 201, 'an agent whose generations Redis forgot logs in')
  await until('agent3 logged in again', async () => (await again.picture()).session.loggedIn === true ? true : undefined)
  t.equal((await again.request('session.ready')).status, 200, 'and the connector takes its requests (its new generation is above the old fence)')
  const resumed = await (await Desk.open(b.base)).prepare({ id: AGENT1.id, resumeToken: String(prepared.json.resumeToken) })
  t.equal(resumed.status, 201, 'and its resume credential, lost with the empty Redis, was written back by A: B takes the session with it')
  t.equal(a.stdout().includes('"level":50'), false, 'no error was logged')
})

test('Redis unreachable at start: the instance starts, says so, and joins the domain when Redis comes up', async t => {
  const port = await freePort()
  const keep = processes(t)
  const connector = await keep(startConnector({ CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  const a = await keep(startServer({ CTI_URL: connector.base, CTI_BRIDGE_TOKEN: TOKEN, REDIS_URL: `redis://127.0.0.1:${port}`, INSTANCE_ID: 'a', DOMAIN_LEASE_MS: '1500' }))
  t.match((await http(a.base, 'GET', '/health')).json, { status: 'degraded', domain: { ok: false } })
  const desk = await Desk.open(a.base)
  t.match(await desk.call('POST', `/services/${PROCESSOR_ID}/binding`), { status: 503, json: { failure: { code: 'NOT_ACCEPTING_CLIENTS', message: /the domain default is unavailable/ } } }, 'the processor takes no clients yet, and says why')
  await keep(startRedis(port))
  await until('joined', async () => (await live(a.base)).available ? true : undefined, 10000)
  t.equal((await desk.prepare(AGENT1)).status, 201)
  // A subscribed to its commands once Redis came: a takeover from B is heard and confirmed.
  const b = await keep(startServer({ CTI_URL: connector.base, CTI_BRIDGE_TOKEN: TOKEN, REDIS_URL: `redis://127.0.0.1:${port}`, INSTANCE_ID: 'b', DOMAIN_LEASE_MS: '1500' }))
  t.equal((await (await Desk.open(b.base)).prepare(AGENT1, true)).status, 201)
  await logged(t, b, /"from":"a","confirmed":true,"msg":"agent taken over from another instance of the domain"/, 'A heard the takeover and confirmed it')
})

test('domain-wide lockout: failed logins on every instance count against one budget per source and agent', async t => {
  const d = await domain(t, { LOGIN_FAILURES_PER_AGENT: '3' })
  const a = await d.instance('a')
  const b = await d.instance('b')
  const wrong = { id: AGENT1.id, password: 'guess' }
  const onA = await Desk.open(a.base)
  const onB = await Desk.open(b.base)
  t.equal((await onA.prepare(wrong)).status, 401)
  t.equal((await onB.prepare(wrong)).status, 401)
  t.equal((await onA.prepare(wrong)).status, 401)
  t.match(await onB.prepare(wrong), { status: 403, json: { failure: { code: 'LOCKED_OUT' } } }, 'the fourth try, on the other instance, is locked out')
  t.match(await onB.prepare(AGENT1), { status: 403, json: { failure: { code: 'LOCKED_OUT' } } }, 'even with the right password, from that source')
})
