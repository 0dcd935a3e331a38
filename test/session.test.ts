import t, { type Test as TestBase } from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM, body, build, enabled } from './helpers/app.js'
import { SseReader } from './helpers/sse.js'

// These walk the voice session's exact event sequences; the chat channel's own are test/chat.test.ts's.
const VOICE_ONLY = { CHAT_MAX_PER_AGENT: 0 }

async function setup (t: TestBase): Promise<{ bar: RestClient, rid: string, sse: SseReader, advance: (ms: number) => void, app: any }> {
  const { app, clock, listen } = await build(t, VOICE_ONLY)
  const base = await listen()
  const bar = await RestClient.open(app)
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  t.teardown(() => { sse.close() })
  const rid = await bar.login(AGENT1)
  await sse.next() // initial view
  clock.advance(100)
  await sse.take(4) // started, logged_in view, channel, not_ready
  return { bar, rid, sse, advance: ms => { clock.advance(ms) }, app }
}

/** The next event's name, source and data (workflow data as the sorted enabled list). */
async function nextOf (sse: SseReader): Promise<[string, string, unknown]> {
  const { envelope } = await sse.nextEvent()
  const data = envelope.serviceId === WM ? enabled(envelope.event.data) : envelope.event.data
  return [envelope.event.name, envelope.serviceId === WM ? 'workflow' : 'processor', data]
}

t.test('ready, not ready with reasons, logout with reason, login again, dispose', async t => {
  const { bar, rid, sse, advance } = await setup(t)

  t.equal((await bar.request(rid, 'session.notready', { reason: 'BREAK' })).statusCode, 200)
  t.same(await nextOf(sse), ['state.updated', 'processor', { state: 'not_ready', reason: 'BREAK' }])
  t.equal((await bar.request(rid, 'session.notready', { reason: 'LUNCH' })).statusCode, 200, 'changing the reason is allowed')
  t.same(await nextOf(sse), ['state.updated', 'processor', { state: 'not_ready', reason: 'LUNCH' }])
  t.equal((await bar.request(rid, 'session.ready', '')).statusCode, 200, 'data "" as real media bars send it')
  t.same(await nextOf(sse), ['state.updated', 'processor', { state: 'ready', reason: null }])
  t.same(await nextOf(sse), ['state.updated', 'workflow', ['channel.dial', 'session.logout', 'session.notready']])

  const snap = await bar.snapshot(PROCESSOR_ID, rid)
  t.match(snap.data.session, { agentId: 'agent1', state: 'ready', reason: null, loggedIn: true, model: 'default' })
  t.same(snap.data.reasonCodes.map((r: { code: string }) => r.code), ['BREAK', 'LUNCH', 'MEETING', 'TRAINING'])
  const wf = await bar.snapshot(WM, rid)
  t.same(wf.data.views.map((v: { target: string, state: string }) => [v.target, v.state]), [[rid, 'ready']])

  t.equal((await bar.request(rid, 'session.logout', { reason: 'end of shift' })).statusCode, 200)
  t.same(await nextOf(sse), ['state.updated', 'processor', { state: 'logged_out', reason: null }])
  t.same(await nextOf(sse), ['channel.deactivated', 'processor', {}])
  t.same(await nextOf(sse), ['session.ended', 'processor', { reason: 'end of shift' }])
  t.same(await nextOf(sse), ['state.updated', 'workflow', ['session.login']])
  t.equal(body(await bar.request(rid, 'session.logout')).failure.code, 'INVALID_STATE', 'logout twice')

  t.equal((await bar.request(rid, 'session.login')).statusCode, 200, 'the session survives a logout; login again')
  advance(100)
  t.same((await nextOf(sse)).slice(0, 2), ['session.started', 'processor'])
  t.same(await nextOf(sse), ['state.updated', 'workflow', ['channel.dial', 'session.logout', 'session.notready', 'session.ready']])
  t.same((await nextOf(sse)).slice(0, 2), ['channel.activated', 'processor'])
  t.same(await nextOf(sse), ['state.updated', 'processor', { state: 'not_ready', reason: null }])

  t.equal((await bar.request(rid, 'session.dispose')).statusCode, 200)
  t.same(await nextOf(sse), ['state.updated', 'processor', { state: 'logged_out', reason: null }])
  t.same(await nextOf(sse), ['channel.deactivated', 'processor', {}])
  t.same(await nextOf(sse), ['session.ended', 'processor', { reason: 'disposed' }])
  t.same(await nextOf(sse), ['state.updated', 'workflow', ['session.login']])
  const gone = await bar.request(rid, 'session.login')
  t.equal(gone.statusCode, 404)
  t.equal(body(gone).failure.code, 'UNKNOWN_RESOURCE', 'a disposed session is gone')
  t.equal((await bar.prepareSession({ agent: AGENT1 })).statusCode, 201, 'and the agent can start a new one without confirm')
})

t.test('while the CTI login is under way: logout is not offered, dispose cancels the login', async t => {
  const { app, clock, sim } = await build(t, VOICE_ONLY)
  const bar = await RestClient.open(app)
  const rid = await bar.login(AGENT1)
  const refused = await bar.request(rid, 'session.logout')
  t.equal(refused.statusCode, 409)
  t.match(body(refused).failure, { code: 'INVALID_STATE', message: /view state initial/ })
  t.equal((await bar.request(rid, 'session.dispose')).statusCode, 200)
  clock.advance(1000)
  t.equal(sim.agents().find(a => a.id === 'agent1')?.state, 'logged_out', 'the cancelled login never completes')
  t.equal(app.his.processor.sessionCount, 0)
  t.equal(app.his.workflow.sessionCount, 0)
  const outbox = app.his.clients.get(bar.clientId)?.outbox.read(0)
  const names = outbox?.kind === 'events' ? outbox.entries.map(e => e.name) : []
  t.same(names, ['state.updated', 'session.ended'], 'the initial view, then session.ended (disposed)')
})

t.test('events of a session nobody has bound yet are kept and delivered on bind', async t => {
  const { app, clock } = await build(t, VOICE_ONLY)
  const bar = await RestClient.open(app)
  await bar.bindService(PROCESSOR_ID)
  await bar.bindService(WM)
  const rid = body(await bar.prepareSession({ agent: AGENT1 })).resource.id
  clock.advance(100) // the login completes before any bind
  await bar.bindResource(PROCESSOR_ID, rid)
  await bar.bindResource(WM, rid)
  const outbox = app.his.clients.get(bar.clientId)?.outbox
  const read = outbox?.read(0)
  const names = read?.kind === 'events' ? read.entries.map(e => `${e.name}:${JSON.parse(e.json).serviceId === WM ? 'wf' : 'p'}`) : []
  t.same(names, ['session.started:p', 'channel.activated:p', 'state.updated:p', 'state.updated:wf'],
    'held processor events first, then the current workflow view')
})

t.test('unbinding and rebinding the workflow session sends the current view again', async t => {
  const { bar, rid, sse } = await setup(t)
  await bar.call('DELETE', `/services/${WM}/resources/${rid}/binding`)
  await bar.request(rid, 'session.ready')
  t.same(await nextOf(sse), ['state.updated', 'processor', { state: 'ready', reason: null }])
  await bar.bindResource(WM, rid)
  t.same(await nextOf(sse), ['state.updated', 'workflow', ['channel.dial', 'session.logout', 'session.notready']])
  // unbindService releases the service's resources too
  t.equal((await bar.call('DELETE', `/services/${PROCESSOR_ID}/binding`)).statusCode, 200)
  t.equal(body(await bar.request(rid, 'session.notready')).failure.code, 'NOT_BOUND')
})
