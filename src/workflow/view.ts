import { interpret, type Service as RobotService } from 'robot3'
import { rememberJson } from '../core/outbox.js'
import type { CapabilityState } from '../schemas/protocol.schema.js'
import type { CompiledView, StateView, ViewEvent, ViewMachine } from './call-model.js'

/**
 * One running view (the session's, or one interaction's): a robot3 service over the compiled
 * machine. An event a state has no transition for leaves the view as it is (robot3 is not asked).
 */
export class ViewInstance {
  readonly #view: CompiledView
  readonly #service: RobotService<ViewMachine>

  constructor (view: CompiledView) {
    this.#view = view
    // robot3 throws on the first transition when no onChange is given.
    this.#service = interpret(view.machine, noop)
  }

  get name (): string {
    return this.#view.name
  }

  /** Where the model declares the view. */
  get order (): number {
    return this.#view.order
  }

  get state (): string {
    return this.#service.machine.current
  }

  /** What the current state shows (every state of a compiled view shows something). */
  get current (): StateView {
    const shown = this.#view.states.get(this.state)
    if (shown === undefined) throw new Error(`view ${this.#view.name} has no state ${this.state}`)
    return shown
  }

  /**
   * Feeds one event; true when the view moved to another state. An event the current state has
   * no transition for is not handed to robot3 (most events move no view: a call's events reach
   * the session view too).
   */
  send (event: ViewEvent): boolean {
    if (!this.current.events.has(event.type)) return false
    const before = this.#service.machine.current
    this.#service.send(event)
    return this.#service.machine.current !== before
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
 * target's capability list is theirs in the order the model declares them (a parallel view
 * declared before the main one reports first); it changes when any of them changes.
 */
export class ViewSet {
  readonly #main: ViewInstance
  readonly #parallel: ViewInstance[]
  /** Every view, in the order the model declares them: the order of the target's capability list. */
  readonly #reported: ViewInstance[]
  /** Combined lists by key, shared by every ViewSet of the same views (one model's). */
  readonly #combined: Map<string, readonly CapabilityState[]>

  /** `views`: the main view first, then its parallel views (a model has at least the main one). */
  constructor (views: readonly [CompiledView, ...CompiledView[]]) {
    let combined = COMBINED.get(views)
    if (combined === undefined) {
      combined = new Map()
      COMBINED.set(views, combined)
    }
    this.#combined = combined
    const [main, ...parallel] = views
    this.#main = new ViewInstance(main)
    this.#parallel = parallel.map(v => new ViewInstance(v))
    this.#reported = [this.#main, ...this.#parallel].sort((a, b) => a.order - b.order)
  }

  /**
   * Whether a view moved since the list was last taken as sent (see settled): a new set counts as
   * moved, so its first list is always published.
   */
  #moved = true

  send (event: ViewEvent): void {
    if (this.#main.send(event)) this.#moved = true
    for (const view of this.#parallel) if (view.send(event)) this.#moved = true
  }

  /** Whether any view moved since `settled()`. */
  get moved (): boolean {
    return this.#moved
  }

  /** The current list has reached the client (or needed no sending). */
  settled (): void {
    this.#moved = false
  }

  /** The main view's state. */
  get state (): string {
    return this.#main.state
  }

  /** Every view's state by view name. */
  get states (): Record<string, string> {
    const out: Record<string, string> = { [this.#main.name]: this.#main.state }
    for (const view of this.#parallel) out[view.name] = view.state
    return out
  }

  /** Identifies the capability set; equal keys mean an identical list. */
  get key (): string {
    let key = this.#main.current.key
    for (const view of this.#parallel) key += '|' + view.current.key
    return key
  }

  /** The combined list, built once per key (a key names one list; events repeat them often). */
  get capabilities (): readonly CapabilityState[] {
    if (this.#parallel.length === 0) return this.#main.current.capabilities
    const key = this.key
    let list = this.#combined.get(key)
    if (list === undefined) {
      list = rememberJson(this.#reported.flatMap(v => v.current.capabilities))
      this.#combined.set(key, list)
    }
    return list
  }

  /** See capabilityAllows; the view that knows the command decides. */
  allows (command: string): boolean | undefined {
    const allowed = this.#main.allows(command)
    if (allowed !== undefined) return allowed
    for (const view of this.#parallel) {
      const decided = view.allows(command)
      if (decided !== undefined) return decided
    }
    return undefined
  }
}
