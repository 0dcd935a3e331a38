// Attack 3 of the abuse issue: unlimited WebSockets from one source, and any web page driving the
// protocol from an agent's browser.
import t from 'tap'
import type { WebSocket } from 'ws'
import { startServer } from '../helpers/process.js'
import { RestClient, body, build } from '../helpers/app.js'
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
