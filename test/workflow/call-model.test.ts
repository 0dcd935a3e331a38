import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { CallModelError, compileCallModel, loadCallModels, withoutRequests, type Views } from '../../src/workflow/call-model.js'
import { unsupportedRequests } from '../../src/processor/interaction-processor.js'
import { ViewInstance, ViewSet, capabilityAllows } from '../../src/workflow/view.js'
import { projectPath } from '../../src/paths.js'

const defaultModel = JSON.parse(readFileSync(projectPath('models/default.json'), 'utf8'))

function modelWith (patch: (m: any) => void): unknown {
  const m = structuredClone(defaultModel)
  patch(m)
  return m
}

t.test('every shipped model loads and compiles', async t => {
  const models = loadCallModels(projectPath('models'))
  t.ok(models.has('default'))
  for (const [name, model] of models) {
    t.equal(model.name, name)
    t.ok((model.session[0]?.states.size ?? 0) > 1, `${name} has session states`)
  }
})

t.test('a broken model names the file and the JSON path of the problem', async t => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing views', { description: 'x' }, /bad\.json: \/views: Expected required property/],
    ['unknown top-level property', modelWith(m => { m.colour = 'red' }), /bad\.json: \/colour: Unexpected property/],
    ['initial state not defined', modelWith(m => { m.views.session.initial = 'nowhere' }), /bad\.json: \/views\/session\/initial: state nowhere is not defined/],
    ['transition to an undefined state', modelWith(m => { m.views.session.states.initial.on[0].target = 'limbo' }), /bad\.json: \/views\/session\/states\/initial\/on\/0\/target: state limbo is not defined/],
    ['global transition to an undefined state', modelWith(m => { m.views.session.on[0].target = 'limbo' }), /\/views\/session\/on\/0\/target/],
    ['enable of an unknown capability', modelWith(m => { m.views.session.states.ready.enable.push('session.fly') }), /\/views\/session\/states\/ready\/enable\/2: capability session.fly is not in \/views\/session\/capabilities/],
    ['capability listed twice', modelWith(m => { m.views.session.capabilities.push('session.login') }), /\/views\/session\/capabilities\/4: capability session.login is listed twice/],
    ['no session view', modelWith(m => { delete m.views.session }), /\/views\/session: the session view is missing/],
    ['a parallel view without a scope', modelWith(m => { delete m.views.recording.scope }), /\/views\/recording\/scope: a view other than session, interaction, chat, chatChannel needs a scope/],
    ['a chat view without the chat channel\'s', modelWith(m => { delete m.views.chatChannel }), /\/views\/chatChannel: chat needs both views: chat \(each chat\) and chatChannel \(the chat channel\)/],
    ['a parallel chat view without the chat view', modelWith(m => { delete m.views.chat; m.views.extra = { scope: 'chat', initial: 'a', capabilities: ['chat.send'], states: { a: {} } } }), /\/views\/chat: parallel chat views need the chat view/],
    ['the interaction view with another scope', modelWith(m => { m.views.interaction.scope = 'session' }), /\/views\/interaction\/scope: the interaction view has scope interaction/],
    ['a capability two parallel views report', modelWith(m => { m.views.recording.capabilities.push('interaction.complete') }), /\/views\/recording\/capabilities\/4: capability interaction.complete is already reported by view interaction/],
    ['guard of the wrong type', modelWith(m => { m.views.session.states.initial.on[0].when = { state: { not: 'x' } } }), /\/views\/session\/states\/initial\/on\/0\/when\/state/],
    ['event name missing', modelWith(m => { delete m.views.session.states.initial.on[0].event }), /\/views\/session\/states\/initial\/on\/0\/event/],
    ['ring timeout of zero', modelWith(m => { m.settings = { ringNoAnswerSeconds: 0 } }), /\/settings\/ringNoAnswerSeconds/],
    ['a transition of a state in another view', modelWith(m => { m.views.recording.states.off.on = [{ event: 'x', target: 'connected' }] }), /\/views\/recording\/states\/off\/on\/0\/target: state connected is not defined/]
  ]
  for (const [name, json, message] of cases) {
    t.throws(() => compileCallModel('bad', json, 'models/bad.json'), { name: 'CallModelError', message }, name)
  }
})

t.test('the models folder: invalid JSON, a missing default, an unreadable folder', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'models-'))
  writeFileSync(join(dir, 'default.json'), JSON.stringify(defaultModel))
  writeFileSync(join(dir, 'broken.json'), '{ "views": ')
  t.throws(() => loadCallModels(dir), { message: /broken\.json: \/: not valid JSON/ })
  const empty = mkdtempSync(join(tmpdir(), 'models-'))
  writeFileSync(join(empty, 'other.json'), JSON.stringify(defaultModel))
  t.throws(() => loadCallModels(empty), { message: /default\.json: \/: the default call model is missing/ })
  t.throws(() => loadCallModels(join(empty, 'missing')), CallModelError)
})

t.test('guards: @scope, @target, data paths, lists and null', async t => {
  const model = compileCallModel('guards', {
    views: {
      session: {
        initial: 'a',
        capabilities: ['x', 'y'],
        on: [{ event: 'reset', target: 'a' }],
        states: {
          a: {
            enable: ['x'],
            on: [
              { event: 'go', when: { '@scope': 'session', 'who.role': ['boss', 'chief'] }, target: 'b' },
              { event: 'go', when: { reason: null }, target: 'c' },
              { event: 'go', when: { '@target': 's1.voice' }, target: 'd' }
            ]
          },
          b: { enable: ['y'] },
          c: { enable: ['x', 'y'] },
          d: {}
        }
      }
    }
  })
  const session = model.session[0]
  const run = (event: { type: string, target: string, data: unknown }): string => {
    const view = new ViewInstance(session)
    view.send(event)
    return view.state
  }
  t.equal(run({ type: 'go', target: 's1', data: { who: { role: 'chief' }, reason: 'r' } }), 'b', 'a nested path matched against a list')
  t.equal(run({ type: 'go', target: 's1.voice.i1', data: { who: { role: 'chief' }, reason: 'r' } }), 'a', 'the wrong scope does not match')
  t.equal(run({ type: 'go', target: 's1.voice.i1', data: { who: { role: 'clerk' } } }), 'c', 'null matches a missing value')
  t.equal(run({ type: 'go', target: 's1.voice', data: { reason: 'r' } }), 'd', '@target matches the path')
  t.equal(run({ type: 'nothing', target: 's1', data: {} }), 'a', 'unknown events are ignored')

  const view = new ViewInstance(session)
  t.same(view.current.capabilities, [{ name: 'x', type: 'enable' }, { name: 'y', type: 'disable' }], 'every known capability, in order')
  view.send({ type: 'go', target: 's1', data: { who: { role: 'boss' } } })
  t.same(view.current.capabilities, [{ name: 'x', type: 'disable' }, { name: 'y', type: 'enable' }])
  view.send({ type: 'reset', target: 's1', data: {} })
  t.equal(view.state, 'a', 'view-wide transitions apply in every state')
})

t.test('capabilityAllows: enabled, disabled, unknown', async t => {
  const model = compileCallModel('x', defaultModel)
  const session = model.session[0]
  const view = new ViewInstance(session)
  t.equal(capabilityAllows(view.current, session.known, 'session.login'), true)
  t.equal(capabilityAllows(view.current, session.known, 'session.ready'), false)
  t.equal(capabilityAllows(view.current, session.known, 'session.dispose'), undefined, 'the CTI decides what the view does not know')
  t.equal(capabilityAllows(view.current, session.known, 'session.logout'), undefined, 'the session view leaves logout to the logout view')
  const views = new ViewSet(model.session)
  t.equal(views.allows('session.logout'), false, 'the view that knows it decides')
  t.equal(views.allows('session.dispose'), undefined)
})

t.test('a target\'s capability list is its views\' in the order the model declares them: the logout view, declared first, leads the session\'s', async t => {
  const model = compileCallModel('x', defaultModel)
  t.same(model.session.map(v => v.name), ['session', 'logout'], 'the session view is the main one (its state is the session\'s)')
  const views = new ViewSet(model.session)
  t.same(views.capabilities.map(c => c.name), ['session.logout', 'session.login', 'session.ready', 'session.notready', 'channel.dial'])
  t.equal(views.state, 'initial')
  t.same(views.states, { session: 'initial', logout: 'out' })
  const interaction = new ViewSet(model.interaction as Views)
  t.same([interaction.capabilities[0]?.name, interaction.capabilities.at(-1)?.name], ['conversation.answer', 'interaction.request.recording.resume'], 'a parallel view declared after its main one reports after it')
})

t.test('the logout view: logout only while the agent has no call and no chat', async t => {
  const model = compileCallModel('x', defaultModel)
  const views = new ViewSet(model.session)
  const send = (type: string, target: string, data: unknown): string => {
    views.send({ type, target, data })
    return views.states.logout ?? ''
  }
  const session = (state: string): string => send('state.updated', 's1', { state, reason: null })
  const chats = (n: number): string => send('state.updated', 's1.chat', { state: 'ready', reason: null, chats: n, max: 3 })
  t.equal(send('session.started', 's1', {}), 'free')
  t.equal(views.allows('session.logout'), true)
  t.equal(chats(0), 'free', 'the chat channel comes up empty')
  t.equal(session('busy'), 'voice')
  t.equal(chats(1), 'both')
  t.equal(views.allows('session.logout'), false)
  t.equal(session('wrap_up'), 'both')
  t.equal(session('ready'), 'chats', 'the call is over; a chat is live')
  t.equal(views.allows('session.logout'), false)
  t.equal(chats(2), 'chats')
  t.equal(send('state.updated', 's1.chat', { state: 'ready', reason: null }), 'chats', 'a channel state without a load changes nothing')
  t.equal(chats(0), 'free')
  t.equal(views.allows('session.logout'), true)
  t.equal(chats(1), 'chats')
  t.equal(session('busy'), 'both')
  t.equal(chats(0), 'voice')
  t.equal(session('not_ready'), 'free')
  t.equal(send('session.ended', 's1', { reason: 'logout' }), 'out')
  t.equal(views.allows('session.logout'), false)
})

t.test('settings default sensibly', async t => {
  const model = compileCallModel('x', defaultModel)
  t.same(model.settings, { ringNoAnswerSeconds: 15, wrapUpSeconds: 60, afterWrapUp: 'ready' })
  const bare = compileCallModel('bare', { views: { session: defaultModel.views.session } })
  t.same(bare.settings, { ringNoAnswerSeconds: 15, wrapUpSeconds: null, afterWrapUp: 'ready' })
  t.same(bare.interaction, [], 'a model without interaction views')
})

t.test('a CTI\'s unsupported requests are disabled in every state of every view, the machines unchanged', async t => {
  const model = loadCallModels(projectPath('models')).get('default')
  if (model === undefined) throw new Error('no default model')
  const unsupported = unsupportedRequests({ 'unsupported-requests': ' interaction.consult, conversation.conference ,' })
  t.same([...unsupported], ['interaction.consult', 'conversation.conference'], 'the capability is a comma-separated list')
  t.equal(unsupportedRequests({}).size, 0, 'none when the CTI says nothing')
  const masked = withoutRequests(model, unsupported)
  t.equal(withoutRequests(model, new Set(['conversation.conference', 'interaction.consult'])), masked, 'one copy per model and set')
  t.equal(withoutRequests(model, new Set()), model, 'nothing to disable: the model itself')
  const main = model.interaction[0]
  const copy = masked.interaction[0]
  if (main === undefined || copy === undefined) throw new Error('no interaction view')
  t.equal(copy.machine, main.machine, 'the same machine')
  let consultSomewhere = false
  for (const [name, state] of main.states) {
    const after = copy.states.get(name)
    if (after === undefined) throw new Error(`state ${name} lost`)
    if (state.enabled.has('interaction.consult')) consultSomewhere = true
    t.notOk(after.enabled.has('interaction.consult') || after.enabled.has('conversation.conference'), `${name}: consult and conference disabled`)
    t.same(after.capabilities.map(c => c.name), state.capabilities.map(c => c.name), `${name}: the same capability list`)
    t.same([...after.enabled].sort(), [...state.enabled].filter(c => !unsupported.has(c)).sort(), `${name}: everything else as the model says`)
  }
  t.ok(consultSomewhere, 'the default model does enable consult somewhere')
  t.equal(masked.session[0], model.session[0], 'views without those capabilities are shared as they are')
})
