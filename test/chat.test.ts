import t from 'tap'
import { PROCESSOR_ID, RestClient, WM, body, type Json } from './helpers/app.js'
import { Center, step, type Agent } from './helpers/contact-center.js'

// Chat (issue 20, docs/protocol.md, Chat): several chats at once beside a call, on a manual clock,
// every step asserting what each agent saw, that the processor agrees with the simulator and that
// every event is the catalogue's (the Center checks each one).

const CALLER = '+15551234567'

/** The data of the last `name` event an agent received on one of its chats. */
function eventOf (agent: Agent, name: string, ix: string): Json {
  return agent.received.filter(e => e.event.name === name && e.event.target === agent.chat(ix)).at(-1)?.event.data
}

async function chatReady (cc: Center, agent: Agent): Promise<void> {
  await agent.do('channel.ready', agent.chat())
  cc.clock.advance(1)
  await cc.settle()
}

t.test('three chats beside a call, a fourth waits; messages both ways; transfer with the transcript; the customer leaves; wrap-up; ring-no-answer', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  t.same(a1.chatCaps(), ['ready', 'notready'], 'the chat channel starts not ready: it can be made ready')
  const snapshot = await a1.bar.snapshot(PROCESSOR_ID, a1.rid)
  t.match(snapshot.data.channels, [
    { id: 'voice', media: 'voice', target: `${a1.rid}.voice` },
    { id: 'chat', media: 'chat', target: `${a1.rid}.chat`, state: 'not_ready', reason: null, chats: 0, max: 3 }
  ], 'the session has a voice and a chat channel')

  // agent1 takes a call, then goes ready for chat while on it.
  await cc.call({ from: CALLER, queue: 'sales' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  cc.drainAll()
  await step(t, cc, 'ready for chat while on a call', async () => { await a1.do('channel.ready', a1.chat()) }, {
    agent1: ['chat channel ready 0/3', 'view chat: notready']
  })
  t.match((await a1.bar.snapshot(PROCESSOR_ID, a1.rid)).data.session, { state: 'busy' }, 'the voice state stays busy')

  const chats: string[] = []
  await step(t, cc, 'a customer starts a chat: offered to agent1 with the first message', async () => {
    chats.push(await cc.startChat({ from: 'Alice Example', queue: 'support', text: 'Hello, my order has not arrived.', data: { order: '1234' } }))
  }, {
    agent1: [
      'ix-2 added ALERTING inbound from Alice Example', 'view ix-2: accept reject setdata', 'ix-2 partyadded Alice Example connected',
      'ix-2 customer: Hello, my order has not arrived.', 'ix-2 present', 'chat channel ready 1/3'
    ]
  })
  await step(t, cc, 'data can be set on an offered chat, as on an alerting call', async () => {
    await a1.do('interaction.setdata', a1.chat('ix-2'), { data: { priority: 'high' } })
  }, {
    agent1: ['ix-2 udata {"order":"1234","priority":"high"}', 'ix-2 setdata.done']
  })
  await step(t, cc, 'two more chats: three at once', async () => {
    chats.push(await cc.startChat({ from: 'Bob', queue: 'sales', text: 'Hi' }))
    chats.push(await cc.startChat({ from: 'Carol', queue: 'support', text: 'Help <b>please</b> & thanks' }))
  }, {
    agent1: [
      'ix-3 added ALERTING inbound from Bob', 'view ix-3: accept reject setdata', 'ix-3 partyadded Bob connected', 'ix-3 customer: Hi', 'ix-3 present', 'chat channel ready 2/3',
      'ix-4 added ALERTING inbound from Carol', 'view ix-4: accept reject setdata', 'ix-4 partyadded Carol connected', 'ix-4 customer: Help <b>please</b> & thanks', 'ix-4 present',
      'chat channel ready 3/3'
    ]
  })
  await step(t, cc, 'a fourth chat waits: agent1 is at CHAT_MAX_PER_AGENT, agent2 is not ready for chat', async () => {
    chats.push(await cc.startChat({ from: 'Dave', queue: 'sales', text: 'Anyone there?' }))
  }, {})
  t.match(await cc.chatView(chats[3] ?? ''), { state: 'queued', agentId: null, messages: [{ from: 'customer', text: 'Anyone there?' }] })

  await step(t, cc, 'agent1 accepts the three', async () => {
    for (const ix of ['ix-2', 'ix-3', 'ix-4']) await a1.do('interaction.accept', a1.chat(ix))
  }, {
    agent1: ['ix-2 STARTED', 'view ix-2: chat.send chat.typing singlesteptransfer terminate setdata', 'ix-2 accept.done',
      'ix-3 STARTED', 'view ix-3: chat.send chat.typing singlesteptransfer terminate setdata', 'ix-3 accept.done',
      'ix-4 STARTED', 'view ix-4: chat.send chat.typing singlesteptransfer terminate setdata', 'ix-4 accept.done']
  })
  t.same(a1.caps('ix-1'), ['release', 'hold', 'transfer', 'conference', 'consult', 'dtmf', 'setdata', 'recording.start'], 'the call keeps its own buttons')

  await step(t, cc, 'the customer types and writes; the agent answers', async () => {
    t.equal((await cc.app.inject({ method: 'POST', url: `/simulator/chats/${chats[0] ?? ''}/typing`, payload: { typing: true } })).statusCode, 200)
    t.equal((await cc.customer(chats[0] ?? '', 'It was order 1234.')).status, 201)
    await a1.do('chat.typing', a1.chat('ix-2'), { typing: true })
    await a1.do('chat.send', a1.chat('ix-2'), { text: 'Let me look.\nOne moment.' })
  }, {
    agent1: ['ix-2 typing true', 'ix-2 customer: It was order 1234.', 'ix-2 chat.typing.done', 'ix-2 agent: Let me look.\nOne moment.', 'ix-2 chat.send.done']
  })
  t.match(await cc.chatView(chats[0] ?? ''), {
    state: 'connected',
    agentId: 'agent1',
    agentTyping: false,
    messages: [
      { from: 'customer', text: 'Hello, my order has not arrived.' }, { from: 'customer', text: 'It was order 1234.' }, { from: 'agent', text: 'Let me look.\nOne moment.' }
    ]
  }, 'the customer sees the transcript, the agent\'s message as written')

  await step(t, cc, 'agent1 transfers Alice\'s chat to agent2 (not ready for chat, but with room): agent2 gets it with the transcript, agent1 wraps up', async () => {
    await a1.do('interaction.singlesteptransfer', a1.chat('ix-2'), { destination: '1002' })
  }, {
    agent1: ['ix-2 onsinglesteptransfer', 'ix-2 system: Transferred to Grace Hopper.', 'ix-2 ENDED', 'view ix-2: setdata complete', 'ix-2 singlesteptransfer.done'],
    agent2: [
      'ix-5 added ALERTING transfer from Alice Example', 'view ix-5: accept reject setdata', 'ix-5 partyadded Alice Example connected',
      'ix-5 customer: Hello, my order has not arrived.', 'ix-5 customer: It was order 1234.', 'ix-5 agent: Let me look.\nOne moment.', 'ix-5 system: Transferred to Grace Hopper.',
      'ix-5 present', 'chat channel not_ready 1/3', 'view session: notready dial'
    ]
  })
  t.same(eventOf(a1, 'interaction.onsinglesteptransfer', 'ix-2'), {
    interactionid: 'ix-2', transferringpartyid: 'ix-2-agent', transferringresource: '1001', transferringpartystate: 'connected', newdestination: '1002', hints: { media: 'chat' }
  }, 'the transferring party is the agent\'s own party in the chat (a call\'s: the agent\'s leg), not an extension')
  t.equal(eventOf(a2, 'interaction.partyadded', 'ix-5').partyid, 'chat-1-customer', 'the customer keeps their party id')
  t.match(await cc.chatView(chats[3] ?? ''), { state: 'queued' }, 'Dave still waits: the transferred chat holds agent1\'s slot until its wrap-up ends')
  await step(t, cc, 'agent2 accepts; the customer sees the new agent', async () => { await a2.do('interaction.accept', a2.chat('ix-5')) }, {
    agent2: ['ix-5 STARTED', 'view ix-5: chat.send chat.typing singlesteptransfer terminate setdata', 'ix-5 accept.done']
  })
  t.match(await cc.chatView(chats[0] ?? ''), { state: 'connected', agentId: 'agent2' })

  await step(t, cc, 'agent1 completes the transferred chat: the slot frees and Dave\'s chat is offered', async () => {
    await a1.do('interaction.complete', a1.chat('ix-2'), { disposition: 'transferred-ok' })
  }, {
    agent1: [
      'ix-2 COMPLETED', 'view ix-2: ', 'ix-2 notcontrolled', 'ix-2 deleted completed', 'chat channel ready 2/3',
      'ix-6 added ALERTING inbound from Dave', 'view ix-6: accept reject setdata', 'ix-6 partyadded Dave connected', 'ix-6 customer: Anyone there?', 'ix-6 present', 'chat channel ready 3/3',
      'ix-2 complete.done'
    ]
  })
  t.match(await cc.chatView(chats[3] ?? ''), { state: 'offered', agentId: 'agent1' })

  await step(t, cc, 'Bob leaves: agent1\'s chat ends, wrap-up follows', async () => {
    t.equal((await cc.app.inject({ method: 'DELETE', url: `/simulator/chats/${chats[1] ?? ''}` })).statusCode, 200)
  }, {
    agent1: ['ix-3 partydeleted', 'view ix-3: terminate setdata', 'ix-3 system: The customer left the chat.', 'ix-3 ENDED', 'view ix-3: setdata complete']
  })
  const bob = await cc.app.inject(`/simulator/chats/${chats[1] ?? ''}`)
  t.equal(bob.statusCode, 200, 'the chat stays while agent1 wraps it up')
  await step(t, cc, 'agent1 completes Bob\'s chat with a disposition', async () => {
    await a1.do('interaction.complete', a1.chat('ix-3'), { disposition: 'resolved' })
  }, {
    agent1: ['ix-3 COMPLETED', 'view ix-3: ', 'ix-3 notcontrolled', 'ix-3 deleted completed', 'chat channel ready 2/3', 'ix-3 complete.done']
  })
  t.equal((await cc.app.inject(`/simulator/chats/${chats[1] ?? ''}`)).statusCode, 404, 'a chat the customer left and nobody holds is gone')
  await a1.do('conversation.release', a1.target('ix-1', 'primary'))
  await cc.settle()
  const lines = a1.drain()
  t.notOk(lines.some(l => /^ix-(4|6) /.test(l)), 'the call ends: the chats are not touched')
  t.match((await a1.interactions()).map(ix => `${String(ix.id)} ${String(ix.channelId)} ${String(ix.state)}`), ['ix-1 voice ENDED', 'ix-4 chat STARTED', 'ix-6 chat ALERTING'])
  t.same(a1.chatCaps('ix-4'), ['chat.send', 'chat.typing', 'singlesteptransfer', 'terminate', 'setdata'])

  // Logout waits for the last chat as it waits for the call: the session's view hears the chat
  // channel's load, so the button is off while a chat is offered, live or in wrap-up.
  await step(t, cc, 'agent1 completes the call: ready again, but two chats are live, so no logout', async () => {
    await a1.do('interaction.complete', a1.target('ix-1'))
  }, {
    agent1: ['ix-1 COMPLETED', 'view ix-1: ', 'ix-1 notcontrolled', 'ix-1 deleted completed', 'agent ready', 'view session: notready dial', 'ix-1 complete.done']
  })
  t.same(a1.caps(), ['notready', 'dial'])
  t.match(await a1.req('session.logout'), { status: 409, failure: { code: 'INVALID_STATE', message: /^session\.logout is not enabled now/ } }, 'refused by the view, before the CTI')
  await step(t, cc, 'agent1 rejects Dave\'s chat and ends Carol\'s: one chat in wrap-up, still no logout', async () => {
    await a1.do('interaction.reject', a1.chat('ix-6'))
    await a1.do('interaction.terminate', a1.chat('ix-4'))
  }, {
    agent1: [
      'ix-6 COMPLETED', 'view ix-6: ', 'ix-6 notcontrolled', 'ix-6 deleted rejected', 'chat channel ready 1/3', 'ix-6 reject.done',
      'ix-4 system: The agent ended the chat.', 'ix-4 ENDED', 'view ix-4: setdata complete', 'ix-4 terminate.done'
    ]
  })
  t.same(a1.caps(), ['notready', 'dial'])
  await step(t, cc, 'agent1 completes the last chat: logout is offered again', async () => {
    await a1.do('interaction.complete', a1.chat('ix-4'))
  }, {
    agent1: ['ix-4 COMPLETED', 'view ix-4: ', 'ix-4 notcontrolled', 'ix-4 deleted completed', 'chat channel ready 0/3', 'view session: logout notready dial', 'ix-4 complete.done']
  })
  await step(t, cc, 'agent1 logs out', async () => { await a1.do('session.logout') }, {
    agent1: ['agent logged_out', 'channel.deactivated', 'chat channel.deactivated', 'session.ended logout', 'view session: login']
  })
  t.match(await cc.chatView(chats[3] ?? ''), { state: 'queued', agentId: null }, 'Dave waits for another agent')
  t.same(cc.violations, [])
})

t.test('a transfer to a queue: the chat waits there and goes to another agent of it, with the transcript', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await chatReady(cc, a1)
  await cc.startChat({ from: 'Ivy', queue: 'sales', text: 'A question about support' })
  await a1.do('interaction.accept', a1.chat('ix-1'))
  await chatReady(cc, a2)
  cc.drainAll()
  await step(t, cc, 'agent1 sends it to the support queue: agent2 (of support, ready for chat) gets it, not agent1 again', async () => {
    await a1.do('interaction.singlesteptransfer', a1.chat('ix-1'), { destination: 'support' })
  }, {
    agent1: ['ix-1 onsinglesteptransfer', 'ix-1 system: Transferred to the Support queue.', 'ix-1 ENDED', 'view ix-1: setdata complete', 'ix-1 singlesteptransfer.done'],
    agent2: [
      'ix-2 added ALERTING transfer from Ivy', 'view ix-2: accept reject setdata', 'ix-2 partyadded Ivy connected', 'ix-2 customer: A question about support',
      'ix-2 system: Transferred to the Support queue.', 'ix-2 present', 'chat channel ready 1/3', 'view session: notready dial'
    ]
  })
})

t.test('a chat is never offered again to an agent who rejected it, let it ring out or passed it on; the customer\'s patience starts again after a transfer', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await chatReady(cc, a1)
  const first = await cc.startChat({ from: 'Jo', queue: 'sales', text: 'Hi' })
  await a1.do('interaction.reject', a1.chat('ix-1'))
  await cc.settle()
  t.match(await cc.chatView(first), { state: 'queued', agentId: null }, 'rejected by the only agent ready for chat: it waits, it does not ring at agent1 again')
  t.notOk(a1.drain().some(l => /^ix-2 added/.test(l)), 'no second offer to agent1')
  await chatReady(cc, a2)
  t.match(await cc.chatView(first), { state: 'offered', agentId: 'agent2' }, 'the next agent gets it')
  await a2.do('interaction.accept', a2.chat('ix-2'))

  // Eleven minutes of chat (past SIM_MAX_QUEUE_MS), then agent2 passes it on to the support
  // queue, where only agent2 could take it now (agent1 is not ready for chat): it waits there,
  // the customer's patience fresh.
  await a1.do('channel.notready', a1.chat())
  await cc.advance(11 * 60_000)
  await a2.do('interaction.singlesteptransfer', a2.chat('ix-2'), { destination: 'support' })
  await cc.settle()
  t.match(await cc.chatView(first), { state: 'queued', queue: 'support' }, 'passed on to a queue nobody else serves now: it waits, not back to agent2')
  await cc.advance(60_000)
  t.match(await cc.chatView(first), { state: 'queued', messageCount: 2 }, 'the customer still waits a minute later: patience counts from the transfer')
  const list = JSON.parse((await cc.app.inject('/simulator/chats')).body)
  t.match(list.chats, [{ id: first, messageCount: 2, messages: [{ from: 'system', text: 'Transferred to the Support queue.' }] }], 'the list carries each chat\'s last message only')
  t.equal(list.chats[0]?.messages.length, 1)
  t.equal((await cc.chatView(first)).messages.length, 2, 'one chat carries its transcript')
  await cc.advance(10 * 60_000)
  t.equal((await cc.app.inject(`/simulator/chats/${first}`)).statusCode, 404, 'the customer gives up SIM_MAX_QUEUE_MS after the transfer: the chat is gone')
})

t.test('ring-no-answer: the chat goes back to its queue, the chat channel not ready (RNA), offered to the next agent', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await chatReady(cc, a1)
  await chatReady(cc, a2)
  cc.drainAll()
  const chatId = await cc.startChat({ from: 'Erin', queue: 'sales', text: 'Hello?' })
  const first = a1.drain().length > 0 ? a1 : a2
  const second = first === a1 ? a2 : a1
  second.drain()
  t.equal(first, a1, 'the longest chat-idle agent gets it first')
  await step(t, cc, 'nobody answers for 15 s', async () => { await cc.advance(15_000) }, {
    agent1: [
      'ix-1 ondivert sales ring_no_answer', 'ix-1 COMPLETED', 'view ix-1: ', 'ix-1 notcontrolled', 'ix-1 deleted ring_no_answer', 'chat channel not_ready RNA 0/3', 'view chat: ready notready',
      'view session: logout notready dial'
    ],
    agent2: ['ix-2 added ALERTING inbound from Erin', 'view ix-2: accept reject setdata', 'ix-2 partyadded Erin connected', 'ix-2 customer: Hello?', 'ix-2 present', 'chat channel ready 1/3', 'view session: notready dial']
  })
  t.match(await cc.chatView(chatId), { state: 'offered', agentId: 'agent2' })
  t.same(eventOf(a1, 'interaction.ondivert', 'ix-1'), {
    interactionid: 'ix-1', divertingpartyid: 'ix-1-agent', divertingresource: '1001', divertingpartystate: 'alerting', newdestination: 'sales', hints: { reason: 'ring_no_answer' }
  }, 'as for a call: the diverting party is the agent\'s own (not the customer\'s), diverted to its queue')
  await step(t, cc, 'the customer leaves while it rings: abandoned', async () => {
    await cc.app.inject({ method: 'DELETE', url: `/simulator/chats/${chatId}` })
  }, {
    agent2: ['ix-2 abandoned', 'ix-2 COMPLETED', 'view ix-2: ', 'ix-2 notcontrolled', 'ix-2 deleted abandoned', 'chat channel ready 0/3', 'view session: logout notready dial']
  })
  t.equal((await cc.app.inject(`/simulator/chats/${chatId}`)).statusCode, 404)
})

t.test('a chat sent straight to an agent that is rejected or rings out ends for its customer, holds no place under SIM_MAX_CHATS; a chat in wrap-up is never evicted', async t => {
  const cc = await Center.open(t, { SIM_MAX_CHATS: 3 })
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await chatReady(cc, a1)
  const wrapUp = await cc.startChat({ from: 'Wanda', queue: 'sales', text: 'Hi' })
  await a1.do('interaction.accept', a1.chat('ix-1'))
  await a1.do('interaction.terminate', a1.chat('ix-1'))
  cc.drainAll()

  const told = { from: 'system', text: 'No agent is available; please try again later.' }
  const rejected = await cc.startChat({ from: 'Rita', to: '1002', text: 'Straight to you' })
  await cc.settle()
  a2.drain()
  await step(t, cc, 'agent2 rejects a chat sent to them: it has no queue to go back to, so it ends', async () => { await a2.do('interaction.reject', a2.chat('ix-2')) }, {
    agent2: ['ix-2 COMPLETED', 'view ix-2: ', 'ix-2 notcontrolled', 'ix-2 deleted rejected', 'chat channel not_ready 0/3', 'view session: logout notready dial', 'ix-2 reject.done']
  })
  t.match(await cc.chatView(rejected), { state: 'ended', agentId: null, messages: [{ from: 'customer' }, told] }, 'its customer sees it ended')
  const rangOut = await cc.startChat({ from: 'Otto', to: '1002', text: 'Anyone?' })
  await cc.settle()
  a2.drain()
  await step(t, cc, 'another rings out at agent2: no divert (no queue, as for a call), it ends, the chat channel is not ready (RNA)', async () => { await cc.advance(15_000) }, {
    agent2: ['ix-3 COMPLETED', 'view ix-3: ', 'ix-3 notcontrolled', 'ix-3 deleted ring_no_answer', 'chat channel not_ready RNA 0/3', 'view session: logout notready dial']
  })
  t.match(await cc.chatView(rangOut), { state: 'ended', agentId: null, messages: [{ from: 'customer' }, told] })

  // SIM_MAX_CHATS counts the chats queued, offered, live or in wrap-up: the two that ended with
  // nobody holding them make room (oldest first), the one in agent1's wrap-up does not.
  t.equal((await cc.app.inject({ method: 'POST', url: '/simulator/chats', payload: { from: 'D', queue: 'sales', text: 'x' } })).statusCode, 201)
  t.equal((await cc.app.inject(`/simulator/chats/${rejected}`)).statusCode, 404, 'the oldest chat that ended with nobody holding it made room')
  t.equal((await cc.app.inject({ method: 'POST', url: '/simulator/chats', payload: { from: 'E', queue: 'sales', text: 'x' } })).statusCode, 201)
  t.equal((await cc.app.inject(`/simulator/chats/${rangOut}`)).statusCode, 404)
  const full = await cc.app.inject({ method: 'POST', url: '/simulator/chats', payload: { from: 'F', queue: 'sales', text: 'x' } })
  t.match([full.statusCode, body(full).failure?.code], [429, 'RATE_LIMITED'], 'three chats held (one in wrap-up, two offered): the limit')
  t.match(await cc.chatView(wrapUp), { state: 'ended', agentId: null }, 'the chat in wrap-up is untouched')
  await a1.do('interaction.complete', a1.chat('ix-1'))
  await cc.settle()
  t.match(await cc.chatView(wrapUp), { state: 'ended', messages: [{ text: 'Hi' }, { from: 'system', text: 'The agent ended the chat.' }] }, 'completed, it stays for its customer (an eviction walking past it did not mark it left)')
  t.equal((await cc.app.inject({ method: 'POST', url: '/simulator/chats', payload: { from: 'F', queue: 'sales', text: 'x' } })).statusCode, 201, 'now it makes room')
  t.equal((await cc.app.inject(`/simulator/chats/${wrapUp}`)).statusCode, 404)
  t.same(cc.violations, [])
})

t.test('a takeover mid-chat keeps every chat and its transcript; the new session chats on', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  await chatReady(cc, a1)
  const first = await cc.startChat({ from: 'Frank', queue: 'sales', text: 'One' })
  const second = await cc.startChat({ from: 'Gina', queue: 'sales', text: 'Two' })
  await a1.do('interaction.accept', a1.chat('ix-1'))
  await a1.do('chat.send', a1.chat('ix-1'), { text: 'Hello Frank' })
  await cc.customer(first, 'Thanks')
  await cc.settle()

  const bar = await RestClient.open(cc.app, 'second desk')
  const rid = await bar.login({ id: 'agent1', password: 'demo-pass-1' }, { override: true })
  t.equal(rid, a1.rid)
  await cc.settle()
  const snap = await bar.snapshot(PROCESSOR_ID, rid)
  const chats = (snap.data.interactions as Json[]).filter(ix => ix.channelId === 'chat')
  t.match(chats, [
    { id: 'ix-1', state: 'STARTED', from: 'Frank', conversations: [], transcript: [{ from: 'customer', text: 'One' }, { from: 'agent', text: 'Hello Frank' }, { from: 'customer', text: 'Thanks' }] },
    { id: 'ix-2', state: 'ALERTING', from: 'Gina', transcript: [{ from: 'customer', text: 'Two' }] }
  ], 'both chats, each with its transcript')
  t.match(snap.data.channels, [{ id: 'voice' }, { id: 'chat', state: 'ready', chats: 2, max: 3 }])
  const views = (await bar.snapshot(WM, rid)).data.views as Json[]
  const caps = (target: string): string[] => (views.find(v => v.target === target)?.capabilities as Json[] ?? []).filter(c => c.type === 'enable').map(c => String(c.name))
  t.same(caps(`${rid}.chat.ix-1`), ['chat.send', 'chat.typing', 'interaction.singlesteptransfer', 'interaction.terminate', 'interaction.setdata'])
  t.same(caps(`${rid}.chat.ix-2`), ['interaction.accept', 'interaction.reject', 'interaction.setdata'])
  t.same(caps(`${rid}.chat`), ['channel.notready'])
  t.match(views.find(v => v.target === `${rid}.chat.ix-1`), { view: 'chat', state: 'connected' })

  const send = await bar.request(rid, 'chat.send', { text: 'Still here' }, `${rid}.chat.ix-1`)
  t.equal(send.statusCode, 200, 'the new session chats on')
  await cc.settle()
  t.match(await cc.chatView(first), { messages: [{ text: 'One' }, { text: 'Hello Frank' }, { text: 'Thanks' }, { from: 'agent', text: 'Still here' }] })
  const accept = await bar.request(rid, 'interaction.accept', undefined, `${rid}.chat.ix-2`)
  t.equal(accept.statusCode, 200, 'and takes the chat that rang')
  await cc.settle()
  t.match(await cc.chatView(second), { state: 'connected', agentId: 'agent1' })
})

t.test('CHAT_TRANSCRIPT_KEEP bounds the transcript: the session\'s snapshot, the customer\'s view and a takeover bring back the last messages only', async t => {
  const cc = await Center.open(t, { CHAT_TRANSCRIPT_KEEP: 3 })
  const [a1] = await cc.login(['agent1'])
  if (a1 === undefined) throw new Error('login')
  await chatReady(cc, a1)
  const chatId = await cc.startChat({ from: 'Kim', queue: 'sales', text: 'm1' })
  await a1.do('interaction.accept', a1.chat('ix-1'))
  await cc.customer(chatId, 'm2')
  await a1.do('chat.send', a1.chat('ix-1'), { text: 'm3' })
  await cc.customer(chatId, 'm4')
  await a1.do('chat.send', a1.chat('ix-1'), { text: 'm5' })
  await cc.settle()
  const last3 = [{ from: 'agent', text: 'm3' }, { from: 'customer', text: 'm4' }, { from: 'agent', text: 'm5' }]
  const transcript = async (bar: RestClient, rid: string): Promise<Json[]> => ((await bar.snapshot(PROCESSOR_ID, rid)).data.interactions as Json[]).find(ix => ix.id === 'ix-1')?.transcript
  t.match(await transcript(a1.bar, a1.rid), last3, 'the session\'s snapshot: the last three')
  t.equal((await transcript(a1.bar, a1.rid)).length, 3)
  const view = await cc.chatView(chatId)
  t.match([view.messageCount, view.messages], [5, last3], 'the customer\'s view: five written, the last three kept')
  t.equal(view.messages.length, 3)

  const bar = await RestClient.open(cc.app, 'second desk')
  const rid = await bar.login({ id: 'agent1', password: 'demo-pass-1' }, { override: true })
  await cc.settle()
  t.match(await transcript(bar, rid), last3, 'after a takeover: the last three, oldest first')
  t.equal((await transcript(bar, rid)).length, 3)
  const restored = cc.app.his.clients.get(bar.clientId)?.outbox.read(0)
  const events = restored?.kind === 'events' ? restored.entries.map(e => JSON.parse(e.json).event) : []
  t.match(events.find(e => e.name === 'interaction.restored' && e.target === `${rid}.chat.ix-1`)?.data.transcript, last3, 'interaction.restored carries the same three')
  await bar.request(rid, 'chat.send', { text: 'm6' }, `${rid}.chat.ix-1`)
  await cc.settle()
  t.match(await transcript(bar, rid), [{ text: 'm4' }, { text: 'm5' }, { text: 'm6' }], 'and keeps three as the chat goes on')
  t.equal((await transcript(bar, rid)).length, 3)
})

t.test('bad input gets a clear HIS failure, and nothing accepted is lost', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await chatReady(cc, a1)
  const chatId = await cc.startChat({ from: 'Hal', queue: 'sales', text: 'Hi' })
  await cc.call({ from: CALLER, queue: 'sales' })
  cc.drainAll()

  const post = async (url: string, payload: unknown): Promise<[number, string | undefined]> => {
    const res = await cc.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> })
    return [res.statusCode, body(res).failure?.code]
  }
  t.same(await post('/simulator/chats', { from: 'X', text: '' }), [400, 'INVALID_MESSAGE'], 'empty text')
  t.same(await post('/simulator/chats', { from: 'X', text: '   ' }), [400, 'INVALID_MESSAGE'], 'white space only')
  t.same(await post('/simulator/chats', { from: 'X', text: 'x'.repeat(2001) }), [400, 'INVALID_MESSAGE'], 'oversized text')
  t.same(await post('/simulator/chats', { from: 'X', text: 'hi', queue: 'nowhere' }), [400, 'INVALID_MESSAGE'], 'unknown queue')
  t.same(await post('/simulator/chats', { from: 'X', text: 'hi', to: '1003' }), [409, 'INVALID_STATE'], 'to an agent who is not logged in')
  t.same(await post('/simulator/chats', { from: 'X', text: 'hi', to: '4242' }), [400, 'INVALID_MESSAGE'], 'to an extension nobody has')
  t.same(await post('/simulator/chats', { from: 'X\u0007', text: 'hi' }), [400, 'INVALID_MESSAGE'], 'a customer name with control characters')
  t.same(await post('/simulator/chats/chat-99/messages', { text: 'hi' }), [404, 'UNKNOWN_RESOURCE'], 'unknown chat')
  t.same(await post(`/simulator/chats/${chatId}/messages`, { text: '' }), [400, 'INVALID_MESSAGE'], 'empty message')
  t.same(await post(`/simulator/chats/${chatId}/messages`, { text: 'y'.repeat(2001) }), [400, 'INVALID_MESSAGE'], 'oversized message')
  t.same(await post(`/simulator/chats/${chatId}/messages`, { text: '😀'.repeat(1500) }), [400, 'INVALID_MESSAGE'], 'oversized in UTF-16 code units, whatever the code points')
  t.same(await post('/simulator/chats', { from: 'X', text: '😀'.repeat(1001) }), [400, 'INVALID_MESSAGE'], 'the first message too')
  t.equal((await cc.app.inject({ method: 'GET', url: '/simulator/chats/chat-99' })).statusCode, 404)
  t.equal((await cc.app.inject({ method: 'DELETE', url: '/simulator/chats/chat-99' })).statusCode, 404)
  cc.drainAll()

  const ix = a1.chat('ix-1')
  const refused = async (command: string, target: string, data: unknown, status: number, code: string, label: string): Promise<void> => {
    const answer = await a1.req(command, target, data)
    t.equal(answer.status, status, `${label}: status`)
    t.equal(answer.failure?.code, code, `${label}: code`)
  }
  await refused('channel.notready', a1.chat(), { reason: 'NAP' }, 400, 'INVALID_MESSAGE', 'a reason code nobody has')
  await refused('channel.notready', a1.chat(), { reason: 'RNA' }, 400, 'INVALID_MESSAGE', 'a reason only the platform sets')
  await refused('channel.ready', a1.chat(), {}, 409, 'INVALID_STATE', 'ready for chat again (the view disables it)')
  await refused('chat.send', ix, { text: 'too early' }, 409, 'INVALID_STATE', 'send before accepting (the view disables it)')
  await a1.do('interaction.accept', ix)
  await refused('chat.send', ix, { text: '' }, 400, 'INVALID_MESSAGE', 'empty text')
  await refused('chat.send', ix, { text: 'z'.repeat(2001) }, 400, 'INVALID_MESSAGE', 'oversized text')
  await refused('chat.send', ix, { text: 'hi', html: true }, 400, 'INVALID_MESSAGE', 'unknown field')
  await refused('chat.send', `${a1.rid}.voice.ix-2`, { text: 'hi' }, 404, 'INVALID_TARGET', 'a call is not a chat')
  await refused('chat.send', `${a1.rid}.chat.ix-99`, { text: 'hi' }, 404, 'INVALID_TARGET', 'no such chat')
  await refused('interaction.singlesteptransfer', ix, { destination: 'nowhere' }, 400, 'INVALID_MESSAGE', 'transfer to nobody')
  await refused('interaction.singlesteptransfer', ix, { destination: '1001' }, 400, 'INVALID_MESSAGE', 'transfer to yourself')
  await refused('interaction.complete', ix, {}, 409, 'INVALID_STATE', 'complete a live chat')
  await refused('session.logout', a1.rid, {}, 409, 'INVALID_STATE', 'log out with a chat')
  t.match((await a1.req('session.logout')).failure, { message: /^session\.logout is not enabled now/ }, 'refused by the workflow view: the button is off while chats are live')
  await cc.settle()
  const events = a1.drain()
  t.ok(events.includes('ix-1 error.interaction.chat.send INVALID_MESSAGE'), 'a refused chat.send has its error event')
  t.ok(events.includes('error.interaction.chat.send INVALID_TARGET') || events.some(e => e.endsWith('error.interaction.chat.send INVALID_TARGET')), 'so does one on a target that is not a chat')

  const markup = '<img src=x onerror="alert(1)"> & <script>x</script>'
  await a1.do('chat.send', ix, { text: markup })
  await cc.settle()
  t.equal((await cc.chatView(chatId)).messages.at(-1).text, markup, 'text is stored and sent as it was written, never interpreted')
  t.ok(a1.drain().includes(`ix-1 agent: ${markup}`))

  t.equal((await cc.app.inject({ method: 'DELETE', url: `/simulator/chats/${chatId}` })).statusCode, 200)
  t.same(await post(`/simulator/chats/${chatId}/messages`, { text: 'back?' }), [409, 'INVALID_STATE'], 'a message to an ended chat')
  await refused('chat.send', ix, { text: 'bye' }, 409, 'INVALID_STATE', 'send in a chat that ended')
  t.match((await a1.bar.snapshot(PROCESSOR_ID, a1.rid)).data.interactions.find((i: Json) => i.id === 'ix-1'), { state: 'ENDED', transcript: [{ text: 'Hi' }, { text: markup }, { from: 'system' }] }, 'what was accepted is still there')
  t.same(cc.violations, [])
})

t.test('getCapabilities tells the truth about media and concurrency; CHAT_MAX_PER_AGENT=0 turns chat off', async t => {
  const caps = async (agent: Agent | undefined): Promise<Json> => body(await agent?.bar.call('POST', `/services/${PROCESSOR_ID}/requests`, { command: 'getCapabilities' }) ?? (() => { throw new Error('no agent') })())
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'])
  t.match((await caps(a1)).data, { 'single-channels-media-types': 'voice,chat', 'chat-max-per-agent': '3', 'voice-max-per-agent': '1', 'request-categories': 'session,telephony,consult,recording,multimedia' })

  const off = await Center.open(t, { CHAT_MAX_PER_AGENT: 0 })
  const [b1] = await off.login(['agent1'])
  t.match((await caps(b1)).data, { 'single-channels-media-types': 'voice', 'chat-max-per-agent': '0', 'request-categories': 'session,telephony,consult,recording' })
  t.match((await b1?.bar.snapshot(PROCESSOR_ID, b1.rid))?.data.channels, [{ id: 'voice' }])
  t.equal((await b1?.bar.snapshot(PROCESSOR_ID, b1.rid))?.data.channels.length, 1, 'no chat channel')
  const res = await off.app.inject({ method: 'POST', url: '/simulator/chats', payload: { from: 'X', text: 'hi' } })
  t.equal(res.statusCode, 409)
  t.match(body(res).failure, { code: 'INVALID_STATE', message: /CHAT_MAX_PER_AGENT=0/ })
})
