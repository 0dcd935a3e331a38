// npm run bench:sip [-- --calls 100 --rate 5 --agents 10 --hold-ms 1500]
//
// Real SIP load (issue 22): SIPp places queue calls through kamailio at a fixed rate; the SIP
// connector's ACD offers each to one of N agents, whose baresip phone rings; each agent's
// "bar" (a REST client with its SSE stream, in this process) answers when the offer reaches it
// and completes the wrap-up when the call ends. SIPp hangs up after --hold-ms. Measured: call
// setup (SIPp's INVITE to the 180 Ringing the agent's phone sends), the bar's offer-to-answer
// path (the answer request to the STARTED event on the bar's stream), the server's event
// delivery, lost calls (must be 0). Everything is on loopback and stops by itself.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { projectPath } from '../src/paths.js'
import { startSipStack } from '../src/cti/sip/stack.js'
import { PROCESSOR_ID, freePort, generatedDirectory, loginAgent, percentile, procStats, round, startProcess, table, type Child } from './lib.js'

const args = parseArgs({
  options: {
    calls: { type: 'string', default: '100' },
    rate: { type: 'string', default: '5' },
    agents: { type: 'string', default: '10' },
    'hold-ms': { type: 'string', default: '1500' }
  }
}).values
const CALLS = Number(args.calls)
const RATE = Number(args.rate)
const AGENTS = Number(args.agents)
const HOLD_MS = Number(args['hold-ms'])

interface Bar {
  agentId: string
  extension: string
  session: string
  token: string
  clientId: string
  /** Interactions being answered: when the answer was sent. */
  answering: Map<string, number>
  events: number
}

const answerMs: number[] = []
let offers = 0
let answered = 0
let completed = 0
let refused = 0
/** The baseline (the simulator connector): when each caller's call was placed, its id, and the offer's delay. */
const placedAt = new Map<string, number>()
const callIds = new Map<string, string>()
const offerMs: number[] = []
let onStarted: ((from: string) => void) | undefined

function post (base: string, token: string, path: string, body: unknown): Promise<{ status: number, text: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = request(base + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => { text += c }).on('end', () => { resolve({ status: res.statusCode ?? 0, text }) })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** The bar's stream: answers an offer, completes a wrap-up, times the answer to STARTED. */
function stream (base: string, bar: Bar): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/clients/${bar.clientId}/events?token=${bar.token}&names=false`, { headers: { accept: 'text/event-stream' } }, res => {
      if (res.statusCode !== 200) { reject(new Error(`stream: ${res.statusCode ?? 0}`)); return }
      resolve(() => { req.destroy() })
      let buffer = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const line = frame.split('\n').find(l => l.startsWith('data:'))
          if (line === undefined) continue
          bar.events++
          onEvent(base, bar, JSON.parse(line.slice(5)))
        }
      })
    })
    req.on('error', reject)
    req.end()
  })
}

function onEvent (base: string, bar: Bar, envelope: any): void {
  const event = envelope?.event
  if (event === undefined || typeof event.target !== 'string') return
  const parts = event.target.split('.')
  if (parts.length !== 3 || parts[1] !== 'voice') return
  const target = event.target as string
  const data = event.data ?? {}
  const path = `/services/${PROCESSOR_ID}/resources/${bar.session}/requests`
  if (event.name === 'interaction.added' && data.state === 'ALERTING') {
    offers++
    const at = placedAt.get(String(data.from))
    if (at !== undefined) offerMs.push(performance.now() - at)
    const conv = data.conversations?.[0]?.conversationid
    bar.answering.set(target, performance.now())
    void post(base, bar.token, path, { command: 'conversation.answer', target: `${target}.${String(conv)}` }).then(r => { if (r.status !== 200) refused++ })
  } else if (event.name === 'state.updated' && data.state === 'STARTED') {
    const since = bar.answering.get(target)
    if (since !== undefined) {
      answerMs.push(performance.now() - since)
      bar.answering.delete(target)
      answered++
      onStarted?.(String(data.from))
    }
  } else if (event.name === 'state.updated' && data.state === 'ENDED') {
    void post(base, bar.token, path, { command: 'interaction.complete', target }).then(r => { if (r.status === 200) completed++; else refused++ })
  }
}

/** SIPp's caller: INVITE to the queue, the route set kamailio recorded for ACK and BYE. */
function scenario (): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="queue call through kamailio">
  <send retrans="500" start_rtd="1">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:caller[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller[call_number]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" rtd="1"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: <sip:caller[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <pause milliseconds="${HOLD_MS}"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: <sip:caller[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
`
}

/** Logs the bars in and makes them ready; returns them and the functions that close their streams. */
async function openBars (base: string, agents: Array<{ id: string, extension: string }>, stops: Array<() => void>): Promise<Bar[]> {
  const bars: Bar[] = []
  for (const a of agents) {
    const { clientId, token, session } = await loginAgent(base, a.id, 'bench-pass')
    const bar: Bar = { agentId: a.id, extension: a.extension, session, token, clientId, answering: new Map(), events: 0 }
    stops.push(await stream(base, bar))
    const ready = await post(base, token, `/services/${PROCESSOR_ID}/resources/${session}/requests`, { command: 'session.ready' })
    if (ready.status !== 200) throw new Error(`${a.id} ready: ${ready.text}`)
    bars.push(bar)
  }
  return bars
}

function resetCounts (): void {
  answerMs.length = 0
  offerMs.length = 0
  offers = answered = completed = refused = 0
}

/**
 * The same calls, bars and rate with the simulator connector instead of SIP (the baseline of
 * the same run): calls placed with POST /simulator/calls, hung up with DELETE after --hold-ms.
 */
async function baseline (directory: string, agents: Array<{ id: string, extension: string }>): Promise<Record<string, unknown>> {
  resetCounts()
  const children: Child[] = []
  const stops: Array<() => void> = []
  try {
    const connector = await startProcess('build/src/cti/simulator/main.js', { SIM_DIRECTORY_FILE: directory, SIM_LOGIN_DELAY_MS: '0', CHAT_MAX_PER_AGENT: '0', LOG_LEVEL: 'warn' })
    children.push(connector)
    const server = await startProcess('build/src/server.js', { CTI_URL: connector.base.replace(/^http/, 'ws'), LOG_LEVEL: 'warn' })
    children.push(server)
    const bars = await openBars(server.base, agents, stops)
    let hungUp = 0
    onStarted = from => {
      setTimeout(() => {
        const callId = callIds.get(from)
        if (callId === undefined) return
        void fetch(`${server.base}/simulator/calls/${callId}`, { method: 'DELETE' }).then(async r => { await r.arrayBuffer(); hungUp++ })
      }, HOLD_MS)
    }
    const before = { server: procStats(server.pid), connector: procStats(connector.pid) }
    const started = performance.now()
    let placed = 0
    let failed = 0
    await new Promise<void>(resolve => {
      const timer = setInterval(() => {
        if (placed >= CALLS) { clearInterval(timer); resolve(); return }
        const from = `+1555${String(placed).padStart(7, '0')}`
        placed++
        placedAt.set(from, performance.now())
        void fetch(`${server.base}/simulator/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, queue: 'sales' }) })
          .then(async r => { const j = await r.json() as { callId?: string }; if (j.callId === undefined) failed++; else callIds.set(from, j.callId) }, () => { failed++ })
      }, 1000 / RATE)
    })
    const deadline = Date.now() + 60_000
    const settled = (): boolean => hungUp + failed >= CALLS && completed >= CALLS - failed
    while (!settled() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
    const elapsedS = (performance.now() - started) / 1000
    const after = { server: procStats(server.pid), connector: procStats(connector.pid) }
    const events = bars.reduce((n, b) => n + b.events, 0)
    const setup = [...offerMs].sort((a, b) => a - b)
    const answers = [...answerMs].sort((a, b) => a - b)
    return {
      cti: 'simulator connector',
      successful: completed,
      lost: CALLS - completed,
      setupMs: { p50: round(percentile(setup, 50)), p99: round(percentile(setup, 99)), max: round(setup[setup.length - 1] ?? NaN) },
      answerMs: { p50: round(percentile(answers, 50)), p99: round(percentile(answers, 99)), max: round(answers[answers.length - 1] ?? NaN) },
      events,
      eventsPerS: round(events / elapsedS),
      serverCpuMsPerCall: round((after.server.cpuMs - before.server.cpuMs) / CALLS, 2),
      connectorCpuMsPerCall: round((after.connector.cpuMs - before.connector.cpuMs) / CALLS, 2)
    }
  } finally {
    onStarted = undefined
    for (const stop of stops) stop()
    for (const c of children.reverse()) await c.stop()
  }
}

type Result = Record<string, any>

async function main (): Promise<void> {
  if (spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error !== undefined) throw new Error('npm run bench:sip needs SIPp (Debian package sip-tester)')
  const directory = generatedDirectory(AGENTS)
  const agents = Array.from({ length: AGENTS }, (_, i) => ({ id: `bench-${i + 1}`, extension: String(2000 + i) }))
  try {
    const sip = await runSip(directory, agents)
    const sim = await baseline(directory, agents)
    const row = (r: Result): Array<string | number> => [
      String(r.cti), `${String(r.successful)} of ${CALLS}`, Number(r.lost), `${String(r.setupMs.p50)} / ${String(r.setupMs.p99)} / ${String(r.setupMs.max)}`,
      `${String(r.answerMs.p50)} / ${String(r.answerMs.p99)} / ${String(r.answerMs.max)}`, `${String(r.events)} (${String(r.eventsPerS)}/s)`, `${String(r.serverCpuMsPerCall)} ms`, `${String(r.connectorCpuMsPerCall)} ms`
    ]
    process.stdout.write(`${JSON.stringify({ calls: CALLS, rate: RATE, agents: AGENTS, holdMs: HOLD_MS, sip, baseline: sim })}\n\n`)
    process.stdout.write(`${CALLS} queue calls at ${RATE}/s to ${AGENTS} agents answering from their bars, ${HOLD_MS} ms each\n\n`)
    process.stdout.write(table(['CTI', 'answered', 'lost', 'setup p50 / p99 / max (ms)', 'answer → STARTED p50 / p99 / max (ms)', 'events at the bars', 'server CPU / call', 'connector CPU / call'], [row(sip), row(sim)]) + '\n')
    if (Number(sip.lost) > 0 || Number(sim.lost) > 0) process.exitCode = 1
  } finally {
    rmSync(join(directory, '..'), { recursive: true, force: true })
  }
}

async function runSip (directory: string, agents: Array<{ id: string, extension: string }>): Promise<Result> {
  resetCounts()
  const work = mkdtempSync(join(tmpdir(), 'his-bench-sip-'))
  const stack = await startSipStack({ agents: agents.map(a => a.extension) })
  const children: Child[] = []
  const stops: Array<() => void> = []
  try {
    const connector = await startSipConnectorProcess({
      SIM_DIRECTORY_FILE: directory,
      SIP_EVAPI: `${stack.evapi.host}:${stack.evapi.port}`,
      SIP_DOMAIN: stack.domain,
      SIP_PHONES: stack.phones.map(p => `${p.extension}=${p.host}:${p.port}`).join(',')
    })
    children.push(connector.child)
    const server = await startProcess('build/src/server.js', { CTI_URL: connector.url, LOG_LEVEL: 'warn' })
    children.push(server)
    const bars = await openBars(server.base, agents, stops)
    writeFileSync(join(work, 'queue-call.xml'), scenario())
    const sippPort = await freePort()
    const before = { server: procStats(server.pid), connector: procStats(connector.child.pid) }
    const started = performance.now()
    const sipp = spawn('sipp', [stack.domain, '-sf', join(work, 'queue-call.xml'), '-s', 'sales', '-i', '127.0.0.1', '-p', String(sippPort),
      '-mi', '127.0.0.1', '-mp', String(await freePort()), '-r', String(RATE), '-m', String(CALLS), '-l', String(AGENTS * 3),
      '-timeout', '180s', '-timeout_error', '-trace_stat', '-fd', '1', '-trace_rtt', '-rtt_freq', '1', '-bg', '-nostdin'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
    let sippOut = ''
    sipp.stdout.setEncoding('utf8').on('data', (c: string) => { sippOut += c })
    sipp.stderr.setEncoding('utf8').on('data', (c: string) => { sippOut += c })
    // -bg: SIPp forks into the background and prints its pid; wait for that pid to end.
    await new Promise<void>(resolve => sipp.once('exit', () => { resolve() }))
    const pid = Number(/PID=\[(\d+)\]/.exec(sippOut)?.[1] ?? 0)
    const deadline = Date.now() + 240_000
    const alive = (): boolean => {
      try { process.kill(pid, 0); return true } catch { return false }
    }
    for (;;) {
      if (pid === 0 || !alive()) break
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL')
        break
      }
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    const elapsedS = (performance.now() - started) / 1000
    await new Promise(resolve => setTimeout(resolve, 500))
    const after = { server: procStats(server.pid), connector: procStats(connector.child.pid) }
    const files = readdirSync(work)
    const statFile = files.find(f => f.endsWith('_.csv'))
    const rttFile = files.find(f => f.endsWith('_rtt.csv'))
    if (statFile === undefined || rttFile === undefined) throw new Error(`SIPp wrote no statistics: ${sippOut} ${files.join(', ')}`)
    const statLines = readFileSync(join(work, statFile), 'utf8').trim().split('\n')
    const header = (statLines[0] ?? '').split(';')
    const last = (statLines[statLines.length - 1] ?? '').split(';')
    const stat = (name: string): number => Number(last[header.indexOf(name)] ?? NaN)
    const setup = readFileSync(join(work, rttFile), 'utf8').trim().split('\n').slice(1).map(l => Number(l.split(';')[1])).filter(n => Number.isFinite(n)).sort((a, b) => a - b)
    const answers = [...answerMs].sort((a, b) => a - b)
    const events = bars.reduce((n, b) => n + b.events, 0)
    const ok = stat('SuccessfulCall(C)')
    const failed = stat('FailedCall(C)')
    return {
      cti: 'SIP connector (SIPp → kamailio → baresip)',
      successful: ok,
      failed,
      lost: CALLS - ok,
      offers,
      answered,
      completed,
      refused,
      setupMs: { p50: round(percentile(setup, 50)), p99: round(percentile(setup, 99)), max: round(setup[setup.length - 1] ?? NaN) },
      answerMs: { p50: round(percentile(answers, 50)), p99: round(percentile(answers, 99)), max: round(answers[answers.length - 1] ?? NaN) },
      events,
      eventsPerS: round(events / elapsedS),
      elapsedS: round(elapsedS),
      serverCpuMsPerCall: round((after.server.cpuMs - before.server.cpuMs) / CALLS, 2),
      connectorCpuMsPerCall: round((after.connector.cpuMs - before.connector.cpuMs) / CALLS, 2)
    }
  } finally {
    for (const stop of stops) stop()
    for (const c of children.reverse()) await c.stop()
    await stack.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

/** The SIP connector as its own process (npm run sip-connector), on a free port. */
async function startSipConnectorProcess (env: Record<string, string>): Promise<{ url: string, child: Child }> {
  const port = await freePort()
  const child = spawn(process.execPath, [projectPath('build/src/cti/sip/main.js')], { env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c })
  child.stderr.setEncoding('utf8').on('data', (c: string) => { out += c })
  const done = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  const url = `ws://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the SIP connector exited: ${out}`)
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`the SIP connector did not start: ${out}`) }
    const up = await new Promise<boolean>(resolve => {
      const req = request(`http://127.0.0.1:${port}/`, res => { res.resume(); resolve(true) })
      req.on('error', () => { resolve(false) })
      req.end()
    })
    if (up) break
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return {
    url,
    child: {
      child,
      base: url,
      pid: child.pid ?? 0,
      output: () => out,
      async stop () {
        if (child.exitCode === null) child.kill('SIGTERM')
        const timer = setTimeout(() => { child.kill('SIGKILL') }, 5000)
        await done
        clearTimeout(timer)
      }
    }
  }
}

await main()
