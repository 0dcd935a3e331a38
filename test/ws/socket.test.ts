import t, { type Test } from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM, body, build, type TestApp } from '../helpers/app.js'
import { SseReader } from '../helpers/sse.js'
import { WsPeer, type Message } from '../helpers/ws.js'
import { waitFor } from '../helpers/wait.js'

const RID = 'Simulator-agent1'

/** What one face must do for the side-by-side scenario. */
interface Face {
  core: (command: string, extra?: Message) => Promise<Message>
  service: (command: string, data?: unknown) => Promise<Message>
  resource: (command: string, target?: string, data?: unknown) => Promise<Message>
}

/** The inner answer of a protocol answer, as REST returns it. */
function inner (answer: Message): Message {
  const { messageType, requestId, ...rest } = answer
  void messageType
  void requestId
  return rest.response ?? rest
}

/** A scenario both faces run: login, a call with hold, a refused request, wrap-up, logout. */
async function scenario (test: TestApp, face: Face): Promise<Message[]> {
  const answers: Message[] = []
  const keep = (a: Message): Message => { answers.push(inner(a)); return a }
  keep(await face.core('bindService', { serviceId: PROCESSOR_ID }))
  keep(await face.core('bindService', { serviceId: WM }))
  keep(await face.service('getCapabilities', ''))
  keep(await face.service('prepareSession', { agent: AGENT1, model: '' }))
  keep(await face.core('bindResource', { serviceId: PROCESSOR_ID, resourceId: RID }))
  keep(await face.core('bindResource', { serviceId: WM, resourceId: RID }))
  test.clock.advance(100)
  keep(await face.resource('session.ready'))
  await test.app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15551234567', queue: 'sales' } })
  const conv = `${RID}.voice.ix-1.leg-2`
  keep(await face.resource('conversation.answer', conv))
  keep(await face.resource('conversation.hold', conv))
  keep(await face.resource('session.ready'))
  keep(await face.resource('conversation.retrieve', conv))
  keep(await face.resource('conversation.release', conv))
  keep(await face.resource('interaction.complete', `${RID}.voice.ix-1`))
  keep(await face.resource('session.logout', undefined, { reason: 'done' }))
  keep(await face.core('unbindService', { serviceId: 'nope' }))
  return answers
}

/** Events with request ids (which differ between the faces) blanked. */
function normalize (events: Message[]): Message[] {
  return JSON.parse(JSON.stringify(events).replace(/"requestid":"[^"]*"/g, '"requestid":"R"'))
}

t.test('one scenario over REST + SSE and over the WebSocket: the same answers and the same events', async t => {
  // WebSocket
  const wsApp = await build(t)
  const peer = await WsPeer.connect(await wsApp.listen())
  t.teardown(() => { peer.close() })
  const wsAnswers = await scenario(wsApp, {
    core: async (command, extra) => (await peer.request({ messageType: 'coreRequest', command, ...extra })).answer,
    service: async (command, data) => (await peer.request({ messageType: 'serviceRequest', serviceId: PROCESSOR_ID, request: { command, data } })).answer,
    resource: async (command, target, data) => (await peer.request({
      messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command, ...(target !== undefined && { target }), ...(data !== undefined && { data }) }
    })).answer
  })
  const wsEvents = peer.received.filter(m => m.messageType === 'resourceEvent' || m.messageType === 'serviceEvent')

  // REST + SSE
  const restApp = await build(t)
  const base = await restApp.listen()
  const bar = await RestClient.open(restApp.app)
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  t.teardown(() => { sse.close() })
  const rest = async (method: 'POST' | 'DELETE', url: string, payload?: unknown): Promise<Message> => body(await bar.call(method, url, payload))
  const restAnswers = await scenario(restApp, {
    core: async (command, extra) => {
      const service = `/services/${String(extra?.serviceId)}`
      switch (command) {
        case 'bindService': return await rest('POST', `${service}/binding`)
        case 'unbindService': return await rest('DELETE', `${service}/binding`)
        case 'bindResource': return await rest('POST', `${service}/resources/${String(extra?.resourceId)}/binding`)
        default: throw new Error(command)
      }
    },
    service: async (command, data) => await rest('POST', `/services/${PROCESSOR_ID}/requests`, { command, data }),
    resource: async (command, target, data) => {
      const answer = await rest('POST', `/services/${PROCESSOR_ID}/resources/${RID}/requests`, { command, ...(target !== undefined && { target }), ...(data !== undefined && { data }) })
      const { requestId, ...withoutId } = answer
      void requestId
      return withoutId
    }
  })
  const sseEvents = (await sse.take(wsEvents.length)).map(f => JSON.parse(f.data ?? '{}') as Message)

  // Each face's session gets its own random resume credential: the same shape, not the same value.
  const credentials = (answers: Message[]): Message[] => answers.map(a => a.resumeToken === undefined ? a : { ...a, resumeToken: typeof a.resumeToken === 'string' && /^[A-Za-z0-9_-]{43}$/.test(a.resumeToken) ? '<credential>' : a.resumeToken })
  t.same(credentials(restAnswers), credentials(wsAnswers), 'the same answers, failures included')
  t.match(wsAnswers.at(-1), { result: 'failure', failure: { code: 'UNKNOWN_SERVICE' } })
  t.match(wsAnswers.find(a => a.command === 'session.ready' && a.result === 'failure'), { failure: { code: 'INVALID_STATE' } })
  t.ok(wsEvents.length > 40, `${wsEvents.length} events`)
  t.same(normalize(sseEvents), normalize(wsEvents), 'the same envelopes in the same order (request ids aside)')
  t.equal(restApp.app.his.clients.get(bar.clientId)?.outbox.latest, wsEvents.length, 'and nothing more on the REST side')
})

t.test('malformed frames: each is answered, none crashes the server, the socket stays usable, nothing reaches the CTI', async t => {
  const { app, sim } = await build(t, { WS_MAX_MESSAGE_BYTES: 2048 })
  const peer = await WsPeer.inject(app)
  t.teardown(() => { peer.close() })
  await peer.request({ messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })
  const agentsBefore = sim.agents()
  const cases: Array<[string, string | Buffer, string, string, string?]> = [
    ['not JSON', '{"messageType":', 'coreError', 'INVALID_MESSAGE'],
    ['plain text', 'hello', 'coreError', 'INVALID_MESSAGE'],
    ['a JSON number', '42', 'coreError', 'INVALID_MESSAGE'],
    ['JSON null', 'null', 'coreError', 'INVALID_MESSAGE'],
    ['a JSON array', '[1,2]', 'coreError', 'INVALID_MESSAGE'],
    ['no messageType', '{"requestId":"r1"}', 'coreError', 'INVALID_MESSAGE', 'r1'],
    ['an unknown messageType', '{"messageType":"hello","requestId":"r2"}', 'coreError', 'INVALID_MESSAGE', 'r2'],
    ['a response sent as a request', '{"messageType":"coreResponse","requestId":"r3"}', 'coreError', 'INVALID_MESSAGE', 'r3'],
    ['coreRequest without command', '{"messageType":"coreRequest","requestId":"r4"}', 'coreError', 'INVALID_MESSAGE', 'r4'],
    ['an unknown core command', '{"messageType":"coreRequest","requestId":"r5","command":"reboot"}', 'coreResponse', 'UNKNOWN_COMMAND', 'r5'],
    ['bindService without serviceId', '{"messageType":"coreRequest","requestId":"r6","command":"bindService"}', 'coreResponse', 'INVALID_MESSAGE', 'r6'],
    ['a requestId of the wrong type', '{"messageType":"coreRequest","requestId":7,"command":"getServices"}', 'coreError', 'INVALID_MESSAGE'],
    ['serviceRequest without request', `{"messageType":"serviceRequest","requestId":"r8","serviceId":"${PROCESSOR_ID}"}`, 'coreError', 'INVALID_MESSAGE', 'r8'],
    ['a request that is not an object', `{"messageType":"resourceRequest","requestId":"r9","serviceId":"${PROCESSOR_ID}","resourceId":"x","request":"hold"}`, 'coreError', 'INVALID_MESSAGE', 'r9'],
    ['prepareSession with bad data', `{"messageType":"serviceRequest","requestId":"r10","serviceId":"${PROCESSOR_ID}","request":{"command":"prepareSession","data":{"agent":5}}}`, 'serviceResponse', 'INVALID_MESSAGE', 'r10'],
    ['a wrong password', `{"messageType":"serviceRequest","requestId":"r11","serviceId":"${PROCESSOR_ID}","request":{"command":"prepareSession","data":{"agent":{"id":"agent1","password":"x"}}}}`, 'serviceResponse', 'AUTH_FAILED', 'r11'],
    ['a resource not bound', `{"messageType":"resourceRequest","requestId":"r12","serviceId":"${PROCESSOR_ID}","resourceId":"Simulator-agent1","request":{"command":"session.ready"}}`, 'resourceResponse', 'UNKNOWN_RESOURCE', 'r12'],
    ['resume with a wrong token', '{"messageType":"coreRequest","requestId":"r13","command":"resume","clientId":"x","token":"y"}', 'coreResponse', 'AUTH_FAILED', 'r13'],
    ['resume without a token', '{"messageType":"coreRequest","requestId":"r14","command":"resume","clientId":"x"}', 'coreResponse', 'INVALID_MESSAGE', 'r14'],
    ['a binary frame', Buffer.from([1, 2, 3]), 'coreError', 'INVALID_MESSAGE'],
    ['a frame over the limit', JSON.stringify({ messageType: 'coreRequest', command: 'getServices', pad: 'x'.repeat(4000) }), 'coreError', 'INVALID_MESSAGE']
  ]
  for (const [name, frame, messageType, code, requestId] of cases) {
    peer.send(frame)
    const answer = await peer.next()
    t.equal(answer.messageType, messageType, `${name}: ${messageType}`)
    t.equal(answer.failure?.code ?? answer.response?.failure?.code, code, `${name}: ${code}`)
    if (requestId !== undefined) t.equal(answer.requestId, requestId, `${name}: the requestId is echoed`)
    t.type(answer.failure?.message ?? answer.response?.failure?.message, 'string', `${name}: a message`)
    const still = await peer.request({ messageType: 'coreRequest', command: 'getServices' })
    t.equal(still.answer.result, 'success', `${name}: the socket still works`)
  }
  t.same(sim.agents(), agentsBefore, 'nothing reached the CTI')
  t.notMatch(JSON.stringify(peer.received), /demo-pass|"password"/, 'no password echoed')
})

t.test('a frame over 1 MiB closes the socket (1009); the server carries on', async t => {
  const { listen } = await build(t)
  const base = await listen()
  const peer = await WsPeer.connect(base)
  peer.send('x'.repeat(1_048_577))
  t.equal(await peer.closed(), 1009)
  const other = await WsPeer.connect(base)
  t.teardown(() => { other.close() })
  t.equal((await other.request({ messageType: 'coreRequest', command: 'getServices' })).answer.result, 'success')
})

t.test('Service Monitor over the socket: serviceList first, then serviceUpdated as load moves', async t => {
  const { listen } = await build(t)
  const base = await listen()
  const monitor = await WsPeer.connect(base)
  t.teardown(() => { monitor.close() })
  const { answer, before } = await monitor.request({ messageType: 'coreRequest', command: 'bindService', serviceId: 'ServiceMonitor' })
  t.match(answer, { result: 'success', serviceType: 'com.openmethods.iserver.monitor' })
  t.equal(before.length, 1)
  t.match(before[0], { messageType: 'serviceEvent', serviceId: 'ServiceMonitor', event: { eventType: 'serviceList' }, eventId: 1 })
  t.same(before[0]?.event.services.map((s: Message) => s.name), ['ServiceMonitor', 'Simulator', 'WorkflowManager'])
  const agent = await WsPeer.connect(base)
  t.teardown(() => { agent.close() })
  await agent.request({ messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })
  const updated = await monitor.next()
  t.match(updated, { messageType: 'serviceEvent', event: { eventType: 'serviceUpdated', service: { name: 'Simulator', serviceStatus: { clientCount: 1, status: 'InService' } } } })
  agent.close()
  const down = await monitor.next()
  t.match(down, { event: { eventType: 'serviceUpdated', service: { name: 'Simulator', serviceStatus: { clientCount: 0 } } } }, 'a dropped socket\'s bindings are released')
})

/** A media bar that can resume: client record by REST, events and requests on a socket. */
async function resumableBar (t: Test, test: TestApp, base: string): Promise<{ peer: WsPeer, clientId: string, token: string }> {
  const opened = body(await test.app.inject({ method: 'POST', url: '/clients', payload: { name: 'resumable' } }))
  const peer = await WsPeer.connect(base)
  const { answer } = await peer.request({ messageType: 'coreRequest', command: 'resume', clientId: opened.clientId, token: opened.token, lastEventId: 0 })
  t.match(answer, { messageType: 'coreResponse', command: 'resume', result: 'success', clientId: opened.clientId, data: { lastEventId: 0, latest: 0 } })
  return { peer, clientId: opened.clientId, token: opened.token }
}

async function loginOver (peer: WsPeer, clock: TestApp['clock']): Promise<void> {
  await peer.request({ messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })
  await peer.request({ messageType: 'coreRequest', command: 'bindService', serviceId: WM })
  await peer.request({ messageType: 'serviceRequest', serviceId: PROCESSOR_ID, request: { command: 'prepareSession', data: { agent: AGENT1 } } })
  await peer.request({ messageType: 'coreRequest', command: 'bindResource', serviceId: PROCESSOR_ID, resourceId: RID })
  await peer.request({ messageType: 'coreRequest', command: 'bindResource', serviceId: WM, resourceId: RID })
  clock.advance(100)
  await peer.request({ messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'session.ready' } })
}

const events = (frames: Message[]): Message[] => frames.filter(m => m.eventId !== undefined)

t.test('resume across a dropped socket: nothing lost, nothing repeated; the session waits with a deadline', async t => {
  // Event counts of a voice-only session (no chat channel).
  const test = await build(t, { SESSION_GRACE_MS: 60000, CHAT_MAX_PER_AGENT: 0 })
  const base = await test.listen()
  const first = await resumableBar(t, test, base)
  await loginOver(first.peer, test.clock)
  const seenBefore = events(first.peer.received)
  const lastSeen = seenBefore.at(-1)?.eventId as number
  first.peer.close()
  await waitFor(() => test.app.hisSockets.count === 0)

  // While away: the bindings are gone, the session lives, a call arrives.
  const session = test.app.his.processor.session(RID)
  t.match(session?.snapshot().client, { id: first.clientId, awayUntil: new Date(test.clock.now() + 60000).toISOString() }, 'the snapshot shows the deadline')
  await test.app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15551234567', queue: 'sales' } })
  test.clock.advance(10_000) // within the grace period, and before the call rings out (15 s)

  const peer = await WsPeer.connect(base)
  t.teardown(() => { peer.close() })
  const { answer, before } = await peer.request({ messageType: 'coreRequest', command: 'resume', clientId: first.clientId, token: first.token, lastEventId: lastSeen })
  t.match(answer, { result: 'success', clientId: first.clientId, data: { lastEventId: lastSeen } })
  t.same(before, [])
  t.equal(session?.snapshot().client.awayUntil, null, 'back in time: no deadline')
  // Rebind and carry on: the events of the call arrive (held for the session while nobody was bound).
  await peer.request({ messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })
  await peer.request({ messageType: 'coreRequest', command: 'bindService', serviceId: WM })
  await peer.request({ messageType: 'coreRequest', command: 'bindResource', serviceId: PROCESSOR_ID, resourceId: RID })
  await peer.request({ messageType: 'coreRequest', command: 'bindResource', serviceId: WM, resourceId: RID })
  const after = events(peer.received)
  const ids = [...seenBefore, ...after].map(e => e.eventId as number)
  t.same(ids, ids.map((_, i) => i + 1), 'event ids run on without a gap or a repeat')
  t.same(after.filter(e => e.serviceId === PROCESSOR_ID).map(e => e.event.name).slice(0, 5),
    ['interaction.added', 'conversation.created', 'interaction.partyadded', 'interaction.present', 'state.updated'], 'the call\'s events, in order')
  t.match(after.filter(e => e.serviceId === WM).map(e => e.event.target), [RID, `${RID}.voice.ix-1`], 'and the current views')
  const answered = await peer.request({ messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'conversation.answer', target: `${RID}.voice.ix-1.leg-2` } })
  t.equal(answered.answer.response.result, 'success', 'the agent carries on')
})

t.test('resume replays what the outbox holds after the last event seen', async t => {
  const test = await build(t)
  const base = await test.listen()
  const first = await resumableBar(t, test, base)
  await loginOver(first.peer, test.clock)
  const all = events(first.peer.received)
  first.peer.close()
  await waitFor(() => test.app.hisSockets.count === 0)
  const peer = await WsPeer.connect(base)
  t.teardown(() => { peer.close() })
  await peer.request({ messageType: 'coreRequest', command: 'resume', clientId: first.clientId, token: first.token, lastEventId: 3 })
  await waitFor(() => peer.received.length >= 1 + all.length - 3)
  t.same(events(peer.received), all.slice(3), 'exactly the events after 3, from the outbox')
})

for (const [gone, config] of [['more events than OUTBOX_SIZE', { OUTBOX_SIZE: 16 }], ['delivered events beyond OUTBOX_REPLAY', { OUTBOX_REPLAY: 4 }]] as const) {
  t.test(`resume when the gap is gone (${gone}): resync`, async t => {
    const test = await build(t, config)
    const base = await test.listen()
    const first = await resumableBar(t, test, base)
    await loginOver(first.peer, test.clock)
    for (let i = 0; i < 10; i++) {
      await first.peer.request({ messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'session.notready' } })
      await first.peer.request({ messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'session.ready' } })
    }
    first.peer.close()
    await waitFor(() => test.app.hisSockets.count === 0)
    const peer = await WsPeer.connect(base)
    t.teardown(() => { peer.close() })
    await peer.request({ messageType: 'coreRequest', command: 'resume', clientId: first.clientId, token: first.token, lastEventId: 1 })
    const resync = await peer.next()
    const latest = test.app.his.clients.get(first.clientId)?.outbox.latest ?? 0
    t.match(resync, { messageType: 'coreEvent', event: { name: 'resync', data: { lastEventId: 1, oldest: latest - ('OUTBOX_SIZE' in config ? 15 : 3), latest } } })
  })
}

t.test('a dead peer is found by the ping and dropped; its bindings are released, its session waits (pings on the transports\' clock)', async t => {
  const PING = 15000
  const test = await build(t, { WS_PING_INTERVAL_MS: PING })
  const base = await test.listen()
  const peer = await WsPeer.connect(base, { autoPong: false })
  t.teardown(() => { peer.close() })
  let unanswered = 0
  peer.socket.on('ping', () => { unanswered++ })
  await loginOver(peer, test.clock)
  t.equal(test.app.hisSockets.count, 1)
  test.transportClock.advance(PING)
  await waitFor(() => unanswered === 1)
  t.equal(test.app.hisSockets.count, 1, 'the first ping is sent: the peer had just sent requests')
  test.transportClock.advance(PING)
  t.equal(await peer.closed(), 1006, 'no answer by the next ping: terminated without a close frame')
  await waitFor(() => test.app.hisSockets.count === 0)
  const services = body(await test.app.inject('/services')).data.services as Message[]
  t.equal(services.find(s => s.id === PROCESSOR_ID)?.serviceStatus.clientCount, 0, 'bindings released')
  t.equal(test.app.his.processor.sessionCount, 1, 'the agent session survives the drop')
  t.not(test.app.his.processor.session(RID)?.snapshot().client.awayUntil, null)

  // A peer that answers every ping (and sends nothing else) stays.
  const alive = await WsPeer.connect(base)
  t.teardown(() => { alive.close() })
  let pings = 0
  alive.socket.on('ping', () => { pings++ })
  for (let i = 1; i <= 3; i++) {
    test.transportClock.advance(PING)
    await waitFor(() => pings === i)
    // The peer's pong left before its own ping, so the server's pong to it means the server has read the peer's.
    await new Promise<void>(resolve => { alive.socket.once('pong', () => { resolve() }); alive.socket.ping() })
  }
  test.transportClock.advance(PING)
  await waitFor(() => pings === 4)
  t.equal(test.app.hisSockets.count, 1, 'a peer that answered three pings stays')
  t.equal(alive.closeCode, undefined)
})

t.test('the contact center\'s clock (SIM_CLOCK=manual) moving a long way drops no socket: pings keep their own time', async t => {
  const test = await build(t)
  const peer = await WsPeer.connect(await test.listen())
  t.teardown(() => { peer.close() })
  await loginOver(peer, test.clock)
  test.clock.advance(10 * 60_000)
  const { answer } = await peer.request({ messageType: 'resourceRequest', serviceId: PROCESSOR_ID, resourceId: RID, request: { command: 'session.notready' } })
  t.equal(answer.response.result, 'success', 'the socket and the session are still there')
  t.equal(test.app.hisSockets.count, 1)
})

t.test('the grace period: after it, the agent is logged out (client_lost) and the client cannot resume', async t => {
  const test = await build(t, { SESSION_GRACE_MS: 60000 })
  const base = await test.listen()
  const first = await resumableBar(t, test, base)
  await loginOver(first.peer, test.clock)
  first.peer.close()
  await waitFor(() => test.app.hisSockets.count === 0)
  test.clock.advance(59_999)
  t.equal(test.app.his.processor.sessionCount, 1, 'still within the grace period')
  test.clock.advance(1)
  await waitFor(() => test.app.his.processor.sessionCount === 0)
  t.equal(test.sim.agents().find(a => a.id === 'agent1')?.state, 'logged_out')
  t.match(test.logs.text, /"sessionId":"Simulator-agent1","reason":"client_lost","msg":"session ended"/)
  const peer = await WsPeer.connect(base)
  t.teardown(() => { peer.close() })
  const { answer } = await peer.request({ messageType: 'coreRequest', command: 'resume', clientId: first.clientId, token: first.token })
  t.match(answer, { result: 'failure', failure: { code: 'AUTH_FAILED' } })
})

t.test('the grace period over SSE: back in time with Last-Event-ID, nothing lost; or logged out after it', async t => {
  const test = await build(t, { SESSION_GRACE_MS: 60000 })
  const base = await test.listen()
  const bar = await RestClient.open(test.app)
  let sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  const rid = await bar.login(AGENT1)
  test.clock.advance(100)
  const seen = await sse.take(5)
  sse.close()
  await waitFor(() => test.app.eventStreams.count === 0)
  await bar.request(rid, 'session.ready')
  test.clock.advance(59_000)
  t.not(test.app.his.processor.session(rid)?.snapshot().client.awayUntil, null)
  t.match((await bar.snapshot(PROCESSOR_ID, rid)).data.client.awayUntil, /^\d{4}-/, 'a REST client sees its deadline in the snapshot')
  sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`, { 'last-event-id': seen.at(-1)?.id ?? '' })
  t.teardown(() => { sse.close() })
  t.same((await sse.take(2)).map(f => f.id), ['6', '7'], 'the events while away, from the outbox')
  test.clock.advance(10_000)
  t.equal(test.app.his.processor.sessionCount, 1, 'back in time: the session carries on')
  t.equal(test.app.his.processor.session(rid)?.snapshot().client.awayUntil, null)

  sse.close()
  await waitFor(() => test.app.eventStreams.count === 0)
  test.clock.advance(60_000)
  await waitFor(() => test.app.his.processor.sessionCount === 0)
  t.equal((await bar.call('GET', '/services')).statusCode, 200)
  t.equal((await bar.call('GET', `/services/${PROCESSOR_ID}/resources/${rid}`)).statusCode, 401, 'the client record is gone')
})

t.test('shutdown tells every socket and closes it with 1001', async t => {
  const test = await build(t)
  const peer = await WsPeer.connect(await test.listen())
  await peer.request({ messageType: 'coreRequest', command: 'getServices' })
  const closing = test.app.close()
  t.match(await peer.next(), { messageType: 'coreEvent', event: { name: 'shutdown', data: { reason: 'server shutting down' } } })
  t.equal(await peer.closed(), 1001)
  t.equal(peer.closeReason, 'server shutting down')
  await closing
})

t.test('a resume elsewhere takes the client over: the older socket is told and closed (4001)', async t => {
  const test = await build(t)
  const base = await test.listen()
  const first = await resumableBar(t, test, base)
  const second = await WsPeer.connect(base)
  t.teardown(() => { second.close() })
  await second.request({ messageType: 'coreRequest', command: 'resume', clientId: first.clientId, token: first.token })
  t.match(await first.peer.next(), { messageType: 'coreEvent', event: { name: 'shutdown', data: { reason: /replaced/ } } })
  t.equal(await first.peer.closed(), 4001)
  t.equal((await second.request({ messageType: 'coreRequest', command: 'bindService', serviceId: PROCESSOR_ID })).answer.result, 'success')
})

t.test('GET /ws without an upgrade answers 426', async t => {
  const { app } = await build(t)
  const res = await app.inject('/ws')
  t.equal(res.statusCode, 426)
  t.equal(body(res).failure.code, 'INVALID_MESSAGE')
})

t.test('a socket that resumes one client and then another leaves the first away, so it expires after the grace period', async t => {
  const test = await build(t, { SESSION_GRACE_MS: 60000 })
  const base = await test.listen()
  const open = async (): Promise<Message> => body(await test.app.inject({ method: 'POST', url: '/clients', payload: {} }))
  const [one, two] = [await open(), await open()]
  const peer = await WsPeer.connect(base)
  t.teardown(() => { peer.close() })
  t.match((await peer.request({ messageType: 'coreRequest', command: 'resume', clientId: one.clientId, token: one.token })).answer, { result: 'success' })
  t.match((await peer.request({ messageType: 'coreRequest', command: 'resume', clientId: two.clientId, token: two.token })).answer, { result: 'success' })
  t.equal(test.app.his.clients.get(one.clientId)?.transport, undefined, 'the first record has no transport now')
  test.clock.advance(60_000)
  await waitFor(() => test.app.his.clients.get(one.clientId) === undefined)
  t.not(test.app.his.clients.get(two.clientId), undefined, 'the one the socket serves stays')
})
