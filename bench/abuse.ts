// npm run bench:abuse — the abuse issue's figures, measured on a real server process:
//   - RSS per 1,000 idle client records,
//   - failed logins answered (and passwords checked) per second from one source,
//   - how long GET /health takes, from another source, during each of the five attacks.
// With BENCH_BASELINE=<another checkout, built> the same runs go against that checkout too, in
// the same session, so before and after come from one machine at one time. Every request goes to
// 127.0.0.0/8; every attack is bounded in count. `-- records` measures the idle records only.
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { projectPath } from '../src/paths.js'
import { BENCH_LIMITS, PROCESSOR_ID, freePort, percentile, pool, round, table } from './lib.js'

const ADMIN_TOKEN = 'bench-operator-token-0123456789'

interface Server { base: string, pid: number, stop: () => Promise<void> }

async function start (root: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, [join(root, 'build/src/server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', LOG_FORMAT: 'json', SIM_LOGIN_DELAY_MS: '0', ADMIN_TOKEN, ...env },
    stdio: 'ignore'
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/health`)
      break
    } catch {
      if (i > 200) throw new Error(`${root}: the server did not start`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  const done = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  return { base, pid: child.pid ?? 0, stop: async () => { child.kill('SIGTERM'); await done } }
}

function rssMb (pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? 0) / 1024
}

function agentAt (address: string, sockets = 20): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, localAddress: address })
}

async function send (agent: Agent, base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number, text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return await new Promise((resolve) => {
    const req = request(new URL(path, base), { method, agent, headers: { ...(payload !== undefined && { 'content-type': 'application/json' }), ...headers }, timeout: 30_000 }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => { text += c })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text }) })
    })
    req.on('error', () => { resolve({ status: 0, text: '' }) })
    req.on('timeout', () => { req.destroy() })
    req.end(payload)
  })
}

async function flood<T> (count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  return await pool(Array.from({ length: count }), concurrency, async (_, i) => await task(i))
}

/** /health from 127.0.0.9 every 25 ms while `attack` runs: p50, p99 and max in ms, and how many failed. */
async function probed (server: Server, attack: () => Promise<void>): Promise<{ p50: number, p99: number, max: number, failed: number, n: number }> {
  const agent = agentAt('127.0.0.9', 1)
  const times: number[] = []
  let failed = 0
  const state = { running: true }
  const probing = (async () => {
    while (state.running) {
      const t0 = performance.now()
      const res = await send(agent, server.base, 'GET', '/health')
      times.push(performance.now() - t0)
      if (res.status !== 200) failed++
      await new Promise(resolve => setTimeout(resolve, 25))
    }
  })()
  await attack()
  state.running = false
  await probing
  agent.destroy()
  times.sort((a, b) => a - b)
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), max: round(times.at(-1) ?? 0), failed, n: times.length }
}

/** RSS per 1,000 idle client records (opened from ten sources, so the per-source shares allow them). */
async function idleRecords (root: string): Promise<number> {
  const server = await start(root, { ...BENCH_LIMITS, MAX_CLIENTS: '100000' })
  try {
    const agents = Array.from({ length: 10 }, (_, i) => agentAt(`127.0.1.${i + 1}`))
    await flood(200, 20, async i => await send(agents[i % 10] ?? agentAt('127.0.1.1'), server.base, 'POST', '/clients', {}))
    await new Promise(resolve => setTimeout(resolve, 500))
    const before = rssMb(server.pid)
    const n = 10_000
    await flood(n, 50, async i => await send(agents[i % 10] ?? agentAt('127.0.1.1'), server.base, 'POST', '/clients', {}))
    await new Promise(resolve => setTimeout(resolve, 1000))
    const after = rssMb(server.pid)
    for (const a of agents) a.destroy()
    return round((after - before) / (n / 1000), 2)
  } finally {
    await server.stop()
  }
}

/** Failed logins from one source for 5 s, 20 at a time: answered per second, and passwords checked per second. */
async function failedLogins (root: string): Promise<{ answered: number, checked: number }> {
  const server = await start(root, {})
  try {
    const agent = agentAt('127.0.2.1')
    const opened = JSON.parse((await send(agent, server.base, 'POST', '/clients', {})).text) as { token: string }
    const auth = { authorization: `Bearer ${opened.token}` }
    await send(agent, server.base, 'POST', `/services/${PROCESSOR_ID}/binding`, undefined, auth)
    let answered = 0
    let checked = 0
    const end = Date.now() + 5000
    await Promise.all(Array.from({ length: 20 }, async (_, k) => {
      while (Date.now() < end) {
        const res = await send(agent, server.base, 'POST', `/services/${PROCESSOR_ID}/sessions`, { agent: { id: k % 2 === 0 ? 'ghost' : 'agent3', password: 'wrong' } }, auth)
        answered++
        if (res.text.includes('"AUTH_FAILED"')) checked++
      }
    }))
    agent.destroy()
    return { answered: round(answered / 5, 0), checked: round(checked / 5, 1) }
  } finally {
    await server.stop()
  }
}

const BIG = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'y'.repeat(1000)]))

/** The five attacks, each bounded, each against a fresh server; /health probed throughout. */
async function attacks (root: string): Promise<Array<[string, Awaited<ReturnType<typeof probed>>, string]>> {
  const rows: Array<[string, Awaited<ReturnType<typeof probed>>, string]> = []
  const run = async (name: string, env: Record<string, string>, attack: (server: Server, attacker: Agent) => Promise<string>): Promise<void> => {
    const server = await start(root, env)
    const attacker = agentAt('127.0.3.1', 20)
    try {
      let note = ''
      const health = await probed(server, async () => { note = await attack(server, attacker) })
      rows.push([name, health, `${note}; RSS ${round(rssMb(server.pid), 0)} MB after`])
    } finally {
      attacker.destroy()
      await server.stop()
    }
  }
  const statuses = (list: Array<{ status: number }>): string => {
    const count: Record<number, number> = {}
    for (const r of list) count[r.status] = (count[r.status] ?? 0) + 1
    return Object.entries(count).map(([s, n]) => `${n}×${s}`).join(' ')
  }
  await run('1. 3,000 calls of 60 KB, no token', {}, async (server, attacker) =>
    statuses(await flood(3000, 20, async () => await send(attacker, server.base, 'POST', '/simulator/calls', { from: '+15550009999', data: BIG }))))
  await run('2. 10,000 POST /clients from one source', {}, async (server, attacker) =>
    statuses(await flood(10_000, 20, async () => await send(attacker, server.base, 'POST', '/clients', {}))))
  await run('3. 2,000 WebSockets from one source', {}, async (server) => {
    const sockets: WebSocket[] = []
    const outcome = await flood(2000, 20, async () => await new Promise<string>(resolve => {
      const socket = new WebSocket(server.base.replace(/^http/, 'ws') + '/ws', { localAddress: '127.0.3.2' })
      socket.once('open', () => { sockets.push(socket); resolve('open') })
      socket.once('unexpected-response', (_req, res) => { resolve(String(res.statusCode)); socket.terminate() })
      socket.once('error', () => { resolve('error') })
    }))
    for (const s of sockets) s.terminate()
    const count: Record<string, number> = {}
    for (const o of outcome) count[o] = (count[o] ?? 0) + 1
    return Object.entries(count).map(([s, n]) => `${n}×${s}`).join(' ')
  })
  await run('4. wrong passwords for 5 s, 20 at a time', {}, async (server, attacker) => {
    const opened = JSON.parse((await send(attacker, server.base, 'POST', '/clients', {})).text) as { token: string }
    const auth = { authorization: `Bearer ${opened.token}` }
    await send(attacker, server.base, 'POST', `/services/${PROCESSOR_ID}/binding`, undefined, auth)
    const answers: Array<{ status: number }> = []
    const end = Date.now() + 5000
    await Promise.all(Array.from({ length: 20 }, async () => {
      while (Date.now() < end) answers.push(await send(attacker, server.base, 'POST', `/services/${PROCESSOR_ID}/sessions`, { agent: { id: 'agent1', password: 'wrong' } }, auth))
    }))
    return statuses(answers)
  })
  await run('5. read and end calls, no token', {}, async (server, attacker) => {
    await send(attacker, server.base, 'POST', '/simulator/calls', { from: '+15557654321', queue: 'sales' }, { authorization: `Bearer ${ADMIN_TOKEN}` })
    const reads = await flood(500, 10, async () => await send(attacker, server.base, 'GET', '/simulator/calls'))
    const ends = await flood(100, 10, async () => await send(attacker, server.base, 'DELETE', '/simulator/calls/call-1'))
    return `reads ${statuses(reads)}, ends ${statuses(ends)}`
  })
  return rows
}

async function measure (label: string, root: string): Promise<void> {
  const records = await idleRecords(root)
  if (process.argv.includes('records')) {
    console.log(`${label} (${root}): RSS per 1,000 idle client records: ${records} MB`)
    return
  }
  const logins = await failedLogins(root)
  console.log(`\n## ${label} (${root})\n`)
  console.log(`RSS per 1,000 idle client records: ${records} MB`)
  console.log(`failed logins from one source: ${logins.answered} answered/s, ${logins.checked} passwords checked/s`)
  const rows = await attacks(root)
  console.log('\n' + table(['attack', '/health p50 ms', 'p99 ms', 'max ms', 'failed probes', 'attack\'s answers'],
    rows.map(([name, h, note]) => [name, h.p50, h.p99, h.max, `${h.failed} of ${h.n}`, note])))
}

const baseline = process.env.BENCH_BASELINE
if (baseline !== undefined && baseline !== '') await measure('before (BENCH_BASELINE)', baseline)
await measure('after (this checkout)', projectPath('.'))
