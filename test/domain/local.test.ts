// The domain of one instance (no REDIS_URL): GET /domain, and the resume credential that lets a
// reloaded media bar take its session back with no password and no takeover prompt.
import t from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM, body, build } from '../helpers/app.js'
import { SseReader } from '../helpers/sse.js'

async function bound (app: Parameters<typeof RestClient.open>[0], name: string): Promise<RestClient> {
  const bar = await RestClient.open(app, name)
  await bar.bindService(PROCESSOR_ID)
  await bar.bindService(WM)
  return bar
}

t.test('GET /domain without REDIS_URL: this instance alone, public', async t => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/domain' })
  t.equal(res.statusCode, 200)
  t.match(body(res), { name: 'default', shared: false, available: true, instances: [{ status: 'InService', acceptingClients: true, clientCount: 0, sessions: 0 }] })
  t.equal(body(res).instances.length, 1)
  t.equal(body(res).self, body(res).instances[0].id)
  t.match(body(await app.inject({ method: 'GET', url: '/health' })), { domain: { name: 'default', shared: false, ok: true } })
  t.match(body(await app.inject({ method: 'GET', url: '/mediabar/config' })), { domain: false })
})

t.test('a reload: the new page takes the session back with the resume credential, no prompt, the call up; the credential is one use', async t => {
  const { app, clock, listen, sim } = await build(t)
  const base = await listen()
  const first = await bound(app, 'the page before the reload')
  const events = await SseReader.connect(`${base}/clients/${first.clientId}/events?token=${first.token}`)
  t.teardown(() => { events.close() })
  const prepared = await first.prepareSession({ agent: AGENT1 })
  t.equal(prepared.statusCode, 201)
  const token = String(body(prepared).resumeToken)
  t.match(token, /^[A-Za-z0-9_-]{43}$/, 'success answers a resume credential')
  t.same(body(prepared).data, { agent: { id: 'agent1' } }, 'the echo has neither password nor credential')
  const rid = String(body(prepared).resource.id)
  await first.bindResource(PROCESSOR_ID, rid)
  clock.advance(1000)
  await first.request(rid, 'session.ready')
  sim.placeCall({ from: '+15551230000', to: '1001' })
  clock.advance(100)
  const ix = (await first.snapshot(PROCESSOR_ID, rid)).data.interactions[0]
  t.equal((await first.request(rid, 'conversation.answer', undefined, ix.conversations[0].target)).statusCode, 200)

  // The reloaded page: a new client record; the old one still exists (its stream may come back).
  const second = await bound(app, 'the reloaded page')
  const resumed = await second.prepareSession({ agent: { id: 'agent1', resumeToken: token } })
  t.equal(resumed.statusCode, 201, 'no confirm, although the old client is still there')
  const next = String(body(resumed).resumeToken)
  t.not(next, token, 'a new credential')
  t.same(body(resumed).data, { agent: { id: 'agent1' } }, 'the echo carries no credential')
  const ended = await events.until(f => f.event === 'session.ended')
  t.same(JSON.parse(ended.data ?? '').event.data, { reason: 'replaced' }, 'the old page hears it was replaced')
  t.notOk(ended.data?.includes(token), 'no event carries the credential')
  await second.bindResource(PROCESSOR_ID, rid)
  const picture = (await second.snapshot(PROCESSOR_ID, rid)).data
  t.match(picture.session, { loggedIn: true, state: 'busy' })
  t.match(picture.interactions, [{ conversations: [{ role: 'primary', state: 'connected' }] }], 'the call, connected')

  const third = await bound(app, 'someone with the old credential')
  const refused = await third.prepareSession({ agent: { id: 'agent1', resumeToken: token } })
  t.equal(refused.statusCode, 401)
  t.match(body(refused).failure, { code: 'AUTH_FAILED', message: /resume credential is not valid/ }, 'the used credential is void')
  t.notOk(refused.body.includes(token), 'and is not echoed')
  const wrongAgent = await third.prepareSession({ agent: { id: 'agent2', resumeToken: next } })
  t.equal(wrongAgent.statusCode, 401, 'a credential is bound to its agent')
  t.equal((await second.snapshot(PROCESSOR_ID, rid)).data.session.loggedIn, true, 'refusals change nothing')

  // The agent logs out: the credential goes (the session resource stays for its own client's new login).
  const release = await second.request(rid, 'conversation.release', undefined, `${String(ix.target)}.${String(ix.conversations[0].id)}`)
  t.equal(release.statusCode, 200)
  clock.advance(61_000)
  t.equal((await second.request(rid, 'session.logout')).statusCode, 200)
  clock.advance(1000)
  const after = await (await bound(app, 'after logout')).prepareSession({ agent: { id: 'agent1', resumeToken: next } })
  t.equal(after.statusCode, 401, 'void once the agent has logged out')
})

t.test('prepareSession needs exactly one of password and resumeToken', async t => {
  const { app } = await build(t)
  const bar = await bound(app, 'bar')
  for (const agent of [{ id: 'agent1' }, { id: 'agent1', password: 'demo-pass-1', resumeToken: 'x' }]) {
    const res = await bar.prepareSession({ agent })
    t.equal(res.statusCode, 400)
    t.match(body(res).failure, { code: 'INVALID_MESSAGE', message: /password or a resumeToken/ })
    t.notOk(res.body.includes('demo-pass-1'), 'no secret in the answer')
  }
  const long = await bar.prepareSession({ agent: { id: 'agent1', resumeToken: 'x'.repeat(300) } })
  t.match({ status: long.statusCode, code: body(long).failure.code }, { status: 400, code: 'INVALID_MESSAGE' }, 'a credential longer than any we issue')
})

t.test('wrong resume credentials count as failed logins', async t => {
  const { app } = await build(t, { LOGIN_FAILURES_PER_AGENT: 3 })
  const bar = await bound(app, 'guesser')
  for (let i = 0; i < 3; i++) t.equal((await bar.prepareSession({ agent: { id: 'agent1', resumeToken: `guess-${i}` } })).statusCode, 401)
  const locked = await bar.prepareSession({ agent: AGENT1 })
  t.match({ status: locked.statusCode, code: body(locked).failure.code }, { status: 403, code: 'LOCKED_OUT' })
})
