import { UNKNOWN_COMMAND } from '../errors.js'
import type { ClientRecord } from '../core/client.js'
import type { Resource, ResourceEventSink, ResourceResult } from '../core/service.js'
import type { ResourceEventBody } from '../schemas/protocol.schema.js'
import { interactionOf, scopeOf } from '../schemas/target.js'
import { hasViews, type CompiledModel } from './call-model.js'
import { ViewSet } from './view.js'

export const WORKFLOW_SESSION_TYPE = 'com.openmethods.iserver.workflow.session'

export interface WorkflowViewSnapshot {
  target: string
  view: 'session' | 'interaction'
  /** The main view's state. */
  state: string
  /** Every view's state (the main one and the parallel ones), by view name. */
  states: Record<string, string>
  capabilities: ResourceEventBody['data']
}

/**
 * The workflow session of one agent session: the session view and one view per live interaction,
 * driven by the processor's events. After each event it publishes `state.updated` for every
 * target whose capability set changed, and only then.
 */
export class WorkflowSession implements Resource {
  readonly type = WORKFLOW_SESSION_TYPE
  readonly id: string
  readonly name: string
  readonly owner: string | undefined
  readonly model: CompiledModel
  #session: ViewSet
  /** While replaying a history (reset): nothing is published until it ends. */
  #quiet = false
  readonly #interactions = new Map<string, ViewSet>()
  /** The capability-set key last sent per target, while a client is bound. */
  readonly #sent = new Map<string, string>()
  readonly #emit: ResourceEventSink

  constructor (id: string, model: CompiledModel, owner: string | undefined, emit: ResourceEventSink) {
    this.id = id
    this.name = id
    this.owner = owner
    this.model = model
    this.#emit = emit
    this.#session = new ViewSet(model.session)
  }

  async request (_ctx: unknown, command: string): Promise<ResourceResult> {
    throw new UNKNOWN_COMMAND(`the workflow session has no requests (got ${JSON.stringify(command)})`)
  }

  /** Feeds one processor event to the views it concerns and publishes what changed. */
  handle (event: ResourceEventBody): void {
    const ev = { type: event.name, target: event.target, data: event.data, scope: scopeOf(event.target) }
    const path = interactionOf(event.target)
    const views = this.model.interaction
    if (event.name === 'interaction.added' && path !== undefined && hasViews(views) && !this.#interactions.has(path)) {
      this.#interactions.set(path, new ViewSet(views))
    }
    this.#session.send(ev)
    this.#publish(this.id, this.#session)
    if (path === undefined) return
    const view = this.#interactions.get(path)
    if (view === undefined) return
    view.send(ev)
    if (event.name === 'interaction.deleted' && event.target === path) {
      this.#interactions.delete(path)
      this.#sent.delete(path)
      return
    }
    this.#publish(path, view)
  }

  /**
   * Starts every view again from `history` (a resync after the CTI was lost: the calls' history
   * as the snapshot tells it), then publishes each view whose capabilities changed. Views of
   * interactions the history does not name are gone (the client hears interaction.deleted).
   */
  reset (history: ResourceEventBody[]): void {
    this.#session = new ViewSet(this.model.session)
    this.#interactions.clear()
    this.#quiet = true
    try {
      for (const event of history) this.handle(event)
    } finally {
      this.#quiet = false
    }
    for (const target of [...this.#sent.keys()]) if (target !== this.id && !this.#interactions.has(target)) this.#sent.delete(target)
    this.#publish(this.id, this.#session)
    for (const [target, view] of this.#interactions) this.#publish(target, view)
  }

  /**
   * Whether the view governing `target` allows `command` now (see capabilityAllows). Session and
   * channel targets are governed by the session view, interactions and their conversations by
   * the interaction's view.
   */
  allows (target: string, command: string): boolean | undefined {
    const path = interactionOf(target)
    const view = path === undefined ? this.#session : this.#interactions.get(path)
    return view?.allows(command)
  }

  /** The views that govern a target (see allows), if it has any. */
  viewOf (target: string): ViewSet | undefined {
    const path = interactionOf(target)
    return path === undefined ? this.#session : this.#interactions.get(path)
  }

  snapshot (): { model: string, views: WorkflowViewSnapshot[] } {
    const views: WorkflowViewSnapshot[] = [
      { target: this.id, view: 'session', state: this.#session.state, states: this.#session.states, capabilities: this.#session.capabilities }
    ]
    for (const [target, view] of this.#interactions) {
      views.push({ target, view: 'interaction', state: view.state, states: view.states, capabilities: view.capabilities })
    }
    return { model: this.model.name, views }
  }

  /** A client bound: it gets the current state of every view. */
  clientBound (_client: ClientRecord): void {
    this.#sent.clear()
    this.#publish(this.id, this.#session)
    for (const [target, view] of this.#interactions) this.#publish(target, view)
  }

  clientUnbound (_client: ClientRecord): void {
    this.#sent.clear()
  }

  #publish (target: string, view: ViewSet): void {
    if (this.#quiet) return
    const key = view.key
    if (this.#sent.get(target) === key) return
    const delivered = this.#emit({
      messageType: 'stateEvent',
      target,
      name: 'state.updated',
      context: {},
      data: view.capabilities
    })
    if (delivered) this.#sent.set(target, key)
  }
}
