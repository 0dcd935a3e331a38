import { UNKNOWN_COMMAND } from '../errors.js'
import type { ClientRecord } from '../core/client.js'
import type { Resource, ResourceEventSink, ResourceResult } from '../core/service.js'
import type { ResourceEventBody } from '../schemas/protocol.schema.js'
import { channelOf, interactionOf, scopeOf } from '../schemas/target.js'
import { hasViews, type CompiledModel, type ViewScope } from './call-model.js'
import { ViewSet } from './view.js'

export const WORKFLOW_SESSION_TYPE = 'com.openmethods.iserver.workflow.session'

export interface WorkflowViewSnapshot {
  target: string
  view: ViewScope
  /** The main view's state. */
  state: string
  /** Every view's state (the main one and the parallel ones), by view name. */
  states: Record<string, string>
  capabilities: ResourceEventBody['data']
}

/**
 * The workflow session of one agent session: the session view, one view per live call, and for a
 * chat channel its own view and one per chat, driven by the processor's events. After each event
 * it publishes `state.updated` for every target whose capability set changed, and only then.
 *
 * A chat channel's events (the channel's and its chats') go to the chat channel's view and the
 * chat's; of them the session views hear only the channel's own `state.updated` (its readiness
 * and load, `chats`), so that a model can offer logout only while no chat is live. The session
 * view is the agent's voice state.
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
  /** The chat channels (by target, from their channel.activated), each with its view when the model has one. */
  readonly #chatChannels = new Map<string, ViewSet | undefined>()
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
    const scope = scopeOf(event.target)
    const ev = { type: event.name, target: event.target, data: event.data, scope }
    const path = interactionOf(event.target)
    const channel = channelOf(event.target)
    if (event.name === 'channel.activated' && scope === 'channel' && Reflect.get(Object(event.data), 'media') === 'chat' && !this.#chatChannels.has(event.target)) {
      this.#chatChannels.set(event.target, hasViews(this.model.chatChannel) ? new ViewSet(this.model.chatChannel) : undefined)
    }
    // (An agent without chats: no key to hash.)
    const chat = channel !== undefined && this.#chatChannels.size > 0 && this.#chatChannels.has(channel)
    if (chat) {
      const channelView = this.#chatChannels.get(channel)
      if (channelView !== undefined) {
        channelView.send(ev)
        if (event.name === 'channel.deactivated' && scope === 'channel') {
          this.#chatChannels.delete(channel)
          this.#sent.delete(channel)
        } else {
          this.#publish(channel, channelView)
        }
      } else if (event.name === 'channel.deactivated' && scope === 'channel') {
        this.#chatChannels.delete(channel)
      }
      if (event.name === 'state.updated' && scope === 'channel') {
        // The chat channel's own state (its `chats`: offered, live or in wrap-up) reaches the
        // session views too, so that they can tell whether the agent may log out.
        this.#session.send(ev)
        this.#publish(this.id, this.#session)
      }
    } else {
      this.#session.send(ev)
      this.#publish(this.id, this.#session)
    }
    if (path === undefined) return
    const views = chat ? this.model.chat : this.model.interaction
    if (event.name === 'interaction.added' && hasViews(views) && !this.#interactions.has(path)) {
      this.#interactions.set(path, new ViewSet(views))
    }
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
    this.#chatChannels.clear()
    this.#quiet = true
    try {
      for (const event of history) this.handle(event)
    } finally {
      this.#quiet = false
    }
    for (const target of [...this.#sent.keys()]) if (target !== this.id && !this.#interactions.has(target) && this.#chatChannels.get(target) === undefined) this.#sent.delete(target)
    this.#publishAll()
  }

  /** Every view's current state (a client bound, or a reset), where it changed. */
  #publishAll (): void {
    this.#publish(this.id, this.#session)
    for (const [target, view] of this.#chatChannels) if (view !== undefined) this.#publish(target, view)
    for (const [target, view] of this.#interactions) this.#publish(target, view)
  }

  /**
   * Whether the view governing `target` allows `command` now (see capabilityAllows). Session and
   * voice channel targets are governed by the session view, a chat channel by its own view,
   * interactions (calls and chats) and their conversations by the interaction's view.
   */
  allows (target: string, command: string): boolean | undefined {
    return this.viewOf(target)?.allows(command)
  }

  /** The views that govern a target (see allows), if it has any. */
  viewOf (target: string): ViewSet | undefined {
    const path = interactionOf(target)
    if (path !== undefined) return this.#interactions.get(path)
    const channel = channelOf(target)
    if (channel !== undefined && this.#chatChannels.has(channel)) return this.#chatChannels.get(channel)
    return this.#session
  }

  snapshot (): { model: string, views: WorkflowViewSnapshot[] } {
    const views: WorkflowViewSnapshot[] = [
      { target: this.id, view: 'session', state: this.#session.state, states: this.#session.states, capabilities: this.#session.capabilities }
    ]
    for (const [target, view] of this.#chatChannels) {
      if (view !== undefined) views.push({ target, view: 'chatChannel', state: view.state, states: view.states, capabilities: view.capabilities })
    }
    for (const [target, view] of this.#interactions) {
      const chat = this.#chatChannels.has(channelOf(target) ?? '')
      views.push({ target, view: chat ? 'chat' : 'interaction', state: view.state, states: view.states, capabilities: view.capabilities })
    }
    return { model: this.model.name, views }
  }

  /** A client bound: it gets the current state of every view. */
  clientBound (_client: ClientRecord): void {
    this.#sent.clear()
    this.#publishAll()
  }

  clientUnbound (_client: ClientRecord): void {
    this.#sent.clear()
  }

  #publish (target: string, view: ViewSet): void {
    if (this.#quiet) return
    // Nothing moved since this target's list reached the client: it is the one sent.
    if (!view.moved && this.#sent.has(target)) return
    const key = view.key
    if (this.#sent.get(target) === key) {
      view.settled()
      return
    }
    const delivered = this.#emit({
      messageType: 'stateEvent',
      target,
      name: 'state.updated',
      context: {},
      data: view.capabilities
    })
    if (delivered) {
      this.#sent.set(target, key)
      view.settled()
    }
  }
}
