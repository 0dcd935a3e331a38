import type { Calls } from './calls.js'
import type { Interactions } from './interactions.js'
import type { SimAgent, SimCall } from './model.js'
import type { World } from './world.js'

/**
 * Automatic call distribution: calls wait in their queue, oldest first, and each goes to the
 * longest-idle ready agent of that queue. An agent who let the call ring out or rejected it is
 * only chosen when nobody else can take it. Not-ready, busy and wrap-up agents get nothing.
 * The simulator routes after every operation and every timer (Simulator's operate).
 */
export class Acd {
  readonly #w: World
  readonly #calls: Calls
  readonly #interactions: Interactions

  constructor (world: World, calls: Calls, interactions: Interactions) {
    this.#w = world
    this.#calls = calls
    this.#interactions = interactions
  }

  /** Offers waiting calls to ready agents until no waiting call has a taker. */
  dispatch (): void {
    for (;;) {
      const waiting = [...this.#w.queues.values()].flatMap(q => q.waiting).sort((a, b) => a.queuedAt - b.queuedAt)
      if (waiting.length === 0) return
      const ready = [...this.#w.agents.values()].filter(a => this.#w.isAvailable(a, true))
      if (ready.length === 0) return
      const offer = this.#next(waiting, ready)
      if (offer === undefined) return
      this.#calls.dequeue(offer.call)
      this.#interactions.offer(offer.call, offer.agent, 'inbound')
    }
  }

  /** The oldest waiting call that has a taker, and its taker. */
  #next (waiting: SimCall[], ready: SimAgent[]): { call: SimCall, agent: SimAgent } | undefined {
    for (const call of waiting) {
      const agent = this.#choose(call, ready)
      if (agent !== undefined) return { call, agent }
    }
    return undefined
  }

  #choose (call: SimCall, ready: SimAgent[]): SimAgent | undefined {
    const members = ready.filter(a => call.queueId !== undefined && (a.profile.queues ?? []).includes(call.queueId))
    const fresh = members.filter(a => !call.declinedBy.has(a.profile.id))
    const pool = fresh.length > 0 ? fresh : members
    let best: SimAgent | undefined
    for (const a of pool) {
      if (best === undefined || a.idleSince < best.idleSince || (a.idleSince === best.idleSince && a.profile.id < best.profile.id)) best = a
    }
    return best
  }
}
