import t from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM, body, build, enabled } from './helpers/app.js'
import { SseReader } from './helpers/sse.js'

// docs/protocol.md: the real trace of a media bar logging in, replayed over REST + SSE.
// The trace is of a voice-only deployment: no chat channel (CHAT_MAX_PER_AGENT=0).
t.test('the real trace over REST + SSE: exact answers, exact events, exact order', async t => {
  const { app, clock, listen } = await build(t, { CHAT_MAX_PER_AGENT: 0 })
  const base = await listen()
  const bar = await RestClient.open(app, 'media-bar agent1')
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  t.teardown(() => { sse.close() })
  t.equal(sse.status, 200)
  t.match(sse.headers['content-type'], /^text\/event-stream/)

  let res = await bar.bindService(PROCESSOR_ID)
  t.equal(res.statusCode, 200)
  t.same(body(res), {
    command: 'bindService',
    serviceId: PROCESSOR_ID,
    serviceName: 'Simulator',
    serviceType: 'com.openmethods.iserver.processor',
    result: 'success'
  })

  res = await bar.bindService(WM)
  t.same(body(res), {
    command: 'bindService',
    serviceId: WM,
    serviceName: 'WorkflowManager',
    serviceType: 'com.openmethods.iserver.workflow.manager',
    result: 'success'
  })

  res = await bar.call('GET', `/services/${PROCESSOR_ID}/capabilities`)
  t.equal(res.statusCode, 200)
  const caps = body(res)
  t.equal(caps.result, 'success')
  for (const key of ['channel-groups-supported', 'channel-groups-max-per-agent', 'channel-groups-media-types',
    'single-channels-supported', 'single-channels-media-types', 'channel-actions']) {
    t.type(caps.data[key], 'string', `getCapabilities has ${key}`)
  }
  t.match(caps.data['call-models'], /\bdefault\b/)

  res = await bar.prepareSession({ agent: AGENT1, model: '', override: true, cti: PROCESSOR_ID })
  t.equal(res.statusCode, 201)
  const { resumeToken, ...prepared } = body(res)
  t.match(resumeToken, /^[A-Za-z0-9_-]{43}$/, 'and the session\'s resume credential, the one member the trace does not have')
  t.same(prepared, {
    command: 'prepareSession',
    result: 'success',
    resource: { id: 'Simulator-agent1', data: { agent: { id: 'agent1' }, model: '', override: true, cti: PROCESSOR_ID } },
    data: { agent: { id: 'agent1' }, model: '', override: true, cti: PROCESSOR_ID },
    workflow: { serviceId: WM, resourceId: 'Simulator-agent1' }
  }, 'success echoes the request data without the password, at the top (as the trace) and under resource (as seed 004 writes it)')
  const rid = 'Simulator-agent1'

  res = await bar.bindResource(PROCESSOR_ID, rid)
  t.same(body(res), {
    command: 'bindResource',
    serviceId: PROCESSOR_ID,
    resourceId: rid,
    resourceName: rid,
    resourceType: 'com.openmethods.iserver.processor.session',
    result: 'success'
  })
  res = await bar.bindResource(WM, rid)
  t.same(body(res), {
    command: 'bindResource',
    serviceId: WM,
    resourceId: rid,
    resourceName: rid,
    resourceType: 'com.openmethods.iserver.workflow.session',
    result: 'success'
  })

  // Binding the workflow session sends the current view: `initial`.
  const initial = await sse.next()
  t.equal(initial.id, '1')
  t.equal(initial.event, 'state.updated')
  t.same(JSON.parse(initial.data ?? ''), {
    messageType: 'resourceEvent',
    serviceId: WM,
    resourceId: rid,
    event: {
      messageType: 'stateEvent',
      target: rid,
      name: 'state.updated',
      context: {},
      data: [
        { name: 'session.logout', type: 'disable' },
        { name: 'session.login', type: 'enable' },
        { name: 'session.ready', type: 'disable' },
        { name: 'session.notready', type: 'disable' },
        { name: 'channel.dial', type: 'disable' }
      ]
    },
    eventId: 1
  })
  t.same(sse.unread, [], 'nothing else before the CTI login completes')

  // The CTI login completes.
  clock.advance(100)
  const frames = await sse.take(4)
  t.same(frames.map(f => [f.id, f.event]), [
    ['2', 'session.started'],
    ['3', 'state.updated'],
    ['4', 'channel.activated'],
    ['5', 'state.updated']
  ])
  const [started, loggedIn, channel, agentState] = frames.map(f => JSON.parse(f.data ?? ''))
  t.same(started, {
    messageType: 'resourceEvent',
    serviceId: PROCESSOR_ID,
    resourceId: rid,
    event: { name: 'session.started', target: rid, context: {}, data: { agentId: 'agent1', extension: '1001' } },
    eventId: 2
  }, 'the envelope carries eventId, the same number as the SSE id')
  t.equal(loggedIn.serviceId, WM, 'the workflow reacts to session.started')
  t.same(loggedIn.event.data.slice(0, 2), [{ name: 'session.logout', type: 'enable' }, { name: 'session.login', type: 'disable' }],
    'view logged_in: session.logout enable, session.login disable (as in the trace)')
  t.same(enabled(loggedIn.event.data), ['channel.dial', 'session.logout', 'session.notready', 'session.ready'])
  t.equal(channel.event.target, `${rid}.voice`)
  t.same(agentState.event, { name: 'state.updated', target: rid, context: {}, data: { state: 'not_ready', reason: null } })

  // The same capability set in not_ready: no further workflow event. The next events are the
  // ones session.ready causes.
  res = await bar.request(rid, 'session.ready')
  t.same(body(res), { command: 'session.ready', target: rid, requestId: body(res).requestId, result: 'success' })
  t.match(body(res).requestId, /^[0-9a-f-]{36}$/, 'REST requests get a request id when they bring none')
  const [ready, readyView] = (await sse.take(2)).map(f => JSON.parse(f.data ?? ''))
  t.same([ready.serviceId, ready.event.data], [PROCESSOR_ID, { state: 'ready', reason: null }])
  t.same([readyView.serviceId, enabled(readyView.event.data)], [WM, ['channel.dial', 'session.logout', 'session.notready']])
})

t.test('a getServices reader sees status, acceptingClients and clientCount move', async t => {
  const { app } = await build(t)
  const count = async (): Promise<number> => {
    const services = body(await app.inject('/services')).data.services as Array<{ id: string, serviceStatus: { clientCount: number, status: string, acceptingClients: boolean } }>
    const processor = services.find(s => s.id === PROCESSOR_ID)
    t.equal(processor?.serviceStatus.status, 'InService')
    t.equal(processor?.serviceStatus.acceptingClients, true)
    return processor?.serviceStatus.clientCount ?? -1
  }
  t.equal(await count(), 0)
  const a = await RestClient.open(app)
  await a.bindService(PROCESSOR_ID)
  const b = await RestClient.open(app)
  await b.bindService(PROCESSOR_ID)
  t.equal(await count(), 2)
  await b.call('DELETE', `/services/${PROCESSOR_ID}/binding`)
  t.equal(await count(), 1)
  await a.call('DELETE', `/clients/${a.clientId}`)
  t.equal(await count(), 0)
})

t.test('getServices answers are reused only while nothing changed', async t => {
  const { app } = await build(t)
  const status = async (): Promise<unknown> => {
    const res = await app.inject('/services')
    t.match(res.headers['content-type'], /^application\/json/)
    const services = body(res).data.services as Array<{ id: string, serviceStatus: unknown }>
    return services.find(s => s.id === PROCESSOR_ID)?.serviceStatus
  }
  t.same(await status(), { status: 'InService', acceptingClients: true, clientCount: 0 })
  t.equal((await app.inject('/services')).body, (await app.inject('/services')).body, 'the same answer twice')
  // A CTI adapter's health changes without telling the registry: the next answer shows it.
  const processor = app.his.processor
  const healthy = processor.availability.bind(processor)
  processor.availability = () => ({ status: 'OutOfService', acceptingClients: false })
  t.same(await status(), { status: 'OutOfService', acceptingClients: false, clientCount: 0 })
  processor.availability = healthy
  t.same(await status(), { status: 'InService', acceptingClients: true, clientCount: 0 })
  processor.stop()
  t.same(await status(), { status: 'Stopping', acceptingClients: false, clientCount: 0 })
})
