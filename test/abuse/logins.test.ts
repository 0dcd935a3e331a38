// Attack 4 of the abuse issue: wrong passwords used to lock agents out, at thousands a second, and
// the answers used to tell which agent ids exist.
import t from 'tap'
import { startServer } from '../helpers/process.js'
import { PROCESSOR_ID, body, build } from '../helpers/app.js'
import { ADMIN_TOKEN, agentTakesACall } from './agent.js'
import { Peer, parties, flood, slowest, whileProbing, type PeerAnswer } from './peer.js'

/** A client of `peer` bound to the processor, and its prepareSession. */
async function guesser (peer: Peer): Promise<(agentId: string, password: string) => Promise<PeerAnswer>> {
  const opened = await peer.send('POST', '/clients')
  const headers = { authorization: `Bearer ${String(opened.json.token)}` }
  await peer.send('POST', `/services/${PROCESSOR_ID}/binding`, { headers })
  return async (id, password) => await peer.send('POST', `/services/${PROCESSOR_ID}/sessions`, { headers, body: { agent: { id, password } } })
}

t.test('attack 4: guessing an agent\'s password locks out the guesser, never the agent', async t => {
  const server = await startServer({ ADMIN_TOKEN, SIM_LOGIN_DELAY_MS: '0' })
  t.teardown(async () => { await server.stop() })
  const { attacker, desk, operator } = parties(t, server.base, 10)
  const guess = await guesser(attacker)

  const { result, probes } = await whileProbing(desk, async () => {
    const onAgent1 = await flood(300, 10, async i => await guess('agent1', `wrong-${i}`))
    const spread = await flood(100, 10, async i => await guess(`agent${(i % 4) + 1}`, `wrong-${i}`))
    // The real agent, at their desk, logs in and takes a call throughout.
    await agentTakesACall(desk, operator, { id: 'agent1', password: 'demo-pass-1', extension: '1001' })
    return { onAgent1, spread }
  })
  const codes = (answers: PeerAnswer[]): Record<string, number> => {
    const count: Record<string, number> = {}
    for (const a of answers) { const code = String(a.json.failure?.code); count[code] = (count[code] ?? 0) + 1 }
    return count
  }
  const first = codes(result.onAgent1)
  t.equal(first.AUTH_FAILED, 5, 'five passwords checked for agent1 (LOGIN_FAILURES_PER_AGENT), of 300 tries')
  t.equal(first.LOCKED_OUT, 295, 'the rest refused unchecked')
  const later = codes(result.spread)
  t.equal(later.LOCKED_OUT, 25, `agent1 stays locked for this source (${JSON.stringify(later)})`)
  t.ok((later.AUTH_FAILED ?? 0) >= 5 && (later.AUTH_FAILED ?? 0) <= 7, 'five more checks reach LOGIN_FAILURES_PER_SOURCE; after it, one per doubling delay')
  t.ok((later.RATE_LIMITED ?? 0) >= 68, 'the rest are answered RATE_LIMITED, unchecked')
  const limited = result.spread.find(a => a.json.failure?.code === 'RATE_LIMITED')
  t.ok(Number(limited?.headers['retry-after']) >= 1, 'with Retry-After')
  t.ok(Number(limited?.json.failure.retryAfter) >= 1, 'and retryAfter in the failure')
  t.ok(probes.every(p => p.status === 200), 'GET /health answered throughout')
  t.comment(slowest(probes))

  const lines = server.stdout().split('\n').filter(l => l.includes('login locked out'))
  t.ok(lines.length >= 1, 'the lockout is logged')
  t.match(JSON.parse(lines[0] ?? '{}'), { level: 40, source: '127.0.0.2', agentId: 'agent1' }, 'with its source')
  t.notMatch(server.stdout(), /wrong-\d+|demo-pass-1/, 'no password in the log')
})

t.test('unknown and known agent ids get the same answers, in the same order', async t => {
  const { app } = await build(t)
  const sequence = async (agentId: string, remoteAddress: string): Promise<string[]> => {
    const opened = body(await app.inject({ method: 'POST', url: '/clients', remoteAddress }))
    const headers = { authorization: `Bearer ${String(opened.token)}` }
    await app.inject({ method: 'POST', url: `/services/${PROCESSOR_ID}/binding`, headers, remoteAddress })
    const seen: string[] = []
    for (let i = 0; i < 7; i++) {
      const res = await app.inject({ method: 'POST', url: `/services/${PROCESSOR_ID}/sessions`, headers, remoteAddress, payload: { agent: { id: agentId, password: 'nope' } } })
      seen.push(`${res.statusCode} ${String(body(res).failure.code)} ${String(body(res).failure.message)}`)
    }
    return seen
  }
  const known = await sequence('agent2', '198.51.100.20')
  const unknown = await sequence('nobody-here', '198.51.100.21')
  t.same(unknown, known)
  t.same(known.slice(4), ['401 AUTH_FAILED invalid agent id or password', '403 LOCKED_OUT too many failed logins; try again later', '403 LOCKED_OUT too many failed logins; try again later'])
})

t.test('a lockout is the guesser\'s alone: the agent logs in from elsewhere at once, and the guesser after LOGIN_LOCKOUT_MS', async t => {
  const { app, clock } = await build(t)
  const login = async (remoteAddress: string, password: string): Promise<number> => {
    const opened = body(await app.inject({ method: 'POST', url: '/clients', remoteAddress }))
    const headers = { authorization: `Bearer ${String(opened.token)}` }
    await app.inject({ method: 'POST', url: `/services/${PROCESSOR_ID}/binding`, headers, remoteAddress })
    await app.inject({ method: 'POST', url: '/services/WorkflowManager/binding', headers, remoteAddress })
    return (await app.inject({ method: 'POST', url: `/services/${PROCESSOR_ID}/sessions`, headers, remoteAddress, payload: { agent: { id: 'agent3', password }, override: true } })).statusCode
  }
  for (let i = 0; i < 5; i++) t.equal(await login('198.51.100.30', 'wrong'), 401)
  t.equal(await login('198.51.100.30', 'demo-pass-3'), 403, 'the guesser is locked out, the right password included')
  t.equal(await login('198.51.100.31', 'demo-pass-3'), 201, 'the agent, from their desk, is not')
  clock.advance(300_000)
  t.equal(await login('198.51.100.30', 'demo-pass-3'), 201, 'the lock ends LOGIN_LOCKOUT_MS after the last failure')
})
