import { readFileSync } from 'node:fs'
import t from 'tap'
import { compileCallModel } from '../../src/workflow/call-model.js'
import { ViewInstance, ViewSet } from '../../src/workflow/view.js'
import { WorkflowSession } from '../../src/workflow/workflow-session.js'
import type { ResourceEventBody } from '../../src/schemas/protocol.schema.js'
import { projectPath } from '../../src/paths.js'

const model = compileCallModel('default', JSON.parse(readFileSync(projectPath('models/default.json'), 'utf8')))

const SESSION = 's1'
const CALL = 's1.voice.c1'

function event (name: string, target: string, data: Record<string, unknown> = {}): ResourceEventBody {
  return { messageType: 'stateEvent', name, target, context: {}, data } as unknown as ResourceEventBody
}

/** A workflow session whose published events are recorded; `deliver` says whether the client took them. */
function session (): { ws: WorkflowSession, published: ResourceEventBody[], deliver: { ok: boolean } } {
  const published: ResourceEventBody[] = []
  const deliver = { ok: true }
  const ws = new WorkflowSession(SESSION, model, 'agent1', e => {
    if (!deliver.ok) return false
    published.push(structuredClone(e))
    return true
  })
  return { ws, published, deliver }
}

function enabled (e: ResourceEventBody | undefined): string[] {
  return (e?.data as Array<{ name: string, type: string }> ?? []).filter(c => c.type === 'enable').map(c => c.name)
}

t.test('the session view: a transition moves it, an event without one leaves it', async t => {
  const main = model.session.find(v => v.name === 'session')!
  const v = new ViewInstance(main)
  t.equal(v.send({ type: 'interaction.added', target: CALL, data: {}, scope: 'interaction' }), false, 'no session state has interaction.added')
  t.equal(v.state, 'initial')
  t.equal(v.send({ type: 'session.started', target: SESSION, data: {}, scope: 'session' }), true)
  t.equal(v.state, 'logged_in')
  t.equal(v.send({ type: 'session.started', target: SESSION, data: {}, scope: 'session' }), false, 'logged_in has no session.started')
  t.equal(v.send({ type: 'state.updated', target: SESSION, data: { state: 'not_ready' }, scope: 'session' }), true, 'a common transition')
  t.equal(v.state, 'not_ready')
  t.equal(v.send({ type: 'state.updated', target: CALL, data: { state: 'ready' }, scope: 'interaction' }), false, 'the guard (@scope session) refuses it: no move')
  t.equal(v.state, 'not_ready')
  t.equal(v.send({ type: 'state.updated', target: SESSION, data: { state: 'not_ready' }, scope: 'session' }), false, 'to the state it is in: no move')
  t.equal(v.send({ type: 'session.ended', target: SESSION, data: {}, scope: 'session' }), true)
  t.equal(v.state, 'logged_out')
})

t.test('a view set is moved when new, settles, and moves again only on a transition', async t => {
  const set = new ViewSet(model.session)
  t.equal(set.moved, true, 'a new set counts as moved')
  set.settled()
  t.equal(set.moved, false)
  set.send({ type: 'interaction.added', target: CALL, data: {}, scope: 'interaction' })
  t.equal(set.moved, false, 'no view has a transition for it')
  set.send({ type: 'session.started', target: SESSION, data: {}, scope: 'session' })
  t.equal(set.moved, true)
  t.equal(set.state, 'logged_in')
})

t.test('state.updated is published when the capability list changes, and only then', async t => {
  const { ws, published } = session()
  ws.handle(event('session.started', SESSION))
  t.equal(published.length, 1)
  t.equal(published[0]?.target, SESSION)
  t.equal(published[0]?.name, 'state.updated')
  t.ok(enabled(published[0]).includes('session.ready'), 'logged in: ready is offered')
  ws.handle(event('session.started', SESSION))
  ws.handle(event('channel.activated', `${SESSION}.voice`, { media: 'voice' }))
  t.equal(published.length, 1, 'events without a transition publish nothing')
  ws.handle(event('state.updated', SESSION, { state: 'ready' }))
  t.equal(published.length, 2)
  t.same(ws.snapshot().views[0]?.state, 'ready')
  ws.handle(event('state.updated', SESSION, { state: 'ready' }))
  t.equal(published.length, 2, 'the same state again: nothing')

  ws.handle(event('interaction.added', CALL, { state: 'ALERTING' }))
  const call = published.filter(e => e.target === CALL)
  t.equal(call.length, 1, 'the call\'s view publishes its first list')
  t.ok(enabled(call[0]).includes('conversation.answer'))
  ws.handle(event('state.updated', CALL, { state: 'STARTED' }))
  t.equal(published.filter(e => e.target === CALL).length, 2, 'answered: a new list')
  t.notOk(enabled(published.at(-1)).includes('conversation.answer'))
  const before = published.length
  ws.handle(event('state.updated', `${CALL}.p1`, { role: 'primary', state: 'connected' }))
  t.equal(published.length, before, 'connected has no transition for a connected primary: nothing')
  ws.handle(event('state.updated', `${CALL}.p1`, { role: 'primary', state: 'held' }))
  t.equal(published.at(-1)?.target, CALL)
  t.equal(ws.snapshot().views.find(v => v.target === CALL)?.state, 'held')
  ws.handle(event('state.updated', CALL, { state: 'ENDED' }))
  t.equal(ws.snapshot().views.find(v => v.target === CALL)?.state, 'ended', 'a common transition of the interaction view')
  ws.handle(event('interaction.deleted', CALL))
  t.equal(ws.snapshot().views.find(v => v.target === CALL), undefined)
  ws.handle(event('session.ended', SESSION))
  t.equal(ws.snapshot().views[0]?.state, 'logged_out')
  t.notOk(enabled(published.at(-1)).includes('session.ready'))
})

t.test('a list the client did not take is sent again on the next event, moved or not', async t => {
  const { ws, published, deliver } = session()
  ws.handle(event('session.started', SESSION))
  t.equal(published.length, 1)
  deliver.ok = false
  ws.handle(event('state.updated', SESSION, { state: 'ready' }))
  t.equal(published.length, 1, 'not delivered')
  deliver.ok = true
  ws.handle(event('channel.activated', `${SESSION}.voice`, { media: 'voice' }))
  t.equal(published.length, 2, 'an event that moves nothing still brings the pending list')
  t.ok(enabled(published[1]).includes('session.notready'), 'the ready list')
  ws.handle(event('channel.activated', `${SESSION}.voice`, { media: 'voice' }))
  t.equal(published.length, 2, 'once delivered, nothing more')
})

t.test('a client binding gets every view\'s list again, whether or not it moved', async t => {
  const { ws, published } = session()
  ws.handle(event('session.started', SESSION))
  ws.handle(event('interaction.added', CALL, { state: 'ALERTING' }))
  t.equal(published.length, 2)
  ws.clientBound({} as never)
  t.same(published.slice(2).map(e => e.target), [SESSION, CALL])
  ws.handle(event('channel.activated', `${SESSION}.voice`, { media: 'voice' }))
  t.equal(published.length, 4)
})
