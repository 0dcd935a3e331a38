import t from 'tap'
import { runBenchmarks, reportMarkdown } from '../bench/run.js'

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
  for (const mode of ['sse', 'ws', 'raw']) {
    const max = events.find(c => c.mode === mode && c.rate === 0)
    t.ok(max !== undefined && max.calls > 0, `events ${mode}: calls flowed`)
    t.equal(max?.callsCompleted, max?.calls, `events ${mode}: every call was offered and cleared`)
    t.ok(max !== undefined && max.events > 0 && max.latency.samples > 0, `events ${mode}: events and latencies measured`)
    t.equal(max?.lost, 0, `events ${mode}: nothing lost`)
    t.equal(max?.duplicated, 0, `events ${mode}: nothing duplicated`)
    t.ok(max !== undefined && max.rssConnectedMb > 0, `events ${mode}: server memory read`)
  }

  const outbox = report.outbox ?? []
  t.same(outbox.map(c => c.outboxSize), [1024, 128], 'outbox: the default size and 128')
  t.ok(outbox.every(c => c.eventBytes > 100), 'outbox: filled with the recorded events')
  const [large, small] = outbox
  t.ok(small !== undefined && large !== undefined && large.fullKb > small.fullKb * 4, 'outbox: memory grows with its size')

  const md = reportMarkdown(report)
  for (const heading of ['### HTTP', '### Event path', '### Full outboxes', '### Workflow']) t.match(md, heading, `the report has ${heading}`)
})
