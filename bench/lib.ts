// Shared pieces of the benchmarks: child processes, /proc readings, percentiles, tables.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { type Agent as HttpAgent, request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { projectPath } from '../src/paths.js'

export interface Child {
  child: ChildProcess
  base: string
  pid: number
  output: () => string
  stop: () => Promise<void>
  /** with `inspect`: the port of the process's inspector (bench/inspector.ts) */
  inspectPort?: number
}

/**
 * The event bench's baselines that replay canned frames (the raw SSE writer and the socket.io
 * peer): no login, no outbox, calls placed and hung up with POST and DELETE /call/<i>.
 */
export function canned (mode: string): boolean {
  return mode === 'raw' || mode === 'socketio'
}

/** A free TCP port on the loopback interface. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

/**
 * The per-source limits of a server under bench: every load comes from one address (loopback),
 * so the shares a source may hold are opened wide (connections and WebSocket messages unlimited)
 * and load shedding is off. The request-rate
 * limiter stays on, with a limit no run reaches, so its cost is in every figure.
 */
export const BENCH_LIMITS: Record<string, string> = {
  RATE_LIMIT_PER_MIN: '1000000000',
  SOURCE_MAX_CLIENTS: '1000000',
  SOURCE_CLIENTS_PER_MIN: '1000000',
  SOURCE_MAX_STREAMS: '1000000',
  SOURCE_MAX_CONNECTIONS: '0',
  WS_MESSAGES_PER_MIN: '0',
  LOAD_SHED_EVENT_LOOP_MS: '0',
  LOAD_SHED_HEAP_PERCENT: '0'
}

/**
 * Starts a node script (compiled, under build/) as its own process on a free port (env PORT)
 * and waits until it answers HTTP. The product's server gets BENCH_LIMITS first.
 */
export async function startProcess (script: string, env: Record<string, string> = {}, args: string[] = [], nodeArgs: string[] = profileArgs(), options: { ipc?: boolean, log?: string, inspect?: boolean } = {}): Promise<Child> {
  const port = await freePort()
  // `inspect`: an inspector on loopback, for readings after a full collection (heapAfterCollection).
  const inspectPort = options.inspect === true ? await freePort() : undefined
  if (inspectPort !== undefined) nodeArgs = [...nodeArgs, `--inspect=127.0.0.1:${inspectPort}`]
  const base = `http://127.0.0.1:${port}`
  const limits = script === 'build/src/server.js' ? BENCH_LIMITS : {}
  // BENCH_SERVER_ROOT: the product's server from another checkout (built), for a before/after
  // in one session; the drivers and peers stay this checkout's.
  const root = process.env.BENCH_SERVER_ROOT
  const path = script === 'build/src/server.js' && root !== undefined && root !== '' ? join(root, script) : projectPath(script)
  const child = spawn(process.execPath, [...nodeArgs, path, ...args], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_FORMAT: 'json', ...limits, ...env, PORT: String(port) },
    // `ipc`: a channel to the process (child.send, 'message'), as fork gives.
    stdio: options.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  // `log`: the process's whole output goes to this file (BENCH_SERVER_LOG: one file per process in that folder).
  const log = process.env.BENCH_SERVER_LOG
  if (options.log !== undefined || (log !== undefined && log !== '')) {
    const file = createWriteStream(options.log ?? join(log ?? '', `${script.replace(/.*\//, '').replace(/\.js$/, '')}-${child.pid ?? 0}.log`))
    child.stdout?.pipe(file)
    child.stderr?.pipe(file)
  }
  child.stdout?.setEncoding('utf8').on('data', (c: string) => { out += c; if (out.length > 1e6) out = out.slice(-1e5) })
  child.stderr?.setEncoding('utf8').on('data', (c: string) => { out += c })
  let exited = false
  const done = new Promise<void>(resolve => child.once('exit', () => { exited = true; resolve() }))
  const deadline = Date.now() + 20000
  for (;;) {
    if (exited) throw new Error(`${script} exited: ${out}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${script} did not start: ${out}`)
    }
    try {
      await fetch(base + '/', { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  return {
    child,
    base,
    pid: child.pid as number,
    output: () => out,
    ...(inspectPort !== undefined && { inspectPort }),
    async stop () {
      // SIGTERM first: the server shuts down gracefully (and --cpu-prof writes its profile).
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
      await done
      clearTimeout(timer)
    }
  }
}

/**
 * BENCH_CPU_PROF=<dir>: every server the benchmarks start writes a CPU profile there.
 * BENCH_NODE_ARGS: more node flags for those servers (`--trace-gc`; see BENCH_SERVER_LOG).
 */
export function profileArgs (): string[] {
  const dir = process.env.BENCH_CPU_PROF
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(arg => arg !== '')
  return [...extra, ...(dir === undefined || dir === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', dir])]
}

/** CPU time (user + system, ms) and RSS (bytes) of a process, from /proc. */
export function procStats (pid: number): { cpuMs: number, rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return { cpuMs: ticks * 10, rss: rssKb * 1024 }
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))] as number
}

export function round (n: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** A markdown table. */
export function table (headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>): string => `| ${cells.map(String).join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}

/**
 * A simulator directory of `n` agents (`bench-1` … with extensions from 2000, password
 * `bench-pass`), written to a temporary file; returns its path.
 */
export function generatedDirectory (n: number): string {
  if (n > 7000) throw new Error('at most 7000 generated agents (4-digit extensions)')
  const agents = Array.from({ length: n }, (_, i) => ({
    id: `bench-${i + 1}`, name: `Bench Agent ${i + 1}`, extension: String(2000 + i), password: 'bench-pass', queues: ['sales']
  }))
  const base = JSON.parse(readFileSync(projectPath('src/cti/simulator/directory.json'), 'utf8')) as Record<string, unknown>
  const file = join(mkdtempSync(join(tmpdir(), 'his-bench-')), 'directory.json')
  writeFileSync(file, JSON.stringify({ ...base, agents }))
  return file
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R> (items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T, i)
    }
  })
  await Promise.all(workers)
  return results
}

export async function json (url: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url, init)
  const text = await res.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 200)}`)
  }
}

/**
 * A driver's JSON call over node:http with its keep-alive agent (cheaper per request than fetch
 * under load): the parsed answer, or an error with the status and the start of the body.
 */
export function keepAliveCaller (base: () => string, agent: HttpAgent): (method: string, path: string, body?: unknown) => Promise<any> {
  return async (method, path, body) => await new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = httpRequest(base() + path, {
      method,
      agent,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
    }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => { text += c }).on('end', () => {
        try { resolve(JSON.parse(text)) } catch { reject(new Error(`${method} ${path}: ${res.statusCode ?? 0} ${text.slice(0, 200)}`)) }
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

export const PROCESSOR_ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f'

/** Opens a client and logs `agent` in over REST (the media bar's calls). Returns ids and token. */
export async function loginAgent (base: string, agent: string, password: string): Promise<{ clientId: string, token: string, session: string }> {
  const opened = await json(`${base}/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  const auth = { authorization: `Bearer ${String(opened.token)}` }
  const post = async (path: string, body?: unknown): Promise<any> => await json(base + path, {
    method: 'POST',
    headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) })
  })
  await post(`/services/${PROCESSOR_ID}/binding`)
  await post('/services/WorkflowManager/binding')
  const prepared = await post(`/services/${PROCESSOR_ID}/sessions`, { agent: { id: agent, password }, override: true })
  const session = prepared.resource?.id as string | undefined
  if (session === undefined) throw new Error(`prepareSession ${agent}: ${JSON.stringify(prepared)}`)
  await post(`/services/${PROCESSOR_ID}/resources/${session}/binding`)
  await post(`/services/WorkflowManager/resources/${session}/binding`)
  return { clientId: opened.clientId, token: opened.token, session }
}
