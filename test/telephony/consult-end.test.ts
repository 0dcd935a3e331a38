import t from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM, body } from '../helpers/app.js'
import { Center, type Agent } from '../helpers/contact-center.js'

// However a consult call ends, only the consult ends: the agent is back with the held caller,
// whose call goes on (docs/protocol.md, Pending logout: when a consult call ends).

const CALLER = '+15551234567'
const OUTSIDE = '+15557777'

type Ending = [name: string, consultTo: string, end: (cc: Center, a1: Agent, a2: Agent) => Promise<void>]

const endings: Ending[] = [
  ['the consulted agent answers, then releases', '1002', async (_cc, _a1, a2) => {
    await a2.do('conversation.answer', a2.target(a2.latest, 'primary'))
    await a2.do('conversation.release', a2.target(a2.latest, 'primary'))
  }],
  ['the consulted agent rejects it', '1002', async (_cc, _a1, a2) => { await a2.do('interaction.reject', a2.target(a2.latest)) }],
  ['the consulted agent lets it ring out', '1002', async cc => { await cc.advance(16_000) }],
  ['the outside number answers, then hangs up', OUTSIDE, async cc => {
    await cc.advance(3000)
    const consult = (await cc.calls()).find(c => c.to === OUTSIDE)
    if ((await cc.hangup(String(consult?.id))) !== 200) throw new Error('hang up')
  }],
  ['the agent clears the consulted agent while it rings', '1002', async (_cc, a1) => { await a1.do('interaction.clear', a1.target('ix-1'), { resource: '1002' }) }],
  ['the agent clears the outside party', OUTSIDE, async (cc, a1) => { cc.advance(3000); await a1.do('interaction.clear', a1.target('ix-1'), { resource: OUTSIDE }) }],
  ['the agent clears its own consult conversation', '1002', async (_cc, a1) => {
    await a1.do('interaction.clear', a1.target('ix-1'), { resource: a1.target('ix-1', 'consult').split('.').at(-1) })
  }],
  ['the consulted agent clears the consulting agent', '1002', async (_cc, _a1, a2) => {
    await a2.do('conversation.answer', a2.target(a2.latest, 'primary'))
    await a2.do('interaction.clear', a2.target(a2.latest), { resource: '1001' })
  }]
]

for (const [name, consultTo, end] of endings) {
  t.test(`${name}: the consult ends, the held caller stays with the agent`, async t => {
    const cc = await Center.open(t)
    const [a1, a2] = await cc.login(['agent1', 'agent2'])
    if (a1 === undefined || a2 === undefined) throw new Error('login')
    await cc.call({ from: CALLER, to: '1001' })
    await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
    await a1.do('interaction.consult', a1.target('ix-1'), { destination: consultTo })
    await end(cc, a1, a2)
    const calls = await cc.calls()
    t.match(calls, [{ from: CALLER, parties: [{ number: CALLER, state: 'connected' }, { agentId: 'agent1', state: 'held' }] }], 'the customer\'s call is up, held by agent1')
    t.equal(calls.length, 1, 'and the consult call is gone')
    t.match(await a1.interactions(), [{ id: 'ix-1', state: 'STARTED', conversations: [{ role: 'primary', state: 'held' }] }])
    t.equal((await a1.interactions())[0]?.conversations.length, 1, 'no consult conversation left')
    cc.drainAll()
    t.ok(a1.caps('ix-1').includes('retrieve'), 'the agent can retrieve the caller')
    t.same(await cc.agreement(), [])
    t.same(cc.violations, [])
  })
}

t.test('a consulted agent whose desktop is gone (pending logout) is not handed the caller', async t => {
  const cc = await Center.open(t, { SESSION_GRACE_MS: 1000 })
  const [a1, a2] = await cc.login(['agent1', 'agent2'])
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  await cc.call({ from: CALLER, to: '1001' })
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  await a1.do('interaction.consult', a1.target('ix-1'), { destination: '1002' })
  await a2.do('conversation.answer', a2.target(a2.latest, 'primary'))
  t.equal((await a2.bar.call('DELETE', `/clients/${a2.bar.clientId}`)).statusCode, 200, 'agent2\'s bar goes')
  t.match(body(await cc.app.inject('/simulator/agents')).agents.find((a: { id: string }) => a.id === 'agent2'), { pendingLogout: 'client_closed' })
  for (const command of ['interaction.consulttransfer', 'interaction.consultconference']) {
    t.match(await a1.req(command, a1.target('ix-1')), { status: 409, failure: { code: 'INVALID_STATE', message: /signing out/ } }, command)
  }
  t.match(await cc.calls(), [{ from: CALLER, parties: [{ number: CALLER }, { agentId: 'agent1', state: 'held' }] }, { parties: [{ agentId: 'agent1' }, { agentId: 'agent2' }] }], 'both calls as they were')
})

t.test('a session that adopts the agent brings its call model\'s settings to the CTI', async t => {
  const cc = await Center.open(t)
  const [a1] = await cc.login(['agent1'], { model: 'RNA' })
  if (a1 === undefined) throw new Error('login')
  const bar = await RestClient.open(cc.app, 'takes over with the default model')
  await bar.bindService(PROCESSOR_ID)
  await bar.bindService(WM)
  t.equal((await bar.prepareSession({ agent: AGENT1, model: 'default', override: true })).statusCode, 201)
  await bar.bindResource(PROCESSOR_ID, a1.rid)
  await cc.call({ from: CALLER, to: '1001' })
  t.match(body(await bar.request(a1.rid, 'conversation.answer', undefined, `${a1.rid}.voice.ix-1.leg-2`)), { result: 'success' })
  t.match(body(await bar.request(a1.rid, 'conversation.release', undefined, `${a1.rid}.voice.ix-1.leg-2`)), { result: 'success' })
  await cc.advance(60_000)
  t.match(body(await cc.app.inject('/simulator/agents')).agents[0], { state: 'ready', interactions: [] }, 'the default model\'s 60 s wrap-up, not the RNA model\'s')
})
