import { interpret, type Service as RobotService } from 'robot3'
import { rememberJson } from '../core/outbox.js'
import type { CapabilityState } from '../schemas/protocol.schema.js'
import type { CompiledView, StateView, ViewEvent } from './call-model.js'

/**
 * One running view (the session's, or one interaction's): a robot3 service over the compiled
 * machine. robot3 silently ignores events a state does not accept; that is what we want here.
 */
export class ViewInstance {
  readonly #view: CompiledView
  readonly #service: RobotService<any>

  constructor (view: CompiledView) {
    this.#view = view
    // robot3 throws on the first transition when no onChange is given (STACK.md pitfall 10).
    this.#service = interpret(view.machine, noop)
  }

  get state (): string {
    return this.#service.machine.current as string
  }

  /** What the current state shows. */
  get current (): StateView {
    return this.#view.states.get(this.state) as StateView
  }

  send (event: ViewEvent): void {
    this.#service.send(event)
  }

  /** See capabilityAllows. */
  allows (command: string): boolean | undefined {
    return capabilityAllows(this.current, this.#view.known, command)
  }
}

function noop (): void {}

/**
 * Whether a command may be sent now, by the view that governs its target: false when the view
 * knows the capability and it is disabled, true when enabled, undefined when the view does not
 * know it (the CTI decides).
 */
export function capabilityAllows (view: StateView, known: ReadonlySet<string>, command: string): boolean | undefined {
  if (!known.has(command)) return undefined
  return view.enabled.has(command)
}

/** A model's views → its combined capability lists by key (a handful per model). */
const COMBINED = new WeakMap<readonly CompiledView[], Map<string, readonly CapabilityState[]>>()

/**
 * The views of one target running side by side (the main view and its parallel views). The
 * target's capability list is theirs in order; it changes when any of them changes.
 */
export class ViewSet {
  readonly #views: ViewInstance[]
  readonly #names: string[]
  /** Combined lists by key, shared by every ViewSet of the same views (one model's). */
  readonly #combined: Map<string, readonly CapabilityState[]>

  constructor (views: readonly CompiledView[]) {
    let combined = COMBINED.get(views)
    if (combined === undefined) {
      combined = new Map()
      COMBINED.set(views, combined)
    }
    this.#combined = combined
    this.#views = views.map(v => new ViewInstance(v))
    this.#names = views.map(v => v.name)
  }

  send (event: ViewEvent): void {
    for (const view of this.#views) view.send(event)
  }

  /** The main view's state. */
  get state (): string {
    return this.#views[0]?.state ?? ''
  }

  /** Every view's state by view name. */
  get states (): Record<string, string> {
    const out: Record<string, string> = {}
    this.#views.forEach((v, i) => { out[this.#names[i] as string] = v.state })
    return out
  }

  /** Identifies the capability set; equal keys mean an identical list. */
  get key (): string {
    const views = this.#views
    let key = (views[0] as ViewInstance).current.key
    for (let i = 1; i < views.length; i++) key += '|' + (views[i] as ViewInstance).current.key
    return key
  }

  /** The combined list, built once per key (a key names one list; events repeat them often). */
  get capabilities (): readonly CapabilityState[] {
    if (this.#views.length === 1) return (this.#views[0] as ViewInstance).current.capabilities
    const key = this.key
    let list = this.#combined.get(key)
    if (list === undefined) {
      list = rememberJson(this.#views.flatMap(v => v.current.capabilities))
      this.#combined.set(key, list)
    }
    return list
  }

  /** See capabilityAllows; the view that knows the command decides. */
  allows (command: string): boolean | undefined {
    for (const view of this.#views) {
      const allowed = view.allows(command)
      if (allowed !== undefined) return allowed
    }
    return undefined
  }
}
