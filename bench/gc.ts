// Garbage collection at 5,000 agents (issue 21): N agents with open event streams at the working
// rate (0.2 calls per agent per second) for a long window, the server under --trace-gc. Reports
// every pause of the main thread the collector took in the window, as a histogram, the largest
// ones, the incremental marking that came before each full collection, the latency of every
// 10-s round, RSS, and nothing lost or duplicated; then the same shorter with other heap
// settings (HEAP_GROWTH_PERCENT, the young generation's semi-space, V8's helper threads), each
// from a fresh server.
//   node --expose-gc build/bench/run.js --only gc [--agents 5000] [--gc-seconds 300]
//     [--gc-variant-seconds 60] [--modes sse]
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DriverOptions } from './event-driver.js'
import { runDriver } from './events.js'
import { generatedDirectory, profileArgs, round, startProcess, table } from './lib.js'

export interface GcVariant {
  label: string
  env: Record<string, string>
  nodeArgs: string[]
}

export interface GcOptions {
  agents: number
  mode: 'sse' | 'ws'
  callsPerAgentPerSecond: number
  /** seconds of the first (default settings) run */
  seconds: number
  /** seconds of each other variant's run (0: none) */
  variantSeconds: number
  /** only the variants whose labels start with one of these (the first, default, run included only if named) */
  variants?: string[]
}

/** One collection as --trace-gc printed it. */
interface Collection {
  kind: 'Scavenge' | 'Mark-Compact' | 'Minor Mark-Compact' | 'other'
  /** when it ended, ms since the server's V8 isolate started (--trace-gc's own clock) */
  atMs: number
  /** the main thread's pause (the first of the two times --trace-gc prints) */
  pauseMs: number
  /** Mark-Compact: incremental marking steps on the main thread before it */
  stepsMs: number
  biggestStepMs: number
  /** heap before → after (MB) */
  beforeMb: number
  afterMb: number
}

export interface GcCase {
  label: string
  seconds: number
  agents: number
  mode: string
  rate: number
  collections: number
  scavenges: number
  fullCollections: number
  /** pauses by bucket: the bucket's upper bound (ms) → count */
  histogram: Array<{ upToMs: number, count: number }>
  largestPausesMs: number[]
  /** the largest full collection's pause plus the incremental marking before it (main-thread time) */
  largestFullWithStepsMs: number
  /** main-thread time in the collector over the window (pauses and marking steps), % */
  gcTimePercent: number
  /** the heap's rises after young collections, MB/s: a rough stand-in for promotion (see run) */
  heapGrowthMbPerSecond: number
  roundsP99: number[]
  /**
   * Each 10-s round's collections next to its p99: which rounds had a full collection, how much
   * main-thread time the collector took in it. Rounds are placed on --trace-gc's clock from the
   * wall-clock time between the server's start and the window's (the isolate starts a few tens
   * of ms after the process: a collection at a round's edge may be counted in its neighbour).
   */
  rounds: GcRound[]
  p99: number
  max: number
  lost: number
  duplicated: number
  eventsPerSecond: number
  /** the driver's own event-loop delay p99 (ms): when high, so is the latency it measures */
  driverLagP99: number
  rssConnectedMb: number
  rssPeakMb: number
  cpuPercent: number
}

export interface GcRound {
  p99: number
  fullCollections: number
  /** the full collections' pauses plus their incremental marking steps, ms */
  fullMs: number
  /** every collection's main-thread time (pauses and marking steps), ms */
  gcMs: number
  largestPauseMs: number
}

/** The latency is reported per round of this many seconds. */
const ROUND_SECONDS = 10

const BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, Infinity]

/** The collections in --trace-gc output. */
export function collections (text: string): Collection[] {
  const found: Collection[] = []
  // V8 names a young collection during incremental marking `Scavenge (interleaved)`, a full one
  // that shrinks the heap `Mark-Compact (reduce)`; the young mark-sweeper is `Minor Mark-Sweep`
  // (once `Minor Mark-Compact`).
  const line = /(\d+) ms: (Scavenge|Mark-Compact|Minor Mark-(?:Compact|Sweep)|[A-Za-z-]+)((?: \((?:reduce|interleaved)\))*) ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms in \d+ steps since start of marking, biggest step ([\d.]+) ms)?/g
  for (const m of text.matchAll(line)) {
    const name = m[2] ?? ''
    const kind = name === 'Scavenge' ? 'Scavenge' : name === 'Mark-Compact' ? 'Mark-Compact' : name.startsWith('Minor Mark-') ? 'Minor Mark-Compact' : 'other'
    found.push({ kind, atMs: Number(m[1]), beforeMb: Number(m[4]), afterMb: Number(m[5]), pauseMs: Number(m[6]), stepsMs: Number(m[7] ?? 0), biggestStepMs: Number(m[8] ?? 0) })
  }
  return found
}

/** The collections of each round (`roundMs` long, the first starting at `fromMs` on --trace-gc's clock), next to its p99. */
export function roundsOf (found: Collection[], roundsP99: number[], fromMs: number, roundMs: number): GcRound[] {
  const rounds = roundsP99.map(p99 => ({ p99, fullCollections: 0, fullMs: 0, gcMs: 0, largestPauseMs: 0 }))
  for (const c of found) {
    const round = rounds[Math.floor((c.atMs - fromMs) / roundMs)]
    if (round === undefined) continue
    const ms = c.pauseMs + c.stepsMs
    round.gcMs += ms
    round.largestPauseMs = Math.max(round.largestPauseMs, c.pauseMs)
    if (c.kind === 'Mark-Compact') {
      round.fullCollections++
      round.fullMs += ms
    }
  }
  return rounds.map(r => ({ ...r, fullMs: round(r.fullMs, 1), gcMs: round(r.gcMs, 1) }))
}

async function run (options: GcOptions, variant: GcVariant, seconds: number): Promise<GcCase> {
  const dir = mkdtempSync(join(tmpdir(), 'his-bench-gc-'))
  const log = join(dir, 'server.log')
  const n = options.agents
  const spawned = Date.now()
  const server = await startProcess('build/src/server.js', {
    LOG_LEVEL: 'warn', SIM_DIRECTORY_FILE: generatedDirectory(n), SIM_LOGIN_DELAY_MS: '0', MAX_CLIENTS: String(n + 100), ...variant.env
  }, [], ['--trace-gc', ...variant.nodeArgs, ...profileArgs()], { log })
  try {
    const rate = Math.max(1, Math.round(n * options.callsPerAgentPerSecond))
    let from = 0
    let to = 0
    let windowFromMs = 0
    const opts: DriverOptions = { base: server.base, mode: options.mode, agents: n, rate, duration: seconds, windowSeconds: ROUND_SECONDS }
    const { result, connected, after, peakRss: peak } = await runDriver(server.pid, opts, {
      connected: () => {
        from = statSync(log).size
        windowFromMs = Date.now() - spawned
      },
      measured: () => { to = statSync(log).size }
    })
    // Byte offsets: the window's lines (a few written late through the pipes may fall outside).
    const text = readFileSync(log).subarray(from, to).toString('utf8')
    const found = collections(text)
    const pauses = found.map(c => c.pauseMs).sort((a, b) => b - a)
    const full = found.filter(c => c.kind === 'Mark-Compact')
    const scavenges = found.filter(c => c.kind === 'Scavenge' || c.kind === 'Minor Mark-Compact')
    const gcMs = found.reduce((sum, c) => sum + c.pauseMs + c.stepsMs, 0)
    // A rough stand-in for promotion: what the whole heap grew by from one young collection to
    // the next, its rises summed (young survivors and direct old-space allocation count too).
    // V8's own promoted bytes are --trace-gc-nvp's `promoted=`.
    let promoted = 0
    for (let i = 1; i < found.length; i++) {
      const previous = found[i - 1] as Collection
      const c = found[i] as Collection
      if (c.kind === 'Scavenge' || c.kind === 'Minor Mark-Compact') promoted += Math.max(0, c.afterMb - previous.afterMb)
    }
    const roundsP99 = (result.windows ?? []).map(w => round(w.p99, 1))
    let below = 0
    const histogram = BUCKETS.map(upToMs => {
      const count = pauses.filter(p => p <= upToMs && (below === 0 || p > below)).length
      below = upToMs
      return { upToMs, count }
    })
    return {
      label: variant.label,
      seconds: result.duration,
      agents: n,
      mode: options.mode,
      rate,
      collections: found.length,
      scavenges: scavenges.length,
      fullCollections: full.length,
      histogram,
      largestPausesMs: pauses.slice(0, 5),
      largestFullWithStepsMs: round(Math.max(0, ...full.map(c => c.pauseMs + c.stepsMs)), 1),
      gcTimePercent: round(100 * gcMs / (result.duration * 1000), 1),
      heapGrowthMbPerSecond: round(promoted / result.duration, 1),
      roundsP99,
      rounds: roundsOf(found, roundsP99, windowFromMs, ROUND_SECONDS * 1000),
      p99: result.latency.p99,
      max: result.latency.max,
      lost: result.lost,
      duplicated: result.duplicated,
      eventsPerSecond: result.eventsPerSecond,
      driverLagP99: result.driverLagP99,
      rssConnectedMb: round(connected.rss / 2 ** 20, 0),
      rssPeakMb: round(peak / 2 ** 20, 0),
      cpuPercent: round((after.cpuMs - connected.cpuMs) / (result.duration * 1000) * 100, 0)
    }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The default settings first (the long run), then each variant. */
export async function runGcBench (options: GcOptions, log: (line: string) => void = () => {}): Promise<GcCase[]> {
  const variants: GcVariant[] = [
    { label: 'defaults (HEAP_GROWTH_PERCENT=50)', env: {}, nodeArgs: [] },
    { label: 'HEAP_GROWTH_PERCENT=0 (V8 decides)', env: { HEAP_GROWTH_PERCENT: '0' }, nodeArgs: [] },
    { label: 'HEAP_GROWTH_PERCENT=100', env: { HEAP_GROWTH_PERCENT: '100' }, nodeArgs: [] },
    { label: '--max-semi-space-size=64', env: {}, nodeArgs: ['--max-semi-space-size=64'] },
    { label: '--max-semi-space-size=4', env: {}, nodeArgs: ['--max-semi-space-size=4'] },
    // V8's helper threads (node's default: 4) mark concurrently; on two cores shared with the
    // driver, one of them leaves a core to the main thread and the driver.
    { label: '--v8-pool-size=1', env: {}, nodeArgs: ['--v8-pool-size=1'] },
    // The delivered tail each outbox keeps for a reconnect lives ~10 s at this rate: every event
    // in it outlives two scavenges.
    { label: 'OUTBOX_REPLAY=0', env: { OUTBOX_REPLAY: '0' }, nodeArgs: [] },
    { label: 'OUTBOX_REPLAY=4', env: { OUTBOX_REPLAY: '4' }, nodeArgs: [] },
    // V8's own default: the objects of a site whose objects mostly survived are allocated straight
    // in the old generation (BENCHMARKS.md, Performance, third step).
    { label: 'V8_PRETENURING=on', env: { V8_PRETENURING: 'on' }, nodeArgs: [] }
  ]
  const cases: GcCase[] = []
  for (const [i, variant] of variants.entries()) {
    const seconds = i === 0 ? options.seconds : options.variantSeconds
    if (seconds <= 0) continue
    if (options.variants !== undefined && !options.variants.some(prefix => variant.label.startsWith(prefix))) continue
    log(`gc: ${variant.label}, ${seconds} s …`)
    cases.push(await run(options, variant, seconds))
  }
  return cases
}

export function gcTable (cases: GcCase[]): string {
  const main = table(
    ['settings', 'agents', 'stream', 'calls/s', 's', 'events/s', 'p99 ms', 'rounds p99 ms (10 s each)', 'max ms', 'lost', 'dup', 'collections (scavenges / full)', 'largest pauses ms', 'largest full + its marking ms', 'GC % of main thread', 'heap rises after scavenges MB/s', 'RSS connected → peak MB', 'server CPU', 'driver lag p99 ms'],
    cases.map(c => [c.label, c.agents, c.mode, c.rate, c.seconds, c.eventsPerSecond, c.p99, c.roundsP99.join(' '), c.max, c.lost, c.duplicated, `${c.collections} (${c.scavenges} / ${c.fullCollections})`, c.largestPausesMs.join(' '), c.largestFullWithStepsMs, c.gcTimePercent, c.heapGrowthMbPerSecond, `${c.rssConnectedMb} → ${c.rssPeakMb}`, `${c.cpuPercent}%`, c.driverLagP99])
  )
  const histogram = table(
    ['settings', ...BUCKETS.map((b, i) => i === 0 ? `≤ ${b} ms` : b === Infinity ? `> ${BUCKETS[i - 1] ?? 0} ms` : `≤ ${b} ms`)],
    cases.map(c => [c.label, ...c.histogram.map(h => h.count)])
  )
  const rounds = cases.map(c => `${c.label}, round by round (10 s each; a full collection's ms include its incremental marking):\n\n` + table(
    ['round', 'p99 ms', 'full', 'full ms', 'GC ms', 'largest pause ms'],
    c.rounds.map((r, i) => [i + 1, r.p99, r.fullCollections, r.fullMs, r.gcMs, round(r.largestPauseMs, 1)])
  ))
  return [main, `Pauses of the main thread by length (every collection in the window):\n\n${histogram}`, ...rounds].join('\n\n')
}
