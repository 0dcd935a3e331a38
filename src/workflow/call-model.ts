import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Value } from '@sinclair/typebox/value'
import { createMachine, guard, state, transition, type Machine, type MachineState } from 'robot3'
import { messageOf } from '../errors.js'
import { rememberJson } from '../core/outbox.js'
import { CallModelSchema, type CallModel, type Transition, type View } from '../schemas/call-model.schema.js'
import type { CapabilityState } from '../schemas/protocol.schema.js'
import { scopeOf, type TargetScope } from '../schemas/target.js'

/** The event a view machine receives: a processor event. */
export interface ViewEvent {
  type: string
  target: string
  data: unknown
  /** The target's scope, when the sender already knows it (saves every guard the work). */
  scope?: TargetScope | undefined
}

/** What one state of a view shows: the full capability list, precomputed once. */
export interface StateView {
  readonly state: string
  readonly capabilities: readonly CapabilityState[]
  /** Identifies the capability set; equal keys mean an identical view. */
  readonly key: string
  readonly enabled: ReadonlySet<string>
  /** The events this state has a transition for (its own and the view's common ones): any other event leaves the view as it is. */
  readonly events: ReadonlySet<string>
}

/**
 * What a view is about (not a target's scope: see src/schemas/target.ts): the session, each call
 * (`interaction`), each chat (`chat`: an interaction of a chat channel), or a chat channel itself
 * (`chatChannel`: its readiness).
 */
export type ViewScope = 'session' | 'interaction' | 'chat' | 'chatChannel'
export const VIEW_SCOPES: readonly ViewScope[] = ['session', 'interaction', 'chat', 'chatChannel']

/** A view's robot3 machine: states and events are named by the model, so they are strings. */
export type ViewMachine = Machine<Record<string, MachineState<string>>, Record<string, never>, string>

/** The views of one scope: the main one, then the parallel ones. */
export type Views = readonly [CompiledView, ...CompiledView[]]

/** Whether a model has views of a scope (it always has the session's). */
export function hasViews (views: Views | readonly []): views is Views {
  return views.length > 0
}

export interface CompiledView {
  readonly name: string
  readonly scope: ViewScope
  /** Where the model declares the view (0 first): a target's capability list is its views' in this order. */
  readonly order: number
  readonly machine: ViewMachine
  readonly known: ReadonlySet<string>
  readonly states: ReadonlyMap<string, StateView>
}

export interface CompiledModel {
  readonly name: string
  readonly description: string
  readonly settings: Required<Omit<NonNullable<CallModel['settings']>, 'afterWrapUpReason'>> & { afterWrapUpReason?: string }
  /** The views of each scope, in declaration order (the first is the main one). */
  readonly session: Views
  /** Empty when the model has no interaction view. */
  readonly interaction: Views | readonly []
  /** Each chat's views, and the chat channel's; empty when the model has none (a CTI that offers chat needs both). */
  readonly chat: Views | readonly []
  readonly chatChannel: Views | readonly []
}

/** Whether a model can run a session at a CTI that offers chat: it has the chat and chatChannel views. */
export function hasChatViews (model: CompiledModel): boolean {
  return model.chat.length > 0 && model.chatChannel.length > 0
}

/**
 * The model as a CTI that cannot carry out `unsupported` requests runs it: those capabilities
 * are disabled in every state of every view (never a button that would fail), the machines
 * unchanged. Cached per model and set: every session of one CTI shares one copy.
 */
export function withoutRequests (model: CompiledModel, unsupported: ReadonlySet<string>): CompiledModel {
  if (unsupported.size === 0) return model
  const key = [...unsupported].sort().join(',')
  let copies = masked.get(model)
  if (copies === undefined) {
    copies = new Map()
    masked.set(model, copies)
  }
  const cached = copies.get(key)
  if (cached !== undefined) return cached
  const mask = (views: Views | readonly []): Views | readonly [] => leading(views.map(view => {
    if (![...unsupported].some(c => view.known.has(c))) return view
    const states = new Map<string, StateView>()
    for (const [name, s] of view.states) {
      const enabled = new Set([...s.enabled].filter(c => !unsupported.has(c)))
      const capabilities = rememberJson(s.capabilities.map(c => ({ name: c.name, type: enabled.has(c.name) ? 'enable' as const : 'disable' as const })))
      states.set(name, { state: s.state, capabilities, key: capabilities.map(c => c.type === 'enable' ? '1' : '0').join(''), enabled, events: s.events })
    }
    return { ...view, states }
  }))
  const session = mask(model.session)
  if (!hasViews(session)) throw new Error('a model always has session views')
  const copy: CompiledModel = { ...model, session, interaction: mask(model.interaction), chat: mask(model.chat), chatChannel: mask(model.chatChannel) }
  copies.set(key, copy)
  return copy
}

const masked = new WeakMap<CompiledModel, Map<string, CompiledModel>>()

/** A call model that cannot be used, with the file and the JSON path of the problem. */
export class CallModelError extends Error {
  constructor (readonly file: string, readonly path: string, problem: string) {
    super(`call model ${file}: ${path === '' ? '/' : path}: ${problem}`)
    this.name = 'CallModelError'
  }
}

/** Loads, checks and compiles every models/*.json. A `default` model must exist. */
export function loadCallModels (dir: string): Map<string, CompiledModel> {
  const models = new Map<string, CompiledModel>()
  let files: string[]
  try {
    files = readdirSync(dir).filter(f => f.endsWith('.json')).sort()
  } catch (err) {
    throw new CallModelError(dir, '', `cannot read the models folder (${String(err instanceof Error && 'code' in err ? err.code : 'error')})`)
  }
  const raw = new Map<string, { path: string, json: unknown }>()
  for (const file of files) {
    const path = join(dir, file)
    let json: unknown
    try {
      json = JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new CallModelError(path, '', `not valid JSON: ${messageOf(err)}`)
    }
    raw.set(basename(file, '.json'), { path, json })
  }
  for (const [name, { path }] of raw) models.set(name, compileCallModel(name, resolveExtends(name, raw, []), path))
  if (!models.has('default')) throw new CallModelError(join(dir, 'default.json'), '', 'the default call model is missing')
  return models
}

type RawModel = Record<string, unknown>

function isRecord (value: unknown): value is RawModel {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * A model with `extends` resolved: the base's settings under its own, the base's views with its
 * own replacing them by name. Chains are followed; a loop or a missing base is an error.
 */
function resolveExtends (name: string, raw: ReadonlyMap<string, { path: string, json: unknown }>, chain: string[]): unknown {
  const entry = raw.get(name)
  const model = entry?.json
  if (!isRecord(model) || model.extends === undefined) return model
  const path = entry?.path ?? name
  if (typeof model.extends !== 'string') throw new CallModelError(path, '/extends', 'must be the name of another model')
  if (chain.includes(model.extends) || model.extends === name) throw new CallModelError(path, '/extends', `extends itself through ${[...chain, name].join(' → ')}`)
  if (!raw.has(model.extends)) throw new CallModelError(path, '/extends', `there is no model ${model.extends} in the folder`)
  const base = resolveExtends(model.extends, raw, [...chain, name])
  if (!isRecord(base)) return base
  const { extends: _extends, ...own } = model
  return {
    ...base,
    ...own,
    settings: { ...(isRecord(base.settings) ? base.settings : {}), ...(isRecord(own.settings) ? own.settings : {}) },
    views: { ...(isRecord(base.views) ? base.views : {}), ...(isRecord(own.views) ? own.views : {}) }
  }
}

/** Checks a parsed model against the schema and its own references, then compiles it. */
export function compileCallModel (name: string, json: unknown, file = name): CompiledModel {
  if (!Value.Check(CallModelSchema, json)) {
    const first = Value.Errors(CallModelSchema, json).First()
    throw new CallModelError(file, first?.path ?? '', first?.message ?? 'invalid')
  }
  const model: CallModel = json
  const settings = model.settings ?? {}
  if (model.views.session === undefined) throw new CallModelError(file, '/views/session', 'the session view is missing')
  const views: Record<ViewScope, CompiledView[]> = { session: [], interaction: [], chat: [], chatChannel: [] }
  const owner = new Map<string, string>()
  const isScope = (name: string): name is ViewScope => (VIEW_SCOPES as readonly string[]).includes(name)
  for (const [order, [viewName, view]] of Object.entries(model.views).entries()) {
    const at = `/views/${viewName}`
    const scope = view.scope ?? (isScope(viewName) ? viewName : undefined)
    if (scope === undefined) throw new CallModelError(file, `${at}/scope`, `a view other than ${VIEW_SCOPES.join(', ')} needs a scope`)
    if (isScope(viewName) && scope !== viewName) {
      throw new CallModelError(file, `${at}/scope`, `the ${viewName} view has scope ${viewName}`)
    }
    const compiled = compileView(viewName, scope, order, view, file, at)
    for (const [i, capability] of view.capabilities.entries()) {
      const other = owner.get(`${scope}:${capability}`)
      if (other !== undefined) throw new CallModelError(file, `${at}/capabilities/${i}`, `capability ${capability} is already reported by view ${other}`)
      owner.set(`${scope}:${capability}`, viewName)
    }
    // The view named after its scope leads (its state is the target's); parallel views follow in
    // declaration order. The capability list follows declaration order (see ViewSet).
    if (viewName === scope) views[scope].unshift(compiled)
    else views[scope].push(compiled)
  }
  const [mainSession] = views.session
  const [mainInteraction] = views.interaction
  if (mainSession === undefined) throw new CallModelError(file, '/views/session', 'the session view is missing')
  for (const scope of ['interaction', 'chat', 'chatChannel'] as const) {
    if (views[scope].length > 0 && model.views[scope] === undefined) {
      throw new CallModelError(file, `/views/${scope}`, `parallel ${scope} views need the ${scope} view`)
    }
  }
  if ((model.views.chat === undefined) !== (model.views.chatChannel === undefined)) {
    throw new CallModelError(file, `/views/${model.views.chat === undefined ? 'chat' : 'chatChannel'}`, 'chat needs both views: chat (each chat) and chatChannel (the chat channel)')
  }
  return {
    name,
    description: model.description ?? '',
    settings: {
      ringNoAnswerSeconds: settings.ringNoAnswerSeconds ?? 15,
      wrapUpSeconds: settings.wrapUpSeconds ?? null,
      afterWrapUp: settings.afterWrapUp ?? 'ready',
      ...(settings.afterWrapUpReason !== undefined && { afterWrapUpReason: settings.afterWrapUpReason })
    },
    session: [mainSession, ...views.session.slice(1)],
    interaction: mainInteraction === undefined ? [] : [mainInteraction, ...views.interaction.slice(1)],
    chat: leading(views.chat),
    chatChannel: leading(views.chatChannel)
  }
}

function leading (views: CompiledView[]): Views | readonly [] {
  const [main, ...rest] = views
  return main === undefined ? [] : [main, ...rest]
}

function compileView (name: string, scope: ViewScope, order: number, view: View, file: string, at: string): CompiledView {
  const known = new Set<string>()
  view.capabilities.forEach((c, i) => {
    if (known.has(c)) throw new CallModelError(file, `${at}/capabilities/${i}`, `capability ${c} is listed twice`)
    known.add(c)
  })
  if (!Object.hasOwn(view.states, view.initial)) {
    throw new CallModelError(file, `${at}/initial`, `state ${view.initial} is not defined in states`)
  }
  const checkTransitions = (list: Transition[] | undefined, path: string): void => {
    list?.forEach((t, i) => {
      if (!Object.hasOwn(view.states, t.target)) {
        throw new CallModelError(file, `${path}/${i}/target`, `state ${t.target} is not defined in states`)
      }
    })
  }
  checkTransitions(view.on, `${at}/on`)

  const states = new Map<string, StateView>()
  const robotStates: Record<string, MachineState<string>> = {}
  const common = (view.on ?? []).map(compileTransition)
  for (const [stateName, def] of Object.entries(view.states)) {
    const path = `${at}/states/${stateName}`
    const enabled = new Set<string>()
    def.enable?.forEach((c, i) => {
      if (!known.has(c)) throw new CallModelError(file, `${path}/enable/${i}`, `capability ${c} is not in ${at}/capabilities`)
      enabled.add(c)
    })
    checkTransitions(def.on, `${path}/on`)
    const capabilities = rememberJson(view.capabilities.map(c => ({ name: c, type: enabled.has(c) ? 'enable' as const : 'disable' as const })))
    states.set(stateName, {
      state: stateName,
      capabilities,
      key: capabilities.map(c => c.type === 'enable' ? '1' : '0').join(''),
      enabled,
      events: new Set([...(def.on ?? []), ...(view.on ?? [])].map(t => t.event))
    })
    robotStates[stateName] = state(...(def.on ?? []).map(compileTransition), ...common)
  }
  return { name, scope, order, machine: createMachine(view.initial, robotStates), known, states }
}

function compileTransition (t: Transition): ReturnType<typeof transition> {
  const checks = Object.entries(t.when ?? {}).map(([path, expected]) => {
    const read = path === '@target' ? (ev: ViewEvent) => ev.target : path === '@scope' ? scopeOfEvent : pathReader(path)
    if (Array.isArray(expected)) return (ev: ViewEvent) => { const value = normalize(read(ev)); return expected.some(e => e === value) }
    return (ev: ViewEvent) => normalize(read(ev)) === expected
  })
  if (checks.length === 0) return transition(t.event, t.target)
  return transition(t.event, t.target, guard((_ctx: unknown, ev: ViewEvent) => checks.every(check => check(ev))))
}

/** What kind of object an event is about, from the depth of its target path. */
function scopeOfEvent (ev: ViewEvent): TargetScope | undefined {
  return ev.scope ?? scopeOf(ev.target)
}

/** Missing values compare as null, so `"reason": null` matches an event without a reason. */
function normalize (value: unknown): unknown {
  return value === undefined ? null : value
}

function pathReader (path: string): (ev: ViewEvent) => unknown {
  const parts = path.split('.')
  return (ev: ViewEvent) => {
    let value: unknown = ev.data
    for (const part of parts) {
      if (value === null || typeof value !== 'object') return undefined
      value = Reflect.get(value, part)
    }
    return value
  }
}
