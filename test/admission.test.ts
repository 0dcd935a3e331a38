import t from 'tap'
import { body, build } from './helpers/app.js'
import { WsPeer } from './helpers/ws.js'
import { waitFor } from './helpers/wait.js'

const getServices = { messageType: 'coreRequest', command: 'getServices' }

t.test('MAX_CLIENTS holds for any mix of REST clients and WebSockets; a resume at the limit still works', async t => {
  const test = await build(t, { MAX_CLIENTS: 3 })
  const base = await test.listen()
  const { app } = test
  const open = async (): Promise<{ status: number, json: Record<string, any> }> => {
    const res = await app.inject({ method: 'POST', url: '/clients', payload: { name: 'bar' } })
    return { status: res.statusCode, json: body(res) }
  }
  const first = await open()
  t.equal(first.status, 201)
  t.equal((await open()).status, 201)

  const peers = await Promise.all([WsPeer.connect(base), WsPeer.connect(base), WsPeer.connect(base)])
  t.teardown(() => { for (const p of peers) p.close() })
  t.equal(app.his.clients.size, 2, 'a socket gets a record with its first request, not when it connects')
  const [admitted, refused, also] = peers
  if (admitted === undefined || refused === undefined || also === undefined) throw new Error('three peers')
  t.match((await admitted.request(getServices)).answer, { messageType: 'coreResponse', result: 'success' })
  t.equal(app.his.clients.size, 3)
  for (const peer of [refused, also]) {
    const { answer } = await peer.request(getServices)
    t.match(answer, { messageType: 'coreError', failure: { code: 'NOT_ACCEPTING_CLIENTS', message: /client limit/ } }, 'the request is refused')
    t.match(await peer.next(), { messageType: 'coreEvent', event: { name: 'shutdown', data: { reason: 'this instance is not accepting clients' } } })
    t.equal(await peer.closed(), 1013, 'and the socket closed: try again later (or elsewhere)')
  }
  t.equal(app.his.clients.size, 3, 'never more records than MAX_CLIENTS')
  const rest = await open()
  t.equal(rest.status, 503)
  t.match(rest.json, { result: 'failure', failure: { code: 'NOT_ACCEPTING_CLIENTS', message: /client limit/ } })

  // A resume takes back a record that exists: no new one is needed.
  const resumer = await WsPeer.connect(base)
  t.teardown(() => { resumer.close() })
  const resumed = await resumer.request({ messageType: 'coreRequest', command: 'resume', clientId: first.json.clientId, token: first.json.token })
  t.match(resumed.answer, { result: 'success', clientId: first.json.clientId })
  t.equal(app.his.clients.size, 3)

  // A record that goes frees its place, for either face.
  admitted.close()
  await waitFor(() => app.his.clients.size === 2)
  const later = await WsPeer.connect(base)
  t.teardown(() => { later.close() })
  t.match((await later.request(getServices)).answer, { result: 'success' })
  t.equal(app.his.clients.size, 3)
})

t.test('an instance that is stopping admits nobody on either face', async t => {
  const test = await build(t)
  const peer = await WsPeer.connect(await test.listen())
  t.teardown(() => { peer.close() })
  test.app.his.stop()
  const res = await test.app.inject({ method: 'POST', url: '/clients', payload: {} })
  t.equal(res.statusCode, 503)
  t.match(body(res), { failure: { code: 'NOT_ACCEPTING_CLIENTS', message: /shutting down/ } })
  t.match((await peer.request(getServices)).answer, { messageType: 'coreError', failure: { code: 'NOT_ACCEPTING_CLIENTS', message: /shutting down/ } })
  t.equal(await peer.closed(), 1013)
  t.equal(test.app.his.clients.size, 0)
})
