// HTTP: autocannon against GET /services, a resource request (session.ready / session.notready
// alternating on bound sessions) and prepareSession, each next to a bare fastify route that
// answers the same payload size, with the same process set-up (one server process each, logs at
// warn, autocannon in this process).
import { writeFileSync } from 'node:fs'
import { fork } from 'node:child_process'
import { projectPath } from '../src/paths.js'
import type { LoaderOptions, LoaderResult } from './paced-loader.js'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import autocannon, { type Request, type Result } from 'autocannon'
import { generatedDirectory, json, loginAgent, pool, PROCESSOR_ID, procStats, round, startProcess, table, type Child } from './lib.js'

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
  /** only the routes whose names start with one of these (`GET /services`, `session`, `prepareSession`) */
  routes?: string[]
}

/** What every HTTP run reports: answers per second and their latency (ms). */
interface Measured {
  name: string
  target: 'ours' | 'bare'
  rps: number
  p50: number
  p99: number
  max: number
  errors: number
  non2xx: number
}

/** The session request at a fixed rate: open loop, requests evenly spaced. */
export interface PacedCase extends Measured {
  /** the rate asked for (`rps` is the answers received) */
  rate: number
  /** the load generator's own event-loop delay p99 (ms) */
  loaderLagP99: number
  /** p99 of every round */
  roundsP99?: number[]
}

/** A route driven by autocannon, each connection sending as soon as its answer came. */
export interface HttpCase extends Measured {
  bytes: number
  rssMb: number
  /** the server process's CPU time (user + system) per answer, µs: steadier than req/s on a shared machine */
  cpuUs: number
  /** req/s of every round */
  rounds?: number[]
}

export interface HttpResult {
  options: HttpOptions
  cases: HttpCase[]
  paced: PacedCase[]
  ratios: Record<string, number>
}

/** The session request's two bodies, which each connection alternates. */
const READY = '{"command":"session.ready"}'
const NOT_READY = '{"command":"session.notready","data":{"reason":"BREAK"}}'

/** Headers of a JSON request with a client's bearer token. */
function jsonWith (token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
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

function summary (name: string, target: 'ours' | 'bare', result: Result, child: Child, cpuMs: number): HttpCase {
  return {
    cpuUs: round(1000 * cpuMs / Math.max(1, result.requests.total), 1),
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

/** Runs the fixed-rate load generator (bench/paced-loader.ts) in its own process. */
async function paced (options: LoaderOptions): Promise<LoaderResult> {
  const loader = fork(projectPath('build/bench/paced-loader.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    return await new Promise<LoaderResult>((resolve, reject) => {
      loader.once('message', (m: { result?: LoaderResult, error?: string }) => {
        if (m.result !== undefined) resolve(m.result)
        else reject(new Error(`paced loader: ${m.error ?? 'no result'}`))
      })
      loader.once('exit', code => { reject(new Error(`paced loader exited (${String(code)})`)) })
      loader.send(options)
    })
  } finally {
    if (loader.exitCode === null) loader.kill()
  }
}

export async function runHttpBench (options: HttpOptions): Promise<HttpResult> {
  const { duration, connections, prepareConnections } = options
  const cases: HttpCase[] = []
  const pacedCases: PacedCase[] = []
  const directory = generatedDirectory(connections + prepareConnections)
  const ours = await startProcess('build/src/server.js', {
    LOG_LEVEL: 'warn',
    SIM_DIRECTORY_FILE: directory,
    SIM_LOGIN_DELAY_MS: '0',
    MAX_CLIENTS: '100000',
    // The prepareSession clients open no event stream, own no session yet and send nothing while
    // the other routes run: presence would close them (CLIENT_UNBOUND_MS), and the route would
    // measure 401s (it did, from issue 18 on).
    CLIENT_UNBOUND_MS: '3600000'
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
      method: 'POST', headers: jsonWith(first.token), body: NOT_READY
    })
    const p0 = preparers[0] as { token: string, body: string }
    const sessionAnswer = await json(`${ours.base}/services/${PROCESSOR_ID}/sessions`, {
      method: 'POST', headers: jsonWith(p0.token), body: p0.body
    })
    const payloadFile = join(tmpdir(), `his-bench-payloads-${process.pid}.json`)
    writeFileSync(payloadFile, JSON.stringify({ services, request: requestAnswer, session: sessionAnswer }))

    // Every session not ready, as a round's first request (session.ready) expects: a round that
    // ended between a connection's ready and notready left its session ready.
    const notReady = async (): Promise<void> => {
      await pool(sessions, 20, async (s) => await fetch(`${ours.base}/services/${PROCESSOR_ID}/resources/${s.session}/requests`, {
        method: 'POST', headers: jsonWith(s.token), body: NOT_READY
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
            return { ...req, path: prefix(s), headers: jsonWith(s.token), body: READY }
          }
        },
        {
          method: 'POST',
          setupRequest: (req, context) => ({ ...req, path: prefix(context.s), headers: jsonWith(String(context.s.token)), body: NOT_READY }),
          onResponse: (_status, _body, context) => { sessionLease.give(context.s) }
        }
      ]
    }
    let refusalSaid = false
    const preparing = (path: string): Request[] => {
      const preparerLease = new Lease(preparers)
      return [{
        method: 'POST',
        setupRequest: (req, context) => {
          const p = preparerLease.take()
          context.p = p
          return { ...req, path, headers: jsonWith(p.token), body: p.body }
        },
        onResponse: (status, body, context) => {
          preparerLease.give(context.p)
          // A bench that measures refusals measures the wrong thing: say the first one.
          if (status >= 300 && !refusalSaid) {
            refusalSaid = true
            process.stderr.write(`prepareSession answered ${status}: ${String(body).slice(0, 300)}\n`)
          }
        }
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
    // The session request at fixed rates, first: the latency an agent sees at a working point
    // on a server in a steady state (the saturating runs below leave garbage to collect and
    // full outboxes behind, which showed as a p99 of 25–28 ms in the next minute's runs).
    for (const rate of options.pacedRates) {
      const rounds: Record<string, PacedCase[]> = { ours: [], bare: [] }
      for (let i = 0; i < options.rounds; i++) {
        for (const [child, target] of servers) {
          const isOurs = target === 'ours'
          if (isOurs) await notReady()
          const url = new URL(child.base)
          const run = await paced({
            host: url.hostname,
            port: Number(url.port),
            rate,
            duration,
            warmup: Math.min(2, duration),
            requests: sessions.map(s => {
              const path = isOurs ? `/services/${PROCESSOR_ID}/resources/${s.session}/requests` : '/requests'
              const headers = jsonWith(s.token)
              return [
                { method: 'POST', path, headers, body: READY },
                { method: 'POST', path, headers, body: NOT_READY }
              ]
            })
          })
          rounds[target]?.push({
            name: 'session.ready / notready',
            target,
            rate,
            rps: round(run.answered / run.seconds, 0),
            p50: run.p50,
            p99: run.p99,
            max: run.max,
            errors: run.errors,
            non2xx: run.non2xx,
            loaderLagP99: run.lagP99
          })
        }
      }
      for (const [, target] of servers) {
        const list = rounds[target] as PacedCase[]
        const sorted = [...list].sort((a, b) => a.p99 - b.p99)
        pacedCases.push({ ...(sorted[Math.floor(sorted.length / 2)] as PacedCase), roundsP99: list.map(r => r.p99) })
      }
    }

    // Ours and bare take turns, round after round, so drift on a shared machine hits both; the
    // median round of each is reported.
    for (const route of routes.filter(r => options.routes === undefined || options.routes.some(prefix => r.name.startsWith(prefix)))) {
      const rounds: Record<string, HttpCase[]> = { ours: [], bare: [] }
      for (let i = 0; i < options.rounds; i++) {
        for (const [child, target] of servers) {
          if (target === 'ours') await notReady()
          const cpuBefore = procStats(child.pid).cpuMs
          const result = await route.run(child, target === 'ours')
          rounds[target]?.push(summary(route.name, target, result, child, procStats(child.pid).cpuMs - cpuBefore))
        }
      }
      for (const [, target] of servers) {
        const list = rounds[target] as HttpCase[]
        const sorted = [...list].sort((a, b) => a.rps - b.rps)
        cases.push({ ...(sorted[Math.floor(sorted.length / 2)] as HttpCase), rounds: list.map(r => r.rps) })
      }
    }
  } finally {
    await ours.stop()
    await bare?.stop()
  }
  const ratios: Record<string, number> = {}
  for (const c of cases.filter(c => c.target === 'ours')) {
    const b = cases.find(x => x.target === 'bare' && x.name === c.name)
    if (b === undefined) continue
    // Rounds take turns (ours, then bare), so each round's pair saw the same machine: the ratio
    // is the median of the pairs' ratios, which drift between rounds does not skew.
    const pairs = (c.rounds ?? [c.rps]).map((rps, i) => rps / Math.max(1, (b.rounds ?? [b.rps])[i] ?? b.rps)).sort((x, y) => x - y)
    ratios[c.name] = round(pairs[Math.floor(pairs.length / 2)] as number, 2)
  }
  return { options, cases, paced: pacedCases, ratios }
}

export function httpTable (result: HttpResult): string {
  return closedTable(result) + `\n\nAt fixed rates (${result.options.connections} connections, open loop, median round by p99):\n\n` + pacedTable(result)
}

function pacedTable (result: HttpResult): string {
  return table(
    ['route', 'server', 'rate req/s', 'answered req/s', 'p50 ms', 'p99 ms', 'rounds p99 ms', 'max ms', 'errors', 'non-2xx', 'loader lag p99 ms'],
    result.paced.map(c => [c.name, c.target, c.rate, c.rps, c.p50, c.p99, (c.roundsP99 ?? []).join(' '), c.max, c.errors, c.non2xx, c.loaderLagP99])
  )
}

function closedTable (result: HttpResult): string {
  return table(
    ['route', 'server', 'req/s (median)', 'rounds req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'bytes/answer', 'server CPU µs/answer', 'RSS MB', 'ours / bare'],
    result.cases.map(c => [c.name, c.target, c.rps, (c.rounds ?? []).join(' '), c.p50, c.p99, c.max, c.errors, c.non2xx, c.bytes, c.cpuUs ?? '', c.rssMb, c.target === 'ours' ? String(result.ratios[c.name] ?? '') : ''])
  )
}
