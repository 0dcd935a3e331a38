// Attack 3 of the abuse issue: unlimited WebSockets from one source, and any web page driving the
// protocol from an agent's browser.
import t from 'tap'
import type { WebSocket } from 'ws'
import { startServer } from '../helpers/process.js'
import { RestClient, WM, body, build } from '../helpers/app.js'
import { WsPeer, type Message } from '../helpers/ws.js'
import { waitFor } from '../helpers/wait.js'
import { ADMIN_TOKEN, agentTakesACall } from './agent.js'
import { Peer, parties, flood, slowest, whileProbing } from './peer.js'

t.test('attack 3: one source opening WebSockets gets SOURCE_MAX_STREAMS; another source still connects and works', async t => {
  const server = await startServer({ ADMIN_TOKEN, SIM_LOGIN_DELAY_MS: '0', SOURCE_MAX_STREAMS: '40' })
  const sockets: WebSocket[] = []
  t.teardown(async () => {
    for (const s of sockets) s.terminate()
    await server.stop()
  })
  const { attacker, desk, operator } = parties(t, server.base)

  const { result, probes } = await whileProbing(desk, async () => {
    const tries = await flood(120, 10, async () => await attacker.websocket())
    for (const r of tries) if (r.socket !== undefined) sockets.push(r.socket)
    const mine = await desk.websocket()
    t.ok(mine.socket, 'a socket from another source opens')
    mine.socket?.close()
    await agentTakesACall(desk, operator, { id: 'agent2', password: 'demo-pass-2', extension: '1002' })
    return tries
  })
  t.equal(result.filter(r => r.socket !== undefined).length, 40, 'the source holds SOURCE_MAX_STREAMS sockets')
  t.same([...new Set(result.filter(r => r.socket === undefined).map(r => r.refused))], [429], 'the rest are refused before the upgrade')
  t.ok(probes.every(p => p.status === 200), 'GET /health answered throughout')
  t.comment(slowest(probes))

  // One closed socket frees one place.
  sockets.pop()?.close()
  let again: { socket?: WebSocket, refused?: number } = {}
  for (let i = 0; i < 50 && again.socket === undefined; i++) {
    await new Promise(resolve => setTimeout(resolve, 20))
    again = await attacker.websocket()
  }
  t.ok(again.socket, 'a closed socket gives its place back')
  if (again.socket !== undefined) sockets.push(again.socket)
})

t.test('event streams count with sockets against SOURCE_MAX_STREAMS', async t => {
  const test = await build(t, { SOURCE_MAX_STREAMS: 2 }, { realClock: true })
  const base = await test.listen()
  const peer = new Peer(base, '127.0.0.4')
  const bar = await RestClient.open(test.app)
  const first = await peer.websocket()
  t.ok(first.socket, 'one socket')
  const stream = await peer.stream(`/clients/${bar.clientId}/events`, { authorization: `Bearer ${bar.token}` })
  t.teardown(() => { stream.close(); first.socket?.terminate(); peer.close() })
  t.equal(stream.status, 200, 'and one event stream')
  t.equal((await peer.websocket()).refused, 429, 'make the two SOURCE_MAX_STREAMS allows')
  const other = await RestClient.open(test.app)
  const second = await peer.stream(`/clients/${other.clientId}/events`, { authorization: `Bearer ${other.token}` })
  t.equal(second.status, 429, 'a second stream is refused as well')
  second.close()
  stream.close()
  let again: { socket?: WebSocket, refused?: number } = {}
  for (let i = 0; i < 50 && again.socket === undefined; i++) {
    await new Promise(resolve => setTimeout(resolve, 20))
    again = await peer.websocket()
  }
  t.ok(again.socket, 'the closed stream gave its place back')
  again.socket?.terminate()
})

t.test('/ws checks the Origin of browser pages: own origin and CORS_ORIGINS only; no Origin is no browser', async t => {
  const test = await build(t, { CORS_ORIGINS: 'https://crm.example.com' }, { realClock: true })
  const base = await test.listen()
  const peer = new Peer(base, '127.0.0.5')
  t.teardown(() => { peer.close() })
  const host = new URL(base).host
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['no Origin (a server-side client)', {}, true],
    ['the server\'s own origin', { origin: `http://${host}` }, true],
    ['an origin CORS_ORIGINS names', { origin: 'https://crm.example.com' }, true],
    ['any other web page', { origin: 'https://evil.example' }, false],
    ['the same host on another port', { origin: 'http://127.0.0.1:1' }, false],
    ['a malformed origin', { origin: 'null' }, false]
  ]
  for (const [name, headers, allowed] of cases) {
    const r = await peer.websocket(headers)
    if (allowed) t.ok(r.socket, name)
    else t.equal(r.refused, 403, name)
    r.socket?.terminate()
  }
  const refused = await peer.send('GET', '/ws', { headers: { origin: 'https://evil.example', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } })
  t.equal(refused.status, 403)
  t.match(refused.json, { result: 'failure', failure: { code: 'AUTH_FAILED', message: /origin https:\/\/evil.example/ } })
  t.match(body(await test.app.inject({ url: '/health' })), { status: 'ok' })
})

t.test('WebSocket messages: WS_MESSAGES_PER_MIN per source over all its sockets; past it RATE_LIMITED with retryAfter, and not carried out', async t => {
  const test = await build(t, { WS_MESSAGES_PER_MIN: 20, WS_PING_INTERVAL_MS: 600_000 })
  const base = await test.listen()
  const first = await WsPeer.connect(base, { localAddress: '127.0.0.21' })
  const second = await WsPeer.connect(base, { localAddress: '127.0.0.21' })
  const other = await WsPeer.connect(base, { localAddress: '127.0.0.22' })
  t.teardown(() => { first.close(); second.close(); other.close() })
  const getServices = { messageType: 'coreRequest', command: 'getServices' }
  const answers: Message[] = []
  for (let i = 0; i < 15; i++) answers.push((await first.request(getServices)).answer)
  for (let i = 0; i < 15; i++) answers.push((await second.request({ ...getServices, requestId: `s${i}` })).answer)
  t.equal(answers.filter(a => a.messageType === 'coreResponse' && a.result === 'success').length, 20, 'the source\'s budget, shared by its two sockets')
  const refused = answers.slice(20)
  t.equal(refused.length, 10)
  t.ok(refused.every(a => a.messageType === 'coreError' && a.failure.code === 'RATE_LIMITED' && a.failure.retryAfter === 3), 'the rest: RATE_LIMITED, retry in 3 s (a token every 3 s)')
  t.same(refused.map(a => a.requestId), Array.from({ length: 10 }, (_, i) => `s${i + 5}`), 'each with its requestId')
  t.match(refused[0]?.failure.message, /WS_MESSAGES_PER_MIN/)

  const theirs = await other.request(getServices)
  t.equal(theirs.answer.result, 'success', 'another source has its own budget')

  const bind = await first.request({ messageType: 'coreRequest', command: 'bindService', serviceId: WM })
  t.equal(bind.answer.failure?.code, 'RATE_LIMITED')
  // A flood past the budget: every message answered, none carried out, the socket still there.
  for (let i = 0; i < 300; i++) first.send({ ...getServices, requestId: `f${i}` })
  const flooded = (): Message[] => first.received.filter(m => String(m.requestId).startsWith('f'))
  await waitFor(() => flooded().length === 300, 5000, 'an answer to every message of the flood')
  const flood = flooded()
  t.ok(flood.every(m => m.failure?.code === 'RATE_LIMITED'), '300 messages, 300 refusals')

  test.transportClock.advance(60_000)
  const services = await first.request(getServices)
  t.equal(services.answer.result, 'success', 'a minute later the budget is back')
  const wm = services.answer.data.services.find((s: Message) => s.id === WM)
  t.equal(wm.serviceStatus.clientCount, 0, 'the refused bindService was not carried out')
})
