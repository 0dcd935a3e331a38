// Connections that never send a request (or never finish one), one source holding every file
// descriptor, the process running out of them, and a hostile Host that once made logging slow.
import t from 'tap'
import { connect, type Socket } from 'node:net'
import { startServer, type ServerProcess } from '../helpers/process.js'
import { SseReader } from '../helpers/sse.js'
import { WsPeer } from '../helpers/ws.js'
import { waitFor } from '../helpers/wait.js'
import { ADMIN_TOKEN } from './agent.js'
import { Peer } from './peer.js'

// Server and connector processes: more than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)

/** A raw TCP connection from `localAddress`, with everything the server sent and whether it closed. */
interface Raw {
  socket: Socket
  data: string
  closed: boolean
}

async function open (base: string, localAddress: string, first?: string): Promise<Raw> {
  const { port } = new URL(base)
  return await new Promise((resolve, reject) => {
    const raw: Raw = { socket: connect({ host: '127.0.0.1', port: Number(port), localAddress }), data: '', closed: false }
    raw.socket.setEncoding('utf8')
    raw.socket.on('data', (chunk: string) => { raw.data += chunk })
    raw.socket.on('close', () => { raw.closed = true })
    raw.socket.on('error', () => {})
    raw.socket.once('connect', () => {
      if (first !== undefined) raw.socket.write(first)
      resolve(raw)
    })
    raw.socket.once('error', reject)
  })
}

function alive (server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null
}

t.test('idle and half-sent connections are closed after HTTP_IDLE_TIMEOUT_MS; one source holds SOURCE_MAX_CONNECTIONS; another still gets /health', async t => {
  const server = await startServer({ ADMIN_TOKEN, HTTP_IDLE_TIMEOUT_MS: '1000', SOURCE_MAX_CONNECTIONS: '20', SOURCE_MAX_STREAMS: '10' })
  const raws: Raw[] = []
  const desk = new Peer(server.base, '127.0.0.77')
  t.teardown(async () => {
    for (const r of raws) r.socket.destroy()
    desk.close()
    await server.stop()
  })
  for (let i = 0; i < 30; i++) raws.push(await open(server.base, '127.0.0.66'))
  const partial = await open(server.base, '127.0.0.67', 'GET /health HTTP/1.1\r\nHost: x\r\n')
  raws.push(partial)

  await waitFor(() => raws.filter(r => r.closed).length >= 10, 5000, 'the connections past the share to close')
  const refused = raws.filter(r => r.data !== '')
  t.equal(refused.length, 10, 'ten past SOURCE_MAX_CONNECTIONS are refused')
  const answer = refused[0]?.data ?? ''
  t.match(answer, /^HTTP\/1\.1 429 Too Many Requests\r\n/)
  t.match(answer, /retry-after: 60\r\n/)
  t.match(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), { result: 'failure', failure: { code: 'RATE_LIMITED', message: /SOURCE_MAX_CONNECTIONS/, retryAfter: 60 } })
  t.equal((await desk.send('GET', '/health')).status, 200, 'another source gets /health while they are held')

  const started = performance.now()
  await waitFor(() => raws.every(r => r.closed), 15_000, 'the idle connections to be closed')
  t.comment(`the idle and half-sent connections were closed ${Math.round(performance.now() - started)} ms after the refusals`)
  t.ok(partial.closed, 'the half-sent request too')
  t.ok(raws.filter(r => r.data === '').length >= 20, 'the idle ones got no answer: nothing was asked')
  const again = await open(server.base, '127.0.0.66', 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
  raws.push(again)
  await waitFor(() => again.closed, 5000, 'the answer')
  t.match(again.data, /^HTTP\/1\.1 200 /, 'the source has its places back')
  t.ok(alive(server))
})

t.test('event streams and WebSockets are not idle connections: they outlive HTTP_IDLE_TIMEOUT_MS', async t => {
  const server = await startServer({ ADMIN_TOKEN, HTTP_IDLE_TIMEOUT_MS: '1000' })
  const peer = new Peer(server.base, '127.0.0.68')
  const opened = await peer.send('POST', '/clients')
  const { clientId, token } = opened.json
  const stream = await SseReader.connect(`${server.base}/clients/${String(clientId)}/events?token=${String(token)}`)
  const socket = await WsPeer.connect(server.base, { localAddress: '127.0.0.68' })
  t.teardown(async () => {
    stream.close()
    socket.close()
    peer.close()
    await server.stop()
  })
  t.equal(stream.status, 200)
  await new Promise(resolve => setTimeout(resolve, 2500))
  t.notOk(stream.ended, 'the event stream is still open')
  await peer.send('POST', '/services/ServiceMonitor/binding', { headers: { authorization: `Bearer ${String(token)}` } })
  t.match((await stream.nextEvent()).envelope, { messageType: 'serviceEvent' }, 'and delivers')
  t.equal((await socket.request({ messageType: 'coreRequest', command: 'getServices' })).answer.result, 'success', 'the WebSocket still answers')
})

t.test('running out of file descriptors does not end the process (load shedding samples without opening files)', async t => {
  const server = await startServer({ ADMIN_TOKEN }, 10000, { maxFiles: 256 })
  const raws: Raw[] = []
  const desk = new Peer(server.base, '127.0.0.79')
  t.teardown(async () => {
    for (const r of raws) r.socket.destroy()
    desk.close()
    await server.stop()
  })
  // More connections than the process may hold files, from a few sources under their share.
  for (let i = 0; i < 400; i++) raws.push(await open(server.base, `127.0.1.${1 + (i % 5)}`))
  // The load sampler runs every second: let it run while nothing is left.
  await new Promise(resolve => setTimeout(resolve, 2500))
  t.ok(alive(server), 'the server process is still running')
  for (const r of raws) r.socket.destroy()
  let health = 0
  for (let i = 0; i < 50 && health !== 200; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    health = await desk.send('GET', '/health').then(res => res.status, () => 0)
  }
  t.equal(health, 200, 'and answers once the connections are gone')
  t.ok(alive(server))
  t.notMatch(server.stderr(), /EMFILE/, 'no uncaught EMFILE')
})

t.test('a Host full of quotes after a secret word is logged cut short, and slows nobody', async t => {
  const server = await startServer({ ADMIN_TOKEN })
  const desk = new Peer(server.base, '127.0.0.51')
  const raws: Raw[] = []
  t.teardown(async () => {
    for (const r of raws) r.socket.destroy()
    desk.close()
    await server.stop()
  })
  const host = 'token' + '"'.repeat(15_000)
  const started = performance.now()
  for (let i = 0; i < 5; i++) raws.push(await open(server.base, '127.0.0.50', `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))
  await waitFor(() => raws.every(r => r.closed), 10_000, 'the answers')
  t.comment(`five hostile requests answered in ${Math.round(performance.now() - started)} ms`)
  t.ok(raws.every(r => /^HTTP\/1\.1 [24]\d\d /.test(r.data)), 'each answered, with no 5xx')
  t.equal((await desk.send('GET', '/health')).status, 200, 'another source gets /health')
  const quoted = JSON.stringify('token"""').slice(1, -1)
  // A log line may reach the pipe after the answer: wait for all five, not the first.
  const named = (): string[] => server.stdout().split('\n').filter(l => l.includes(quoted) && l.endsWith('}'))
  await waitFor(() => named().length >= 5, 10_000, 'the request log lines').catch(() => {})
  const lines = named().map(l => JSON.parse(l))
  t.ok(lines.length >= 5, `${lines.length} log lines name the Host`)
  t.ok(lines.every(l => typeof l.req?.host === 'string' && l.req.host.length <= 201), 'the logged Host is cut to 200 characters')
})
