import t from 'tap'
import { AGENT1, RestClient, body, build } from './helpers/app.js'
import { SseReader } from './helpers/sse.js'
import { waitFor } from './helpers/wait.js'

// Event counts here are the voice session's (no chat channel): what resume does is the same for any event.
t.test('resume with Last-Event-ID: nothing missed, nothing repeated', async t => {
  const { app, clock, listen } = await build(t, { CHAT_MAX_PER_AGENT: 0 })
  const base = await listen()
  const bar = await RestClient.open(app)
  const url = `${base}/clients/${bar.clientId}/events?token=${bar.token}`

  let sse = await SseReader.connect(url)
  const rid = await bar.login(AGENT1)
  clock.advance(100)
  const before = await sse.take(5)
  t.same(before.map(f => f.id), ['1', '2', '3', '4', '5'])
  sse.close()
  await t.resolves(waitFor(() => app.eventStreams.count === 0), 'the server lets go of a stream whose client went away')

  // Events while disconnected.
  await bar.request(rid, 'session.ready')
  await bar.request(rid, 'session.notready', { reason: 'BREAK' })
  await bar.request(rid, 'session.ready')

  sse = await SseReader.connect(url, { 'last-event-id': '5' })
  t.teardown(() => { sse.close() })
  const replayed = await sse.take(6)
  t.same(replayed.map(f => f.id), ['6', '7', '8', '9', '10', '11'], 'every event after 5, in order, once')
  const states = replayed.map(f => JSON.parse(f.data ?? '').event.data).filter(d => !Array.isArray(d)).map(d => d.state)
  t.same(states, ['ready', 'not_ready', 'ready'])

  // Live events continue after the replay with the next id.
  await bar.request(rid, 'session.notready', { reason: 'LUNCH' })
  const live = await sse.next()
  t.equal(live.id, '12')
})

t.test('delivered events: the last OUTBOX_REPLAY stay for a reconnect, undelivered ones all stay', async t => {
  const { app, clock, listen } = await build(t, { OUTBOX_REPLAY: 4 })
  const base = await listen()
  const bar = await RestClient.open(app)
  const url = `${base}/clients/${bar.clientId}/events?token=${bar.token}`
  const outbox = app.his.clients.get(bar.clientId)?.outbox
  let sse = await SseReader.connect(url)
  const rid = await bar.login(AGENT1)
  clock.advance(100)
  await readyAndNotReady(bar, rid, 5)
  const delivered = outbox?.latest ?? 0
  t.ok(delivered > 15)
  t.equal((await sse.take(delivered)).at(-1)?.id, String(delivered), 'all delivered live')
  sse.close()
  await waitFor(() => app.eventStreams.count === 0)
  t.equal(outbox?.size, 4, 'an agent whose events were delivered holds only the replay tail')

  // Away: everything that happens now is held, however much more than the tail.
  await readyAndNotReady(bar, rid, 4)
  const latest = outbox?.latest ?? 0
  t.equal(outbox?.size, 4 + latest - delivered)

  // The last bytes before the drop were lost: the client resumes from within the tail.
  sse = await SseReader.connect(url, { 'last-event-id': String(delivered - 2) })
  const replayed = await sse.take(latest - delivered + 2)
  t.same(replayed.map(f => Number(f.id)), Array.from({ length: latest - delivered + 2 }, (_, i) => delivered - 1 + i), 'the tail and everything after it, once each')
  sse.close()
  await waitFor(() => app.eventStreams.count === 0)

  // Older than the tail: resync, and the client re-reads snapshots.
  sse = await SseReader.connect(url, { 'last-event-id': String(delivered - 10) })
  t.teardown(() => { sse.close() })
  const resync = await sse.next()
  t.equal(resync.event, 'resync')
  t.same(JSON.parse(resync.data ?? '').event.data, { lastEventId: delivered - 10, oldest: latest - 3, latest })
})

t.test('a reconnect without Last-Event-ID continues after what was last sent', async t => {
  const { app, clock, listen } = await build(t, { CHAT_MAX_PER_AGENT: 0 })
  const base = await listen()
  const bar = await RestClient.open(app)
  const rid = await bar.login(AGENT1)
  clock.advance(100)
  // Opened after the events: a first stream gets everything the outbox holds.
  let sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events`, { authorization: `Bearer ${bar.token}` })
  t.same((await sse.take(5)).map(f => f.id), ['1', '2', '3', '4', '5'])
  sse.close()
  await waitFor(() => app.eventStreams.count === 0)
  await bar.request(rid, 'session.ready')
  sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  t.teardown(() => { sse.close() })
  t.equal((await sse.next()).id, '6')
})

t.test('resync when the events after Last-Event-ID are gone', async t => {
  const { app, clock, listen } = await build(t, { OUTBOX_SIZE: 16 })
  const base = await listen()
  const bar = await RestClient.open(app)
  const rid = await bar.login(AGENT1)
  clock.advance(100)
  await readyAndNotReady(bar, rid, 10)
  const latest = app.his.clients.get(bar.clientId)?.outbox.latest ?? 0
  t.ok(latest > 16 + 2, 'more events than the outbox holds')
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`, { 'last-event-id': '2' })
  t.teardown(() => { sse.close() })
  const resync = await sse.next()
  t.equal(resync.event, 'resync')
  t.equal(resync.id, String(latest), 'the resync frame carries the newest id, so the next reconnect resumes after it')
  t.same(JSON.parse(resync.data ?? ''), {
    messageType: 'coreEvent',
    event: { name: 'resync', data: { lastEventId: 2, oldest: latest - 15, latest } }
  })
  // After resync the stream is live: the client re-reads snapshots and carries on.
  t.equal((await bar.snapshot('WorkflowManager', rid)).result, 'success')
  await bar.request(rid, 'session.ready')
  t.equal((await sse.next()).id, String(latest + 1))
})

t.test('a Last-Event-ID from the future (another server life) also gets resync', async t => {
  const { app, listen } = await build(t)
  const base = await listen()
  const bar = await RestClient.open(app)
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`, { 'last-event-id': '999' })
  t.teardown(() => { sse.close() })
  t.equal((await sse.next()).event, 'resync')
})

t.test('heartbeat comments keep an idle stream alive', async t => {
  const { app, listen } = await build(t, { SSE_HEARTBEAT_MS: 100 })
  const base = await listen()
  const bar = await RestClient.open(app)
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  t.teardown(() => { sse.close() })
  const retry = await sse.until(f => f.retry !== undefined)
  t.equal(retry.retry, '3000', 'EventSource is told how long to wait before reconnecting')
  const hb = await sse.until(f => f.comment !== undefined)
  t.equal(hb.comment, 'hb')
})

t.test('a second stream of the same client replaces the first', async t => {
  const { app, listen } = await build(t)
  const base = await listen()
  const bar = await RestClient.open(app)
  const url = `${base}/clients/${bar.clientId}/events?token=${bar.token}`
  const first = await SseReader.connect(url)
  await waitFor(() => app.eventStreams.count === 1)
  const second = await SseReader.connect(url)
  t.teardown(() => { first.close(); second.close() })
  const bye = await first.next()
  t.equal(bye.event, 'shutdown')
  t.match(JSON.parse(bye.data ?? '').event.data.reason, /replaced/)
  await first.untilEnded()
  t.equal(app.eventStreams.count, 1)
})

t.test('closing the server ends every open stream after telling it', async t => {
  const { app, listen } = await build(t)
  const base = await listen()
  const bar = await RestClient.open(app)
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  await waitFor(() => app.eventStreams.count === 1)
  const closing = app.close()
  const bye = await sse.next()
  t.equal(bye.event, 'shutdown')
  t.same(JSON.parse(bye.data ?? ''), { messageType: 'coreEvent', event: { name: 'shutdown', data: { reason: 'server shutting down' } } })
  await sse.untilEnded()
  await closing
})

t.test('the event stream refuses a missing, wrong or foreign token and a bad Last-Event-ID', async t => {
  const { app, listen } = await build(t)
  const base = await listen()
  const a = await RestClient.open(app)
  const b = await RestClient.open(app)
  const cases: Array<[string, string, Record<string, string>, number, string]> = [
    ['no token', `/clients/${a.clientId}/events`, {}, 401, 'AUTH_FAILED'],
    ['unknown token', `/clients/${a.clientId}/events?token=nope`, {}, 401, 'AUTH_FAILED'],
    ['another client\'s token', `/clients/${a.clientId}/events?token=${b.token}`, {}, 401, 'AUTH_FAILED'],
    ['Last-Event-ID not a number', `/clients/${a.clientId}/events?token=${a.token}`, { 'last-event-id': 'abc' }, 400, 'INVALID_MESSAGE'],
    ['lastEventId negative', `/clients/${a.clientId}/events?token=${a.token}&lastEventId=-1`, {}, 400, 'INVALID_MESSAGE']
  ]
  for (const [label, path, headers, status, code] of cases) {
    const sse = await SseReader.connect(base + path, headers)
    t.equal(sse.status, status, label)
    t.equal(JSON.parse(await sse.text()).failure.code, code, label)
  }
  t.equal(app.eventStreams.count, 0)
  t.equal(body(await app.inject('/health')).streams, 0)
})

/** `times` rounds of session.ready then session.notready: two state changes, events each. */
async function readyAndNotReady (bar: RestClient, rid: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await bar.request(rid, 'session.ready')
    await bar.request(rid, 'session.notready')
  }
}

t.test('HEAD on the event route opens nothing and leaves the open stream alone', async t => {
  const { app, listen } = await build(t, { CHAT_MAX_PER_AGENT: 0 })
  const base = await listen()
  const bar = await RestClient.open(app)
  const url = `${base}/clients/${bar.clientId}/events?token=${bar.token}`
  const sse = await SseReader.connect(url)
  t.teardown(() => { sse.close() })
  await waitFor(() => app.eventStreams.count === 1)
  const head = await fetch(url, { method: 'HEAD' })
  t.equal(head.status, 404, 'no HEAD route')
  t.equal(app.eventStreams.count, 1, 'the real stream is still the one open')
  await bar.login(AGENT1)
  const frame = await sse.until(f => f.event === 'state.updated' || f.event === 'session.started' || f.id !== undefined)
  t.ok(frame.id !== undefined, 'and it still gets the events')
})
