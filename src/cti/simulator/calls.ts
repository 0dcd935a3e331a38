import { INVALID_MESSAGE, INVALID_STATE } from '../../errors.js'
import type { ConversationRole, LiveConversationState } from '../../schemas/vocabulary.js'
import type { AgentLeg, AttachedData, ExternalLeg, SimAgent, SimCall, SimInteraction } from './model.js'
import { onCall } from './model.js'
import type { World } from './world.js'

/** Where a destination leads: one of our agents, or an outside number. */
export type Destination = { kind: 'agent', agent: SimAgent } | { kind: 'external', number: string }

/**
 * Calls and their legs, and the queues calls wait in: the primitives the interaction operations
 * (interactions.ts, transfers.ts) and the ACD build on. Nothing here speaks to agents.
 */
export class Calls {
  readonly #w: World
  readonly #maxQueueMs: number
  /** What a caller whose patience ran out in the queue does (the simulator: hang up). */
  abandon: (call: SimCall) => void = () => {}

  constructor (world: World, maxQueueMs: number) {
    this.#w = world
    this.#maxQueueMs = maxQueueMs
  }

  create (from: string, to: string, queueId: string | undefined, data: AttachedData): SimCall {
    const call: SimCall = {
      id: this.#w.nextId('call'),
      from,
      to,
      queueId,
      queued: false,
      queuedAt: this.#w.clock.now(),
      data: { ...data },
      recording: 'off',
      legs: [],
      declinedBy: new Set(),
      ended: false
    }
    this.#w.calls.set(call.id, call)
    return call
  }

  /** An outside party joins a call (its answer, when it rings, is the caller's to arm). */
  external (call: SimCall, number: string, state: LiveConversationState): ExternalLeg {
    const leg: ExternalLeg = { id: this.#w.nextId('leg'), call, kind: 'external', number, state }
    call.legs.push(leg)
    return leg
  }

  /** An agent joins a call as a conversation of `interaction`. */
  agent (call: SimCall, interaction: SimInteraction, role: ConversationRole, state: LiveConversationState): AgentLeg {
    const leg: AgentLeg = { id: this.#w.nextId('leg'), call, kind: 'agent', number: interaction.agent.profile.extension, state, interaction, role }
    call.legs.push(leg)
    return leg
  }

  /** A leg leaves its call (its timer with it). */
  removeLeg (leg: ExternalLeg | AgentLeg): void {
    this.#w.clock.clear(leg.timer)
    leg.timer = undefined
    const call = leg.call
    call.legs = call.legs.filter(l => l !== leg)
  }

  /** Finds who a dialled destination is; refuses unknown extensions and unavailable agents. */
  destination (agent: SimAgent, destination: string): Destination {
    const target = this.#w.agentByExtension(destination) ?? this.#w.agents.get(destination)
    if (target !== undefined) {
      if (target === agent) throw new INVALID_MESSAGE('an agent cannot call their own extension')
      if (!this.#w.isAvailable(target, false) || onCall(target)) {
        throw new INVALID_STATE(`extension ${target.profile.extension} (${target.profile.id}) is not available`)
      }
      return { kind: 'agent', agent: target }
    }
    if (/^\+?[0-9]{5,}$/.test(destination)) return { kind: 'external', number: destination }
    throw new INVALID_MESSAGE(`no extension ${destination}; outside numbers have five digits or more`)
  }

  // ---- queues ---------------------------------------------------------------------------------

  /** A new call waits at the end of its queue. */
  enqueue (call: SimCall): void {
    const queue = this.#queue(call)
    call.queued = true
    call.queuedAt = this.#w.clock.now()
    queue.waiting.push(call)
    this.#wait(call)
  }

  /**
   * A call back from an agent (ring-no-answer, reject) keeps its place at the head of its queue,
   * and its caller the patience left since they first queued.
   */
  requeue (call: SimCall): void {
    const queue = this.#queue(call)
    call.queued = true
    queue.waiting.unshift(call)
    this.#wait(call)
  }

  dequeue (call: SimCall): void {
    this.#w.clock.clear(call.patience)
    call.patience = undefined
    call.queued = false
    const queue = call.queueId === undefined ? undefined : this.#w.queues.get(call.queueId)
    if (queue === undefined) return
    const i = queue.waiting.indexOf(call)
    if (i !== -1) queue.waiting.splice(i, 1)
  }

  /** The caller waits SIM_MAX_QUEUE_MS in all, then hangs up (callers do not wait for ever). */
  #wait (call: SimCall): void {
    this.#w.clock.clear(call.patience)
    const left = Math.max(0, call.queuedAt + this.#maxQueueMs - this.#w.clock.now())
    call.patience = this.#w.timer(left, () => {
      call.patience = undefined
      if (!call.queued || call.ended) return
      this.#w.log.info({ callId: call.id, waitedMs: this.#w.clock.now() - call.queuedAt }, 'caller gave up waiting in the queue')
      this.abandon(call)
    })
  }

  #queue (call: SimCall): { waiting: SimCall[] } {
    const queue = call.queueId === undefined ? undefined : this.#w.queues.get(call.queueId)
    if (queue === undefined) throw new Error(`call ${call.id} has no queue`)
    return queue
  }
}
