import { spawn, spawnSync } from 'node:child_process'
import t from 'tap'
import { collections, roundsOf } from '../bench/gc.js'
import { canned } from '../bench/lib.js'
import { runBenchmarks, reportMarkdown } from '../bench/run.js'
import { projectPath } from '../src/paths.js'
import { haveSip } from './helpers/sip.js'

// A smoke run of every benchmark with tiny numbers, so `npm run bench` cannot rot. It checks
// that each one measures something and that delivery loses and duplicates nothing; it asserts no
// speed (benchmarks measure speed, tests do not).

t.setTimeout(180_000)

t.test('npm run bench works end to end with tiny numbers', async (t) => {
  const report = await runBenchmarks({ only: ['workflow', 'http', 'events'], agents: [4], duration: 1, rounds: 1, modes: ['sse', 'ws'], smoke: true })

  const wf = report.workflow
  t.ok(wf !== undefined && wf.eventsPerSecond > 0, 'workflow: events per second measured')
  t.ok(wf !== undefined && wf.stateEventsPublished > 0, 'workflow: the views followed the calls and published state.updated')

  const http = report.http
  t.equal(http?.cases.length, 6, 'http: three routes, ours and bare')
  for (const c of http?.cases ?? []) {
    t.ok(c.rps > 0, `http ${c.target} ${c.name}: requests answered`)
    t.equal(c.errors, 0, `http ${c.target} ${c.name}: no connection errors`)
    t.equal(c.non2xx, 0, `http ${c.target} ${c.name}: every answer a success`)
  }
  t.same(http?.paced.map(c => [c.target, c.rate]), [['ours', 20], ['bare', 20]], 'http: the paced session request, ours and bare')
  for (const c of http?.paced ?? []) {
    t.ok(c.rps > 0 && c.p99 > 0, `http paced ${c.target}: requests answered and timed`)
    t.same([c.errors, c.non2xx], [0, 0], `http paced ${c.target}: every answer a success`)
  }
  t.same(Object.keys(http?.ratios ?? {}).sort(), ['GET /services', 'prepareSession (override)', 'session.ready / notready'], 'http: a ratio per route')

  const events = report.events ?? []
  for (const mode of ['sse', 'ws', 'raw', 'socketio']) {
    const max = events.find(c => c.mode === mode && c.rate === 0 && !c.steady && c.cti === 'embedded')
    t.ok(max !== undefined && max.calls > 0, `events ${mode}: calls flowed`)
    t.equal(max?.callsCompleted, max?.calls, `events ${mode}: every call was offered and cleared`)
    t.ok(max !== undefined && max.events > 0 && max.latency.samples > 0, `events ${mode}: events and latencies measured`)
    t.equal(max?.lost, 0, `events ${mode}: nothing lost`)
    t.equal(max?.duplicated, 0, `events ${mode}: nothing duplicated`)
    t.ok(max !== undefined && max.rssConnectedMb > 0 && max.rssPeakMb > 0, `events ${mode}: server memory read`)
    // Read through the server's inspector after a full collection. Ours hold a session and an
    // outbox per agent; the canned peers' four sockets may weigh less than what V8 gave back.
    t.ok(max?.heapPerAgentKb !== undefined && Number.isFinite(max.heapPerAgentKb) && (canned(mode) || max.heapPerAgentKb > 0), `events ${mode}: heap per agent read (${String(max?.heapPerAgentKb)} KB)`)
    t.ok(max?.heapAfterPerAgentKb !== undefined && Number.isFinite(max.heapAfterPerAgentKb) && (canned(mode) || max.heapAfterPerAgentKb > 0), `events ${mode}: heap per agent read again after the calls (${String(max?.heapAfterPerAgentKb)} KB)`)
    if (mode === 'sse' || mode === 'ws') t.ok(max !== undefined && max.heldPerAgent !== undefined && max.heldPerAgent > 0, `events ${mode}: outbox events read from /metrics`)
  }

  for (const mode of ['sse', 'ws']) {
    const bridged = events.find(c => c.mode === mode && c.rate === 0 && c.cti === 'bridge')
    t.ok(bridged !== undefined && bridged.calls > 0 && bridged.callsCompleted === bridged.calls, `events ${mode} over the CTI bridge: calls flowed and cleared`)
    t.same([bridged?.lost, bridged?.duplicated], [0, 0], `events ${mode} over the CTI bridge: nothing lost or duplicated`)
    t.ok(bridged?.connectorCpuUsPerEvent !== undefined, `events ${mode} over the CTI bridge: the connector's CPU read`)
  }

  const socketio = events.filter(c => c.mode === 'socketio')
  t.same(socketio.map(c => c.rate), [0], 'events socketio: in the smoke run, the saturated run only')
  t.match(reportMarkdown(report), /\| 4 \| socketio \| {2}\| max \| \d+ \| [\d.]+ \|/, 'events socketio: a row of the event table, with its ratio to the raw writer')

  const steady = events.filter(c => c.steady)
  t.same(steady.map(c => c.mode), ['sse', 'ws'], 'events: a steady-state run of the largest N over each face')
  for (const c of steady) t.same([c.lost, c.duplicated, c.callsCompleted > 0], [0, 0, true], `events ${c.mode} steady: calls flowed, nothing lost or duplicated`)

  const outbox = report.outbox ?? []
  t.same(outbox.map(c => [c.agent, c.outboxSize, c.replay, c.held]), [['connected', 1024, 32, 32], ['away', 1024, 32, 1024]],
    'outbox: the default limits; a connected agent holds the replay tail, an away one a full outbox')
  t.ok(outbox.every(c => c.eventBytes > 100), 'outbox: filled with the recorded events')
  const [connected, away] = outbox
  t.ok(connected !== undefined && away !== undefined && away.kb > connected.kb * 8, 'outbox: memory grows with the events held')

  const md = reportMarkdown(report)
  for (const heading of ['### HTTP', '### Event path', '### Outbox memory', '### Workflow']) t.match(md, heading, `the report has ${heading}`)
})

t.test('the chat bench works end to end with tiny numbers (npm run bench -- --only chat)', async (t) => {
  const report = await runBenchmarks({ only: ['chat'], agents: [4], duration: 0.5, rounds: 1, modes: ['ws'], smoke: true })
  const chat = report.chat
  t.equal(chat?.chats, 12, 'chat: 3 chats per agent, each offered and accepted')
  t.same(chat?.windows.map(w => w.name), ['paced', 'saturated'], 'chat: a paced and a saturated window')
  // A paced round trip counts when it is back within the window: on a loaded machine the half
  // second may end first, so only the saturated window must have some.
  const saturated = chat?.windows.find(w => w.name === 'saturated')
  t.ok(saturated !== undefined && saturated.roundTrips > 0 && saturated.roundTrip.samples > 0, 'chat saturated: round trips made and timed')
  for (const w of chat?.windows ?? []) t.equal(w.open, 0, `chat ${w.name}: every round trip came back`)
  t.ok(chat !== undefined && chat.roundTripsTotal >= chat.chats * 2, 'chat: the fill\'s round trips and the windows\' all made')
  t.same([chat?.lostEvents, chat?.duplicatedEvents, chat?.duplicatedMessages, chat?.failures, chat?.transcriptMismatches], [0, 0, 0, 0, 0],
    'chat: nothing lost or duplicated, no request refused, every transcript as written')
  t.same(chat?.heap.map(h => h.at), ['no chats', 'chats live', 'after fill'], 'chat: the three heap readings')
  t.ok(chat !== undefined && chat.heap.every(h => h.heapMb > 0), 'chat: the server\'s heap read')
  t.match(reportMarkdown(report), '### Chat', 'the report has ### Chat')
})

t.test('the GC bench works end to end with tiny numbers (npm run bench -- --only gc)', async (t) => {
  const report = await runBenchmarks({ only: ['gc'], agents: [4], duration: 1, rounds: 1, modes: ['sse'], smoke: true, gc: { seconds: 3, variantSeconds: 0 } })
  const [run] = report.gc ?? []
  t.equal(report.gc?.length, 1, 'gc: the default settings only, when variants get no time')
  t.ok(run !== undefined && run.collections === run.histogram.reduce((sum, h) => sum + h.count, 0), 'gc: every collection of the window in the histogram')
  t.ok(run !== undefined && run.roundsP99.length > 0, 'gc: the rounds\' latency')
  t.equal(run?.rounds.length, run?.roundsP99.length, 'gc: each round\'s collections')
  t.match(reportMarkdown(report), 'round by round', 'the report has the rounds\' table')
  t.same([run?.lost, run?.duplicated], [0, 0], 'gc: nothing lost or duplicated')
  t.match(reportMarkdown(report), '### Garbage collection', 'the report has ### Garbage collection')

  // --trace-gc's lines as Node 20 and 24 print them (a window of 3 s with 4 agents may hold none).
  const text = [
    '[14006:0x5e9e490]       29 ms: Scavenge 3.8 (4.0) -> 3.4 (5.0) MB, 1.07 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
    '[14014:0x19487ec0]       93 ms: Mark-Compact 21.5 (51.9) -> 16.7 (50.7) MB, 14.08 / 0.00 ms  (+ 0.5 ms in 7 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 17 ms) (average mu = 1.000, current mu = 1.000) finalize incremental marking via stack guard; GC in old space requested',
    '[1:0x1]      230 ms: Mark-Compact 59.8 (77.0) -> 46.8 (83.1) MB, pooled: 0 MB, 59.75 / 0.00 ms  (average mu = 0.562, current mu = 0.562) allocation failure; scavenge might not succeed',
    '[1:0x1]      301 ms: Scavenge (interleaved) 10.0 (12.0) -> 9.0 (12.0) MB, pooled: 0 MB, 1.50 / 0.00 ms  (average mu = 0.9, current mu = 0.9) task; ',
    '[1:0x1]      302 ms: Mark-Compact (reduce) 9.0 (12.0) -> 8.0 (12.0) MB, 0.00 / 0.00 ms  (average mu = 0.9, current mu = 0.9) low memory',
    '{"level":40,"msg":"not a collection"}'
  ].join('\n')
  t.same(collections(text).map(c => [c.kind, c.pauseMs, c.stepsMs, c.beforeMb, c.afterMb]), [
    ['Scavenge', 1.07, 0, 3.8, 3.4], ['Mark-Compact', 14.08, 0.5, 21.5, 16.7], ['Mark-Compact', 59.75, 0, 59.8, 46.8],
    ['Scavenge', 1.5, 0, 10, 9], ['Mark-Compact', 0, 0, 9, 8]
  ], 'gc: --trace-gc lines read, interleaved and reducing ones too: kind, pause, marking steps, heap before and after')
  t.same(collections(text).map(c => c.atMs), [29, 93, 230, 301, 302], 'gc: each collection\'s time on the isolate\'s clock')
  t.same(roundsOf(collections(text), [5, 6], 0, 150), [
    { p99: 5, fullCollections: 1, fullMs: 14.6, gcMs: 15.7, largestPauseMs: 14.08 },
    { p99: 6, fullCollections: 1, fullMs: 59.8, gcMs: 59.8, largestPauseMs: 59.75 }
  ], 'gc: each round\'s collections next to its p99 (those after the last round are left out)')
})

t.test('the SIP bench works end to end with tiny numbers (npm run bench:sip)', async (t) => {
  if (!haveSip(t)) return
  if (spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error !== undefined) {
    if (process.env.CI !== undefined) t.fail('sipp is missing: .ci/run installs sip-tester')
    else t.comment('skipped: no sipp (apt-get install sip-tester)')
    return
  }
  const child = spawn(process.execPath, [projectPath('build/bench/sip.js'), '--calls', '4', '--rate', '4', '--agents', '2', '--hold-ms', '300'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c })
  child.stderr.setEncoding('utf8').on('data', (c: string) => { out += c })
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  t.equal(code, 0, `it ran: ${out.slice(-2000)}`)
  const result = JSON.parse(out.split('\n')[0] ?? '{}')
  for (const [name, r] of [['sip', result.sip], ['baseline', result.baseline]] as const) {
    t.equal(r?.successful, 4, `${name}: every call answered`)
    t.equal(r?.lost, 0, `${name}: none lost`)
    // SIPp reports its response times in whole ticks of its clock (4 ms here): a setup of 0 ms is
    // a reading, not a missing one.
    t.ok(Number.isFinite(r?.setupMs?.p50) && r?.setupMs?.p50 >= 0 && r?.answerMs?.p50 > 0, `${name}: setup and answer timed (${JSON.stringify(r?.setupMs)}, ${JSON.stringify(r?.answerMs)})`)
    t.ok(r?.events > 0, `${name}: events reached the bars`)
  }
  t.match(out, /\| SIP connector .*\| simulator connector/s, 'the table has both rows')
})
