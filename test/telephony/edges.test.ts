import t from 'tap'
import { body } from '../helpers/app.js'
import { Center, step } from '../helpers/contact-center.js'
import { SseReader } from '../helpers/sse.js'

const CALLER = '+15551234567'

t.test('requests the CTI refuses get a failure answer and an error result event with the request id', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  await a2.do('session.notready')
  await cc.call({ from: '+15550000009', to: '1002' })
  cc.drainAll()

  const res = await a1.bar.call('POST', `/services/${a1.bar.app.his.processor.id}/resources/${a1.rid}/requests`, {
    command: 'conversation.transfer', target: a1.target('ix-1', 'primary'), data: { destination: '1002' }, requestId: 'my-request-7'
  })
  t.equal(res.statusCode, 409)
  t.match(body(res), { result: 'failure', requestId: 'my-request-7', failure: { code: 'INVALID_STATE', message: /1002 \(agent2\) is not available/ } })
  const outbox = cc.app.his.clients.get(a1.bar.clientId)?.outbox
  const last = outbox?.read((outbox.latest ?? 1) - 1)
  const event = last?.kind === 'events' ? JSON.parse(last.entries[0]?.json ?? '{}').event : undefined
  t.same(event, {
    name: 'error.interaction.transfer',
    target: `${a1.rid}.voice.ix-1`,
    context: {},
    data: { requestid: 'my-request-7', interactionid: 'ix-1', error: 'INVALID_STATE', description: 'extension 1002 (agent2) is not available' }
  })
  cc.drainAll()

  const cases: Array<[string, string, unknown, number, string]> = [
    ['transfer to an unknown short extension', 'conversation.transfer', { destination: '42' }, 400, 'INVALID_MESSAGE'],
    ['conference with yourself', 'conversation.conference', { destination: '1001' }, 400, 'INVALID_MESSAGE'],
    ['consult with a busy agent', 'interaction.consult', { destination: '1002' }, 409, 'INVALID_STATE']
  ]
  for (const [name, command, data, status, code] of cases) {
    const target = command.startsWith('conversation.') ? a1.target('ix-1', 'primary') : a1.target('ix-1')
    const answer = await a1.req(command, target, data)
    t.equal(answer.status, status, name)
    t.equal(answer.failure?.code, code, name)
    const action = command.slice(command.indexOf('.') + 1)
    t.same(cc.drainAll().agent1, [`ix-1 error.interaction.${action} ${code}`], `${name}: the error event, nothing else`)
  }
  t.same(await cc.agreement(), [])
})

t.test('targets that do not exist: INVALID_TARGET, and the error event (on the interaction when it exists, else the session)', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await cc.call({ from: CALLER, queue: 'sales' })
  cc.drainAll()
  const cases: Array<[string, string, string, string[]]> = [
    ['an interaction of another session', 'interaction.reject', `${a2.rid}.voice.ix-1`, ['error.interaction.reject INVALID_TARGET']],
    ['an interaction that never was', 'interaction.reject', `${a1.rid}.voice.ix-99`, ['error.interaction.reject INVALID_TARGET']],
    ['an interaction on another channel', 'interaction.reject', `${a1.rid}.email.ix-1`, ['error.interaction.reject INVALID_TARGET']],
    ['a conversation target for an interaction command', 'interaction.reject', a1.target('ix-1', 'primary'), ['ix-1 error.interaction.reject INVALID_TARGET']],
    ['a conversation that never was, of a live interaction', 'conversation.answer', `${a1.rid}.voice.ix-1.leg-99`, ['ix-1 error.interaction.answer INVALID_TARGET']]
  ]
  for (const [name, command, target, events] of cases) {
    const answer = await a1.req(command, target)
    t.equal(answer.status, 404, name)
    t.equal(answer.failure?.code, 'INVALID_TARGET', name)
    t.same(cc.drainAll(), { agent1: events, agent2: [] }, `${name}: events`)
  }
})

t.test('a consult that is released, and a consult with an outside number', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  await a1.do('interaction.consult', a1.target('ix-1'), { destination: '+15559990000' })
  cc.drainAll()
  await step(t, cc, 'the outside number answers the consult', () => { cc.advance(3000) }, {
    agent1: [
      'ix-1 conversation consult connected',
      'view ix-1: release alternate consulttransfer consultconference dtmf setdata recording.start',
      'ix-1 STARTED primary:held consult:connected',
      'ix-1 partystatechanged +15559990000 connected'
    ]
  })
  t.equal((await cc.calls()).length, 2, 'two calls: the caller\'s and the consult')
  await step(t, cc, 'the agent releases the consult: the caller is still held', () => a1.do('conversation.release', a1.target('ix-1', 'consult')), {
    agent1: [
      'ix-1 conversation consult disconnected',
      'ix-1 conversation.disposed consult disconnected',
      'view ix-1: release retrieve consult setdata recording.start',
      'ix-1 STARTED primary:held',
      'ix-1 partydeleted',
      'ix-1 release.done'
    ]
  })
  t.match(await cc.calls(), [{ id: call }], 'the consult call is gone')
  await step(t, cc, 'retrieve the caller', () => a1.do('conversation.retrieve', a1.target('ix-1', 'primary')), {
    agent1: ['ix-1 conversation primary connected', 'view ix-1: release hold transfer conference consult dtmf setdata recording.start', 'ix-1 STARTED primary:connected', 'ix-1 retrieve.done']
  })
})

t.test('a transferred call that rings out goes back to its queue', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  await a1.do('conversation.transfer', a1.target('ix-1', 'primary'), { destination: '1002' })
  cc.drainAll()
  await cc.advance(15_000)
  t.match(cc.drainAll().agent2, ['ix-2 ondivert sales ring_no_answer', 'ix-2 conversation primary disconnected'], 'agent2 let it ring out: diverted back to sales')
  t.match(await cc.queues(), [{ id: 'sales', waiting: [{ callId: call }] }], 'the caller waits in sales again')
  t.same(await cc.agreement(), [])
})

t.test('simulator control: bad calls are refused clearly', async t => {
  const cc = await Center.open(t)
  const [, a2] = await cc.login(['agent1', 'agent2'])
  if (a2 === undefined) throw new Error('login')
  await a2.do('channel.dial', undefined, { destination: '+15550001111' })
  const cases: Array<[string, unknown, number, string]> = [
    ['no caller number', { queue: 'sales' }, 400, 'INVALID_MESSAGE'],
    ['a caller number with letters', { from: 'bob', queue: 'sales' }, 400, 'INVALID_MESSAGE'],
    ['an unknown queue', { from: CALLER, queue: 'billing' }, 400, 'INVALID_MESSAGE'],
    ['an unknown extension', { from: CALLER, to: '4242' }, 400, 'INVALID_MESSAGE'],
    ['a busy agent', { from: CALLER, to: '1002' }, 409, 'INVALID_STATE'],
    ['a logged-out agent', { from: CALLER, to: '1003' }, 409, 'INVALID_STATE'],
    ['attached data that is not flat', { from: CALLER, data: { a: { b: 1 } } }, 400, 'INVALID_MESSAGE'],
    ['an unknown field', { from: CALLER, priority: 9 }, 400, 'INVALID_MESSAGE']
  ]
  for (const [name, payload, status, code] of cases) {
    const res = await cc.app.inject({ method: 'POST', url: '/simulator/calls', payload: payload as Record<string, unknown> })
    t.equal(res.statusCode, status, name)
    t.equal(body(res).failure?.code, code, name)
  }
  const res = await cc.app.inject({ method: 'DELETE', url: '/simulator/calls/call-99' })
  t.equal(res.statusCode, 404)
  t.equal(body(res).failure.code, 'UNKNOWN_RESOURCE')
  t.equal((await cc.calls()).length, 1, 'only the agent\'s own outbound call exists')
  const agents = body(await cc.app.inject('/simulator/agents')).agents as Array<{ id: string, state: string }>
  t.same(agents.map(a => `${a.id}:${a.state}`), ['agent1:ready', 'agent2:busy', 'agent3:logged_out', 'agent4:logged_out', 'supervisor1:logged_out'])
  t.notMatch(JSON.stringify(agents), /demo-pass/, 'never a password')
})

t.test('a call flow over a real SSE stream: the agent rings, answers and hangs up', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  await cc.app.listen({ port: 0, host: '127.0.0.1' })
  const address = cc.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const latest = cc.app.his.clients.get(a1.bar.clientId)?.outbox.latest ?? 0
  const sse = await SseReader.connect(`http://127.0.0.1:${address.port}/clients/${a1.bar.clientId}/events?token=${a1.bar.token}`, { 'last-event-id': String(latest) })
  t.teardown(() => { sse.close() })
  await cc.call({ from: CALLER, queue: 'sales' })
  const offered = await sse.take(7)
  t.same(offered.map(f => f.event), ['interaction.added', 'state.updated', 'conversation.created', 'interaction.partyadded', 'interaction.present', 'state.updated', 'state.updated'])
  t.same(offered.map(f => Number(f.id)), [1, 2, 3, 4, 5, 6, 7].map(i => latest + i), 'consecutive ids')
  const added = JSON.parse(offered[0]?.data ?? '{}')
  t.match(added.event, { target: `${a1.rid}.voice.ix-1`, data: { interactionid: 'ix-1', state: 'ALERTING', direction: 'inbound', from: CALLER, conversations: [{ role: 'primary', state: 'alerting' }] } })
  const answer = await a1.req('conversation.answer', a1.target('ix-1', 'primary'))
  const [, , , done] = await sse.take(4)
  t.same(JSON.parse(done?.data ?? '{}').event, {
    name: 'interaction.answer.done', target: `${a1.rid}.voice.ix-1`, context: {}, data: { requestid: answer.requestId, interactionid: 'ix-1' }
  }, 'the result event carries the REST request id')
})
