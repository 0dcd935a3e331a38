import t, { type Test } from 'tap'
import { AGENT1, AGENT2, PROCESSOR_ID, RestClient, WM, body, build, enabled, type Json, type TestApp } from './helpers/app.js'
import { SseReader, type SseFrame } from './helpers/sse.js'
import { waitFor } from './helpers/wait.js'
import { WsPeer, type Message } from './helpers/ws.js'

// Only the agent's own request or the far party ends a call (docs/protocol.md, Adoption): a
// takeover, a lost or closed client and a disposed session leave the call up, and the session
// that comes next adopts it. On the manual clock; both faces.

const RID = 'Simulator-agent1'
const IX = `${RID}.voice.ix-1`
const CALLER = '+15551234567'

/** Agent1 logged in and ready over REST, with an SSE stream; a call rung to them and answered. */
async function onACall (t: Test, test: TestApp, base: string): Promise<{ bar: RestClient, sse: SseReader, conversation: string }> {
  const bar = await RestClient.open(test.app, 'first bar')
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  t.teardown(() => { sse.close() })
  await bar.login(AGENT1)
  test.clock.advance(100)
  await bar.request(RID, 'session.ready')
  await test.app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: CALLER, to: '1001', data: { account: '42' } } })
  const conversation = `${IX}.leg-2`
  t.equal((await bar.request(RID, 'conversation.answer', undefined, conversation)).statusCode, 200)
  test.clock.advance(5000)
  return { bar, sse, conversation }
}

/** The simulator's call, as `GET /simulator/calls` shows it. */
async function theCall (test: TestApp): Promise<Json | undefined> {
  return body(await test.app.inject('/simulator/calls')).calls[0]
}

/** The envelopes of SSE frames. */
function envelopes (frames: SseFrame[]): Json[] {
  return frames.map(f => JSON.parse(f.data ?? 'null'))
}

/** What a new media bar sees after adopting: the processor's events, then the views. */
function checkRestored (t: Test, seen: Json[]): void {
  const processor = seen.filter(e => e.serviceId === PROCESSOR_ID).map(e => e.event)
  t.same(processor.map(e => `${String(e.name)} ${String(e.target)}`), [
    `session.started ${RID}`, `channel.activated ${RID}.voice`, `channel.activated ${RID}.chat`, `state.updated ${RID}.chat`, `state.updated ${RID}`, `interaction.restored ${IX}`
  ], 'the session, its channels (the chat channel with its readiness) and its call, as they are')
  t.match(processor[3]?.data, { state: 'not_ready', reason: null, chats: 0, max: 3 })
  t.match(processor[4]?.data, { state: 'busy' })
  const restored = processor[5]
  t.equal(restored?.target, IX)
  t.match(restored?.data, {
    interactionid: 'ix-1',
    state: 'STARTED',
    direction: 'inbound',
    from: CALLER,
    udata: { account: '42' },
    conversations: [{ conversationid: 'leg-2', role: 'primary', state: 'connected' }],
    parties: [{ partyid: 'leg-1', focusresource: CALLER, partystate: 'connected' }],
    startedAt: '2026-01-01T09:00:00.100Z',
    wrapUpUntil: null
  }, 'restored: the call whole, with when it started')
  const views = seen.filter(e => e.serviceId === WM).map(e => e.event)
  t.same(views.map(e => e.target), [RID, `${RID}.chat`, IX], 'then the views: the session, the chat channel, the call')
  t.same(enabled(views[2]?.data ?? []), ['conversation.conference', 'conversation.dtmf', 'conversation.hold', 'conversation.release', 'conversation.transfer',
    'interaction.consult', 'interaction.request.recording.start', 'interaction.setdata'], 'the call\'s buttons: hold enabled, answer not')
}

t.test('a takeover over REST mid-call keeps the call; the new session adopts it and works it', async t => {
  const test = await build(t)
  const base = await test.listen()
  const { sse: firstEvents, conversation } = await onACall(t, test, base)
  const other = await RestClient.open(test.app, 'agent2 bar')
  await other.login(AGENT2)
  test.clock.advance(100)
  await other.request('Simulator-agent2', 'session.ready')

  const second = await RestClient.open(test.app, 'second bar')
  const sse = await SseReader.connect(`${base}/clients/${second.clientId}/events?token=${second.token}`)
  t.teardown(() => { sse.close() })
  await second.bindService(PROCESSOR_ID)
  await second.bindService(WM)
  t.equal((await second.prepareSession({ agent: AGENT1 })).statusCode, 409, 'confirm first')
  const res = await second.prepareSession({ agent: AGENT1, override: true })
  t.equal(res.statusCode, 201)
  t.same(body(res).resource, { id: RID, data: { agent: { id: 'agent1' }, override: true } })
  t.match(JSON.parse((await firstEvents.until(f => f.event === 'session.ended')).data ?? ''), { event: { data: { reason: 'replaced' } } }, 'the old bar is told')
  t.match(await theCall(test), { state: 'connected', parties: [{ number: CALLER, state: 'connected' }, { agentId: 'agent1', state: 'connected' }] }, 'the call is still up')

  await second.bindResource(PROCESSOR_ID, RID)
  await second.bindResource(WM, RID)
  checkRestored(t, envelopes(await sse.take(9)))
  const snapshot = (await second.snapshot(PROCESSOR_ID, RID)).data
  t.match(snapshot.session, { state: 'busy', loggedIn: true, pendingLogout: null })
  t.match(snapshot.interactions, [{ target: IX, state: 'STARTED', since: '2026-01-01T09:00:00.100Z', startedAt: '2026-01-01T09:00:00.100Z', conversations: [{ target: conversation, state: 'connected' }] }])

  for (const command of ['conversation.hold', 'conversation.retrieve']) {
    t.match(body(await second.request(RID, command, undefined, conversation)), { result: 'success' }, `${command} on the adopted call`)
  }
  t.match(body(await second.request(RID, 'conversation.transfer', { destination: '1002' }, conversation)), { result: 'success' }, 'and transfer it')
  t.match(await theCall(test), { parties: [{ number: CALLER }, { agentId: 'agent2', state: 'alerting' }] }, 'the call rings at agent2')
})

t.test('a takeover over the WebSocket mid-call keeps the call', async t => {
  const test = await build(t)
  const base = await test.listen()
  await onACall(t, test, base)
  const peer = await WsPeer.connect(base)
  t.teardown(() => { peer.close() })
  await peer.request({ messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })
  await peer.request({ messageType: 'coreRequest', command: 'bindService', serviceId: WM })
  const prepare = async (override: boolean): Promise<Message> => (await peer.request({ messageType: 'serviceRequest', serviceId: PROCESSOR_ID, request: { command: 'prepareSession', data: { agent: AGENT1, override } } })).answer
  t.match(await prepare(false), { response: { result: 'confirm' } })
  t.match(await prepare(true), { response: { result: 'success', resource: { id: RID } } })
  t.match(await theCall(test), { state: 'connected' })
  const bound = [
    ...(await peer.request({ messageType: 'coreRequest', command: 'bindResource', serviceId: PROCESSOR_ID, resourceId: RID })).before,
    ...(await peer.request({ messageType: 'coreRequest', command: 'bindResource', serviceId: WM, resourceId: RID })).before
  ]
  checkRestored(t, bound.filter(m => m.messageType === 'resourceEvent'))
  const held = await peer.request({ messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'conversation.hold', target: `${IX}.leg-2` } })
  t.match(held.answer, { response: { result: 'success' } })
  t.match(await theCall(test), { parties: [{ number: CALLER }, { agentId: 'agent1', state: 'held' }] })
})

t.test('a WebSocket media bar without resume drops mid-call and comes back as a new client: confirm, take over, the call is kept', async t => {
  const test = await build(t)
  const base = await test.listen()
  const first = await WsPeer.connect(base)
  const call = async (peer: WsPeer, message: Message): Promise<Message> => (await peer.request(message)).answer
  await call(first, { messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })
  await call(first, { messageType: 'coreRequest', command: 'bindService', serviceId: WM })
  await call(first, { messageType: 'serviceRequest', serviceId: PROCESSOR_ID, request: { command: 'prepareSession', data: { agent: AGENT1 } } })
  await call(first, { messageType: 'coreRequest', command: 'bindResource', serviceId: PROCESSOR_ID, resourceId: RID })
  test.clock.advance(100)
  await call(first, { messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'session.ready' } })
  await test.app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: CALLER, queue: 'sales' } })
  await call(first, { messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'conversation.answer', target: `${IX}.leg-2` } })
  first.close()
  await waitFor(() => test.app.hisSockets.count === 0)

  const again = await WsPeer.connect(base)
  t.teardown(() => { again.close() })
  await call(again, { messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })
  await call(again, { messageType: 'coreRequest', command: 'bindService', serviceId: WM })
  const prepare = { messageType: 'serviceRequest', serviceId: PROCESSOR_ID, request: { command: 'prepareSession', data: { agent: AGENT1, override: false } } }
  t.match(await call(again, prepare), { response: { result: 'confirm', message: /calls in progress carry on/ } }, 'the old client is away, not gone: confirm')
  t.match(await call(again, { ...prepare, request: { ...prepare.request, data: { agent: AGENT1, override: true } } }), { response: { result: 'success' } })
  t.match(await theCall(test), { state: 'connected', parties: [{ number: CALLER }, { agentId: 'agent1', state: 'connected' }] }, 'the call is kept')
  const { before } = await again.request({ messageType: 'coreRequest', command: 'bindResource', serviceId: PROCESSOR_ID, resourceId: RID })
  t.same(before.map(m => m.event?.name), ['session.started', 'channel.activated', 'channel.activated', 'state.updated', 'state.updated', 'interaction.restored'], 'the call, restored (with the chat channel)')
})

t.test('the grace period ends mid-call: the call goes on, the agent is pending logout and gets no call, then is logged out after wrap-up (client_lost)', async t => {
  const test = await build(t, { SESSION_GRACE_MS: 60000 })
  const base = await test.listen()
  const { sse } = await onACall(t, test, base)
  sse.close()
  await waitFor(() => test.app.eventStreams.count === 0)
  test.clock.advance(60_000)
  await waitFor(() => test.app.his.clients.size === 0)
  t.match(await theCall(test), { state: 'connected' }, 'the client is gone; the call is not')
  const session = test.app.his.processor.session(RID)
  t.match(session?.snapshot().session, { pendingLogout: 'client_lost', state: 'busy' }, 'the session waits, pending logout')
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { id: 'agent1', state: 'busy', pendingLogout: 'client_lost' })

  const call = String((await theCall(test))?.id)
  t.equal((await test.app.inject({ method: 'DELETE', url: `/simulator/calls/${call}` })).statusCode, 200, 'the caller hangs up')
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { state: 'wrap_up', pendingLogout: 'client_lost' }, 'wrap-up runs its course')
  const waiting = body(await test.app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15550000001', queue: 'sales' } })).callId
  test.clock.advance(60_000)
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { state: 'logged_out', pendingLogout: null }, 'logged out when wrap-up ended')
  t.match(body(await test.app.inject('/simulator/queues')).queues, [{ id: 'sales', waiting: [{ callId: waiting }] }], 'and offered no call meanwhile')
  t.equal(test.app.his.processor.session(RID), undefined, 'the session has ended')
  t.match(test.logs.text, /"sessionId":"Simulator-agent1","reason":"client_lost","msg":"session ended"/)
})

t.test('a session left pending logout is adopted by the agent\'s next prepareSession, without a confirm; the logout is called off', async t => {
  const test = await build(t, { SESSION_GRACE_MS: 1000 })
  const base = await test.listen()
  const { sse, conversation } = await onACall(t, test, base)
  sse.close()
  await waitFor(() => test.app.eventStreams.count === 0)
  test.clock.advance(1000)
  await waitFor(() => test.app.his.clients.size === 0)
  const back = await RestClient.open(test.app, 'back')
  await back.bindService(PROCESSOR_ID)
  await back.bindService(WM)
  const res = await back.prepareSession({ agent: AGENT1 })
  t.equal(res.statusCode, 201, 'nobody holds the session: no confirm')
  await back.bindResource(PROCESSOR_ID, RID)
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { state: 'busy', pendingLogout: null }, 'the logout is called off')
  t.match((await back.snapshot(PROCESSOR_ID, RID)).data.session, { pendingLogout: null, state: 'busy' })
  t.match(body(await back.request(RID, 'conversation.release', undefined, conversation)), { result: 'success' }, 'the agent\'s own release ends the call')
  t.equal((await theCall(test)), undefined)
  test.clock.advance(60_000)
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { state: 'ready' }, 'and after wrap-up the agent is ready, still logged in')
})

t.test('DELETE /clients and session.dispose mid-call leave the call up', async t => {
  const test = await build(t)
  const base = await test.listen()
  const { bar } = await onACall(t, test, base)
  t.equal((await bar.call('DELETE', `/clients/${bar.clientId}`)).statusCode, 200)
  t.match(await theCall(test), { state: 'connected' }, 'closing the client leaves the call up')
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { pendingLogout: 'client_closed' })

  const next = await RestClient.open(test.app)
  await next.login(AGENT1)
  t.match(await theCall(test), { state: 'connected' })
  t.match(body(await next.request(RID, 'session.dispose')), { result: 'success' })
  t.equal(test.app.his.processor.session(RID), undefined, 'disposed: the session resources are gone')
  t.match(await theCall(test), { state: 'connected' }, 'and the call is still up')
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { state: 'busy', pendingLogout: 'disposed' })
})

t.test('a REST client that idles out on a call leaves the call up; the agent waits, pending logout', async t => {
  const test = await build(t, { CLIENT_IDLE_MS: 60_000 })
  const bar = await RestClient.open(test.app)
  await bar.login(AGENT1)
  test.clock.advance(100)
  await bar.request(RID, 'session.ready')
  await test.app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: CALLER, to: '1001' } })
  await bar.request(RID, 'conversation.answer', undefined, `${IX}.leg-2`)
  test.clock.advance(60_000)
  await waitFor(() => test.app.his.clients.size === 0)
  t.match(await theCall(test), { state: 'connected' }, 'the call is up')
  t.match(body(await test.app.inject('/simulator/agents')).agents[0], { state: 'busy', pendingLogout: 'client_lost' })
})
