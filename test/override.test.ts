import t from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM, body, build } from './helpers/app.js'
import { SseReader } from './helpers/sse.js'

t.test('a second login of the same agent: confirm first, then override replaces the old session', async t => {
  const { app, clock, listen } = await build(t)
  const base = await listen()

  const first = await RestClient.open(app, 'first bar')
  const firstEvents = await SseReader.connect(`${base}/clients/${first.clientId}/events?token=${first.token}`)
  t.teardown(() => { firstEvents.close() })
  const rid = await first.login(AGENT1)
  clock.advance(100)
  await first.request(rid, 'session.ready')
  await firstEvents.until(f => f.data?.includes('"state":"ready"') === true)

  const second = await RestClient.open(app, 'second bar')
  await second.bindService(PROCESSOR_ID)
  await second.bindService(WM)

  // override false (or missing): confirm, with a message for the user and the request without the password.
  let res = await second.prepareSession({ agent: AGENT1, override: false })
  t.equal(res.statusCode, 409)
  const confirm = body(res)
  t.equal(confirm.result, 'confirm')
  t.equal(confirm.command, 'prepareSession')
  t.match(confirm.message, /agent1 already has a session/)
  t.same(confirm.original, { command: 'prepareSession', data: { agent: { id: 'agent1' }, override: false } })

  // The confirm changed nothing: the first bar still owns a working session.
  t.equal((await first.snapshot(PROCESSOR_ID, rid)).data.session.state, 'ready')
  res = await second.bindResource(PROCESSOR_ID, rid)
  t.equal(res.statusCode, 409)
  t.equal(body(res).failure.code, 'ALREADY_BOUND')

  // override true: the old session ends with reason `replaced` and a new one is made.
  res = await second.prepareSession({ agent: AGENT1, override: true })
  t.equal(res.statusCode, 201)
  t.equal(body(res).resource.id, rid)

  const ended = await firstEvents.until(f => f.event === 'session.ended')
  const envelope = JSON.parse(ended.data ?? '')
  t.equal(envelope.serviceId, PROCESSOR_ID)
  t.same(envelope.event.data, { reason: 'replaced' }, 'the first client hears session.ended reason replaced')

  // The first client no longer holds the session; the second can bind and use it.
  res = await first.request(rid, 'session.notready')
  t.equal(res.statusCode, 403)
  t.equal(body(res).failure.code, 'NOT_BOUND')
  t.equal((await second.bindResource(PROCESSOR_ID, rid)).statusCode, 200)
  t.equal((await second.bindResource(WM, rid)).statusCode, 200)
  clock.advance(100)
  const snap = await second.snapshot(PROCESSOR_ID, rid)
  t.equal(snap.data.session.loggedIn, true)
  t.equal(snap.data.session.state, 'ready', 'the new session adopted the agent as they were: ready, no second login')
  t.equal((await second.request(rid, 'session.notready')).statusCode, 200)
})

t.test('override of a session still logging in; a closed client\'s sessions end with it', async t => {
  const { app, clock, sim } = await build(t)
  const first = await RestClient.open(app)
  const rid = await first.login(AGENT1)
  // Still logging in (the clock has not moved): replace it.
  const second = await RestClient.open(app)
  await second.bindService(PROCESSOR_ID)
  await second.bindService(WM)
  t.equal((await second.prepareSession({ agent: AGENT1 })).statusCode, 409)
  t.equal((await second.prepareSession({ agent: AGENT1, override: true })).statusCode, 201)
  await second.bindResource(PROCESSOR_ID, rid)
  clock.advance(100)
  const snap = await second.snapshot(PROCESSOR_ID, rid)
  t.equal(snap.data.session.loggedIn, true, 'exactly one login completed')
  t.same(sim.agents().find(a => a.id === 'agent1')?.state, 'not_ready')

  // Closing the client logs its agent out: a new client prepares a session without confirm.
  t.equal((await second.call('DELETE', `/clients/${second.clientId}`)).statusCode, 200)
  t.equal(app.his.processor.sessionCount, 0)
  t.equal(sim.agents().find(a => a.id === 'agent1')?.state, 'logged_out')
  const third = await RestClient.open(app)
  await third.bindService(PROCESSOR_ID)
  t.equal((await third.prepareSession({ agent: AGENT1 })).statusCode, 201)
})
