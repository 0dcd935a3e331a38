import t, { type Test } from 'tap'
import { PROCESSOR_ID, WM } from '../helpers/app.js'
import { Center, short, type Agent } from '../helpers/contact-center.js'
import { parseTarget } from '../../src/schemas/target.js'

// Every request the default model disables, in every view state a media bar can see, is refused
// with INVALID_STATE before it reaches the CTI, and changes nothing: no event but the request's
// own error result, the same snapshots, the same simulator.

/** Data that would be valid for each command, so the refusal can only be about state. */
const DATA: Record<string, unknown> = {
  'session.notready': { reason: 'BREAK' },
  'session.logout': { reason: 'test' },
  'channel.dial': { destination: '+15550001111' },
  'conversation.transfer': { destination: '+15550001111' },
  'conversation.conference': { destination: '+15550001111' },
  'interaction.consult': { destination: '+15550001111' },
  'conversation.dtmf': { digits: '1' },
  'interaction.setdata': { data: { k: 'v' } },
  'interaction.complete': { disposition: 'x' }
}

interface Seen {
  views: Set<string>
  refused: number
}

/** Sends every capability the agent's views disable now; each must be refused and change nothing. */
async function sweep (t: Test, cc: Center, agent: Agent, seen: Seen, lastConversation: Map<string, string>): Promise<void> {
  cc.drainAll()
  const workflow = (await agent.bar.snapshot(WM, agent.rid)).data.views as Array<{ target: string, states: Record<string, string>, capabilities: Array<{ name: string, type: string }> }>
  for (const view of workflow) {
    const ids = parseTarget(view.target)
    const ix = ids !== undefined && 'interactionId' in ids ? ids.interactionId : undefined
    const label = `${ix ?? 'session'} [${Object.values(view.states).join(', ')}]`
    for (const state of Object.entries(view.states)) seen.views.add(state.join(':'))
    for (const capability of view.capabilities.filter(c => c.type === 'disable').map(c => c.name)) {
      if (capability.startsWith('notice.')) continue
      let target: string | undefined
      if (capability.startsWith('conversation.') && ix !== undefined) {
        target = lastConversation.get(ix) ?? `${view.target}.gone`
      } else if (capability.startsWith('interaction.')) {
        target = view.target
      }
      const before = {
        processor: await agent.bar.snapshot(PROCESSOR_ID, agent.rid),
        workflow: await agent.bar.snapshot(WM, agent.rid),
        simulator: cc.sim.agents(),
        calls: await cc.calls()
      }
      const answer = await agent.req(capability, target, DATA[capability])
      t.equal(answer.status, 409, `${label}: ${capability} refused (${JSON.stringify(answer.failure)})`)
      t.equal(answer.failure?.code, 'INVALID_STATE', `${label}: ${capability} INVALID_STATE`)
      const events = cc.drainAll()
      // Interaction requests answer with an error result event too; a refused dial has no
      // channel yet, so its event targets the session.
      const expected = capability === 'channel.dial'
        ? ['error.interaction.dial INVALID_STATE']
        : capability.startsWith('session.') ? [] : [`${ix === undefined ? '' : ix + ' '}error.interaction.${short(capability)} INVALID_STATE`]
      t.same(events[agent.id], expected, `${label}: ${capability}: only its error result event`)
      for (const [id, lines] of Object.entries(events)) if (id !== agent.id) t.same(lines, [], `${label}: ${capability}: nothing for ${id}`)
      t.same({
        processor: await agent.bar.snapshot(PROCESSOR_ID, agent.rid),
        workflow: await agent.bar.snapshot(WM, agent.rid),
        simulator: cc.sim.agents(),
        calls: await cc.calls()
      }, before, `${label}: ${capability}: nothing changed`)
      seen.refused++
    }
  }
}

t.test('every disabled request in every view state of the default model is refused with INVALID_STATE and changes nothing', async t => {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'], { ready: false })
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  const seen: Seen = { views: new Set(), refused: 0 }
  const conversations = new Map<string, string>()
  const remember = (agent: Agent, ix: string, role: 'primary' | 'consult' = 'primary'): void => { conversations.set(ix, agent.target(ix, role)) }
  const sweepBoth = async (): Promise<void> => {
    await sweep(t, cc, a1, seen, conversations)
    await sweep(t, cc, a2, seen, conversations)
  }

  await sweepBoth() // not_ready
  await a1.do('session.ready')
  await sweepBoth() // ready
  const call = await cc.call({ from: '+15551234567', queue: 'sales' })
  remember(a1, 'ix-1')
  await sweepBoth() // busy, alerting, recording idle
  await a1.do('conversation.answer', a1.target('ix-1', 'primary'))
  await sweepBoth() // connected, recording off
  await a1.do('interaction.request.recording.start', a1.target('ix-1'))
  await sweepBoth() // recording on
  await a1.do('interaction.request.recording.pause', a1.target('ix-1'))
  await sweepBoth() // recording paused
  await a1.do('conversation.hold', a1.target('ix-1', 'primary'))
  await sweepBoth() // held
  await a1.do('interaction.consult', a1.target('ix-1'), { destination: '1002' })
  remember(a2, 'ix-2')
  await sweepBoth() // consult_dialing; agent2 alerting while not ready
  await a2.do('conversation.answer', a2.target('ix-2', 'primary'))
  await sweepBoth() // consulting
  await a1.do('interaction.alternate', a1.target('ix-1'))
  await sweepBoth() // alternated
  await a1.do('interaction.consultconference', a1.target('ix-1'))
  await a1.do('conversation.release', a1.target('ix-1', 'primary'))
  await sweepBoth() // agent1 wrap_up + ended; agent2 still talking
  await cc.hangup(call)
  await sweepBoth() // both in wrap-up
  await a1.do('interaction.complete', a1.target('ix-1'))
  await a2.do('interaction.complete', a2.target('ix-2'))
  await a2.do('channel.dial', undefined, { destination: '+15557654321' })
  remember(a2, 'ix-3')
  await sweepBoth() // dialing
  await a2.do('conversation.release', a2.target('ix-3', 'primary')) // never answered: gone, no wrap-up
  await a1.do('session.logout')
  await sweepBoth() // logged_out

  for (const state of [
    'session:ready', 'session:not_ready', 'session:busy', 'session:wrap_up', 'session:logged_out',
    'interaction:alerting', 'interaction:dialing', 'interaction:connected', 'interaction:held', 'interaction:consult_dialing',
    'interaction:consulting', 'interaction:alternated', 'interaction:ended',
    'recording:idle', 'recording:off', 'recording:on', 'recording:paused'
  ]) t.ok(seen.views.has(state), `visited ${state}`)
  t.ok(seen.refused > 150, `${seen.refused} disabled requests refused`)
  t.same(cc.violations, [])
})

t.test('while the CTI login is under way only login is offered, and everything else is refused', async t => {
  const cc = await Center.open(t, { SIM_LOGIN_DELAY_MS: 1000 })
  const { RestClient } = await import('../helpers/app.js')
  const bar = await RestClient.open(cc.app)
  const rid = await bar.login({ id: 'agent1', password: 'demo-pass-1' })
  for (const command of ['session.logout', 'session.ready', 'session.notready', 'channel.dial']) {
    const res = await bar.request(rid, command, DATA[command])
    t.equal(res.statusCode, 409, command)
    t.equal(JSON.parse(res.body).failure.code, 'INVALID_STATE', command)
  }
  t.equal(cc.sim.agents().find(a => a.id === 'agent1')?.state, 'logged_out', 'nothing reached the CTI')
})
