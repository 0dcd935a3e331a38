import t, { type Test } from 'tap'
import { report, runConformance } from '../../src/bridge/conformance.js'
import { Desk, http, until } from '../bridge/desk.js'
import { startSip, haveSip } from '../helpers/sip.js'

/**
 * Real SIP calls (docs/connectors/sip.md): kamailio, three agents' baresip phones and a caller
 * phone on loopback, the SIP connector as its own process, and the server against it. Every
 * step is what a media bar does over REST; what the phones did is read from the connector's
 * log of their events (the far phone's DTMF, the media flowing).
 */
if (haveSip(t)) await t.test('real SIP calls through kamailio to the agents\' phones', run)

interface Ix { id: string, state: string, udata: Record<string, unknown>, conversations: Array<{ id: string, state: string }>, parties: Array<{ focusresource: string }> }

async function run (t: Test): Promise<void> {
  const setup = await startSip(t, ['1001', '1002', '1003'])
  const { stack, connector, base, token } = setup
  const sip = connector

  const desk1 = await Desk.open(base)
  const desk2 = await Desk.open(base)
  t.equal((await desk1.login({ id: 'agent1', password: 'demo-pass-1' }, 'quick')).status, 201, 'agent1 logs in (phone 1001)')
  t.equal((await desk2.login({ id: 'agent2', password: 'demo-pass-2' }, 'quick')).status, 201, 'agent2 logs in (phone 1002)')
  const ixOf = async (desk: Desk, state?: string): Promise<Ix | undefined> => {
    const all = (await desk.picture()).interactions as Ix[]
    return all.find(ix => state === undefined || ix.state === state)
  }
  const none = async (desk: Desk): Promise<true | undefined> => ((await desk.picture()).interactions as Ix[]).length === 0 ? true : undefined
  const stateOf = async (desk: Desk): Promise<string> => String((await desk.picture()).session.state)
  const place = async (body: Record<string, unknown>): Promise<string> => {
    const placed = await http(base, 'POST', '/simulator/calls', body)
    t.equal(placed.status, 201, `the caller phone calls ${String(body.queue ?? body.to)}`)
    return String(placed.json.callId)
  }
  const ok = async (desk: Desk, command: string, target: string, data?: unknown): Promise<void> => {
    const res = await desk.request(command, target, data)
    t.equal(res.status, 200, `${command}: ${JSON.stringify(res.json.failure ?? 'ok')}`)
  }

  await t.test('capabilities say what the phones can do', async t => {
    const processor = (await http(base, 'GET', '/services')).json.data.services.find((s: { type: string }) => s.type.includes('processor'))
    const answer = await desk1.call('POST', `/services/${String(processor.id)}/requests`, { command: 'getCapabilities' })
    t.match(answer.json.data, { 'unsupported-requests': /interaction\.consult/, 'single-channels-media-types': 'voice' })
  })

  await t.test('a queue call rings the longest-idle agent\'s phone; answer, hold, retrieve, digits, blind transfer, the caller hangs up', async t => {
    await ok(desk1, 'session.ready', desk1.rid)
    await new Promise(resolve => setTimeout(resolve, 50))
    await ok(desk2, 'session.ready', desk2.rid)
    const callId = await place({ from: '5550100', queue: 'sales', data: { account: 'A-42' } })
    const offered = await until('agent1 is offered the call', async () => await ixOf(desk1, 'ALERTING'))
    t.match(offered, { state: 'ALERTING', udata: { account: 'A-42' }, parties: [{ focusresource: '5550100' }] }, 'the caller\'s number and attached data')
    await until('phone 1001 rings', async () => /"phone":"1001","type":"CALL_INCOMING"/.test(sip.stdout()) ? true : undefined)
    const target = `${desk1.rid}.voice.${offered.id}`
    const buttons = await desk1.buttons(target)
    t.ok(buttons.includes('conversation.answer'), 'Answer is enabled')
    const conv = offered.conversations[0]?.id ?? ''
    const ctarget = `${target}.${conv}`
    await ok(desk1, 'conversation.answer', ctarget)
    const live = await until('the call is up', async () => await ixOf(desk1, 'STARTED'))
    t.match(live.conversations, [{ state: 'connected' }])
    await until('media flows on phone 1001', async () => /"phone":"1001","type":"CALL_RTPESTAB"/.test(sip.stdout()) ? true : undefined)
    t.pass('RTP is established on the answered call')
    const up = await desk1.buttons(target)
    t.ok(up.includes('conversation.hold') && up.includes('conversation.dtmf') && up.includes('conversation.transfer'), 'hold, digits and transfer are enabled')
    t.notOk(up.includes('interaction.consult') || up.includes('conversation.conference'), 'consult and conference are never enabled (the phones cannot)')
    const consult = await desk1.request('interaction.consult', target, { destination: '1002' })
    t.match(consult, { status: 409, json: { failure: { code: 'INVALID_STATE', message: /not enabled/ } } }, 'a consult sent anyway is refused by the workflow, before the CTI')

    await ok(desk1, 'conversation.hold', ctarget)
    t.match((await ixOf(desk1))?.conversations, [{ state: 'held' }], 'held')
    await ok(desk1, 'conversation.retrieve', ctarget)
    t.match((await ixOf(desk1))?.conversations, [{ state: 'connected' }], 'retrieved')
    await ok(desk1, 'conversation.dtmf', ctarget, { digits: '12#' })
    for (const digit of ['1', '2', '#']) {
      await until(`the caller's phone hears ${digit}`, async () => new RegExp(`"phone":"5550100","type":"CALL_DTMF_START"[^\\n]*"param":"${digit === '#' ? '#' : digit}"`).test(sip.stdout()) ? true : undefined)
    }
    t.pass('the digits reach the far phone')

    await ok(desk1, 'conversation.transfer', ctarget, { destination: '1002' })
    await until('agent1 is in wrap-up', async () => (await stateOf(desk1)) === 'wrap_up' ? true : undefined)
    const moved = await until('agent2 is offered the transferred call', async () => await ixOf(desk2, 'ALERTING'))
    t.match(moved.udata, { account: 'A-42' }, 'the attached data came along')
    await until('phone 1002 rings', async () => /"phone":"1002","type":"CALL_INCOMING"/.test(sip.stdout()) ? true : undefined)
    const target2 = `${desk2.rid}.voice.${moved.id}`
    await ok(desk2, 'conversation.answer', `${target2}.${moved.conversations[0]?.id ?? ''}`)
    await until('agent2 is on the call', async () => await ixOf(desk2, 'STARTED'))
    const calls = await http(base, 'GET', '/simulator/calls')
    t.equal(calls.json.calls.length, 1, 'one call, the same one')

    const gone = await http(base, 'DELETE', `/simulator/calls/${callId}`)
    t.equal(gone.status, 200, 'the caller hangs up')
    await until('agent2\'s call ended', async () => await ixOf(desk2, 'ENDED'))
    t.equal(await stateOf(desk2), 'wrap_up')
    for (const [desk, ix] of [[desk1, offered], [desk2, moved]] as const) await ok(desk, 'interaction.complete', `${desk.rid}.voice.${ix.id}`)
    await until('both are ready again', async () => (await stateOf(desk1)) === 'ready' && (await stateOf(desk2)) === 'ready' ? true : undefined)
    t.same((await http(base, 'GET', '/simulator/calls')).json.calls, [], 'no call is left')
  })

  await t.test('a rejected call rings the other agent; the agent hangs up', async t => {
    const callId = await place({ from: '5550100', queue: 'sales' })
    const first = await until('someone is offered the call', async () => (await ixOf(desk1, 'ALERTING')) !== undefined ? desk1 : (await ixOf(desk2, 'ALERTING')) !== undefined ? desk2 : undefined)
    const other = first === desk1 ? desk2 : desk1
    const ix = await ixOf(first, 'ALERTING')
    await ok(first, 'interaction.reject', `${first.rid}.voice.${ix?.id ?? ''}`)
    const next = await until('the other agent is offered it', async () => await ixOf(other, 'ALERTING'))
    const target = `${other.rid}.voice.${next.id}`
    await ok(other, 'conversation.answer', `${target}.${next.conversations[0]?.id ?? ''}`)
    await until('up', async () => await ixOf(other, 'STARTED'))
    await ok(other, 'conversation.release', `${target}.${next.conversations[0]?.id ?? ''}`)
    await until('ended', async () => await ixOf(other, 'ENDED'))
    await until('the caller\'s phone hung up too', async () => (await http(base, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
    t.equal((await http(base, 'DELETE', `/simulator/calls/${callId}`)).status, 404, 'the call is gone')
    await ok(other, 'interaction.complete', target)
    await until('ready', async () => (await stateOf(other)) === 'ready' ? true : undefined)
  })

  await t.test('ring-no-answer: the call rings out, the agent goes not ready (RNA), the other agent gets it', async t => {
    await ok(desk2, 'session.notready', desk2.rid, { reason: 'BREAK' })
    await place({ from: '5550100', queue: 'sales' })
    await until('agent1 is offered the call', async () => await ixOf(desk1, 'ALERTING'))
    await ok(desk2, 'session.ready', desk2.rid)
    await until('agent1 went not ready (RNA)', async () => (await desk1.picture()).session.reason === 'RNA' ? true : undefined, 15_000)
    const next = await until('agent2 is offered it', async () => await ixOf(desk2, 'ALERTING'))
    t.ok(await none(desk1), 'agent1 has nothing left')
    const target = `${desk2.rid}.voice.${next.id}`
    await ok(desk2, 'conversation.answer', `${target}.${next.conversations[0]?.id ?? ''}`)
    await until('up', async () => await ixOf(desk2, 'STARTED'))
    await ok(desk2, 'interaction.terminate', target)
    await ok(desk2, 'interaction.complete', target)
    await until('no call is left', async () => (await http(base, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
  })

  await t.test('a caller who hangs up while queued: the call is gone, nobody rings', async t => {
    await ok(desk1, 'session.ready', desk1.rid)
    await ok(desk1, 'session.notready', desk1.rid, { reason: 'BREAK' })
    await ok(desk2, 'session.notready', desk2.rid, { reason: 'BREAK' })
    const callId = await place({ from: '5550100', queue: 'support' })
    t.match((await http(base, 'GET', '/simulator/queues')).json.queues.find((q: { id: string }) => q.id === 'support'), { waiting: [{ callId }] }, 'waiting in support')
    t.equal((await http(base, 'DELETE', `/simulator/calls/${callId}`)).status, 200, 'the caller hangs up')
    await until('the queue is empty', async () => (await http(base, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
    t.ok(await none(desk1) && await none(desk2), 'no agent was offered it')
  })

  await t.test('an agent dials another agent: their phone dials through kamailio, the other phone rings, both talk, the caller hangs up and both phones are hung up', async t => {
    const rang = sip.stdout().match(/"phone":"1002","type":"CALL_INCOMING"/g)?.length ?? 0
    const dialed = await desk1.request('channel.dial', `${desk1.rid}.voice`, { destination: '1002' })
    t.equal(dialed.status, 200, `channel.dial: ${JSON.stringify(dialed.json.failure ?? 'ok')}`)
    const out = await until('agent1 is dialling', async () => await ixOf(desk1, 'DIALING'))
    const incoming = await until('agent2 is offered the internal call', async () => await ixOf(desk2, 'ALERTING'))
    await until('phone 1002 rings with it', async () => (sip.stdout().match(/"phone":"1002","type":"CALL_INCOMING"/g)?.length ?? 0) > rang ? true : undefined)
    const target2 = `${desk2.rid}.voice.${incoming.id}`
    await ok(desk2, 'conversation.answer', `${target2}.${incoming.conversations[0]?.id ?? ''}`)
    await until('agent1 talks', async () => await ixOf(desk1, 'STARTED'))
    await until('agent2 talks', async () => await ixOf(desk2, 'STARTED'))
    const target1 = `${desk1.rid}.voice.${out.id}`
    await ok(desk1, 'conversation.release', `${target1}.${out.conversations[0]?.id ?? ''}`)
    await until('agent1\'s call ended', async () => await ixOf(desk1, 'ENDED'))
    await until('agent2\'s call ended (their phone was hung up)', async () => await ixOf(desk2, 'ENDED'))
    await ok(desk1, 'interaction.complete', target1)
    await ok(desk2, 'interaction.complete', target2)
    await until('no call is left', async () => (await http(base, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
  })

  await t.test('a phone killed mid-call: the agent\'s call ends for them (wrap-up), nothing is left ringing or queued', async t => {
    await ok(desk2, 'session.ready', desk2.rid)
    await place({ from: '5550100', queue: 'sales' })
    const offered = await until('agent2 is offered the call', async () => await ixOf(desk2, 'ALERTING'))
    const target = `${desk2.rid}.voice.${offered.id}`
    await ok(desk2, 'conversation.answer', `${target}.${offered.conversations[0]?.id ?? ''}`)
    await until('up', async () => await ixOf(desk2, 'STARTED'))
    await stack.killPhone('1002')
    await until('agent2\'s call ended', async () => await ixOf(desk2, 'ENDED'), 15_000)
    t.equal(await stateOf(desk2), 'wrap_up', 'agent2 is in wrap-up, as after any call')
    t.same((await http(base, 'GET', '/simulator/calls')).json.calls, [], 'the contact center holds no call')
    await until('the connector says the phone is unreachable', async () => /"phone 1002"[^\n]*connection lost|"line":"phone 1002","msg":"connection lost"/.test(sip.stdout()) ? true : undefined)
    await ok(desk2, 'interaction.complete', target)
  })

  await t.test('kamailio restarts: a call that is up goes on through the new kamailio, new calls reach the phones again', async t => {
    await ok(desk1, 'session.ready', desk1.rid)
    await place({ from: '5550100', to: '1001' })
    const up = await until('agent1 is offered the call', async () => await ixOf(desk1, 'ALERTING'))
    const target = `${desk1.rid}.voice.${up.id}`
    const conv = `${target}.${up.conversations[0]?.id ?? ''}`
    await ok(desk1, 'conversation.answer', conv)
    await until('up', async () => await ixOf(desk1, 'STARTED'))
    const connects = (): number => sip.stdout().match(/"line":"kamailio evapi","address":"[^"]+","msg":"connected"/g)?.length ?? 0
    const before = connects()
    await stack.restartKamailio()
    await until('the connector is connected to the new kamailio', async () => connects() > before ? true : undefined, 15_000)
    await ok(desk1, 'conversation.hold', conv)
    await until('held', async () => (await ixOf(desk1))?.conversations[0]?.state === 'held' ? true : undefined)
    await ok(desk1, 'conversation.retrieve', conv)
    await until('connected', async () => (await ixOf(desk1))?.conversations[0]?.state === 'connected' ? true : undefined)
    t.pass('hold and retrieve re-INVITE through the new kamailio')
    await ok(desk1, 'conversation.release', conv)
    await until('ended', async () => await ixOf(desk1, 'ENDED'))
    await ok(desk1, 'interaction.complete', target)
    // agent2's phone is gone (above): if the ACD tries it first, it cannot ring and agent1 gets the call.
    const rang = sip.stdout().match(/"phone":"1001","type":"CALL_INCOMING"/g)?.length ?? 0
    await place({ from: '5550100', queue: 'sales' })
    const next = await until('agent1 is offered a new queue call', async () => await ixOf(desk1, 'ALERTING'), 20_000)
    await until('phone 1001 rings again', async () => (sip.stdout().match(/"phone":"1001","type":"CALL_INCOMING"/g)?.length ?? 0) > rang ? true : undefined)
    const target2 = `${desk1.rid}.voice.${next.id}`
    await ok(desk1, 'conversation.answer', `${target2}.${next.conversations[0]?.id ?? ''}`)
    await until('up', async () => await ixOf(desk1, 'STARTED'))
    await ok(desk1, 'interaction.terminate', target2)
    await ok(desk1, 'interaction.complete', target2)
    await until('no call is left', async () => (await http(base, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
    await ok(desk1, 'session.notready', desk1.rid, { reason: 'BREAK' })
  })

  await t.test('the server restarts mid-call, then the connector crashes mid-call: the call stays up on the phones, adopted by a new session and rebuilt by a new connector', async t => {
    await ok(desk1, 'session.ready', desk1.rid)
    const callId = await place({ from: '5550100', to: '1001' })
    const offered = await until('agent1 is offered the call', async () => await ixOf(desk1, 'ALERTING'))
    await ok(desk1, 'conversation.answer', `${desk1.rid}.voice.${offered.id}.${offered.conversations[0]?.id ?? ''}`)
    await until('up', async () => await ixOf(desk1, 'STARTED'))
    const next = await setup.restartServer()
    t.pass('the server was stopped and started again')
    const again = await Desk.open(next)
    t.equal((await again.login({ id: 'agent1', password: 'demo-pass-1' }, 'quick')).status, 201, 'agent1 logs in on the new server')
    const adopted = ((await again.picture()).interactions as Ix[]).find(ix => ix.id === offered.id)
    t.match(adopted, { state: 'STARTED', conversations: [{ state: 'connected' }] }, 'the session adopted the call, still connected')
    t.ok(stack.phones.length > 0 && (await http(next, 'GET', '/simulator/calls')).json.calls.some((c: { id: string }) => c.id === callId), 'the contact center still has the call')
    const target = `${again.rid}.voice.${offered.id}`
    await ok(again, 'conversation.release', `${target}.${offered.conversations[0]?.id ?? ''}`)
    await until('ended', async () => await ixOf(again, 'ENDED'))
    await until('the caller\'s phone hung up', async () => (await http(next, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
    await ok(again, 'interaction.complete', target)

    // The connector crashes mid-call and a new one starts: it rebuilds the agents and the call
    // from its state file and the phones, and the server resyncs from it.
    const callId2 = String((await http(next, 'POST', '/simulator/calls', { from: '5550100', to: '1001' })).json.callId)
    const second = await until('agent1 is offered another call', async () => await ixOf(again, 'ALERTING'))
    const target2 = `${again.rid}.voice.${second.id}`
    const conv2 = `${target2}.${second.conversations[0]?.id ?? ''}`
    await ok(again, 'conversation.answer', conv2)
    await until('up', async () => await ixOf(again, 'STARTED'))
    await setup.crashConnector()
    await until('the new connector restored the call', async () => setup.saw(/"agents":\d+,"calls":1,"msg":"restored the agents and calls of before the restart"/) ? true : undefined)
    await until('the server is back on the connector', async () => (await http(next, 'GET', '/health')).status === 200 ? true : undefined, 20_000)
    t.ok((await http(next, 'GET', '/simulator/calls')).json.calls.some((c: { id: string }) => c.id === callId2), 'the new connector has the call, by the same id')
    t.match(await ixOf(again), { id: second.id, state: 'STARTED', conversations: [{ state: 'connected' }] }, 'the session still shows the call, connected')
    t.equal((await again.picture()).session.state, 'busy', 'the agent is still on the call')
    await ok(again, 'conversation.hold', conv2)
    await until('held', async () => (await ixOf(again))?.conversations[0]?.state === 'held' ? true : undefined)
    await ok(again, 'conversation.retrieve', conv2)
    await until('connected', async () => (await ixOf(again))?.conversations[0]?.state === 'connected' ? true : undefined)
    t.pass('the new connector drives the call on the phone (hold, retrieve)')
    await ok(again, 'conversation.release', conv2)
    await until('ended', async () => await ixOf(again, 'ENDED'))
    await until('the caller\'s phone hung up', async () => (await http(next, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
    await ok(again, 'interaction.complete', target2)
  })

  await t.test('the SIP connector passes the conformance suite (agent3 on phone 1003)', async t => {
    const results = await runConformance({ url: connector.base, token, agent: { id: 'agent3', password: 'demo-pass-3' } })
    t.same(results.filter(r => !r.ok).map(r => `${r.name}: ${r.detail}`), [], report(results).split('\n').slice(-1)[0] ?? 'the suite')
  })
}
