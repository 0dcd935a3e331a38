import t from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM, body } from './helpers/app.js'
import { Center, type Agent } from './helpers/contact-center.js'
import { checkEvent } from '../src/schemas/events.schema.js'

// Adoption in every situation a call can be in: the session that takes the agent over shows
// exactly what the session before it showed (the processor's picture and every workflow view),
// as if it had been bound all along; the calls are untouched; and what its client receives is in
// the catalogue.

const CALLER = '+15551234567'
const OUTSIDE = '+15559990000'

type Situation = [name: string, model: string, reach: (cc: Center, a1: Agent) => Promise<void>]

const answered = async (cc: Center, a1: Agent): Promise<void> => {
  await cc.call({ from: CALLER, queue: 'sales', data: { account: '42' } })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
}
const consulting = async (cc: Center, a1: Agent): Promise<void> => {
  await answered(cc, a1)
  await a1.do('interaction.consult', a1.target('ix-1'), { destination: OUTSIDE })
  cc.advance(3000)
}

const situations: Situation[] = [
  ['ringing (ALERTING)', 'default', async cc => { await cc.call({ from: CALLER, queue: 'sales' }) }],
  ['connected', 'default', answered],
  ['held', 'default', async (cc, a1) => { await answered(cc, a1); await a1.do('conversation.hold', a1.target('ix-1', 'primary')) }],
  ['recording, then paused', 'default', async (cc, a1) => {
    await answered(cc, a1)
    await a1.do('interaction.request.recording.start', a1.target('ix-1'))
    await a1.do('interaction.request.recording.pause', a1.target('ix-1'))
  }],
  ['a consult dialling out', 'default', async (cc, a1) => { await answered(cc, a1); await a1.do('interaction.consult', a1.target('ix-1'), { destination: OUTSIDE }) }],
  ['a consult ringing at another agent', 'default', async (cc, a1) => { await answered(cc, a1); await a1.do('interaction.consult', a1.target('ix-1'), { destination: '1004' }) }],
  ['consulting', 'default', consulting],
  ['alternated back to the caller', 'default', async (cc, a1) => { await consulting(cc, a1); await a1.do('interaction.alternate', a1.target('ix-1')) }],
  ['a conference after a consult', 'default', async (cc, a1) => { await consulting(cc, a1); await a1.do('interaction.consultconference', a1.target('ix-1')) }],
  ['dialling out', 'default', async (_cc, a1) => { await a1.do('session.notready'); await a1.do('channel.dial', undefined, { destination: OUTSIDE }) }],
  ['an outbound call answered', 'default', async (cc, a1) => { await a1.do('session.notready'); await a1.do('channel.dial', undefined, { destination: OUTSIDE }); cc.advance(3000) }],
  ['wrap-up (timed)', 'default', async (cc, a1) => { await answered(cc, a1); await a1.do('conversation.release', a1.target('ix-1', 'primary')) }],
  ['wrap-up (until complete), RNA model', 'RNA', async (cc, a1) => { await answered(cc, a1); await a1.do('conversation.release', a1.target('ix-1', 'primary')) }],
  ['after a ring-no-answer, RNA model', 'RNA', async cc => { await cc.call({ from: CALLER, queue: 'sales' }); cc.advance(10_000) }],
  ['not ready, no call', 'default', async (_cc, a1) => { await a1.do('session.notready', undefined, { reason: 'LUNCH' }) }],
  ['a chat live beside a call (no logout), RNA model', 'RNA', async (cc, a1) => {
    await answered(cc, a1)
    await a1.do('channel.ready', a1.chat())
    await cc.startChat({ from: 'Alice', queue: 'sales', text: 'Hello' })
    await a1.do('interaction.accept', a1.chat('ix-2'))
  }],
  ['a chat in wrap-up, no call (no logout)', 'default', async (cc, a1) => {
    await a1.do('channel.ready', a1.chat())
    await cc.startChat({ from: 'Alice', queue: 'sales', text: 'Hello' })
    await a1.do('interaction.accept', a1.chat('ix-1'))
    await a1.do('interaction.terminate', a1.chat('ix-1'))
  }]
]

for (const [name, model, reach] of situations) {
  t.test(`adopted while ${name}: the same picture, the same views, the calls untouched`, async t => {
    const cc = await Center.open(t)
    const [a1] = await cc.login(['agent1', 'agent4'], { model })
    if (a1 === undefined) throw new Error('login')
    await reach(cc, a1)
    cc.drainAll()
    const before = {
      processor: (await a1.bar.snapshot(PROCESSOR_ID, a1.rid)).data,
      workflow: (await a1.bar.snapshot(WM, a1.rid)).data,
      calls: await cc.calls(),
      agents: body(await cc.app.inject('/simulator/agents')).agents
    }

    const bar = await RestClient.open(cc.app, 'taking over')
    await bar.bindService(PROCESSOR_ID)
    await bar.bindService(WM)
    t.equal((await bar.prepareSession({ agent: AGENT1, model, override: true })).statusCode, 201)
    const seen: Array<{ serviceId: string, event: { name: string, target: string, data: unknown } }> = []
    cc.app.his.clients.get(bar.clientId)?.outbox.subscribe(() => {
      const entry = cc.app.his.clients.get(bar.clientId)?.outbox.read(seen.length)
      if (entry?.kind === 'events') for (const e of entry.entries) seen.push(JSON.parse(e.json))
    })
    await bar.bindResource(PROCESSOR_ID, a1.rid)
    await bar.bindResource(WM, a1.rid)
    const { client: _old, ...picture } = before.processor
    const { client: _new, ...adopted } = (await bar.snapshot(PROCESSOR_ID, a1.rid)).data
    t.same(adopted, picture, 'the processor\'s picture: the session, its state and since when, every interaction whole')
    t.same((await bar.snapshot(WM, a1.rid)).data, before.workflow, 'every workflow view in the same state, with the same buttons')
    t.same(await cc.calls(), before.calls, 'the calls as they were')
    t.same(body(await cc.app.inject('/simulator/agents')).agents, before.agents, 'the agents as they were')
    for (const e of seen) t.equal(checkEvent(e.serviceId === WM, e.event.name, e.event.target, e.event.data), undefined, `${e.event.name} is in the catalogue`)
    const restored = seen.filter(e => e.event.name === 'interaction.restored')
    t.equal(restored.length, (before.processor.interactions as unknown[]).length, 'one interaction.restored per interaction')
    const session = (before.workflow.views as Array<{ target: string, states: Record<string, string>, capabilities: Array<{ name: string, type: string }> }>).find(v => v.target === a1.rid)
    const chats = (before.processor.interactions as Array<{ channelId: string }>).filter(ix => ix.channelId === 'chat').length
    const call = (before.processor.interactions as Array<{ channelId: string }>).some(ix => ix.channelId === 'voice')
    t.equal(session?.states.logout, call ? (chats > 0 ? 'both' : 'voice') : (chats > 0 ? 'chats' : 'free'), 'the logout view knows of the calls and chats')
    t.equal(session?.capabilities.find(c => c.name === 'session.logout')?.type, !call && chats === 0 ? 'enable' : 'disable', 'logout only without calls and chats')
  })
}
