// The load generator of the fixed-rate HTTP runs, in its own process (forked by bench/http.ts)
// so that its timing is not disturbed by autocannon's heap in the bench process. It sends
// `rate` requests a second, evenly spaced and round robin over `connections` keep-alive
// connections, whether or not earlier answers have come (an open loop: autocannon's connections
// wait for each answer, so their latency is the queue they build). A request's latency runs
// from the moment it was due, so time spent queued behind a slow answer on its connection, or
// behind this process's own lateness, counts (no coordinated omission).
//
// Requests are pre-encoded bytes written to plain TCP sockets and answers are read by their
// Content-Length: node:http's client costs more per request than the servers being measured,
// and its jitter showed as a p99 of 6–15 ms even against a bare route.
import { connect, type Socket } from 'node:net'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { percentile } from './lib.js'

export interface LoaderOptions {
  host: string
  port: number
  rate: number
  /** seconds recorded */
  duration: number
  /** seconds sent at the same rate before the recorded ones (new connections, cold paths) */
  warmup: number
  /** per connection, the requests it sends in turn (path, headers, body) */
  requests: Array<Array<{ method: string, path: string, headers: Record<string, string>, body: string }>>
}

export interface LoaderResult {
  /** recorded requests (after the warm-up) sent and answered */
  sent: number
  answered: number
  seconds: number
  non2xx: number
  errors: number
  p50: number
  p99: number
  max: number
  /** this process's own event-loop delay (ms): when high, so is the latency it measures */
  lagP99: number
}

interface Connection {
  socket: Socket
  requests: Buffer[]
  next: number
  /** due times of requests written and not yet answered, oldest first */
  inFlight: number[]
  /** requests due while one is in flight: HTTP/1.1 without pipelining sends one at a time */
  waiting: number[]
  buffered: Buffer
}

function encode (host: string, port: number, r: LoaderOptions['requests'][number][number]): Buffer {
  const body = Buffer.from(r.body)
  const headers = { host: `${host}:${port}`, connection: 'keep-alive', ...r.headers, 'content-length': String(body.length) }
  const head = `${r.method} ${r.path} HTTP/1.1\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n'
  return Buffer.concat([Buffer.from(head), body])
}

const HEADER_END = Buffer.from('\r\n\r\n')

export async function runLoader (options: LoaderOptions): Promise<LoaderResult> {
  const latencies: number[] = []
  let non2xx = 0
  let errors = 0
  let sent = 0
  const lag = monitorEventLoopDelay({ resolution: 1 })
  let done: () => void = () => {}
  const finished = new Promise<void>(resolve => { done = resolve })
  const connections: Connection[] = await Promise.all(options.requests.map(async list => await new Promise<Connection>((resolve, reject) => {
    const socket = connect(options.port, options.host, () => { resolve(conn) })
    socket.setNoDelay(true)
    const conn: Connection = { socket, requests: list.map(r => encode(options.host, options.port, r)), next: 0, inFlight: [], waiting: [], buffered: Buffer.alloc(0) }
    socket.once('error', reject)
    socket.on('data', (chunk: Buffer) => { onData(conn, chunk) })
  })))
  // A broken connection ends the run: what it had not answered counts as errors.
  for (const conn of connections) conn.socket.on('error', () => { errors++; done() })

  const write = (conn: Connection, due: number): void => {
    conn.inFlight.push(due)
    conn.socket.write(conn.requests[conn.next % conn.requests.length] as Buffer)
    conn.next++
  }

  const warm = Math.floor(options.rate * options.warmup)
  const total = warm + Math.floor(options.rate * options.duration)
  let answered = 0
  let recordFrom = 0

  function onData (conn: Connection, chunk: Buffer): void {
    conn.buffered = conn.buffered.length === 0 ? chunk : Buffer.concat([conn.buffered, chunk])
    for (;;) {
      const end = conn.buffered.indexOf(HEADER_END)
      if (end === -1) return
      const head = conn.buffered.subarray(0, end).toString('latin1')
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN)
      if (Number.isNaN(length)) {
        // Not an answer this reader understands (chunked?): the run ends, counted as errors.
        process.stderr.write(`paced loader: an answer without Content-Length: ${head}\n`)
        errors++
        conn.socket.destroy()
        done()
        return
      }
      if (conn.buffered.length < end + 4 + length) return
      conn.buffered = conn.buffered.subarray(end + 4 + length)
      const status = Number(head.slice(9, 12))
      if (status < 200 || status >= 300) non2xx++
      const due = conn.inFlight.shift() as number
      if (due >= recordFrom) latencies.push(performance.now() - due)
      answered++
      const next = conn.waiting.shift()
      if (next !== undefined) write(conn, next)
      if (answered === total) done()
    }
  }

  lag.enable()
  const start = performance.now()
  recordFrom = start + warm * 1000 / options.rate
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor((performance.now() - start) * options.rate / 1000) + 1)
    while (sent < due) {
      const at = start + sent * 1000 / options.rate
      const conn = connections[sent % connections.length] as Connection
      if (conn.inFlight.length === 0) write(conn, at)
      else conn.waiting.push(at)
      sent++
    }
    if (sent === total) clearInterval(timer)
  }, 1)
  const deadline = setTimeout(done, (options.warmup + options.duration + 30) * 1000)
  await finished
  clearTimeout(deadline)
  const seconds = (performance.now() - recordFrom) / 1000
  lag.disable()
  for (const conn of connections) conn.socket.destroy()
  latencies.sort((a, b) => a - b)
  const r = (n: number): number => Math.round(n * 100) / 100
  return {
    sent: sent - warm,
    answered: latencies.length,
    seconds: r(seconds),
    non2xx,
    errors: Math.max(errors, total - answered),
    p50: r(percentile(latencies, 50)),
    p99: r(percentile(latencies, 99)),
    max: r(latencies.at(-1) ?? 0),
    lagP99: r(lag.percentile(99) / 1e6)
  }
}

// Forked: the options come in the first message, the result goes back.
if (process.send !== undefined) {
  process.once('message', (options: LoaderOptions) => {
    runLoader(options).then(result => {
      process.send?.({ result }, () => process.exit(0))
    }, (err: Error) => {
      process.send?.({ error: err.stack ?? err.message }, () => process.exit(1))
    })
  })
}
