import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { AGENT1, AGENT2, PROCESSOR_ID, RestClient, WM, body, build } from './helpers/app.js'
import { hasResultEvent, isSessionCommand } from '../src/schemas/session-requests.schema.js'

interface Case {
  name: string
  method: 'GET' | 'POST' | 'DELETE'
  url: string
  status: number
  code: string
  payload?: unknown
  headers?: Record<string, string>
  /** Sent as raw text (not JSON-encoded). */
  raw?: string
}

/** Everything a client or operator could observe about the server's state. */
async function observable (app: FastifyInstance, owner: RestClient, rid: string): Promise<unknown> {
  return {
    services: body(await app.inject('/services')).data.services,
    agents: body(await app.inject('/simulator/agents')).agents,
    session: await owner.snapshot(PROCESSOR_ID, rid),
    workflow: await owner.snapshot(WM, rid),
    clients: app.his.clients.size
  }
}

/** The names of the events the client was sent after `after`. */
function eventsAfter (app: FastifyInstance, owner: RestClient, after: number): string[] {
  const read = app.his.clients.get(owner.clientId)?.outbox.read(after)
  return read?.kind === 'events' ? read.entries.map(e => e.name) : ['(gap)']
}

t.test('bad input on every route: a clear failure with the right status and code, and no change of state', async t => {
  const { app, clock } = await build(t)
  const owner = await RestClient.open(app, 'owner')
  const rid = await owner.login(AGENT1)
  clock.advance(100)
  await owner.request(rid, 'session.ready')
  const other = await RestClient.open(app, 'other')
  await other.bindService(PROCESSOR_ID)
  await other.bindService(WM)
  const stranger = await RestClient.open(app, 'stranger')

  const auth = (c: RestClient): Record<string, string> => ({ authorization: `Bearer ${c.token}` })
  const P = `/services/${PROCESSOR_ID}`
  const R = `${P}/resources/${rid}`
  const cases: Case[] = [
    // unknown routes
    { name: 'unknown route', method: 'GET', url: '/nope?token=x', status: 404, code: 'UNKNOWN_COMMAND' },
    // POST /clients
    { name: 'client name of the wrong type', method: 'POST', url: '/clients', payload: { name: 5 }, status: 400, code: 'INVALID_MESSAGE' },
    { name: 'client with an unknown field', method: 'POST', url: '/clients', payload: { name: 'x', admin: true }, status: 400, code: 'INVALID_MESSAGE' },
    { name: 'client name too long', method: 'POST', url: '/clients', payload: { name: 'x'.repeat(101) }, status: 400, code: 'INVALID_MESSAGE' },
    { name: 'body that is not JSON', method: 'POST', url: '/clients', raw: '{"name":', headers: { 'content-type': 'application/json' }, status: 400, code: 'INVALID_MESSAGE' },
    { name: 'body of another content-type', method: 'POST', url: '/clients', raw: 'name=x', headers: { 'content-type': 'text/plain' }, status: 415, code: 'INVALID_MESSAGE' },
    { name: 'body too large', method: 'POST', url: '/clients', raw: JSON.stringify({ name: 'x'.repeat(70000) }), headers: { 'content-type': 'application/json' }, status: 413, code: 'INVALID_MESSAGE' },
    // DELETE /clients/:id
    { name: 'close without a token', method: 'DELETE', url: `/clients/${owner.clientId}`, status: 401, code: 'AUTH_FAILED' },
    { name: 'close another client', method: 'DELETE', url: `/clients/${owner.clientId}`, headers: auth(other), status: 401, code: 'AUTH_FAILED' },
    { name: 'close with a malformed Authorization', method: 'DELETE', url: `/clients/${owner.clientId}`, headers: { authorization: 'Basic abc' }, status: 401, code: 'AUTH_FAILED' },
    // bind / unbind service
    { name: 'bind without a token', method: 'POST', url: `${P}/binding`, status: 401, code: 'AUTH_FAILED' },
    { name: 'bind an unknown service', method: 'POST', url: '/services/nope/binding', headers: auth(stranger), status: 404, code: 'UNKNOWN_SERVICE' },
    { name: 'unbind a service not bound', method: 'DELETE', url: `${P}/binding`, headers: auth(stranger), status: 403, code: 'NOT_BOUND' },
    { name: 'unbind an unknown service', method: 'DELETE', url: '/services/nope/binding', headers: auth(stranger), status: 404, code: 'UNKNOWN_SERVICE' },
    // service requests
    { name: 'service request without a command', method: 'POST', url: `${P}/requests`, payload: { data: {} }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'service request with an unknown field', method: 'POST', url: `${P}/requests`, payload: { command: 'getCapabilities', x: 1 }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'unknown service command', method: 'POST', url: `${P}/requests`, payload: { command: 'reboot' }, headers: auth(other), status: 400, code: 'UNKNOWN_COMMAND' },
    { name: 'service request when not bound', method: 'POST', url: `${P}/requests`, payload: { command: 'getCapabilities' }, headers: auth(stranger), status: 403, code: 'NOT_BOUND' },
    { name: 'service request to the Workflow Manager', method: 'POST', url: `/services/${WM}/requests`, payload: { command: 'getCapabilities' }, headers: auth(other), status: 400, code: 'UNKNOWN_COMMAND' },
    { name: 'prepareSession through the generic route with bad data', method: 'POST', url: `${P}/requests`, payload: { command: 'prepareSession', data: { agent: 'agent1' } }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'capabilities when not bound', method: 'GET', url: `${P}/capabilities`, headers: auth(stranger), status: 403, code: 'NOT_BOUND' },
    { name: 'capabilities of an unknown service', method: 'GET', url: '/services/nope/capabilities', headers: auth(other), status: 404, code: 'UNKNOWN_SERVICE' },
    // prepareSession
    { name: 'prepareSession without agent', method: 'POST', url: `${P}/sessions`, payload: { model: '' }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'prepareSession without password', method: 'POST', url: `${P}/sessions`, payload: { agent: { id: 'agent2' } }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'prepareSession with a numeric password', method: 'POST', url: `${P}/sessions`, payload: { agent: { id: 'agent2', password: 1234 } }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'prepareSession with override as a string', method: 'POST', url: `${P}/sessions`, payload: { agent: AGENT2, override: 'true' }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'prepareSession with a dotted agent id', method: 'POST', url: `${P}/sessions`, payload: { agent: { id: 'a.b', password: 'x' } }, headers: auth(other), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'prepareSession with a wrong password', method: 'POST', url: `${P}/sessions`, payload: { agent: { id: 'agent2', password: 'wrong' } }, headers: auth(other), status: 401, code: 'AUTH_FAILED' },
    { name: 'prepareSession of an unknown agent', method: 'POST', url: `${P}/sessions`, payload: { agent: { id: 'ghost', password: 'x' } }, headers: auth(other), status: 401, code: 'AUTH_FAILED' },
    { name: 'prepareSession with an unknown model', method: 'POST', url: `${P}/sessions`, payload: { agent: AGENT2, model: 'nope' }, headers: auth(other), status: 400, code: 'UNKNOWN_MODEL' },
    { name: 'prepareSession when not bound', method: 'POST', url: `${P}/sessions`, payload: { agent: AGENT2 }, headers: auth(stranger), status: 403, code: 'NOT_BOUND' },
    { name: 'prepareSession on the Workflow Manager', method: 'POST', url: `/services/${WM}/sessions`, payload: { agent: AGENT2 }, headers: auth(other), status: 400, code: 'UNKNOWN_COMMAND' },
    { name: 'prepareSession without a token', method: 'POST', url: `${P}/sessions`, payload: { agent: AGENT2 }, status: 401, code: 'AUTH_FAILED' },
    // resource binding
    { name: 'bind an unknown resource', method: 'POST', url: `${P}/resources/nope/binding`, headers: auth(other), status: 404, code: 'UNKNOWN_RESOURCE' },
    { name: 'bind a resource of a service not bound', method: 'POST', url: `${R}/binding`, headers: auth(stranger), status: 403, code: 'NOT_BOUND' },
    { name: 'bind a resource another client holds', method: 'POST', url: `${R}/binding`, headers: auth(other), status: 409, code: 'ALREADY_BOUND' },
    { name: 'bind the other client\'s workflow session', method: 'POST', url: `/services/${WM}/resources/${rid}/binding`, headers: auth(other), status: 409, code: 'ALREADY_BOUND' },
    { name: 'unbind a resource not bound', method: 'DELETE', url: `${R}/binding`, headers: auth(other), status: 403, code: 'NOT_BOUND' },
    { name: 'unbind an unknown resource', method: 'DELETE', url: `${P}/resources/nope/binding`, headers: auth(other), status: 404, code: 'UNKNOWN_RESOURCE' },
    // resource requests
    { name: 'request on a resource not bound', method: 'POST', url: `${R}/requests`, payload: { command: 'session.notready' }, headers: auth(other), status: 403, code: 'NOT_BOUND' },
    { name: 'request on an unknown resource', method: 'POST', url: `${P}/resources/nope/requests`, payload: { command: 'session.notready' }, headers: auth(other), status: 404, code: 'UNKNOWN_RESOURCE' },
    { name: 'request without a command', method: 'POST', url: `${R}/requests`, payload: { target: rid }, headers: auth(owner), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'request with an unknown field', method: 'POST', url: `${R}/requests`, payload: { command: 'session.notready', verb: 'x' }, headers: auth(owner), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'unknown session command', method: 'POST', url: `${R}/requests`, payload: { command: 'session.explode' }, headers: auth(owner), status: 400, code: 'UNKNOWN_COMMAND' },
    { name: 'vendor request', method: 'POST', url: `${R}/requests`, payload: { command: 'interaction.request.acme.whisper' }, headers: auth(owner), status: 422, code: 'UNSUPPORTED' },
    { name: 'not-ready reason of the wrong type', method: 'POST', url: `${R}/requests`, payload: { command: 'session.notready', data: { reason: 7 } }, headers: auth(owner), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'unknown not-ready reason code', method: 'POST', url: `${R}/requests`, payload: { command: 'session.notready', data: { reason: 'NAP' } }, headers: auth(owner), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'a system reason code an agent cannot choose', method: 'POST', url: `${R}/requests`, payload: { command: 'session.notready', data: { reason: 'RNA' } }, headers: auth(owner), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'data where none is expected', method: 'POST', url: `${R}/requests`, payload: { command: 'session.login', data: { force: true } }, headers: auth(owner), status: 400, code: 'INVALID_MESSAGE' },
    { name: 'target in another session', method: 'POST', url: `${R}/requests`, payload: { command: 'session.notready', target: 'Simulator-agent2' }, headers: auth(owner), status: 404, code: 'INVALID_TARGET' },
    { name: 'a channel target for a session command', method: 'POST', url: `${R}/requests`, payload: { command: 'session.notready', target: `${rid}.voice` }, headers: auth(owner), status: 404, code: 'INVALID_TARGET' },
    { name: 'an unknown channel', method: 'POST', url: `${R}/requests`, payload: { command: 'channel.notready', target: `${rid}.fax` }, headers: auth(owner), status: 404, code: 'INVALID_TARGET' },
    { name: 'an interaction that does not exist', method: 'POST', url: `${R}/requests`, payload: { command: 'interaction.complete', target: `${rid}.voice.nope` }, headers: auth(owner), status: 404, code: 'INVALID_TARGET' },
    { name: 'an interaction command without a target', method: 'POST', url: `${R}/requests`, payload: { command: 'conversation.answer' }, headers: auth(owner), status: 404, code: 'INVALID_TARGET' },
    { name: 'a request the current state does not allow', method: 'POST', url: `${R}/requests`, payload: { command: 'session.ready' }, headers: auth(owner), status: 409, code: 'INVALID_STATE' },
    { name: 'login while logged in', method: 'POST', url: `${R}/requests`, payload: { command: 'session.login' }, headers: auth(owner), status: 409, code: 'INVALID_STATE' },
    { name: 'a request to the workflow session', method: 'POST', url: `/services/${WM}/resources/${rid}/requests`, payload: { command: 'session.ready' }, headers: auth(owner), status: 400, code: 'UNKNOWN_COMMAND' },
    // snapshots
    { name: 'snapshot of a resource not bound', method: 'GET', url: R, headers: auth(other), status: 403, code: 'NOT_BOUND' },
    { name: 'snapshot of an unknown resource', method: 'GET', url: `${P}/resources/nope`, headers: auth(owner), status: 404, code: 'UNKNOWN_RESOURCE' },
    { name: 'snapshot without a token', method: 'GET', url: R, status: 401, code: 'AUTH_FAILED' },
    // simulator
    { name: 'advance by a negative time', method: 'POST', url: '/simulator/clock', payload: { advanceMs: -1 }, status: 400, code: 'INVALID_MESSAGE' }
  ]

  const before = await observable(app, owner, rid)
  for (const c of cases) {
    const latest = app.his.clients.get(owner.clientId)?.outbox.latest ?? 0
    const res = await app.inject({
      method: c.method,
      url: c.url,
      headers: c.headers ?? {},
      ...(c.raw !== undefined ? { payload: c.raw } : c.payload !== undefined ? { payload: c.payload as Record<string, unknown> } : {})
    })
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    let b: any
    t.doesNotThrow(() => { b = JSON.parse(res.body) }, `${c.name}: JSON body`)
    t.equal(b?.result, 'failure', `${c.name}: result failure`)
    t.equal(b?.failure?.code, c.code, `${c.name}: code`)
    t.type(b?.failure?.message, 'string', `${c.name}: message`)
    t.notMatch(b?.failure?.message ?? '', /at .*\.js:\d+/, `${c.name}: no stack trace`)
    t.same(await observable(app, owner, rid), before, `${c.name}: state unchanged`)
    // An interaction request that fails tells the client by its error event too; nothing else is sent.
    const command = c.payload !== null && typeof c.payload === 'object' ? String(Reflect.get(c.payload, 'command')) : ''
    const refused = c.url.endsWith('/requests') && c.url.includes(`/${PROCESSOR_ID}/resources/`) && isSessionCommand(command) && hasResultEvent(command) && c.status !== 401
    t.same(eventsAfter(app, owner, latest), refused ? [`error.interaction.${command.slice(command.indexOf('.') + 1)}`] : [], `${c.name}: events`)
  }
  t.notOk(app.his.processor.sessionOfAgent('agent2'), 'no session was created by any bad prepareSession')
})

t.test('the simulator clock only moves by hand when it is manual', async t => {
  const { app } = await build(t, {}, { realClock: true })
  const res = await app.inject({ method: 'POST', url: '/simulator/clock', payload: { advanceMs: 10 } })
  t.equal(res.statusCode, 422)
  t.equal(body(res).failure.code, 'UNSUPPORTED')
  t.match(body(res).failure.message, /SIM_CLOCK=manual/)
})

t.test('repeated bad passwords lock the agent out, and the right password does not unlock it early', async t => {
  const { app, clock } = await build(t)
  const bar = await RestClient.open(app)
  await bar.bindService(PROCESSOR_ID)
  await bar.bindService(WM)
  for (let i = 0; i < 5; i++) {
    t.equal((await bar.prepareSession({ agent: { id: 'agent2', password: 'wrong' } })).statusCode, 401)
  }
  let res = await bar.prepareSession({ agent: AGENT2 })
  t.equal(res.statusCode, 403)
  t.equal(body(res).failure.code, 'LOCKED_OUT')
  clock.advance(300_000)
  // The record owns no session, so it went after CLIENT_UNBOUND_MS: the bar opens a new one, from the same address.
  const again = await RestClient.open(app)
  await again.bindService(PROCESSOR_ID)
  await again.bindService(WM)
  res = await again.prepareSession({ agent: AGENT2 })
  t.equal(res.statusCode, 201, 'the lock ends on the simulator clock')
})

t.test('a resource request whose target segment contains nothing known is INVALID_TARGET, not a crash', async t => {
  const { app, clock } = await build(t)
  const bar = await RestClient.open(app)
  const rid = await bar.login(AGENT1)
  clock.advance(100)
  for (const target of [`${rid}.`, `${rid}..`, '.', `${rid}.voice.x.y.z`, 'x'.repeat(512)]) {
    const res = await bar.request(rid, 'session.notready', undefined, target)
    t.equal(res.statusCode, 404, JSON.stringify(target))
    t.equal(body(res).failure.code, 'INVALID_TARGET')
  }
  const res = await bar.request(rid, 'session.notready', undefined, 'x'.repeat(513))
  t.equal(res.statusCode, 400, 'an over-long target is refused by the schema')
})

t.test('a malformed target of the session says it is not a target path; one of another session says so', async t => {
  const { app, clock } = await build(t)
  const bar = await RestClient.open(app)
  const rid = await bar.login(AGENT1)
  clock.advance(100)
  for (const target of [`${rid}.`, `${rid}..ix-1`, `${rid}.voice.ix-1.leg-2.x`]) {
    const res = await bar.request(rid, 'conversation.hold', undefined, target)
    t.match(body(res), { result: 'failure', failure: { code: 'INVALID_TARGET', message: /is not a target path/ } }, JSON.stringify(target))
  }
  t.match(body(await bar.request(rid, 'conversation.hold', undefined, 'Simulator-agent2.voice.ix-1.leg-2')), { failure: { code: 'INVALID_TARGET', message: /not in session/ } })
})

t.test('a command that needs data fields, sent without data, is refused before anything reaches the CTI', async t => {
  const { app, clock } = await build(t, { SIM_LOGIN_DELAY_MS: 0 })
  const bar = await RestClient.open(app)
  const rid = await bar.login(AGENT1)
  clock.advance(0)
  await bar.request(rid, 'session.ready')
  await app.inject({ method: 'POST', url: '/simulator/calls', payload: { from: '+15551234567', to: '1001', data: { account: '42' } } })
  const ix = `${rid}.voice.ix-1`
  await bar.request(rid, 'conversation.answer', undefined, `${ix}.leg-2`)
  const cases: Array<[string, string]> = [['conversation.dtmf', `${ix}.leg-2`], ['interaction.setdata', ix], ['conversation.transfer', `${ix}.leg-2`], ['channel.dial', `${rid}.voice`]]
  for (const [command, target] of cases) {
    for (const data of [undefined, '', null]) {
      const res = await bar.request(rid, command, data, target)
      t.equal(res.statusCode, 400, `${command} with data ${JSON.stringify(data)}`)
      t.match(body(res), { result: 'failure', failure: { code: 'INVALID_MESSAGE', message: new RegExp(`^${command.replace('.', '\\.')} data`) } })
    }
  }
  const calls = body(await app.inject('/simulator/calls')).calls
  t.same(calls[0]?.data, { account: '42' }, 'the call\'s attached data is untouched')
})
