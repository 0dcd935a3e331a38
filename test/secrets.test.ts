import t from 'tap'
import { AGENT1, AGENT2, PROCESSOR_ID, RestClient, WM, build } from './helpers/app.js'
import { SseReader } from './helpers/sse.js'

// Agent passwords and client tokens must never appear in a log line, a response body (data and
// original echoes included) or an event. This test runs every path that carries one, with the
// log at its most verbose, and scans everything the server produced.
t.test('no password or token in any log line, response or event', async t => {
  const { app, clock, logs, listen } = await build(t)
  const base = await listen()
  const bar = await RestClient.open(app, 'scan')
  const rival = await RestClient.open(app, 'rival')
  const sse = await SseReader.connect(`${base}/clients/${bar.clientId}/events?token=${bar.token}`)
  const rivalSse = await SseReader.connect(`${base}/clients/${rival.clientId}/events`, { authorization: `Bearer ${rival.token}` })

  const rid = await bar.login(AGENT1, { model: 'default', override: false, cti: PROCESSOR_ID, extra: { password: AGENT1.password, token: 'x' } })
  clock.advance(100)
  await bar.request(rid, 'session.ready')
  // Bad credentials, bad shapes and confirm/failure echoes, all carrying a password.
  await bar.prepareSession({ agent: { id: 'agent2', password: 'not-the-password' } })
  await bar.prepareSession({ agent: { id: 'agent2', password: AGENT2.password }, model: 'nope' })
  await bar.prepareSession({ agent: { id: 'agent2', password: AGENT2.password, extra: 1 }, override: 'yes' })
  await bar.call('POST', `/services/${PROCESSOR_ID}/requests`, { command: 'prepareSession', data: { agent: { id: 'agent2', password: AGENT2.password }, model: 7 } })
  await bar.call('POST', `/services/${PROCESSOR_ID}/requests`, { command: 'nope', data: { password: AGENT2.password } })
  await bar.request(rid, 'session.notready', { reason: 'BREAK', password: AGENT2.password })
  const truncated = await app.inject({
    method: 'POST',
    url: `/services/${PROCESSOR_ID}/sessions`,
    headers: { authorization: `Bearer ${bar.token}`, 'content-type': 'application/json' },
    payload: `{"agent":{"id":"agent2","password":"${AGENT2.password}"`
  })
  bar.bodies.push(truncated.body)
  // Confirm, then override by the rival: the old client is told, with nothing secret.
  await rival.bindService(PROCESSOR_ID)
  await rival.bindService(WM)
  await rival.prepareSession({ agent: AGENT1 })
  await rival.prepareSession({ agent: AGENT1, override: true })
  await rival.bindResource(PROCESSOR_ID, rid)
  await rival.bindResource(WM, rid)
  clock.advance(100)
  await rival.request(rid, 'session.logout', { reason: 'end of shift' })
  // Unknown routes and failed auth with tokens in the query string.
  await app.inject(`/nope?token=${bar.token}`)
  await app.inject(`/clients/${bar.clientId}/events?token=${rival.token}`)
  await bar.call('GET', '/metrics')
  await sse.until(f => f.data?.includes('replaced') === true)
  await rivalSse.until(f => f.event === 'session.ended')

  sse.close()
  rivalSse.close()
  await app.close()

  const secrets = [AGENT1.password, AGENT2.password, 'not-the-password', bar.token, rival.token]
  const produced: Array<[string, string]> = [
    ['logs', logs.text],
    ['responses', [...bar.bodies, ...rival.bodies].join('\n')],
    ['events', [...sse.frames, ...rivalSse.frames].map(f => JSON.stringify(f)).join('\n')]
  ]
  t.ok(logs.lines.length > 50, 'the log was verbose')
  t.match(logs.text, /token=\[redacted\]/, 'query tokens are replaced in request logs')
  t.ok(sse.frames.length > 5 && rivalSse.frames.length > 3, 'events were captured')
  for (const [where, text] of produced) {
    for (const secret of secrets) {
      t.notOk(text.includes(secret), `no secret in ${where} (${secret.slice(0, 3)}…)`)
    }
    t.notMatch(text, /"password"\s*:/, `no password field at all in ${where}`)
  }
})
