import t, { type Test } from 'tap'
import { AGENT1, PROCESSOR_ID, RestClient, WM } from '../helpers/app.js'
import { Center, type Agent, type Envelope } from '../helpers/contact-center.js'

// The interaction catalogue of seed 003 (Genesys SCXML), walked entry by entry: each action with
// the situation it acts in, its `.done` event and the attributes the seed lists, and at least one
// failure producing its `error.interaction.<action>`; each asynchronous event with the situation
// that produces it and its attributes. (docs/protocol.md, Session requests and Events.)

const CALLER = '+15551234567'
const OUTSIDE = '+15559990000'

interface World { cc: Center, a1: Agent, a2: Agent }

async function world (t: Test, ready = true): Promise<World> {
  const cc = await Center.open(t)
  const [a1, a2] = await cc.login(['agent1', 'agent2'], { ready })
  if (a1 === undefined || a2 === undefined) throw new Error('login')
  return { cc, a1, a2 }
}

/** A queue call offered to agent1 (who became ready first). */
async function ringing (w: World): Promise<void> {
  await w.cc.call({ from: CALLER, queue: 'sales', data: { account: '42' } })
}
async function talking (w: World): Promise<void> {
  await ringing(w)
  await w.a1.do('conversation.answer', w.a1.target('ix-1', 'primary'))
}

/** The events `agent` received from the processor since `from`, by name. */
function events (agent: Agent, from: number, name: string): Array<Envelope['event']> {
  return agent.received.slice(from).filter(e => e.serviceId !== WM && e.event.name === name).map(e => e.event)
}

/** Runs `act` and returns the processor events `agent` received meanwhile, by name. */
async function during (w: World, agent: Agent, act: () => Promise<unknown> | unknown): Promise<(name: string) => Array<Envelope['event']>> {
  w.cc.drainAll()
  const from = agent.received.length
  await act()
  w.cc.drainAll()
  return name => events(agent, from, name)
}

/** The seed's attributes are all there, with these values where given. */
function carries (t: Test, event: Envelope['event'] | undefined, attributes: string[], values: Record<string, unknown> = {}): void {
  t.ok(event !== undefined, 'the event was sent')
  for (const a of attributes) t.ok(event !== undefined && Object.hasOwn(event.data, a), `it carries ${a}`)
  t.match(event?.data, values)
}

interface Action {
  action: string
  command: string
  setup: (w: World) => Promise<void>
  request: (w: World) => [target: string | undefined, data?: unknown]
  done: Record<string, unknown>
  after?: (t: Test, w: World, seen: (name: string) => Array<Envelope['event']>) => void
  failure: { setup?: (w: World) => Promise<void>, request: (w: World) => [target: string | undefined, data?: unknown], code: string }
}

const ACTIONS: Action[] = [
  {
    action: 'accept',
    command: 'interaction.accept',
    setup: ringing,
    request: w => [w.a1.target('ix-1')],
    done: { interactionid: 'ix-1' },
    after: (t, w) => { t.match(w.a1.caps('ix-1'), ['release', 'hold']) },
    failure: { setup: talking, request: w => [w.a1.target('ix-1')], code: 'INVALID_STATE' }
  },
  {
    action: 'redirect',
    command: 'interaction.redirect',
    setup: ringing,
    request: w => [w.a1.target('ix-1'), { destination: '1002' }],
    done: { interactionid: 'ix-1' },
    after: (t, w, seen) => {
      carries(t, seen('interaction.ondivert')[0], ['interactionid', 'divertingpartyid', 'divertingresource', 'divertingpartystate', 'newdestination', 'hints'],
        { divertingresource: '1001', divertingpartystate: 'alerting', newdestination: '1002', hints: { reason: 'redirect' } })
      t.match(events(w.a2, 0, 'interaction.added'), [{ data: { state: 'ALERTING', from: CALLER } }], 'the call rings at agent2, unanswered')
    },
    failure: { setup: talking, request: w => [w.a1.target('ix-1'), { destination: '1002' }], code: 'INVALID_STATE' }
  },
  {
    action: 'pick',
    command: 'interaction.pick',
    setup: async w => { await w.cc.call({ from: CALLER, to: '1002' }) },
    request: () => [undefined, { destination: '1002' }],
    done: { interactionid: 'ix-2' },
    after: (t, w) => {
      carries(t, events(w.a2, 0, 'interaction.ondivert')[0], ['interactionid', 'divertingpartyid', 'divertingresource', 'divertingpartystate', 'newdestination', 'hints'],
        { divertingresource: '1002', newdestination: '1001', hints: { reason: 'picked' } })
    },
    failure: { request: () => [undefined, { destination: '1002' }], code: 'INVALID_STATE' }
  },
  {
    action: 'associate',
    command: 'interaction.associate',
    setup: talking,
    request: w => [w.a1.target('ix-1')],
    done: { interactionid: 'ix-1' },
    after: (t, _w, seen) => {
      carries(t, seen('interaction.restored')[0], ['interactionid', 'state', 'conversations', 'parties', 'udata', 'startedAt', 'since'], { interactionid: 'ix-1', state: 'STARTED', udata: { account: '42' } })
    },
    failure: { request: w => [`${w.a1.rid}.voice.ix-9`], code: 'INVALID_TARGET' }
  },
  {
    action: 'terminate',
    command: 'interaction.terminate',
    setup: talking,
    request: w => [w.a1.target('ix-1')],
    done: { interactionid: 'ix-1' },
    after: (t, w, seen) => {
      t.match(seen('state.updated').filter(e => e.target === w.a1.target('ix-1')).at(-1)?.data, { state: 'ENDED', reason: 'terminated' })
    },
    failure: { setup: async w => { await talking(w); await w.a1.do('interaction.terminate', w.a1.target('ix-1')) }, request: w => [w.a1.target('ix-1')], code: 'INVALID_STATE' }
  },
  {
    action: 'clear',
    command: 'interaction.clear',
    setup: async w => {
      await talking(w)
      await w.a1.do('interaction.singlestepconference', w.a1.target('ix-1'), { destination: OUTSIDE })
      await w.cc.advance(3000)
    },
    request: w => [w.a1.target('ix-1'), { resource: OUTSIDE }],
    done: { interactionid: 'ix-1', resource: 'leg-3' },
    after: (t, _w, seen) => {
      carries(t, seen('interaction.partydeleted')[0], ['interactionid', 'focusresource', 'partyid', 'partystate'], { focusresource: OUTSIDE, partyid: 'leg-3', partystate: 'disconnected' })
    },
    failure: { setup: talking, request: w => [w.a1.target('ix-1'), { resource: 'nobody' }], code: 'INVALID_MESSAGE' }
  },
  {
    action: 'singlesteptransfer',
    command: 'interaction.singlesteptransfer',
    setup: talking,
    request: w => [w.a1.target('ix-1'), { destination: '1002' }],
    done: { interactionid: 'ix-1' },
    after: (t, _w, seen) => {
      carries(t, seen('interaction.onsinglesteptransfer')[0], ['interactionid', 'transferringpartyid', 'transferringresource', 'transferringpartystate', 'newdestination', 'hints'],
        { transferringresource: '1001', newdestination: '1002' })
    },
    failure: { setup: ringing, request: w => [w.a1.target('ix-1'), { destination: '1002' }], code: 'INVALID_STATE' }
  },
  {
    action: 'singlestepconference',
    command: 'interaction.singlestepconference',
    setup: talking,
    request: w => [w.a1.target('ix-1'), { destination: '1002' }],
    done: { interactionid: 'ix-1' },
    after: (t, _w, seen) => {
      carries(t, seen('interaction.onsinglestepconference')[0], ['interactionid', 'conferencingpartyid', 'conferencingresource', 'conferencingpartystate', 'addedpartyid', 'addedresource', 'addedpartystate', 'hints'],
        { conferencingresource: '1001', addedresource: '1002', addedpartystate: 'alerting' })
    },
    failure: { setup: talking, request: w => [w.a1.target('ix-1'), { destination: '12' }], code: 'INVALID_MESSAGE' }
  }
]

for (const a of ACTIONS) {
  t.test(`seed 003 action ${a.action}: done with its attributes, and error.interaction.${a.action} when it cannot be done`, async t => {
    const w = await world(t)
    await a.setup(w)
    const [target, data] = a.request(w)
    let answer: Record<string, unknown> = {}
    const seen = await during(w, w.a1, async () => { answer = await w.a1.req(a.command, target, data) })
    t.match(answer, { status: 200, result: 'success', command: a.command })
    carries(t, seen(`interaction.${a.action}.done`)[0], ['requestid', 'interactionid'], { requestid: answer.requestId, ...a.done })
    a.after?.(t, w, seen)
    t.same(w.cc.violations, [], 'the interaction rules held')

    const f = await world(t)
    await a.failure.setup?.(f)
    const [ftarget, fdata] = a.failure.request(f)
    let refused: Record<string, unknown> = {}
    const fseen = await during(f, f.a1, async () => { refused = await f.a1.req(a.command, ftarget, fdata) })
    t.match(refused, { result: 'failure', failure: { code: a.failure.code } })
    carries(t, fseen(`error.interaction.${a.action}`)[0], ['requestid', 'error', 'description'], { requestid: refused.requestId, error: a.failure.code })
  })
}

interface AsyncEvent {
  event: string
  attributes: string[]
  produce: (w: World) => Promise<Agent>
  values?: Record<string, unknown>
}

const ASYNC: AsyncEvent[] = [
  { event: 'interaction.added', attributes: ['interactionid'], produce: async w => { await ringing(w); return w.a1 } },
  { event: 'interaction.present', attributes: ['interactionid'], produce: async w => { await ringing(w); return w.a1 } },
  { event: 'interaction.notcontrolled', attributes: ['interactionid'], produce: async w => { await ringing(w); await w.a1.do('interaction.reject', w.a1.target('ix-1')); return w.a1 } },
  { event: 'interaction.deleted', attributes: ['interactionid'], produce: async w => { await ringing(w); await w.a1.do('interaction.reject', w.a1.target('ix-1')); return w.a1 } },
  { event: 'interaction.partyadded', attributes: ['interactionid', 'focusresource', 'partyid', 'partystate'], produce: async w => { await ringing(w); return w.a1 }, values: { focusresource: CALLER } },
  {
    event: 'interaction.partydeleted',
    attributes: ['interactionid', 'focusresource', 'partyid', 'partystate'],
    produce: async w => { await w.a1.do('channel.dial', undefined, { destination: '1002' }); await w.a2.do('conversation.answer', w.a2.target('ix-2', 'primary')); await w.a2.do('conversation.release', w.a2.target('ix-2', 'primary')); return w.a1 },
    values: { focusresource: '1002', partystate: 'disconnected' }
  },
  {
    event: 'interaction.partystatechanged',
    attributes: ['interactionid', 'focusresource', 'partyid', 'partystate', 'hints'],
    produce: async w => { await w.a1.do('channel.dial', undefined, { destination: '1002' }); await w.a2.do('conversation.answer', w.a2.target('ix-2', 'primary')); await w.a2.do('conversation.hold', w.a2.target('ix-2', 'primary')); return w.a1 },
    values: { focusresource: '1002', partystate: 'held' }
  },
  { event: 'interaction.udata.changed', attributes: ['interactionid'], produce: async w => { await talking(w); await w.a1.do('interaction.setdata', w.a1.target('ix-1'), { data: { outcome: 'sale' } }); return w.a1 } },
  {
    event: 'interaction.ondivert',
    attributes: ['interactionid', 'divertingpartyid', 'divertingresource', 'divertingpartystate', 'newdestination', 'hints'],
    produce: async w => { await ringing(w); await w.cc.advance(15_000); return w.a1 },
    values: { newdestination: 'sales', hints: { reason: 'ring_no_answer' } }
  },
  {
    event: 'interaction.onsinglesteptransfer',
    attributes: ['interactionid', 'transferringpartyid', 'transferringresource', 'transferringpartystate', 'newdestination', 'hints'],
    produce: async w => { await talking(w); await w.a1.do('conversation.transfer', w.a1.target('ix-1', 'primary'), { destination: '1002' }); return w.a1 }
  },
  {
    event: 'interaction.onsinglestepconference',
    attributes: ['interactionid', 'conferencingpartyid', 'conferencingresource', 'conferencingpartystate', 'addedpartyid', 'addedresource', 'addedpartystate', 'hints'],
    produce: async w => { await talking(w); await w.a1.do('conversation.conference', w.a1.target('ix-1', 'primary'), { destination: OUTSIDE }); return w.a1 }
  },
  {
    event: 'interaction.onmerge',
    attributes: ['frominteractionid', 'tointeractionid', 'activeresource', 'activepartyid', 'activepartystate', 'heldresource', 'heldpartyid', 'heldpartystate', 'hints'],
    produce: async w => {
      await talking(w)
      await w.a1.do('interaction.consult', w.a1.target('ix-1'), { destination: OUTSIDE })
      await w.cc.advance(3000)
      await w.a1.do('interaction.consulttransfer', w.a1.target('ix-1'))
      return w.a1
    },
    values: { activeresource: OUTSIDE, activepartystate: 'connected', heldresource: CALLER, heldpartystate: 'connected', hints: { type: 'transfer' } }
  },
  {
    event: 'interaction.abandoned',
    attributes: ['interactionid', 'focusresource', 'reason', 'hints'],
    produce: async w => { const call = await w.cc.call({ from: CALLER, queue: 'sales' }); await w.cc.hangup(call); return w.a1 },
    values: { focusresource: CALLER }
  }
]

for (const a of ASYNC) {
  t.test(`seed 003 event ${a.event}: produced when its situation happens, with the seed's attributes`, async t => {
    const w = await world(t)
    let agent: Agent = w.a1
    const seen = await during(w, w.a1, async () => { agent = await a.produce(w) })
    const found = agent === w.a1 ? seen(a.event) : events(agent, 0, a.event)
    carries(t, found.at(-1), a.attributes, a.values)
  })
}

t.test('seed 003 event interaction.restored: a session that adopts the agent gets one per interaction, with the seed\'s attributes (and associate re-sends it: its action test)', async t => {
  const w = await world(t)
  await talking(w)
  const bar = await RestClient.open(w.cc.app, 'taking over')
  await bar.bindService(PROCESSOR_ID)
  await bar.bindService(WM)
  await bar.prepareSession({ agent: AGENT1, override: true })
  await bar.bindResource(PROCESSOR_ID, w.a1.rid)
  const read = w.cc.app.his.clients.get(bar.clientId)?.outbox.read(0)
  const restored = (read?.kind === 'events' ? read.entries : []).map(e => JSON.parse(e.json).event).filter(e => e.name === 'interaction.restored')
  t.equal(restored.length, 1)
  carries(t, restored[0], ['interactionid'], { interactionid: 'ix-1', state: 'STARTED' })
})
