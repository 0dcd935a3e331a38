// The event path: N agents logged in with an open stream each (held by a second process, see
// event-driver.ts), calls flowing through the simulator; the same delivery load through a raw
// node:http SSE writer and through a socket.io server (the library an integrator would otherwise
// reach for), both replaying the same canned frames, in the same run. Reports events/s, latency,
// loss, server CPU and RSS.
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { projectPath } from '../src/paths.js'
import { canned, generatedDirectory, procStats, round, startProcess, table, type Child } from './lib.js'
import type { DriverOptions, DriverResult } from './event-driver.js'
import { heapAfterCollection, type HeapReading } from './inspector.js'

export interface EventCase extends DriverResult {
  /** the long saturated run of the largest N: every outbox at its steady size */
  steady: boolean
  serverCpuPercent: number
  rssIdleMb: number
  rssConnectedMb: number
  /** the highest RSS during the measured window (sampled twice a second) */
  rssPeakMb: number
  rssPerAgentKb: number
  /**
   * The server's JS heap and Buffers (heapUsed + arrayBuffers) after a full collection, connected
   * against idle, per agent: what the agents' objects hold, without the garbage and the allocator's
   * slack RSS also counts (bench/inspector.ts)
   */
  heapPerAgentKb: number | undefined
  /** the same once the window's calls have drained (streams open, every outbox at its kept tail) */
  heapAfterPerAgentKb: number | undefined
  /** events held per agent's outbox when the run ended (his_outbox_events); raw writer, socket.io: none */
  heldPerAgent: number | undefined
  cpuUsPerEvent: number
  /** where the contact center ran: in the server, or a connector process across the CTI bridge */
  cti: 'embedded' | 'bridge'
  /** over the bridge: the connector process's CPU per event delivered */
  connectorCpuUsPerEvent: number | undefined
}

/** What one driver run measured of the server: its stats when the agents were connected and when the window ended, its peak RSS. */
export interface DriverRun {
  result: DriverResult
  connected: { cpuMs: number, rss: number }
  after: { cpuMs: number, rss: number }
  peakRss: number
}

/**
 * Runs the event driver (bench/event-driver.ts, its own process) against `serverPid`'s server:
 * `connected` is told when every agent is connected, right before the window starts, and
 * `measured` when the window ends (a connector's CPU, a log's size are read there), and
 * `drained` once the window's calls have cleared, with every stream still open: the driver waits
 * for it to settle before it reports and closes them (the heap after the calls is read there).
 */
export async function runDriver (serverPid: number, opts: DriverOptions, hooks: { connected?: () => void | Promise<void>, measured?: () => void, drained?: () => Promise<void> } = {}): Promise<DriverRun> {
  const driver = fork(projectPath('build/bench/event-driver.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let connected = procStats(serverPid)
  let after = connected
  let peak = 0
  let sampler: NodeJS.Timeout | undefined
  try {
    const result = await new Promise<DriverResult>((resolve, reject) => {
      driver.on('exit', code => { reject(new Error(`event driver exited (${code ?? 'signal'})`)) })
      driver.on('message', (message: any) => {
        if (message.phase === 'connected') {
          void Promise.resolve(hooks.connected?.()).then(() => {
            // After the hook: a collection it asked for is neither in the window's CPU nor in this RSS's garbage.
            connected = procStats(serverPid)
            peak = connected.rss
            sampler = setInterval(() => { peak = Math.max(peak, procStats(serverPid).rss) }, 500)
            driver.send({ go: true })
          }, reject)
        } else if (message.phase === 'measured') {
          after = procStats(serverPid)
          hooks.measured?.()
          clearInterval(sampler)
          peak = Math.max(peak, after.rss)
        } else if (message.phase === 'drained') {
          void Promise.resolve(hooks.drained?.()).then(() => driver.send({ finish: true }), reject)
        } else if (message.phase === 'error') {
          reject(new Error(message.message))
        } else if (message.phase === 'done') {
          resolve(message.result as DriverResult)
        }
      })
      driver.send(opts)
    })
    return { result, connected, after, peakRss: peak }
  } finally {
    clearInterval(sampler)
    driver.removeAllListeners('exit')
    driver.kill('SIGKILL')
  }
}

/** KB per agent that `reading` holds over `idle` (heap and Buffers), when both were read. */
function heapPerAgent (reading: HeapReading | undefined, idle: HeapReading | undefined, agents: number): number | undefined {
  if (reading === undefined || idle === undefined) return undefined
  return round((reading.heapUsed + reading.arrayBuffers - idle.heapUsed - idle.arrayBuffers) / 1024 / agents, 1)
}

async function drive (server: Child, opts: DriverOptions, steady = false, connector?: Child): Promise<EventCase> {
  await new Promise(resolve => setTimeout(resolve, 300))
  const port = server.inspectPort
  const idleHeap = port === undefined ? undefined : await heapAfterCollection(port)
  // After the collection (with an inspector): the idle RSS without the start's garbage, which
  // the collection gives back and which would otherwise be subtracted from the agents' share.
  const idle = procStats(server.pid)
  let connectedHeap: HeapReading | undefined
  let drainedHeap: HeapReading | undefined
  let connectorBefore = connector === undefined ? undefined : procStats(connector.pid)
  let connectorAfter = connectorBefore
  const { result: r, connected, after, peakRss: peak } = await runDriver(server.pid, opts, {
    connected: async () => {
      // runDriver reads the connected RSS after this: like the idle one, after a collection.
      if (port !== undefined) connectedHeap = await heapAfterCollection(port)
      if (connector !== undefined) connectorBefore = procStats(connector.pid)
    },
    measured: () => { if (connector !== undefined) connectorAfter = procStats(connector.pid) },
    // The calls drained, the streams still open, every outbox at its kept tail.
    drained: async () => { if (port !== undefined) drainedHeap = await heapAfterCollection(port) }
  })
  const cpuMs = after.cpuMs - connected.cpuMs
  const held = await outboxEvents(server, opts.mode)
  return {
    ...r,
    steady,
    serverCpuPercent: round(cpuMs / (r.duration * 1000) * 100, 0),
    rssIdleMb: round(idle.rss / 2 ** 20, 0),
    rssConnectedMb: round(connected.rss / 2 ** 20, 0),
    rssPeakMb: round(peak / 2 ** 20, 0),
    rssPerAgentKb: round((connected.rss - idle.rss) / 1024 / r.agents, 1),
    heapPerAgentKb: heapPerAgent(connectedHeap, idleHeap, r.agents),
    heapAfterPerAgentKb: heapPerAgent(drainedHeap, idleHeap, r.agents),
    heldPerAgent: held === undefined ? undefined : round(held / r.agents, 1),
    cpuUsPerEvent: r.events > 0 ? round(cpuMs * 1000 / r.events, 1) : 0,
    cti: connector === undefined ? 'embedded' : 'bridge',
    connectorCpuUsPerEvent: connectorBefore === undefined || connectorAfter === undefined || r.events === 0
      ? undefined
      : round((connectorAfter.cpuMs - connectorBefore.cpuMs) * 1000 / r.events, 1)
  }
}

/** The events all client outboxes hold (`his_outbox_events` in GET /metrics); the canned peers have none. */
async function outboxEvents (server: Child, mode: DriverOptions['mode']): Promise<number | undefined> {
  if (canned(mode)) return undefined
  const text = await (await fetch(`${server.base}/metrics`)).text()
  const match = /^his_outbox_events (\d+)$/m.exec(text)
  if (match === null) throw new Error('no his_outbox_events in GET /metrics')
  return Number(match[1])
}

export interface EventOptions {
  agents: number[]
  /** calls per agent per second for the paced runs */
  callsPerAgentPerSecond: number
  duration: number
  /** also run each size as fast as the agents clear calls (throughput) */
  saturate: boolean
  modes: Array<'sse' | 'ws'>
  /** seconds of the saturated run of the largest N that brings every outbox to its steady size (0: none) */
  steadySeconds: number
  /** also each paced and saturated run with the simulator as a connector process across the CTI bridge */
  bridge: boolean
  /** the smoke run (tests): over the bridge and for the socket.io peer, the saturated runs only */
  smoke?: boolean
  /** leave out the paced runs (only the saturated ones: profiling one case) */
  pacedOff?: boolean
  /** the peers to run beside ours (default raw and socketio; they replay the frames the SSE run recorded) */
  peers?: Array<'raw' | 'socketio'>
}

/** Where the SSE run for `n` agents records the frames of one call (for the raw writer and the socket.io peer). */
export function templatesFile (n: number): string {
  return join(tmpdir(), `his-bench-templates-${process.pid}-${n}.json`)
}

/**
 * For each N: ours over SSE (recording one call's frames), over the WebSocket, then the raw
 * writer and the socket.io peer replaying those frames, each at every rate.
 */
export async function runEventBench (options: EventOptions): Promise<EventCase[]> {
  const cases: EventCase[] = []
  const replaying = options.peers === undefined || options.peers.length > 0
  if (replaying && !options.modes.includes('sse')) {
    // Before: the peer's process died on a missing file, with a stack trace.
    throw new Error('the raw and socket.io peers replay the frames of a call recorded in an SSE run: --modes needs sse (or --peers \'\' for none)')
  }
  for (const n of options.agents) {
    const rates = [...(options.pacedOff === true ? [] : [Math.max(1, Math.round(n * options.callsPerAgentPerSecond))]), ...(options.saturate ? [0] : [])]
    const templates = templatesFile(n)
    // Each rate for the usual duration; for the largest N also the long saturated (steady) run.
    const runs = rates.map(rate => ({ rate, duration: options.duration, steady: false }))
    if (options.steadySeconds > 0 && n === Math.max(...options.agents)) runs.push({ rate: 0, duration: options.steadySeconds, steady: true })
    for (const mode of options.modes) {
      for (const { rate, duration, steady } of runs) {
        const server = await startProcess('build/src/server.js', {
          LOG_LEVEL: 'warn',
          SIM_DIRECTORY_FILE: generatedDirectory(n),
          SIM_LOGIN_DELAY_MS: '0',
          MAX_CLIENTS: String(n + 100)
        }, [], undefined, { inspect: inspecting() })
        try {
          cases.push(await drive(server, { base: server.base, mode, agents: n, rate, duration, ...(mode === 'sse' && !steady && { recordTemplates: templates }) }, steady))
        } finally {
          await server.stop()
        }
        // The same run with the contact center across the bridge, right after (same machine state).
        if (options.bridge && !steady && (rate === 0 || options.smoke !== true)) cases.push(await overTheBridge(n, mode, rate, duration))
      }
    }
    const peers = [
      { mode: 'raw' as const, script: 'build/bench/raw-sse-server.js', rates },
      { mode: 'socketio' as const, script: 'build/bench/socketio-server.js', rates: options.smoke === true ? rates.filter(rate => rate === 0) : rates }
    ].filter(peer => options.peers === undefined || options.peers.includes(peer.mode))
    for (const peer of peers) {
      for (const rate of peer.rates) {
        const server = await startProcess(peer.script, {}, [templates], undefined, { inspect: inspecting() })
        try {
          cases.push(await drive(server, { base: server.base, mode: peer.mode, agents: n, rate, duration: options.duration }))
        } finally {
          await server.stop()
        }
      }
    }
  }
  return cases
}

const BRIDGE_TOKEN = 'bench-bridge-token'

/** Whether the event bench's servers run with an inspector for heap/agent (BENCH_INSPECT=off: without, the column empty). */
function inspecting (): boolean {
  return process.env.BENCH_INSPECT !== 'off'
}

/** One run with the simulator as a connector process (npm run simulator) and the server on CTI_URL. */
async function overTheBridge (n: number, mode: 'sse' | 'ws', rate: number, duration: number): Promise<EventCase> {
  const connector = await startProcess('build/src/cti/simulator/main.js', {
    LOG_LEVEL: 'warn', SIM_DIRECTORY_FILE: generatedDirectory(n), SIM_LOGIN_DELAY_MS: '0', CTI_BRIDGE_TOKEN: BRIDGE_TOKEN
  })
  try {
    const server = await startProcess('build/src/server.js', {
      LOG_LEVEL: 'warn', SIM_LOGIN_DELAY_MS: '0', MAX_CLIENTS: String(n + 100), CTI_URL: connector.base.replace(/^http/, 'ws'), CTI_BRIDGE_TOKEN: BRIDGE_TOKEN
    }, [], undefined, { inspect: inspecting() })
    try {
      await waitInService(server)
      return await drive(server, { base: server.base, mode, agents: n, rate, duration }, false, connector)
    } finally {
      await server.stop()
    }
  } finally {
    await connector.stop()
  }
}

async function waitInService (server: Child): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`${server.base}/health`)).status === 200) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error('the server did not reach its connector')
}

export function eventTable (cases: EventCase[]): string {
  const rawOf = (c: EventCase): EventCase | undefined => cases.find(x => x.mode === 'raw' && x.agents === c.agents && x.rate === c.rate && !x.steady)
  return table(
    ['agents', 'stream', 'CTI', 'calls/s', 'events/s', 'vs raw', 'lat p50 ms', 'p99 ms', 'max ms', 'lost', 'dup', 'calls done', 'server CPU', 'CPU µs/event', 'RSS idle→connected→peak MB', 'RSS/agent KB', 'heap/agent KB', 'after calls', 'outbox events/agent at end', 'driver lag p99/max ms', 'connector CPU µs/event'],
    cases.map(c => {
      const raw = rawOf(c)
      return [
        c.agents, c.mode, canned(c.mode) ? '' : c.cti, c.rate !== 0 ? c.rate : c.steady ? `max, ${Math.round(c.duration)} s` : 'max', c.eventsPerSecond,
        c !== raw && raw !== undefined ? round(c.eventsPerSecond / Math.max(1, raw.eventsPerSecond), 2) : '',
        c.latency.p50, c.latency.p99, c.latency.max, c.lost, c.duplicated, `${c.callsCompleted}/${c.calls}`,
        `${c.serverCpuPercent}%`, c.cpuUsPerEvent, `${c.rssIdleMb}→${c.rssConnectedMb}→${c.rssPeakMb}`, c.rssPerAgentKb, c.heapPerAgentKb ?? '', c.heapAfterPerAgentKb ?? '', c.heldPerAgent ?? '', `${c.driverLagP99}/${c.driverLagMax}`, c.connectorCpuUsPerEvent ?? ''
      ]
    })
  )
}
