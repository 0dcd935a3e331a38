// The client side of the chat bench, in its own process (forked by bench/chat.ts): N agents'
// media bars over the WebSocket face (login over REST as the media bar does, then one socket each,
// resumed, every request after that over the socket), and the customers, who write through the
// simulator's control route POST /simulator/chats/{id}/messages (loopback HTTP, keep-alive).
//
// One round trip: a customer writes `q <n>` → the agent's socket gets that chat.message → the agent
// answers at once with chat.send `a <n>` → the agent gets the echo (its own chat.message). Each chat
// has at most one round trip open (a closed loop per chat); phases: start and accept every chat,
// fill (each chat `fill` round trips, for the memory reading), then a paced window (round trips
// started at a set rate over all chats) and a saturated one (every chat starts its next round trip
// as soon as the last one is back). Loss and duplication are checked three ways: every client's
// eventIds go 1, 2, 3 … with no gap or repeat, every customer message reaches its agent once and
// every answer echoes once, and at the end every chat's transcript (GET /simulator/chats/{id})
// ends with the last answer and has exactly the messages written (its messageIds count them).
import { Agent } from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import WebSocket from 'ws'
import { PROCESSOR_ID, keepAliveCaller, loginAgent, percentile, pool } from './lib.js'

export interface ChatDriverOptions {
  base: string
  agents: number
  chatsPerAgent: number
  /** round trips per chat before the memory reading (each adds a customer message and an answer) */
  fill: number
  /** round trips per second over all chats in the paced window */
  pacedRate: number
  /** seconds of each window (paced, saturated) */
  duration: number
  /** ms to let the last events land before each reading (300; the smoke run less) */
  settleMs: number
  /** chats started after the fill that wait in the queue (every agent is full) through the windows */
  backlog: number
}

export interface ChatWindow {
  name: 'paced' | 'saturated'
  /** the paced rate asked for (round trips/s); 0: saturated */
  rate: number
  duration: number
  roundTrips: number
  roundTripsPerSecond: number
  /** customer message → the agent's socket has it (ms) */
  toAgent: { p50: number, p99: number, max: number }
  /** customer message → the agent's answer echoed back to the agent (ms) */
  roundTrip: { p50: number, p99: number, max: number, samples: number }
  /** round trips still open 10 s after the window */
  open: number
  /** events and answers the agents' sockets carried per round trip in the window */
  eventsPerRoundTrip: number
  answersPerRoundTrip: number
  driverLagP99: number
  driverLagMax: number
}

export interface ChatDriverResult {
  agents: number
  chats: number
  /** chats waiting in the queue through the windows */
  backlog: number
  connectMs: number
  startMs: number
  fillMs: number
  /** messages each chat held at the memory readings: after the start (the first), after the fill */
  messagesAtStart: number
  messagesAfterFill: number
  windows: ChatWindow[]
  /** eventIds skipped or repeated, over every client */
  lostEvents: number
  duplicatedEvents: number
  /** customer messages the agent got twice or out of turn, answers echoed twice or out of turn */
  duplicatedMessages: number
  /** requests refused (chat.send, accept, channel.ready) and customer POSTs that failed */
  failures: number
  firstFailure: string | undefined
  /** chats whose transcript did not end as the driver expects (count, last answer) */
  transcriptMismatches: number
  firstMismatch: string | undefined
  roundTripsTotal: number
}

interface Bar {
  index: number
  session: string
  clientId: string
  token: string
  ws?: WebSocket
  lastId: number
  requests: number
}

interface Chat {
  id: string
  from: string
  bar?: Bar
  target?: string
  live: boolean
  /** customer messages written (the open round trip's number) */
  seq: number
  open: boolean
  seen: boolean
  sentAt: number
  /** round trips completed */
  done: number
  /** in the fill phase: round trips still to do */
  fillLeft: number
}

const http = new Agent({ keepAlive: true, maxSockets: 64 })
let options: ChatDriverOptions
const bars: Bar[] = []
const chats: Chat[] = []
const byFrom = new Map<string, Chat>()
const byTarget = new Map<string, Chat>()
const counts = { events: 0, answers: 0 }
const stats = { lostEvents: 0, duplicatedEvents: 0, duplicatedMessages: 0, failures: 0, firstFailure: undefined as string | undefined }
let pending = new Map<string, (response: any) => void>()
let phase: 'setup' | 'fill' | 'paced' | 'saturated' | 'drain' = 'setup'
let measuring = false
let windowRoundTrips = 0
let toAgent: number[] = []
let roundTrips: number[] = []
const idle: Chat[] = []
let filling = 0

function send (message: unknown): void {
  process.send?.(message)
}

function fail (what: string): void {
  stats.failures++
  stats.firstFailure ??= what
}

const call = keepAliveCaller(() => options.base, http)

/** A resource request over the agent's socket; resolves with its response. */
async function resourceRequest (bar: Bar, command: string, target: string, data?: unknown): Promise<any> {
  const requestId = `${bar.index}-${++bar.requests}`
  return await new Promise(resolve => {
    pending.set(requestId, resolve)
    bar.ws?.send(JSON.stringify({ messageType: 'resourceRequest', requestId, serviceId: PROCESSOR_ID, resourceId: bar.session, request: { command, target, ...(data !== undefined && { data }) } }))
  })
}

function onMessage (bar: Bar, text: string): void {
  const m = JSON.parse(text)
  if (measuring) { if (typeof m.eventId === 'number') counts.events++; else counts.answers++ }
  // BENCH_DEBUG: the first messages agent 1's socket gets in each window, as they come.
  if (process.env.BENCH_DEBUG !== undefined && measuring && bar.index === 0 && counts.events < 12) process.stderr.write(text.slice(0, 400) + '\n')
  if (typeof m.eventId === 'number') {
    if (m.eventId <= bar.lastId) stats.duplicatedEvents++
    else {
      if (m.eventId > bar.lastId + 1) stats.lostEvents += m.eventId - bar.lastId - 1
      bar.lastId = m.eventId
    }
  }
  if (m.messageType === 'resourceResponse') {
    const resolve = pending.get(m.requestId)
    if (resolve !== undefined) { pending.delete(m.requestId); resolve(m.response) }
    if (m.response?.result !== 'success') fail(`${String(m.response?.command)}: ${JSON.stringify(m.response?.failure)}`)
    return
  }
  if (m.messageType !== 'resourceEvent' || m.serviceId !== PROCESSOR_ID) return
  const event = m.event
  const target = event.target as string
  if (event.name === 'interaction.added' && target.startsWith(`${bar.session}.chat.`)) {
    const chat = byFrom.get(event.data.from)
    if (chat === undefined && String(event.data.from).startsWith('Waiting ')) { fail(`a waiting chat was offered: ${String(event.data.from)}`); return }
    if (chat === undefined) { fail(`an offer of an unknown chat from ${String(event.data.from)}`); return }
    chat.bar = bar
    chat.target = target
    byTarget.set(target, chat)
    void resourceRequest(bar, 'interaction.accept', target)
  } else if (event.name === 'state.updated' && event.data?.state === 'STARTED') {
    const chat = byTarget.get(target)
    if (chat !== undefined) chat.live = true
  } else if (event.name === 'chat.message') {
    const chat = byTarget.get(target)
    if (chat === undefined || chat.bar === undefined) return
    const { from, text } = event.data as { from: string, text: string }
    if (from === 'customer') {
      // The first message (the chat's start) comes with the offer; answers go to `q <n>` only.
      if (!text.startsWith('q ')) return
      const n = Number(text.slice(2))
      if (!chat.open || chat.seen || n !== chat.seq) { stats.duplicatedMessages++; return }
      chat.seen = true
      if (measuring) toAgent.push(performance.now() - chat.sentAt)
      void resourceRequest(chat.bar, 'chat.send', target, { text: `a ${n}` })
    } else if (from === 'agent') {
      const n = Number(text.slice(2))
      if (!chat.open || !chat.seen || n !== chat.seq) { stats.duplicatedMessages++; return }
      chat.open = false
      chat.done++
      if (measuring) {
        roundTrips.push(performance.now() - chat.sentAt)
        windowRoundTrips++
      }
      next(chat)
    }
  }
}

/** What a chat does when its round trip is back. */
function next (chat: Chat): void {
  if (phase === 'fill') {
    if (--chat.fillLeft > 0) write(chat)
    else filling--
  } else if (phase === 'saturated' && measuring) write(chat)
  else idle.push(chat)
}

/** The customer writes the chat's next message. */
function write (chat: Chat): void {
  chat.seq++
  chat.open = true
  chat.seen = false
  chat.sentAt = performance.now()
  call('POST', `/simulator/chats/${chat.id}/messages`, { text: `q ${chat.seq}` }).then(answer => {
    if (answer.result !== 'success') fail(`customer message: ${JSON.stringify(answer)}`)
  }, (err: Error) => { fail(`customer message: ${err.message}`) })
}

function openWs (bar: Bar): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.base.replace(/^http/, 'ws') + '/ws', { perMessageDeflate: false })
    bar.ws = ws
    ws.on('error', reject)
    ws.on('open', () => {
      ws.send(JSON.stringify({ messageType: 'coreRequest', requestId: 'resume', command: 'resume', clientId: bar.clientId, token: bar.token, lastEventId: 0 }))
    })
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString()
      if (text.startsWith('{"messageType":"coreResponse"') && text.includes('"command":"resume"')) { resolve(); return }
      onMessage(bar, text)
    })
    ws.on('close', (code: number) => { if (phase !== 'drain') fail(`socket ${bar.index} closed (${code})`) })
  })
}

async function until (what: string, done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`${what}: not done in ${ms / 1000} s`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

async function go (message: unknown): Promise<void> {
  send(message)
  await new Promise<void>(resolve => process.once('message', () => { resolve() }))
}

const r2 = (n: number): number => Math.round(n * 100) / 100
const summary = (values: number[]): { p50: number, p99: number, max: number } => {
  const sorted = [...values].sort((x, y) => x - y)
  return { p50: r2(percentile(sorted, 50)), p99: r2(percentile(sorted, 99)), max: r2(sorted.at(-1) ?? 0) }
}

async function window (name: 'paced' | 'saturated', rate: number): Promise<ChatWindow> {
  idle.splice(0, idle.length, ...chats)
  toAgent = []
  roundTrips = []
  windowRoundTrips = 0
  counts.events = 0
  counts.answers = 0
  await go({ phase: 'window-start', name })
  const lag = monitorEventLoopDelay({ resolution: 5 })
  lag.enable()
  phase = name
  measuring = true
  const start = performance.now()
  const end = start + options.duration * 1000
  let started = 0
  if (rate === 0) for (const chat of idle.splice(0)) write(chat)
  while (performance.now() < end) {
    if (rate > 0) {
      const due = Math.floor((performance.now() - start) / 1000 * rate)
      while (started < due && idle.length > 0) { write(idle.shift() as Chat); started++ }
    }
    await new Promise(resolve => setTimeout(resolve, rate === 0 ? 50 : 5))
  }
  measuring = false
  lag.disable()
  const elapsed = (performance.now() - start) / 1000
  send({ phase: 'window-end', name })
  const drainUntil = performance.now() + 10000
  while (chats.some(c => c.open) && performance.now() < drainUntil) await new Promise(resolve => setTimeout(resolve, 20))
  return {
    name,
    rate,
    duration: r2(elapsed),
    roundTrips: windowRoundTrips,
    roundTripsPerSecond: Math.round(windowRoundTrips / elapsed),
    toAgent: summary(toAgent),
    roundTrip: { ...summary(roundTrips), samples: roundTrips.length },
    open: chats.filter(c => c.open).length,
    eventsPerRoundTrip: r2(counts.events / Math.max(1, windowRoundTrips)),
    answersPerRoundTrip: r2(counts.answers / Math.max(1, windowRoundTrips)),
    driverLagP99: r2(lag.percentile(99) / 1e6),
    driverLagMax: r2(lag.max / 1e6)
  }
}

async function main (opts: ChatDriverOptions): Promise<ChatDriverResult> {
  options = opts
  pending = new Map()
  const t0 = performance.now()
  const logins = await pool(Array.from({ length: opts.agents }, (_, i) => i), 16, async i => await loginAgent(opts.base, `bench-${i + 1}`, 'bench-pass'))
  logins.forEach((login, index) => bars.push({ index, ...login, lastId: 0, requests: 0 }))
  await pool(bars, 64, openWs)
  await pool(bars, 16, async bar => {
    const answer = await resourceRequest(bar, 'channel.ready', `${bar.session}.chat`)
    if (answer.result !== 'success') throw new Error(`channel.ready: ${JSON.stringify(answer)}`)
  })
  // Each outbox warmed to its steady tail (OUTBOX_REPLAY, 32 events, by default) before the first
  // heap reading, so that the readings differ by the chats, not by outboxes filling: the chat
  // channel toggled not ready and ready (its state.updated events) until each client has had 40.
  await pool(bars, 16, async bar => {
    for (let i = 0; i < 50 && bar.lastId < 40; i++) {
      await resourceRequest(bar, 'channel.notready', `${bar.session}.chat`)
      await resourceRequest(bar, 'channel.ready', `${bar.session}.chat`)
    }
  })
  await new Promise(resolve => setTimeout(resolve, opts.settleMs))
  const connectMs = performance.now() - t0
  await go({ phase: 'connected' })

  // Every chat started (into the queue the agents serve) and accepted; 3 per agent fill every slot.
  const t1 = performance.now()
  const count = opts.agents * opts.chatsPerAgent
  await pool(Array.from({ length: count }, (_, i) => i), 16, async i => {
    const from = `Customer ${i + 1}`
    const chat: Chat = { id: '', from, live: false, seq: 0, open: false, seen: false, sentAt: 0, done: 0, fillLeft: 0 }
    byFrom.set(from, chat)
    const answer = await call('POST', '/simulator/chats', { from, queue: 'sales', text: 'Hello' })
    if (answer.result !== 'success') throw new Error(`start chat: ${JSON.stringify(answer)}`)
    chat.id = answer.chatId
    chats.push(chat)
  })
  await until('every chat offered and accepted', () => chats.every(c => c.live), 60000)
  const perAgent = new Map<Bar | undefined, number>()
  for (const c of chats) perAgent.set(c.bar, (perAgent.get(c.bar) ?? 0) + 1)
  if (perAgent.size !== opts.agents || [...perAgent.values()].some(n => n !== opts.chatsPerAgent)) throw new Error(`chats per agent: ${JSON.stringify([...perAgent.values()])}`)
  await new Promise(resolve => setTimeout(resolve, opts.settleMs))
  const startMs = performance.now() - t1
  await go({ phase: 'started' })

  // The fill: each chat `fill` round trips, all chats at once.
  const t2 = performance.now()
  if (opts.fill > 0) {
    phase = 'fill'
    filling = chats.length
    for (const chat of chats) { chat.fillLeft = opts.fill; write(chat) }
    await until('the fill', () => filling === 0, 120000)
  }
  await new Promise(resolve => setTimeout(resolve, opts.settleMs))
  const fillMs = performance.now() - t2
  await go({ phase: 'filled' })

  // The backlog: chats nobody can take (every slot is held), waiting in the queue the whole time.
  if (opts.backlog > 0) {
    await pool(Array.from({ length: opts.backlog }, (_, i) => i), 16, async i => {
      const answer = await call('POST', '/simulator/chats', { from: `Waiting ${i + 1}`, queue: 'sales', text: 'Hello?' })
      if (answer.result !== 'success') throw new Error(`start a waiting chat: ${JSON.stringify(answer)}`)
    })
  }

  const windows = [await window('paced', opts.pacedRate), await window('saturated', 0)]
  phase = 'drain'

  // Every transcript, as the customer sees it.
  let transcriptMismatches = 0
  let firstMismatch: string | undefined
  const keep = new Set<number>()
  await pool(chats, 16, async chat => {
    const answer = await call('GET', `/simulator/chats/${chat.id}`)
    const messages = answer.chat?.messages as Array<{ messageId: string, from: string, text: string }> | undefined
    const last = messages?.at(-1)
    const written = 1 + 2 * chat.seq
    const lastSeq = Number(/-m(\d+)$/.exec(last?.messageId ?? '')?.[1] ?? -1)
    keep.add(messages?.length ?? 0)
    const ok = last !== undefined && lastSeq === written && last.from === 'agent' && last.text === `a ${chat.seq}` && chat.done === chat.seq &&
      messages !== undefined && messages.every((m, i) => i === 0 || Number(/-m(\d+)$/.exec(m.messageId)?.[1]) === Number(/-m(\d+)$/.exec(messages[i - 1]?.messageId ?? '')?.[1]) + 1)
    if (!ok) {
      transcriptMismatches++
      firstMismatch ??= `${chat.id}: ${chat.seq} written, ${chat.done} back; transcript ends ${JSON.stringify(last)} (${messages?.length ?? 0} kept)`
    }
  })
  for (const bar of bars) bar.ws?.close()
  return {
    agents: opts.agents,
    chats: chats.length,
    backlog: opts.backlog,
    connectMs: Math.round(connectMs),
    startMs: Math.round(startMs),
    fillMs: Math.round(fillMs),
    messagesAtStart: 1,
    messagesAfterFill: 1 + 2 * opts.fill,
    windows,
    lostEvents: stats.lostEvents,
    duplicatedEvents: stats.duplicatedEvents,
    duplicatedMessages: stats.duplicatedMessages,
    failures: stats.failures,
    firstFailure: stats.firstFailure,
    transcriptMismatches,
    firstMismatch,
    roundTripsTotal: chats.reduce((sum, c) => sum + c.done, 0)
  }
}

// The bench process gone (killed, crashed): nothing is left to report to.
process.once('disconnect', () => { process.exit(1) })
process.once('message', (opts: ChatDriverOptions) => {
  main(opts).then(result => {
    send({ phase: 'done', result })
    setTimeout(() => process.exit(0), 100)
  }, (err: Error) => {
    send({ phase: 'error', message: err.stack ?? err.message })
    setTimeout(() => process.exit(1), 100)
  })
})
