// Chat end to end (issue 20; npm run bench -- --only chat [--agents 1000] [--duration 10]):
// the product's server as its own process (bench/chat-server.ts: src/server.ts's start-up,
// forked with --expose-gc so its heap can be read after a full collection), the embedded
// simulator, and N agents' media bars over the WebSocket face plus the customers in a driver
// process (bench/chat-driver.ts). Each agent goes ready for chat and takes 3 chats; then a paced
// and a saturated window of round trips (customer writes → agent gets it → agent answers with
// chat.send → agent gets the echo). Reports round trips/s, latency, server CPU per round trip,
// loss and duplication, and the server's heap after gc with no chats, with every chat live
// (one message each) and after the fill (each chat 1 + 2·fill messages): per live chat and per
// message.
import { fork } from 'node:child_process'
import { projectPath } from '../src/paths.js'
import { BENCH_LIMITS, generatedDirectory, procStats, profileArgs, round, startProcess, table, type Child } from './lib.js'
import type { ChatDriverOptions, ChatDriverResult, ChatWindow } from './chat-driver.js'

export interface ChatOptions {
  agents: number
  chatsPerAgent: number
  fill: number
  /** round trips per chat per second in the paced window */
  pacedPerChat: number
  duration: number
  /** chats that wait in the queue through the windows (every agent full): routing's cost with a backlog */
  backlog?: number
  /** the smoke run (tests): shorter pauses between the phases */
  smoke?: boolean
}

export interface ChatHeap {
  /** when it was read: agents ready for chat and no chat, every chat live (its first message), after the fill */
  at: 'no chats' | 'chats live' | 'after fill'
  messagesPerChat: number
  heapMb: number
  rssMb: number
  /** events held per agent's outbox then (his_outbox_events / agents): part of the difference */
  outboxEventsPerAgent: number
}

export interface ChatWindowCase extends ChatWindow {
  serverCpuPercent: number
  cpuUsPerRoundTrip: number
  /** the driver's CPU per round trip (the bars and the customers) */
  driverCpuUsPerRoundTrip: number
}

export interface ChatResult extends Omit<ChatDriverResult, 'windows'> {
  windows: ChatWindowCase[]
  heap: ChatHeap[]
  /** the server's CPU in a quiet second before the windows (its floor, not counted per round trip) */
  idleCpuPercent: number
  /** heap per live chat holding one message, and holding 1 + 2·fill (KB) */
  kbPerChat: number
  kbPerFilledChat: number
  /** heap per message added by the fill (bytes) */
  bytesPerMessage: number
}

type Server = Child

async function startServer (n: number, chatsPerAgent: number, backlog: number): Promise<Server> {
  // Under --expose-gc, with an IPC channel: the heap is read after full collections (chat-server.ts).
  return await startProcess('build/bench/chat-server.js', {
    ...BENCH_LIMITS,
    LOG_LEVEL: 'warn',
    SIM_DIRECTORY_FILE: generatedDirectory(n),
    SIM_LOGIN_DELAY_MS: '0',
    MAX_CLIENTS: String(n + 100),
    CHAT_MAX_PER_AGENT: String(chatsPerAgent),
    SIM_MAX_CHATS: String(Math.min(5000, n * chatsPerAgent + backlog))
  }, [], ['--expose-gc', ...profileArgs()], { ipc: true })
}

async function heapOf (server: Server): Promise<{ heapUsed: number, rss: number }> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('no heap reading from the chat server')) }, 30000)
    server.child.once('message', (m: any) => {
      clearTimeout(timer)
      if (typeof m.heapUsed === 'number') resolve(m)
      else reject(new Error(String(m.error)))
    })
    server.child.send({ heap: true })
  })
}

async function outboxEvents (server: Server): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text()
  const match = /^his_outbox_events (\d+)$/m.exec(text)
  if (match === null) throw new Error('no his_outbox_events in GET /metrics')
  return Number(match[1])
}

export async function runChatBench (options: ChatOptions): Promise<ChatResult> {
  const n = options.agents
  if (n * options.chatsPerAgent + (options.backlog ?? 0) > 5000) throw new Error('at most 5000 chats (SIM_MAX_CHATS)')
  const server = await startServer(n, options.chatsPerAgent, options.backlog ?? 0)
  const driver = fork(projectPath('build/bench/chat-driver.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    const heap: ChatHeap[] = []
    const windows: ChatWindowCase[] = []
    const read = async (at: ChatHeap['at'], messagesPerChat: number): Promise<void> => {
      const h = await heapOf(server)
      heap.push({ at, messagesPerChat, heapMb: round(h.heapUsed / 2 ** 20, 1), rssMb: round(h.rss / 2 ** 20, 0), outboxEventsPerAgent: round(await outboxEvents(server) / n, 1) })
    }
    const cpu: Array<{ server: number, driver: number }> = []
    let idleCpuPercent = 0
    let before = { server: procStats(server.pid), driver: procStats(driver.pid as number) }
    const result = await new Promise<ChatDriverResult>((resolve, reject) => {
      driver.on('exit', code => { reject(new Error(`chat driver exited (${code ?? 'signal'})`)) })
      driver.on('message', (message: any) => {
        const step = async (): Promise<void> => {
          if (message.phase === 'connected') await read('no chats', 0)
          else if (message.phase === 'started') await read('chats live', 1)
          else if (message.phase === 'filled') {
            await read('after fill', 1 + 2 * options.fill)
            // A quiet second before the windows (after the collections of the reading), its CPU kept: the idle floor.
            const quiet = procStats(server.pid)
            const quietMs = options.smoke === true ? 200 : 1000
            await new Promise(resolve => setTimeout(resolve, quietMs))
            idleCpuPercent = round((procStats(server.pid).cpuMs - quiet.cpuMs) / quietMs * 100, 0)
          } else if (message.phase === 'window-start') before = { server: procStats(server.pid), driver: procStats(driver.pid as number) }
          else if (message.phase === 'window-end') {
            const after = { server: procStats(server.pid), driver: procStats(driver.pid as number) }
            cpu.push({ server: after.server.cpuMs - before.server.cpuMs, driver: after.driver.cpuMs - before.driver.cpuMs })
            return
          } else if (message.phase === 'error') throw new Error(message.message)
          else if (message.phase === 'done') {
            resolve(message.result as ChatDriverResult)
            return
          }
          driver.send({ go: true })
        }
        step().catch(reject)
      })
      driver.send({ base: server.base, agents: n, chatsPerAgent: options.chatsPerAgent, fill: options.fill, pacedRate: Math.max(1, Math.round(n * options.chatsPerAgent * options.pacedPerChat)), duration: options.duration, settleMs: options.smoke === true ? 50 : 300, backlog: options.backlog ?? 0 } satisfies ChatDriverOptions)
    })
    result.windows.forEach((w, i) => {
      const used = cpu[i] ?? { server: 0, driver: 0 }
      windows.push({
        ...w,
        serverCpuPercent: round(used.server / (w.duration * 1000) * 100, 0),
        cpuUsPerRoundTrip: w.roundTrips > 0 ? round(used.server * 1000 / w.roundTrips, 0) : 0,
        driverCpuUsPerRoundTrip: w.roundTrips > 0 ? round(used.driver * 1000 / w.roundTrips, 0) : 0
      })
    })
    const [none, live, filled] = heap as [ChatHeap, ChatHeap, ChatHeap]
    return {
      ...result,
      windows,
      heap,
      idleCpuPercent,
      kbPerChat: round((live.heapMb - none.heapMb) * 1024 / result.chats, 1),
      kbPerFilledChat: round((filled.heapMb - none.heapMb) * 1024 / result.chats, 1),
      bytesPerMessage: options.fill > 0 ? round((filled.heapMb - live.heapMb) * 2 ** 20 / (result.chats * 2 * options.fill), 0) : 0
    }
  } finally {
    driver.removeAllListeners('exit')
    driver.kill('SIGKILL')
    await server.stop()
  }
}

export function chatTable (r: ChatResult): string {
  const windows = table(
    ['agents', 'chats', 'waiting', 'window', 'round trips/s', 'to agent p50/p99 ms', 'round trip p50 ms', 'p99 ms', 'max ms', 'round trips', 'open after 10 s', 'events/answers per round trip', 'server CPU', 'server CPU µs/round trip', 'driver CPU µs/round trip', 'driver lag p99/max ms'],
    r.windows.map(w => [
      r.agents, r.chats, r.backlog, w.rate === 0 ? 'saturated' : `paced ${w.rate}/s`, w.roundTripsPerSecond, `${w.toAgent.p50}/${w.toAgent.p99}`, w.roundTrip.p50, w.roundTrip.p99, w.roundTrip.max,
      w.roundTrips, w.open, `${w.eventsPerRoundTrip}/${w.answersPerRoundTrip}`, `${w.serverCpuPercent}%`, w.cpuUsPerRoundTrip, w.driverCpuUsPerRoundTrip, `${w.driverLagP99}/${w.driverLagMax}`
    ])
  )
  const memory = table(
    ['server heap after gc', 'messages per chat', 'heap MB', 'RSS MB', 'outbox events/agent'],
    r.heap.map(h => [h.at, h.messagesPerChat, h.heapMb, h.rssMb, h.outboxEventsPerAgent])
  )
  const checks = `Set-up: ${r.agents} agents logged in and ready for chat in ${r.connectMs} ms; ${r.chats} chats started and accepted in ${r.startMs} ms; ` +
    `the fill (${(r.messagesAfterFill - 1) / 2} round trips per chat) in ${r.fillMs} ms; the server's CPU in a quiet second after it ${r.idleCpuPercent}%. Heap per live chat: ${r.kbPerChat} KB with one message, ` +
    `${r.kbPerFilledChat} KB with ${r.messagesAfterFill}; ${r.bytesPerMessage} B per message. ` +
    `Checks: ${r.roundTripsTotal} round trips in all; events lost ${r.lostEvents}, duplicated ${r.duplicatedEvents}; messages duplicated or out of turn ${r.duplicatedMessages}; ` +
    `failures ${r.failures}${r.firstFailure !== undefined ? ` (first: ${r.firstFailure})` : ''}; transcripts not as written ${r.transcriptMismatches}${r.firstMismatch !== undefined ? ` (first: ${r.firstMismatch})` : ''}.`
  return [windows, memory, checks].join('\n\n')
}
