// HTTP: autocannon against GET /services, a resource request (session.ready / session.notready
// alternating on bound sessions) and prepareSession, each next to a bare fastify route that
// answers the same payload size, with the same process set-up (one server process each, logs at
// warn, autocannon in this process).
import { writeFileSync } from 'node:fs'
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

export async function runHttpBench (options: HttpOptions): Promise<HttpResult> {
  const { duration, connections, prepareConnections } = options
  const cases: HttpCase[] = []
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
        for (const [child, target] of servers) rounds[target]?.push(summary(route.name, target, await route.run(child, target === 'ours'), child))
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
    if (b !== undefined) ratios[c.name] = round(c.rps / Math.max(1, b.rps), 2)
  }
  return { options, cases, ratios }
}

export function httpTable (result: HttpResult): string {
  return table(
    ['route', 'server', 'req/s (median)', 'rounds req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'bytes/answer', 'RSS MB', 'ours / bare'],
    result.cases.map(c => [c.name, c.target, c.rps, (c.rounds ?? []).join(' '), c.p50, c.p99, c.max, c.errors, c.non2xx, c.bytes, c.rssMb, c.target === 'ours' ? String(result.ratios[c.name] ?? '') : ''])
  )
}
