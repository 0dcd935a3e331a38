// npm run bench: every benchmark, each next to its baseline measured in the same run.
//   node --expose-gc build/bench/run.js [--only http,events,workflow,domain] [--agents 100,1000,5000]
//     [--duration 10] [--rounds 3] [--modes sse,ws] [--cti embedded,bridge] [--smoke] [--out bench/results]
//   [--rates paced,max] (events; http: without paced, no fixed-rate runs) [--routes session,…] (http) [--peers raw,socketio] ('' for none) [--steady 40] (seconds of the
//     long saturated run at the largest N, 0 for none): one case at a time, for profiling
//   --only gc (not in the default list): collections at the first --agents (default 5000) at the
//     working rate, --gc-seconds 300 with the default heap settings, then --gc-variant-seconds 60
//     for each other setting; the first --modes (sse); --gc-variants <label prefixes> picks some
//   BENCH_SERVER_ROOT=<another checkout, built>: its server instead of this one's (before/after)
//   --only chat (not in the default list): chat end to end, at the first --agents (default 1000),
//     [--chats-per-agent 3] [--chat-fill 10] [--chat-paced 0.2] (round trips per chat per second)
//     [--chat-backlog 0] (chats left waiting in the queue through the windows)
// Prints markdown tables and writes <out>/latest.json and <out>/latest.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { projectPath } from '../src/paths.js'
import { VERSION } from '../src/version.js'
import { runHttpBench, httpTable, type HttpResult } from './http.js'
import { runEventBench, eventTable, templatesFile, type EventCase } from './events.js'
import { runOutboxBench, outboxTable, type OutboxCase } from './outbox.js'
import { loadConfig } from '../src/config.js'
import { runWorkflowBench, workflowTable, type WorkflowResult } from './workflow.js'
import { runDomainBench } from './domain.js'
import { runChatBench, chatTable, type ChatResult } from './chat.js'
import { runGcBench, gcTable, type GcCase } from './gc.js'

export interface BenchOptions {
  only: string[]
  agents: number[]
  duration: number
  rounds: number
  modes: Array<'sse' | 'ws'>
  /** run the event path over the CTI bridge too (a simulator connector process), next to the embedded runs */
  bridge?: boolean
  smoke: boolean
  /** --routes: the HTTP bench's routes by name prefix (`GET /services`, `session`, `prepareSession`) */
  httpRoutes?: string[]
  /** the event bench's rates, peers and steady seconds (see the usage above) */
  events?: { pacedOff: boolean, saturateOff: boolean, peers: Array<'raw' | 'socketio'>, steadySeconds?: number }
  /** --only gc: seconds of the default run and of each variant */
  gc?: { seconds: number, variantSeconds: number, variants?: string[] }
  /** --only chat: chats per agent, fill round trips per chat, paced round trips per chat per second */
  chat?: { chatsPerAgent: number, fill: number, pacedPerChat: number, backlog?: number }
}

export interface BenchReport {
  machine: { cpus: string, cores: number, memoryGb: number, node: string, version: string, date: string }
  options: BenchOptions
  http?: HttpResult
  events?: EventCase[]
  /** outbox memory (connected and away agents), with the frames the event path recorded */
  outbox?: OutboxCase[]
  workflow?: WorkflowResult
  /** the instance domain: one instance against two (markdown tables) */
  domain?: string
  /** chat end to end (issue 20) */
  chat?: ChatResult
  /** garbage collection at 5,000 agents (issue 21) */
  gc?: GcCase[]
}

export async function runBenchmarks (options: BenchOptions, log: (line: string) => void = () => {}): Promise<BenchReport> {
  const report: BenchReport = {
    machine: {
      cpus: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      version: VERSION,
      date: new Date().toISOString()
    },
    options
  }
  const s = options.smoke
  if (options.only.includes('workflow')) {
    log('workflow …')
    report.workflow = runWorkflowBench({ events: s ? 2000 : 2_000_000, sessions: s ? 100 : 10_000 })
  }
  if (options.only.includes('http')) {
    log('http …')
    report.http = await runHttpBench({ duration: options.duration, connections: s ? 4 : 100, prepareConnections: s ? 2 : 20, rounds: options.rounds, pacedRates: options.events?.pacedOff === true ? [] : s ? [20] : [2000, 4000, 6000], ...(options.httpRoutes !== undefined && { routes: options.httpRoutes }) })
  }
  if (options.only.includes('events')) {
    log('events …')
    report.events = await runEventBench({ agents: options.agents, callsPerAgentPerSecond: 0.2, duration: options.duration, saturate: options.events?.saturateOff !== true, modes: options.modes, steadySeconds: options.events?.steadySeconds ?? (s ? 1 : 40), bridge: options.bridge !== false, smoke: s, pacedOff: options.events?.pacedOff, peers: options.events?.peers })
    if (options.modes.includes('sse')) {
      log('outbox …')
      const config = loadConfig(process.env)
      report.outbox = runOutboxBench(templatesFile(options.agents[0] as number), { size: config.OUTBOX_SIZE, replay: config.OUTBOX_REPLAY }, s ? 5 : 100)
    }
  }
  if (options.only.includes('domain')) {
    log('domain …')
    report.domain = await runDomainBench({ agents: s ? 20 : 500, rounds: s ? 1 : 5 })
  }
  if (options.only.includes('chat')) {
    log('chat …')
    const chat = options.chat ?? { chatsPerAgent: 3, fill: s ? 2 : 10, pacedPerChat: s ? 1 : 0.2 }
    report.chat = await runChatBench({ agents: options.agents[0] as number, ...chat, duration: options.duration, smoke: s })
  }
  if (options.only.includes('gc')) {
    report.gc = await runGcBench({
      agents: options.agents[0] as number,
      mode: options.modes[0] ?? 'sse',
      callsPerAgentPerSecond: 0.2,
      seconds: options.gc?.seconds ?? (s ? 3 : 300),
      variantSeconds: options.gc?.variantSeconds ?? (s ? 0 : 60),
      ...(options.gc?.variants !== undefined && { variants: options.gc.variants })
    }, log)
  }
  return report
}

export function reportMarkdown (r: BenchReport): string {
  const parts = [
    `Machine: ${r.machine.cpus}, ${r.machine.cores} cores, ${r.machine.memoryGb} GiB; Node ${r.machine.node}; his-cti-server ${r.machine.version}; ${r.machine.date}`,
    `Options: ${JSON.stringify(r.options)}`
  ]
  if (r.http !== undefined) parts.push('### HTTP\n\n' + httpTable(r.http))
  if (r.events !== undefined) parts.push('### Event path\n\n' + eventTable(r.events))
  if (r.outbox !== undefined) parts.push('### Outbox memory\n\n' + outboxTable(r.outbox))
  if (r.workflow !== undefined) parts.push('### Workflow\n\n' + workflowTable(r.workflow))
  if (r.domain !== undefined) parts.push('### Domain\n\n' + r.domain)
  if (r.chat !== undefined) parts.push('### Chat\n\n' + chatTable(r.chat))
  if (r.gc !== undefined) parts.push('### Garbage collection\n\n' + gcTable(r.gc))
  return parts.join('\n\n') + '\n'
}

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'workflow,http,events,domain' },
      agents: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      modes: { type: 'string', default: 'sse,ws' },
      cti: { type: 'string', default: 'embedded,bridge' },
      smoke: { type: 'boolean', default: false },
      rates: { type: 'string', default: 'paced,max' },
      routes: { type: 'string' },
      peers: { type: 'string', default: 'raw,socketio' },
      steady: { type: 'string' },
      'gc-seconds': { type: 'string' },
      'gc-variant-seconds': { type: 'string' },
      'gc-variants': { type: 'string' },
      'chats-per-agent': { type: 'string', default: '3' },
      'chat-fill': { type: 'string' },
      'chat-paced': { type: 'string', default: '0.2' },
      'chat-backlog': { type: 'string', default: '0' },
      out: { type: 'string', default: 'bench/results' }
    }
  })
  const smoke = values.smoke === true
  const only = String(values.only).split(',')
  const options: BenchOptions = {
    only,
    agents: (values.agents ?? (smoke ? '5' : only.length === 1 && only[0] === 'chat' ? '1000' : only.length === 1 && only[0] === 'gc' ? '5000' : '100,1000,5000')).split(',').map(Number),
    duration: Number(values.duration ?? (smoke ? 1 : 10)),
    rounds: Number(values.rounds ?? (smoke ? 1 : 3)),
    modes: String(values.modes).split(',') as Array<'sse' | 'ws'>,
    bridge: String(values.cti).split(',').includes('bridge'),
    smoke,
    ...(values.routes !== undefined && { httpRoutes: String(values.routes).split(',') }),
    ...((values['gc-seconds'] !== undefined || values['gc-variant-seconds'] !== undefined || values['gc-variants'] !== undefined) && {
      gc: {
        seconds: Number(values['gc-seconds'] ?? 300),
        variantSeconds: Number(values['gc-variant-seconds'] ?? 60),
        ...(values['gc-variants'] !== undefined && { variants: String(values['gc-variants']).split(',') })
      }
    }),
    events: {
      pacedOff: !String(values.rates).split(',').includes('paced'),
      saturateOff: !String(values.rates).split(',').includes('max'),
      peers: String(values.peers).split(',').filter(p => p === 'raw' || p === 'socketio'),
      ...(values.steady !== undefined && { steadySeconds: Number(values.steady) })
    },
    chat: { chatsPerAgent: Number(values['chats-per-agent']), fill: Number(values['chat-fill'] ?? (smoke ? 2 : 10)), pacedPerChat: Number(values['chat-paced']), backlog: Number(values['chat-backlog']) }
  }
  const report = await runBenchmarks(options, line => { process.stderr.write(line + '\n') })
  const md = reportMarkdown(report)
  process.stdout.write(md)
  const out = projectPath(String(values.out))
  mkdirSync(out, { recursive: true })
  writeFileSync(`${out}/latest.json`, JSON.stringify(report, null, 2) + '\n')
  writeFileSync(`${out}/latest.md`, md)
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main()
