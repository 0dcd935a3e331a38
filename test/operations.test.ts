import t from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, body, build } from './helpers/app.js'
import { SseReader } from './helpers/sse.js'

t.test('Service Monitor over REST + SSE: serviceList first, then serviceUpdated as load moves', async t => {
  const { app, listen } = await build(t)
  const base = await listen()
  const watcher = await RestClient.open(app, 'monitor')
  const sse = await SseReader.connect(`${base}/clients/${watcher.clientId}/events?token=${watcher.token}`)
  t.teardown(() => { sse.close() })
  t.equal((await watcher.bindService('ServiceMonitor')).statusCode, 200)
  const list = await sse.nextEvent()
  t.equal(list.frame.event, 'serviceList')
  t.equal(list.envelope.messageType, 'serviceEvent')
  t.same(list.envelope.event.services.map((s: { name: string }) => s.name), ['ServiceMonitor', 'Simulator', 'WorkflowManager'])

  const agent = await RestClient.open(app, 'agent')
  await agent.bindService(PROCESSOR_ID)
  await agent.bindService('WorkflowManager')
  const updates = await sse.take(2)
  t.same(updates.map(f => f.event), ['serviceUpdated', 'serviceUpdated'])
  const updated = updates.map(f => JSON.parse(f.data ?? '').event.service)
  t.same(updated.map((s: { name: string, serviceStatus: { clientCount: number } }) => [s.name, s.serviceStatus.clientCount]),
    [['Simulator', 1], ['WorkflowManager', 1]])

  // Binding the monitor itself is not news: no event for the monitor's own count.
  t.same(sse.unread, [])
})

t.test('metrics in Prometheus text format', async t => {
  const { app, clock } = await build(t)
  const bar = await RestClient.open(app)
  await bar.login(AGENT1)
  clock.advance(100)
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.match(res.body, /^his_clients 1$/m)
  t.match(res.body, /^his_sessions 1$/m)
  t.match(res.body, /^his_event_streams 0$/m)
  t.match(res.body, /^his_events_delivered_total \d+$/m)
  const held = app.his.clients.get(bar.clientId)?.outbox.latest ?? 0
  t.ok(held > 0)
  t.match(res.body, new RegExp(`^his_outbox_events ${held}$`, 'm'), 'no stream yet: the outbox holds every event')
  t.match(res.body, /his_http_requests_total\{method="POST",route="\/services\/:serviceId\/sessions",status="201"\} 1/)
  t.match(res.body, /his_process_cpu_seconds_total/)
})

t.test('health: 200 in service, 503 while stopping; new clients are refused while stopping', async t => {
  const { app } = await build(t)
  let res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.match(body(res), { status: 'ok', cti: { ok: true }, clients: 0, sessions: 0, streams: 0 })
  app.his.stop()
  res = await app.inject('/health')
  t.equal(res.statusCode, 503)
  t.equal(body(res).status, 'stopping')
  res = await app.inject({ method: 'POST', url: '/clients', payload: {} })
  t.equal(res.statusCode, 503)
  t.equal(body(res).failure.code, 'NOT_ACCEPTING_CLIENTS')
  const services = body(await app.inject('/services')).data.services
  t.ok(services.every((s: { serviceStatus: { status: string, acceptingClients: boolean } }) => s.serviceStatus.status === 'Stopping' && !s.serviceStatus.acceptingClients))
})

t.test('the client limit', async t => {
  const { app } = await build(t, { MAX_CLIENTS: 2 })
  await RestClient.open(app)
  await RestClient.open(app)
  const res = await app.inject({ method: 'POST', url: '/clients', payload: {} })
  t.equal(res.statusCode, 503)
  t.equal(body(res).failure.code, 'NOT_ACCEPTING_CLIENTS')
})

t.test('a client that never opened a stream or socket is closed after CLIENT_IDLE_MS without a request', async t => {
  const { app, clock, sim } = await build(t, { CLIENT_IDLE_MS: 60_000 })
  const bar = await RestClient.open(app)
  const rid = await bar.login(AGENT1)
  clock.advance(59_000)
  t.equal((await bar.call('GET', `/services/${PROCESSOR_ID}/capabilities`)).statusCode, 200, 'a request keeps it')
  clock.advance(59_000)
  t.equal(app.his.processor.sessionCount, 1, 'still there: the last request was 59 s ago')
  clock.advance(1_000)
  await new Promise(resolve => setImmediate(resolve))
  t.equal(app.his.processor.sessionCount, 0, 'idle for 60 s: its session ended')
  t.equal(sim.agents().find(a => a.id === 'agent1')?.state, 'logged_out')
  const res = await bar.call('GET', `/services/${PROCESSOR_ID}/resources/${rid}`)
  t.equal(res.statusCode, 401, 'and the client is closed')
})
