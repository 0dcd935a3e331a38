// HTTP: autocannon against GET /services, a resource request (session.ready / session.notready
// alternating on bound sessions) and prepareSession, each next to a bare fastify route that
// answers the same payload size, with the same process set-up (one server process each, logs at
// warn, autocannon in this process).
import { writeFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import autocannon, { type Request, type Result } from 'autocannon'
import { generatedDirectory, json, loginAgent, percentile, pool, PROCESSOR_ID, procStats, round, startProcess, table, type Child } from './lib.js'

export interface HttpOptions {
  /** seconds per case */
  duration: number
  /** connections for GET /services and the resource request */
  connections: number
  /** connections (each with its own client and agent) for prepareSession */
  prepareConnections: number
  /** measured runs per route and server (taking turns); the median is reported */
  rounds: number
  /** fixed rates (req/s over all connections) of the paced session-request runs */
  pacedRates: number[]
}

/** The session request at a fixed rate: open loop, requests evenly spaced. */
export interface PacedCase {
  name: string
  target: 'ours' | 'bare'
  /** the rate asked for */
  rate: number
  /** answers per second received */
  rps: number
  p50: number
  p99: number
  max: number
  errors: number
  non2xx: number
}

export interface HttpCase {
  name: string
  target: 'ours' | 'bare'
  rps: number
  p50: number
  p99: number
  max: number
  errors: number
  non2xx: number
  bytes: number
  rssMb: number
  /** req/s of every round */
  rounds?: number[]
}

export interface HttpResult {
  options: HttpOptions
  cases: HttpCase[]
  paced: PacedCase[]
  ratios: Record<string, number>
}

/** A pool of exclusive items: a request takes one, its response gives it back. */
class Lease<T> {
  readonly #free: T[]
  constructor (items: T[]) { this.#free = [...items] }
  take (): T {
    const item = this.#free.pop()
    if (item === undefined) throw new Error('lease pool exhausted: more requests in flight than items')
    return item
  }

  give (item: T): void { this.#free.push(item) }
}

function summary (name: string, target: 'ours' | 'bare', result: Result, child: Child): HttpCase {
  return {
    name,
    target,
    rps: round(result.requests.average, 0),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytes: round(result.throughput.average / Math.max(1, result.requests.average), 0),
    rssMb: round(procStats(child.pid).rss / 2 ** 20, 0)
  }
}

interface PacedRequest { path: string, headers: Record<string, string>, body: string }

/**
 * Sends `rate` requests a second for `duration` seconds over `connections` keep-alive
 * connections, evenly spaced and round robin, whether or not earlier answers have come (an open
 * loop, unlike autocannon's connections that wait for each answer). A request's latency runs
 * from the moment it was due, so time spent queued behind a slow answer on its connection
 * counts (no coordinated omission). `next(conn)` gives a connection's next request.
 */
async function paced (base: string, rate: number, duration: number, connections: number, next: (conn: number) => PacedRequest): Promise<{ latencies: number[], errors: number, non2xx: number, seconds: number }> {
  const url = new URL(base)
  const agents = Array.from({ length: connections }, () => new Agent({ keepAlive: true, maxSockets: 1 }))
  const latencies: number[] = []
  let errors = 0
  let non2xx = 0
  let pending = 0
  const total = Math.floor(rate * duration)
  const start = performance.now()
  let sent = 0
  await new Promise<void>(resolve => {
    const finish = (): void => { if (sent === total && pending === 0) resolve() }
    const send = (i: number): void => {
      const due = start + i * 1000 / rate
      const conn = i % connections
      const r = next(conn)
      pending++
      const req = httpRequest({
        host: url.hostname, port: url.port, method: 'POST', path: r.path, agent: agents[conn],
        headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) }
      }, res => {
        res.resume()
        res.on('end', () => {
          latencies.push(performance.now() - due)
          if ((res.statusCode ?? 0) >= 300) non2xx++
          pending--
          finish()
        })
      })
      req.on('error', () => { errors++; pending--; finish() })
      req.end(r.body)
    }
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - start) * rate / 1000) + 1)
      while (sent < due) send(sent++)
      if (sent === total) {
        clearInterval(timer)
        finish()
      }
    }, 1)
  })
  const seconds = (performance.now() - start) / 1000
  for (const agent of agents) agent.destroy()
  return { latencies: latencies.sort((a, b) => a - b), errors, non2xx, seconds }
}

export async function runHttpBench (options: HttpOptions): Promise<HttpResult> {
  const { duration, connections, prepareConnections } = options
  const cases: HttpCase[] = []
  const pacedCases: PacedCase[] = []
  const directory = generatedDirectory(connections + prepareConnections)
  const ours = await startProcess('build/src/server.js', {
    LOG_LEVEL: 'warn', SIM_DIRECTORY_FILE: directory, SIM_LOGIN_DELAY_MS: '0', MAX_CLIENTS: '100000'
  })
  let bare: Child | undefined
  try {
    // Sessions for the resource request: one per connection, logged in and not ready.
    const sessions = await pool(Array.from({ length: connections }, (_, i) => i), 20, async (i) => await loginAgent(ours.base, `bench-${i + 1}`, 'bench-pass'))
    await new Promise(resolve => setTimeout(resolve, 200))
    // Clients for prepareSession: each bound to the processor, each with its own agent.
    const preparers = await pool(Array.from({ length: prepareConnections }, (_, i) => connections + i + 1), 20, async (n) => {
      const opened = await json(`${ours.base}/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      await json(`${ours.base}/services/${PROCESSOR_ID}/binding`, { method: 'POST', headers: { authorization: `Bearer ${String(opened.token)}` } })
      return { token: opened.token as string, body: JSON.stringify({ agent: { id: `bench-${n}`, password: 'bench-pass' }, override: true }) }
    })

    // The payloads the bare server will answer with: what ours answers.
    const services = await json(`${ours.base}/services`)
    const first = sessions[0] as { token: string, session: string }
    const requestAnswer = await json(`${ours.base}/services/${PROCESSOR_ID}/resources/${first.session}/requests`, {
      method: 'POST', headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' }, body: '{"command":"session.notready","data":{"reason":"BREAK"}}'
    })
    const p0 = preparers[0] as { token: string, body: string }
    const sessionAnswer = await json(`${ours.base}/services/${PROCESSOR_ID}/sessions`, {
      method: 'POST', headers: { authorization: `Bearer ${p0.token}`, 'content-type': 'application/json' }, body: p0.body
    })
    const payloadFile = join(tmpdir(), `his-bench-payloads-${process.pid}.json`)
    writeFileSync(payloadFile, JSON.stringify({ services, request: requestAnswer, session: sessionAnswer }))

    // Every session not ready, as a round's first request (session.ready) expects: a round that
    // ended between a connection's ready and notready left its session ready.
    const notReady = async (): Promise<void> => {
      await pool(sessions, 20, async (s) => await fetch(`${ours.base}/services/${PROCESSOR_ID}/resources/${s.session}/requests`, {
        method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: '{"command":"session.notready","data":{"reason":"BREAK"}}'
      }).then(async res => { await res.arrayBuffer() }))
    }
    const alternating = (prefix: (s: { session: string }) => string): Request[] => {
      const sessionLease = new Lease(sessions)
      return [
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const s = sessionLease.take()
          context.s = s
          return { ...req, path: prefix(s), headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: '{"command":"session.ready"}' }
        }
      },
      {
        method: 'POST',
        setupRequest: (req, context) => ({ ...req, path: prefix(context.s), headers: { authorization: `Bearer ${String(context.s.token)}`, 'content-type': 'application/json' }, body: '{"command":"session.notready","data":{"reason":"BREAK"}}' }),
        onResponse: (_status, _body, context) => { sessionLease.give(context.s) }
      }
      ]
    }
    const preparing = (path: string): Request[] => {
      const preparerLease = new Lease(preparers)
      return [{
      method: 'POST',
      setupRequest: (req, context) => {
        const p = preparerLease.take()
        context.p = p
        return { ...req, path, headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' }, body: p.body }
      },
      onResponse: (_status, _body, context) => { preparerLease.give(context.p) }
      }]
    }

    bare = await startProcess('build/bench/bare-server.js', {}, [payloadFile])
    const servers: Array<[Child, 'ours' | 'bare']> = [[ours, 'ours'], [bare, 'bare']]
    // Warm-up (JIT, connection pools), not recorded.
    for (const [child] of servers) await autocannon({ url: `${child.base}/services`, connections, duration: Math.min(3, duration) })
    const routes: Array<{ name: string, run: (child: Child, isOurs: boolean) => Promise<Result> }> = [
      { name: 'GET /services', run: async (child) => await autocannon({ url: `${child.base}/services`, connections, duration }) },
      {
        name: 'session.ready / notready',
        run: async (child, isOurs) => await autocannon({
          url: child.base,
          connections,
          duration,
          requests: alternating(s => isOurs ? `/services/${PROCESSOR_ID}/resources/${s.session}/requests` : '/requests')
        })
      },
      {
        name: 'prepareSession (override)',
        run: async (child, isOurs) => await autocannon({
          url: child.base,
          connections: prepareConnections,
          duration,
          requests: preparing(isOurs ? `/services/${PROCESSOR_ID}/sessions` : '/sessions')
        })
      }
    ]
    // Ours and bare take turns, round after round, so drift on a shared machine hits both; the
    // median round of each is reported.
    for (const route of routes) {
      const rounds: Record<string, HttpCase[]> = { ours: [], bare: [] }
      for (let i = 0; i < options.rounds; i++) {
        for (const [child, target] of servers) {
          if (target === 'ours') await notReady()
          rounds[target]?.push(summary(route.name, target, await route.run(child, target === 'ours'), child))
        }
      }
      for (const [, target] of servers) {
        const list = rounds[target] as HttpCase[]
        const sorted = [...list].sort((a, b) => a.rps - b.rps)
        cases.push({ ...(sorted[Math.floor(sorted.length / 2)] as HttpCase), rounds: list.map(r => r.rps) })
      }
    }

    // The session request at fixed rates: the latency an agent sees at a working point, not
    // the queue of 100 connections sending back to back.
    for (const rate of options.pacedRates) {
      const rounds: Record<string, PacedCase[]> = { ours: [], bare: [] }
      for (let i = 0; i < options.rounds; i++) {
        for (const [child, target] of servers) {
          const isOurs = target === 'ours'
          if (isOurs) await notReady()
          const ready = new Array<boolean>(connections).fill(false)
          const run = await paced(child.base, rate, duration, connections, (conn) => {
            const s = sessions[conn] as { token: string, session: string }
            ready[conn] = ready[conn] !== true
            return {
              path: isOurs ? `/services/${PROCESSOR_ID}/resources/${s.session}/requests` : '/requests',
              headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
              body: ready[conn] === true ? '{"command":"session.ready"}' : '{"command":"session.notready","data":{"reason":"BREAK"}}'
            }
          })
          rounds[target]?.push({
            name: 'session.ready / notready',
            target,
            rate,
            rps: round(run.latencies.length / run.seconds, 0),
            p50: round(percentile(run.latencies, 50), 2),
            p99: round(percentile(run.latencies, 99), 2),
            max: round(run.latencies.at(-1) ?? 0, 2),
            errors: run.errors,
            non2xx: run.non2xx
          })
        }
      }
      for (const [, target] of servers) {
        const sorted = [...(rounds[target] as PacedCase[])].sort((a, b) => a.p99 - b.p99)
        pacedCases.push(sorted[Math.floor(sorted.length / 2)] as PacedCase)
      }
    }
  } finally {
    await ours.stop()
    await bare?.stop()
  }
  const ratios: Record<string, number> = {}
  for (const c of cases.filter(c => c.target === 'ours')) {
    const b = cases.find(x => x.target === 'bare' && x.name === c.name)
    if (b !== undefined) ratios[c.name] = round(c.rps / Math.max(1, b.rps), 2)
  }
  return { options, cases, paced: pacedCases, ratios }
}

export function httpTable (result: HttpResult): string {
  return closedTable(result) + `\n\nAt fixed rates (${result.options.connections} connections, open loop, median round by p99):\n\n` + pacedTable(result)
}

function pacedTable (result: HttpResult): string {
  return table(
    ['route', 'server', 'rate req/s', 'answered req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx'],
    result.paced.map(c => [c.name, c.target, c.rate, c.rps, c.p50, c.p99, c.max, c.errors, c.non2xx])
  )
}

function closedTable (result: HttpResult): string {
  return table(
    ['route', 'server', 'req/s (median)', 'rounds req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'bytes/answer', 'RSS MB', 'ours / bare'],
    result.cases.map(c => [c.name, c.target, c.rps, (c.rounds ?? []).join(' '), c.p50, c.p99, c.max, c.errors, c.non2xx, c.bytes, c.rssMb, c.target === 'ours' ? String(result.ratios[c.name] ?? '') : ''])
  )
}
