import t from 'tap'
import { Center, step } from '../helpers/contact-center.js'

// The call flows of the simulator, each asserting every event every agent's media bar receives,
// in order, with the buttons (workflow capabilities) after every step. `view X: …` lines are
// the workflow's state.updated for target X with the enabled capabilities (short names); the
// rest are the processor's events. docs/event-flows.md documents the same sequences.

const CALLER = '+15551234567'
const TALKING = 'release hold transfer conference consult dtmf setdata recording.start'
const IDLE_READY = 'view session: logout notready dial'

/** An agent is offered a call: a new ALERTING interaction and its first parties. */
function offered (ix: string, direction: string, from: string, parties: string[], wasIdle = true): string[] {
  return [
    `${ix} added ALERTING ${direction} from ${from}`,
    `view ${ix}: answer reject setdata`,
    `${ix} conversation.created primary alerting`,
    ...parties.map(p => `${ix} partyadded ${p}`),
    `${ix} present`,
    ...(wasIdle ? ['agent busy', 'view session: '] : [])
  ]
}

/** The agent's own answer: the conversation connects, the interaction starts. */
function answered (ix: string): string[] {
  return [`${ix} conversation primary connected`, `${ix} STARTED primary:connected`, `view ${ix}: ${TALKING}`]
}

/** A started interaction ends: wrap-up begins. */
function ended (ix: string, wrapUp = true): string[] {
  return [
    `${ix} conversation primary disconnected`,
    `${ix} ENDED`,
    `view ${ix}: setdata complete`,
    `${ix} conversation.disposed primary disconnected`,
    ...(wrapUp ? ['agent wrap_up'] : [])
  ]
}

/** An ended interaction is completed (by the agent or the wrap-up time) and goes. */
function completed (ix: string, after = ['agent ready', IDLE_READY]): string[] {
  return [`${ix} COMPLETED`, `view ${ix}: `, `${ix} notcontrolled`, `${ix} deleted completed`, ...after]
}

/** An interaction that never started goes at once (ring-no-answer, reject, abandon). */
function gone (ix: string, reason: string): string[] {
  return [
    `${ix} conversation primary disconnected`,
    `${ix} COMPLETED`,
    `view ${ix}: `,
    `${ix} conversation.disposed primary disconnected`,
    `${ix} notcontrolled`,
    `${ix} deleted ${reason}`
  ]
}

t.test('inbound: queued, offered to the agent, answered, released, completed', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  let call = ''
  await step(t, cc, 'a call comes into the sales queue', async () => { call = await cc.call({ from: CALLER, queue: 'sales', data: { account: '42' } }) }, {
    agent1: [
      'ix-1 added ALERTING inbound from +15551234567',
      'view ix-1: answer reject setdata',
      'ix-1 conversation.created primary alerting',
      'ix-1 partyadded +15551234567 connected',
      'ix-1 present',
      'agent busy',
      'view session: '
    ]
  })
  const [ix] = await a1.interactions()
  t.match(ix, { id: 'ix-1', state: 'ALERTING', direction: 'inbound', from: CALLER, queue: 'sales', udata: { account: '42' } })
  t.same(a1.caps('ix-1'), ['answer', 'reject', 'setdata'], 'answer only while alerting')

  await step(t, cc, 'the agent answers', () => a1.do('conversation.answer', a1.target('ix-1', 'primary')), {
    agent1: [
      'ix-1 conversation primary connected',
      'ix-1 STARTED primary:connected',
      `view ix-1: ${TALKING}`,
      'ix-1 answer.done'
    ]
  })
  t.match((await cc.calls())[0], { id: call, state: 'connected', data: { account: '42' } })

  await step(t, cc, 'the agent releases', () => a1.do('conversation.release', a1.target('ix-1', 'primary')), {
    agent1: [
      'ix-1 conversation primary disconnected',
      'ix-1 ENDED',
      'view ix-1: setdata complete',
      'ix-1 conversation.disposed primary disconnected',
      'agent wrap_up',
      'ix-1 release.done'
    ]
  })
  t.same(await cc.calls(), [], 'the call is gone from the simulator')
  t.same(a1.caps(), [], 'nothing to do in the session view during wrap-up')

  await step(t, cc, 'the agent completes wrap-up', () => a1.do('interaction.complete', a1.target('ix-1'), { disposition: 'sale' }), {
    agent1: ['ix-1 COMPLETED', 'view ix-1: ', 'ix-1 notcontrolled', 'ix-1 deleted completed', 'agent ready', IDLE_READY, 'ix-1 complete.done']
  })
  t.same(await a1.interactions(), [])
})

t.test('hold and retrieve; the caller hangs up; wrap-up ends by the model\'s timeout', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  cc.drainAll()
  const primary = a1.target('ix-1', 'primary')
  await step(t, cc, 'hold', () => a1.do('conversation.hold', primary), {
    agent1: ['ix-1 conversation primary held', 'view ix-1: release retrieve consult setdata recording.start', 'ix-1 STARTED primary:held', 'ix-1 hold.done']
  })
  t.same(a1.caps('ix-1'), ['release', 'retrieve', 'consult', 'setdata', 'recording.start'], 'retrieve only while held')
  await step(t, cc, 'retrieve', () => a1.do('conversation.retrieve', primary), {
    agent1: ['ix-1 conversation primary connected', `view ix-1: ${TALKING}`, 'ix-1 STARTED primary:connected', 'ix-1 retrieve.done']
  })
  await step(t, cc, 'the caller hangs up', () => cc.hangup(call), {
    agent1: ['ix-1 partydeleted', ...ended('ix-1')]
  })
  await step(t, cc, '59 s of wrap-up: nothing yet', () => { cc.advance(59_000) }, {})
  await step(t, cc, 'the model\'s 60 s wrap-up ends', () => { cc.advance(1000) }, { agent1: completed('ix-1') })
})

t.test('blind transfer to another agent: the call moves, the other media bar sees it', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  cc.drainAll()
  await step(t, cc, 'agent1 transfers to agent2\'s extension', () => a1.do('conversation.transfer', a1.target('ix-1', 'primary'), { destination: '1002' }), {
    agent1: ['ix-1 onsinglesteptransfer', ...ended('ix-1'), 'ix-1 transfer.done'],
    agent2: offered('ix-2', 'transfer', CALLER, ['+15551234567 connected'])
  })
  await step(t, cc, 'agent2 answers', () => a2.do('conversation.answer', a2.target('ix-2', 'primary')), {
    agent2: [...answered('ix-2'), 'ix-2 answer.done']
  })
  t.match(await cc.calls(), [{ id: call, state: 'connected', parties: [{ number: CALLER }, { agentId: 'agent2' }] }])
  await step(t, cc, 'agent1 completes', () => a1.do('interaction.complete', a1.target('ix-1')), {
    agent1: [...completed('ix-1', ['agent ready', IDLE_READY]), 'ix-1 complete.done']
  })
})

t.test('consult, then consult transfer', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales', data: { account: '42' } })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  cc.drainAll()
  await step(t, cc, 'agent1 consults agent2: the caller is held', () => a1.do('interaction.consult', a1.target('ix-1'), { destination: '1002' }), {
    agent1: [
      'ix-1 conversation primary held',
      'view ix-1: release retrieve consult setdata recording.start',
      'ix-1 conversation.created consult dialing',
      'view ix-1: release setdata recording.start',
      'ix-1 STARTED primary:held consult:dialing',
      'ix-1 partyadded 1002 alerting',
      'ix-1 consult.done'
    ],
    agent2: offered('ix-2', 'consult', '1001', ['1001 dialing'])
  })
  t.same(a1.caps('ix-1'), ['release', 'setdata', 'recording.start'], 'no consult transfer before the consult leg connects')
  t.match((await a2.interactions())[0], { udata: { account: '42' } }, 'the consulted agent sees the caller\'s data')
  await step(t, cc, 'agent2 answers the consult call', () => a2.do('conversation.answer', a2.target('ix-2', 'primary')), {
    agent1: [
      'ix-1 conversation consult connected',
      'view ix-1: release alternate consulttransfer consultconference dtmf setdata recording.start',
      'ix-1 STARTED primary:held consult:connected',
      'ix-1 partystatechanged 1002 connected'
    ],
    agent2: [...answered('ix-2'), 'ix-2 partystatechanged 1001 connected', 'ix-2 answer.done']
  })
  await step(t, cc, 'consult transfer: the caller goes to agent2', () => a1.do('interaction.consulttransfer', a1.target('ix-1')), {
    agent1: [
      'ix-1 onmerge',
      'ix-1 conversation primary disconnected',
      'ix-1 conversation consult disconnected',
      'ix-1 ENDED',
      'view ix-1: setdata complete',
      'ix-1 conversation.disposed primary disconnected',
      'ix-1 conversation.disposed consult disconnected',
      'agent wrap_up',
      'ix-1 consulttransfer.done'
    ],
    agent2: ['ix-2 partydeleted', 'ix-2 partyadded +15551234567 connected']
  })
  t.match(await cc.calls(), [{ id: call, parties: [{ number: CALLER }, { agentId: 'agent2' }] }], 'one call left: the caller and agent2')
  await step(t, cc, 'the caller hangs up on agent2', () => cc.hangup(call), { agent2: ['ix-2 partydeleted', ...ended('ix-2')] })
})

t.test('consult, alternate, then consult conference; two agents in one conference', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  await a1.do('interaction.consult', a1.target('ix-1'), { destination: '1002' })
  await a2.do('conversation.answer', a2.target('ix-2', 'primary'))
  cc.drainAll()
  t.same(a1.caps('ix-1'), ['release', 'alternate', 'consulttransfer', 'consultconference', 'dtmf', 'setdata', 'recording.start'])
  await step(t, cc, 'alternate: back to the caller, agent2 held', () => a1.do('interaction.alternate', a1.target('ix-1')), {
    // consulting and alternated enable the same buttons: no workflow event.
    agent1: ['ix-1 conversation primary connected', 'ix-1 conversation consult held', 'ix-1 STARTED primary:connected consult:held', 'ix-1 alternate.done'],
    agent2: ['ix-2 partystatechanged 1001 held']
  })
  await step(t, cc, 'alternate again: back to agent2', () => a1.do('interaction.alternate', a1.target('ix-1')), {
    agent1: ['ix-1 conversation consult connected', 'ix-1 conversation primary held', 'ix-1 STARTED primary:held consult:connected', 'ix-1 alternate.done'],
    agent2: ['ix-2 partystatechanged 1001 connected']
  })
  await step(t, cc, 'consult conference: all three on the caller\'s call', () => a1.do('interaction.consultconference', a1.target('ix-1')), {
    agent1: [
      'ix-1 onmerge',
      'ix-1 conversation consult disconnected',
      'ix-1 conversation.disposed consult disconnected',
      'view ix-1: release retrieve consult setdata recording.start',
      'ix-1 conversation primary connected',
      `view ix-1: ${TALKING}`,
      'ix-1 STARTED primary:connected',
      'ix-1 consultconference.done'
    ],
    agent2: ['ix-2 partydeleted', 'ix-2 partyadded +15551234567 connected', 'ix-2 partyadded 1001 connected']
  })
  t.match(await cc.calls(), [{ id: call, parties: [{ number: CALLER }, { agentId: 'agent1' }, { agentId: 'agent2' }] }])
  t.match((await a1.interactions())[0]?.parties, [{ focusresource: CALLER }, { focusresource: '1002' }], 'agent1 sees both other parties')
  await step(t, cc, 'agent1 leaves the conference; agent2 and the caller go on', () => a1.do('conversation.release', a1.target('ix-1', 'primary')), {
    agent1: [...ended('ix-1'), 'ix-1 release.done'],
    agent2: ['ix-2 partydeleted']
  })
  await step(t, cc, 'the caller hangs up', () => cc.hangup(call), { agent2: ['ix-2 partydeleted', ...ended('ix-2')] })
})

t.test('single-step conference: the added agent rings, answers and joins; the caller leaves, the agents talk on', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  cc.drainAll()
  await step(t, cc, 'agent1 conferences agent2 in', () => a1.do('conversation.conference', a1.target('ix-1', 'primary'), { destination: '1002' }), {
    agent1: ['ix-1 partyadded 1002 alerting', 'ix-1 onsinglestepconference', 'ix-1 conference.done'],
    agent2: offered('ix-2', 'conference', CALLER, ['+15551234567 connected', '1001 connected'])
  })
  await step(t, cc, 'agent2 answers and joins', () => a2.do('conversation.answer', a2.target('ix-2', 'primary')), {
    agent1: ['ix-1 partystatechanged 1002 connected'],
    agent2: [...answered('ix-2'), 'ix-2 answer.done']
  })
  await step(t, cc, 'the caller hangs up: two agents remain on the call', () => cc.hangup(call), {
    agent1: ['ix-1 partydeleted'],
    agent2: ['ix-2 partydeleted']
  })
  await step(t, cc, 'agent2 hangs up: the call ends for agent1 too', () => a2.do('conversation.release', a2.target('ix-2', 'primary')), {
    agent1: ['ix-1 partydeleted', ...ended('ix-1')],
    agent2: [...ended('ix-2'), 'ix-2 release.done']
  })
})

t.test('ring-no-answer with the RNA model: back to the queue, the agent made not ready RNA and told', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'], { model: 'RNA' })
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await step(t, cc, 'agent1 (idle longest) is offered the call', () => cc.call({ from: CALLER, queue: 'sales' }), {
    agent1: offered('ix-1', 'inbound', CALLER, ['+15551234567 connected'])
  })
  await step(t, cc, '9.9 s of ringing: nothing', () => { cc.advance(9_900) }, {})
  await step(t, cc, 'the RNA model\'s 10 s ring timeout: the call goes to agent2', () => { cc.advance(100) }, {
    agent1: ['ix-1 ondivert sales ring_no_answer', ...gone('ix-1', 'ring_no_answer'), 'agent not_ready RNA', 'view session: logout ready notice.ring_no_answer'],
    agent2: offered('ix-2', 'inbound', CALLER, ['+15551234567 connected'])
  })
  t.same(a1.caps(), ['logout', 'ready', 'notice.ring_no_answer'], 'the RNA model\'s own view state for RNA')
  await step(t, cc, 'agent1 acknowledges by going ready', () => a1.do('session.ready'), { agent1: ['agent ready', IDLE_READY] })
})

t.test('ring-no-answer with the default model, and no other agent: the call waits in the queue', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  const call = await cc.call({ from: CALLER, queue: 'sales' })
  cc.drainAll()
  await step(t, cc, 'the default 15 s ring timeout', () => { cc.advance(15_000) }, {
    agent1: ['ix-1 ondivert sales ring_no_answer', ...gone('ix-1', 'ring_no_answer'), 'agent not_ready RNA', 'view session: logout ready notready dial']
  })
  t.match(await cc.queues(), [{ id: 'sales', waiting: [{ callId: call }], readyAgents: [] }])
  await step(t, cc, 'ready again: the call is offered again', () => a1.do('session.ready'), {
    agent1: ['agent ready', IDLE_READY, ...offered('ix-2', 'inbound', CALLER, ['+15551234567 connected'])]
  })
})

t.test('reject: the call goes to the next agent first', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined) throw new Error('login')
  await cc.call({ from: CALLER, queue: 'sales' })
  cc.drainAll()
  await step(t, cc, 'agent1 rejects', () => a1.do('interaction.reject', a1.target('ix-1')), {
    agent1: [...gone('ix-1', 'rejected'), 'agent ready', IDLE_READY, 'ix-1 reject.done'],
    agent2: offered('ix-2', 'inbound', CALLER, ['+15551234567 connected'])
  })
})

t.test('the caller abandons: in the queue, and while ringing', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'], { ready: false })
  if (a1 === undefined) throw new Error('login')
  let call = ''
  await step(t, cc, 'a call while nobody is ready waits in the queue', async () => { call = await cc.call({ from: CALLER, queue: 'sales' }) }, {})
  t.match(await cc.queues(), [{ id: 'sales', waiting: [{ callId: call, from: CALLER }] }])
  await step(t, cc, 'the caller abandons in the queue', () => cc.hangup(call), {})
  t.same((await cc.queues())[0]?.waiting, [], 'the queue is empty')
  t.same(await cc.calls(), [])

  await a1.do('session.ready')
  call = await cc.call({ from: CALLER, queue: 'sales' })
  cc.drainAll()
  await step(t, cc, 'the caller abandons while ringing', () => cc.hangup(call), {
    agent1: ['ix-1 abandoned', ...gone('ix-1', 'abandoned'), 'agent ready', IDLE_READY]
  })
  t.same(await cc.calls(), [], 'cleaned up everywhere')
  t.equal(await cc.hangup(call), 404, 'a call that is gone cannot be hung up')
})

t.test('outbound to an outside number', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  let answer: Record<string, unknown> = {}
  await step(t, cc, 'dial', async () => { answer = await a1.do('channel.dial', undefined, { destination: '+15557654321' }) }, {
    agent1: [
      'ix-1 added DIALING outbound from 1001',
      'view ix-1: release setdata',
      'ix-1 conversation.created primary dialing',
      'ix-1 present',
      'agent busy',
      'view session: ',
      'ix-1 partyadded +15557654321 alerting',
      'ix-1 dial.done'
    ]
  })
  t.match(answer, { target: 'Simulator-agent1.voice', data: { interactionid: 'ix-1', target: 'Simulator-agent1.voice.ix-1' } }, 'the answer names the new interaction')
  await step(t, cc, 'the outside number answers (3 s)', () => { cc.advance(3000) }, {
    agent1: ['ix-1 conversation primary connected', 'ix-1 STARTED primary:connected', `view ix-1: ${TALKING}`, 'ix-1 partystatechanged +15557654321 connected']
  })
  await step(t, cc, 'release', () => a1.do('conversation.release', a1.target('ix-1', 'primary')), { agent1: [...ended('ix-1'), 'ix-1 release.done'] })
})

t.test('outbound to another agent\'s extension rings that agent', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'], { ready: false })
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await step(t, cc, 'agent1 dials 1002 (agent2 is not ready: internal calls still ring)', () => a1.do('channel.dial', undefined, { destination: '1002' }), {
    agent1: ['ix-1 added DIALING internal from 1001', 'view ix-1: release setdata', 'ix-1 conversation.created primary dialing', 'ix-1 present', 'agent busy', 'view session: ', 'ix-1 partyadded 1002 alerting', 'ix-1 dial.done'],
    agent2: offered('ix-2', 'internal', '1001', ['1001 dialing'])
  })
  await step(t, cc, 'agent2 answers', () => a2.do('conversation.answer', a2.target('ix-2', 'primary')), {
    agent1: ['ix-1 conversation primary connected', 'ix-1 STARTED primary:connected', `view ix-1: ${TALKING}`, 'ix-1 partystatechanged 1002 connected'],
    agent2: [...answered('ix-2'), 'ix-2 partystatechanged 1001 connected', 'ix-2 answer.done']
  })
  await step(t, cc, 'agent2 hangs up', () => a2.do('conversation.release', a2.target('ix-2', 'primary')), {
    agent1: ['ix-1 partydeleted', ...ended('ix-1')],
    agent2: [...ended('ix-2'), 'ix-2 release.done']
  })
  await step(t, cc, 'both complete: back to not ready, as they were before the call', async () => {
    await a1.do('interaction.complete', a1.target('ix-1'))
    await a2.do('interaction.complete', a2.target('ix-2'))
  }, {
    agent1: [...completed('ix-1', ['agent not_ready', 'view session: logout ready notready dial']), 'ix-1 complete.done'],
    agent2: [...completed('ix-2', ['agent not_ready', 'view session: logout ready notready dial']), 'ix-2 complete.done']
  })
})

t.test('an internal call nobody answers: the callee\'s ring-no-answer ends the caller\'s dialing', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1', 'agent2'], { ready: false })
  if (a1 === undefined) throw new Error('login')
  await a1.do('channel.dial', undefined, { destination: '1002' })
  cc.drainAll()
  await step(t, cc, '15 s', () => { cc.advance(15_000) }, {
    agent1: ['ix-1 partydeleted', ...gone('ix-1', 'hangup'), 'agent not_ready', 'view session: logout ready notready dial'],
    agent2: [...gone('ix-2', 'ring_no_answer'), 'agent not_ready RNA', 'view session: logout ready notready dial']
  })
})

t.test('recording, DTMF and attached data during a call', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  await cc.call({ from: CALLER, queue: 'sales', data: { account: '42' } })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  cc.drainAll()
  const ix = a1.target('ix-1')
  const BASE = 'release hold transfer conference consult dtmf setdata'
  await step(t, cc, 'start recording', () => a1.do('interaction.request.recording.start', ix), {
    agent1: ['ix-1 STARTED primary:connected rec:on', `view ix-1: ${BASE} recording.stop recording.pause`, 'ix-1 recording.start.done']
  })
  await step(t, cc, 'pause', () => a1.do('interaction.request.recording.pause', ix), {
    agent1: ['ix-1 STARTED primary:connected rec:paused', `view ix-1: ${BASE} recording.stop recording.resume`, 'ix-1 recording.pause.done']
  })
  await step(t, cc, 'resume', () => a1.do('interaction.request.recording.resume', ix), {
    agent1: ['ix-1 STARTED primary:connected rec:on', `view ix-1: ${BASE} recording.stop recording.pause`, 'ix-1 recording.resume.done']
  })
  await step(t, cc, 'stop', () => a1.do('interaction.request.recording.stop', ix), {
    agent1: ['ix-1 STARTED primary:connected', `view ix-1: ${TALKING}`, 'ix-1 recording.stop.done']
  })
  await step(t, cc, 'DTMF', () => a1.do('conversation.dtmf', a1.target('ix-1', 'primary'), { digits: '12#' }), { agent1: ['ix-1 dtmf.done'] })
  await step(t, cc, 'attach data', () => a1.do('interaction.setdata', ix, { data: { outcome: 'sale', amount: 12.5 } }), {
    agent1: ['ix-1 udata {"account":"42","dtmf":"12#","outcome":"sale","amount":12.5}', 'ix-1 setdata.done']
  })
  t.match((await a1.interactions())[0]?.udata, { outcome: 'sale', amount: 12.5 })
})

t.test('ACD: the longest-idle ready agent of the queue; not ready, busy and wrap-up agents get none', async t => {
  const cc = await Center.open(t)
  const [a1, a2, a3, a4] = await cc.login(['agent1', 'agent2', 'agent3', 'agent4'])
  if (a1 === undefined || a2 === undefined || a3 === undefined || a4 === undefined) throw new Error('login')
  await a1.do('session.notready', undefined, { reason: 'BREAK' })
  cc.drainAll()
  await step(t, cc, 'support call: agent1 is not ready, agent2 has waited longest', () => cc.call({ from: CALLER, queue: 'support' }), {
    agent2: offered('ix-1', 'inbound', CALLER, ['+15551234567 connected'])
  })
  await step(t, cc, 'next support call: agent3 (agent4 is not in support)', () => cc.call({ from: '+15550000001', queue: 'support' }), {
    agent3: offered('ix-2', 'inbound', '+15550000001', ['+15550000001 connected'])
  })
  await step(t, cc, 'a third waits: nobody left in support', () => cc.call({ from: '+15550000002', queue: 'support' }), {})
  await a3.do('conversation.answer', a3.target('ix-2', 'primary'))
  await a3.do('conversation.release', a3.target('ix-2', 'primary'))
  cc.drainAll()
  await step(t, cc, 'agent3 in wrap-up gets nothing; when it completes, it gets the waiting call', () => a3.do('interaction.complete', a3.target('ix-2')), {
    agent3: [...completed('ix-2', ['agent ready', IDLE_READY]), ...offered('ix-3', 'inbound', '+15550000002', ['+15550000002 connected']), 'ix-2 complete.done']
  })
})

t.test('logout is refused during a call; a replaced session keeps its calls (the new one adopts them)', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  cc.drainAll()
  const refused = await a1.req('session.logout')
  t.match(refused, { status: 409, failure: { code: 'INVALID_STATE' } })
  await step(t, cc, 'a new media bar takes the session over', async () => {
    const { RestClient, PROCESSOR_ID } = await import('../helpers/app.js')
    const other = await RestClient.open(cc.app)
    await other.bindService(PROCESSOR_ID)
    t.equal((await other.prepareSession({ agent: { id: 'agent1', password: 'demo-pass-1' }, override: true })).statusCode, 201)
  }, {
    agent1: ['session.ended replaced', 'view session: login']
  })
  t.match(await cc.calls(), [{ state: 'connected', parties: [{ number: CALLER, state: 'connected' }, { agentId: 'agent1', state: 'connected' }] }], 'the call is still up')
})
