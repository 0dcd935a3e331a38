// The client side of the event-path benchmark, in its own process (forked by bench/events.ts):
// holds N agents' event streams (SSE, the WebSocket face, the raw writer's SSE, or the socket.io
// peer's sockets), places calls to the agents through the simulator (the raw writer and the
// socket.io peer: POST /call/<i>) at a set rate (or as fast as the agents clear them), and
// measures delivery: events per second, latency from placing a call to the agent receiving the
// workflow's state.updated for it, and lost or duplicated events (ids must go 1, 2, 3 …).
import { Agent, request } from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import { io } from 'socket.io-client'
import { canned, json, keepAliveCaller, loginAgent, percentile, pool } from './lib.js'

export interface DriverOptions {
  base: string
  /** raw: bench/raw-sse-server.ts; socketio: bench/socketio-server.ts (both replay canned frames) */
  mode: 'sse' | 'ws' | 'raw' | 'socketio'
  agents: number
  /** calls per second over all agents; 0 = each agent gets its next call as soon as it is free */
  rate: number
  /** seconds of measurement */
  duration: number
  /** sse mode: where to write the recorded frames of one call (for the raw writer) */
  recordTemplates?: string
  /** also report the latency of each window of this many seconds (by when the call was placed) */
  windowSeconds?: number
}

export interface DriverResult {
  mode: string
  agents: number
  rate: number
  duration: number
  events: number
  eventsPerSecond: number
  calls: number
  callsCompleted: number
  latency: { p50: number, p99: number, max: number, samples: number }
  lost: number
  duplicated: number
  connectMs: number
  /** the driver's own event-loop delay during the window (ms): when high, latency is the driver's */
  driverLagP99: number
  driverLagMax: number
  /** with windowSeconds: each window's latency, in order */
  windows?: Array<{ p50: number, p99: number, max: number, samples: number }>
}

interface AgentState {
  index: number
  extension: string
  session?: string
  clientId?: string
  token?: string
  lastId: number
  busy: boolean
  placedAt: number
  offered: boolean
  callId?: string
  hungUp: boolean
  frames?: string[]
}

const http = new Agent({ keepAlive: true, maxSockets: 256 })
const stats = { events: 0, windowEvents: 0, lost: 0, duplicated: 0, latencies: [] as number[], windowed: [] as number[][], calls: 0, completed: 0 }
let windowMs = 0
let measuring = false
let windowStart = 0
let options: DriverOptions
let agents: AgentState[] = []
const idle: AgentState[] = []

function send (message: unknown): void {
  process.send?.(message)
}

/** One event's raw data for one agent. */
function onEvent (a: AgentState, id: number, data: string): void {
  stats.events++
  if (measuring) stats.windowEvents++
  if (id <= a.lastId) stats.duplicated++
  else {
    if (id > a.lastId + 1) stats.lost += id - a.lastId - 1
    a.lastId = id
  }
  a.frames?.push(data)
  if (!a.busy) return
  if (!a.offered && data.includes('"serviceId":"WorkflowManager"') && data.includes('.voice.')) {
    a.offered = true
    if (measuring) {
      const ms = performance.now() - a.placedAt
      stats.latencies.push(ms)
      if (windowMs > 0) (stats.windowed[Math.floor((a.placedAt - windowStart) / windowMs)] ??= []).push(ms)
      if (process.env.BENCH_DEBUG !== undefined && ms > 100) process.stderr.write(`slow ${Math.round(ms)}ms agent ${a.index} at ${Math.round(a.placedAt - windowStart)}\n`)
    }
    maybeHangUp(a)
  } else if (a.hungUp && data.includes('"name":"interaction.deleted"')) {
    a.busy = false
    stats.completed++
    idle.push(a)
  }
}

function maybeHangUp (a: AgentState): void {
  if (!a.offered || a.callId === undefined || a.hungUp) return
  a.hungUp = true
  const path = canned(options.mode) ? `/call/${a.index}` : `/simulator/calls/${a.callId}`
  void call('DELETE', path).catch(() => {})
}

const call = keepAliveCaller(() => options.base, http)

function placeCall (a: AgentState): void {
  a.busy = true
  a.offered = false
  a.hungUp = false
  a.callId = undefined
  a.placedAt = performance.now()
  stats.calls++
  const done = (answer: any): void => {
    a.callId = answer.callId
    maybeHangUp(a)
  }
  if (canned(options.mode)) void call('POST', `/call/${a.index}`).then(done, () => {})
  else void call('POST', '/simulator/calls', { from: '+15550000000', to: a.extension }).then(done, () => {})
}

/** SSE frames: `id:` and `data:` lines, blank line ends a frame. */
function openSse (a: AgentState, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, res => {
      if (res.statusCode !== 200) { reject(new Error(`stream ${url}: ${res.statusCode ?? 0}`)); return }
      resolve()
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let id = -1
          let data = ''
          for (const line of frame.split('\n')) {
            if (line.startsWith('id:')) id = Number(line.slice(3).trim())
            else if (line.startsWith('data:')) data = line.slice(line.charAt(5) === ' ' ? 6 : 5)
          }
          if (id >= 0) onEvent(a, id, data)
        }
      })
    })
    req.on('error', reject)
    req.end()
  })
}

function openWs (a: AgentState): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.base.replace(/^http/, 'ws') + '/ws', { perMessageDeflate: false })
    ws.on('error', reject)
    ws.on('open', () => {
      ws.send(JSON.stringify({ messageType: 'coreRequest', requestId: 'r', command: 'resume', clientId: a.clientId, token: a.token, lastEventId: 0 }))
    })
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString()
      if (text.startsWith('{"messageType":"coreResponse"')) { resolve(); return }
      const match = /"eventId":(\d+)/.exec(text)
      if (match !== null) onEvent(a, Number(match[1]), text)
    })
  })
}

/** socket.io-client over the WebSocket transport only; each event is `('event', id, data)`. */
function openSocketIo (a: AgentState): Promise<void> {
  return new Promise((resolve, reject) => {
    // forceNew: a connection (a Manager) per agent, never one multiplexed for all; no reconnection,
    // so a dropped connection shows as lost events rather than a quiet new stream.
    const socket = io(options.base, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { agent: String(a.index) } })
    socket.once('connect_error', reject)
    socket.once('connect', () => { resolve() })
    socket.on('event', (id: number, data: string) => { onEvent(a, id, data) })
  })
}

async function main (opts: DriverOptions): Promise<DriverResult> {
  options = opts
  agents = Array.from({ length: opts.agents }, (_, i) => ({ index: i, extension: String(2000 + i), lastId: 0, busy: false, placedAt: 0, offered: false, hungUp: false }))
  const t0 = performance.now()
  if (!canned(opts.mode)) {
    await pool(agents, 16, async (a) => {
      const login = await loginAgent(opts.base, `bench-${a.index + 1}`, 'bench-pass')
      Object.assign(a, login)
    })
  }
  await pool(agents, 64, async (a) => {
    if (opts.mode === 'raw') await openSse(a, `${opts.base}/events/${a.index}`)
    else if (opts.mode === 'socketio') await openSocketIo(a)
    else if (opts.mode === 'sse') await openSse(a, `${opts.base}/clients/${a.clientId ?? ''}/events?token=${a.token ?? ''}&names=false`)
    else await openWs(a)
  })
  if (!canned(opts.mode)) {
    await pool(agents, 16, async (a) => {
      await json(`${opts.base}/services/6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f/resources/${a.session ?? ''}/requests`, {
        method: 'POST', headers: { authorization: `Bearer ${a.token ?? ''}`, 'content-type': 'application/json' }, body: '{"command":"session.ready"}'
      })
    })
  }
  await new Promise(resolve => setTimeout(resolve, 500))
  const connectMs = performance.now() - t0

  // One calibration call on agent 0, recorded: the frames the raw writer will replay.
  const first = agents[0] as AgentState
  first.frames = []
  placeCall(first)
  while (first.busy) await new Promise(resolve => setTimeout(resolve, 20))
  await new Promise(resolve => setTimeout(resolve, 200))
  const frames = first.frames
  first.frames = undefined
  if (opts.recordTemplates !== undefined) {
    const split = frames.findIndex(f => f.includes('"name":"interaction.partydeleted"') || f.includes('"name":"interaction.abandoned"'))
    writeFileSync(opts.recordTemplates, JSON.stringify({ offer: frames.slice(0, split), hangup: frames.slice(split) }))
  }

  send({ phase: 'connected', connectMs })
  await new Promise<void>(resolve => process.once('message', () => { resolve() }))
  stats.latencies = []
  stats.windowed = []
  windowMs = (opts.windowSeconds ?? 0) * 1000
  stats.windowEvents = 0
  const callsBefore = stats.calls
  const completedBefore = stats.completed
  idle.splice(0, idle.length, ...agents)
  const lag = monitorEventLoopDelay({ resolution: 5 })
  lag.enable()
  measuring = true
  const start = performance.now()
  windowStart = start
  const end = start + opts.duration * 1000
  let placed = 0
  while (performance.now() < end) {
    if (opts.rate === 0) {
      while (idle.length > 0) placeCall(idle.shift() as AgentState)
    } else {
      const due = Math.floor((performance.now() - start) / 1000 * opts.rate)
      while (placed < due && idle.length > 0) {
        placeCall(idle.shift() as AgentState)
        placed++
      }
    }
    await new Promise(resolve => setTimeout(resolve, opts.rate === 0 ? 1 : 5))
  }
  measuring = false
  lag.disable()
  const elapsed = (performance.now() - start) / 1000
  send({ phase: 'measured' })
  const drainUntil = performance.now() + 10000
  while (agents.some(a => a.busy) && performance.now() < drainUntil) await new Promise(resolve => setTimeout(resolve, 20))
  await new Promise(resolve => setTimeout(resolve, 300))
  // The calls are over, the streams still open: the parent reads the server's heap, then lets go.
  send({ phase: 'drained' })
  await new Promise<void>(resolve => process.once('message', () => { resolve() }))
  const sorted = [...stats.latencies].sort((x, y) => x - y)
  const r2 = (n: number): number => Math.round(n * 100) / 100
  return {
    mode: opts.mode,
    agents: opts.agents,
    rate: opts.rate,
    duration: r2(elapsed),
    events: stats.windowEvents,
    eventsPerSecond: Math.round(stats.windowEvents / elapsed),
    calls: stats.calls - callsBefore,
    callsCompleted: stats.completed - completedBefore,
    latency: { p50: r2(percentile(sorted, 50)), p99: r2(percentile(sorted, 99)), max: r2(sorted.at(-1) ?? 0), samples: sorted.length },
    lost: stats.lost,
    duplicated: stats.duplicated,
    connectMs: Math.round(connectMs),
    driverLagP99: r2(lag.percentile(99) / 1e6),
    driverLagMax: r2(lag.max / 1e6),
    ...(windowMs > 0 && {
      windows: Array.from(stats.windowed, list => {
        const w = [...(list ?? [])].sort((x, y) => x - y)
        return { p50: r2(percentile(w, 50)), p99: r2(percentile(w, 99)), max: r2(w.at(-1) ?? 0), samples: w.length }
      })
    })
  }
}

process.once('message', (opts: DriverOptions) => {
  main(opts).then(result => {
    send({ phase: 'done', result })
    setTimeout(() => process.exit(0), 100)
  }, (err: Error) => {
    send({ phase: 'error', message: err.stack ?? err.message })
    setTimeout(() => process.exit(1), 100)
  })
})
