import type { SimAgent, SimCall } from './model.js'
import type { Telephony } from './telephony.js'
import type { World } from './world.js'

/**
 * Automatic call distribution: calls wait in their queue, oldest first, and each goes to the
 * longest-idle ready agent of that queue. An agent who let the call ring out or rejected it is
 * only chosen when nobody else can take it. Not-ready, busy and wrap-up agents get nothing.
 */
export class Acd {
  readonly #w: World
  readonly #telephony: () => Telephony

  constructor (world: World, telephony: () => Telephony) {
    this.#w = world
    this.#telephony = telephony
  }

  enqueue (call: SimCall): void {
    const queue = this.#queue(call)
    call.queued = true
    call.queuedAt = this.#w.clock.now()
    queue.waiting.push(call)
  }

  /** A call back from an agent: it keeps its place at the head of its queue. */
  requeue (call: SimCall): void {
    const queue = this.#queue(call)
    call.queued = true
    queue.waiting.unshift(call)
  }

  #queue (call: SimCall): { waiting: SimCall[] } {
    const queue = call.queueId === undefined ? undefined : this.#w.queues.get(call.queueId)
    if (queue === undefined) throw new Error(`call ${call.id} has no queue`)
    return queue
  }

  /** Offers waiting calls to ready agents until no waiting call has a taker. */
  dispatch (): void {
    for (;;) {
      const waiting = [...this.#w.queues.values()].flatMap(q => q.waiting).sort((a, b) => a.queuedAt - b.queuedAt)
      if (waiting.length === 0) return
      const ready = [...this.#w.agents.values()].filter(a => this.#w.isAvailable(a, true))
      if (ready.length === 0) return
      let offered = false
      for (const call of waiting) {
        const agent = this.#choose(call, ready)
        if (agent === undefined) continue
        const queue = this.#queue(call)
        queue.waiting.splice(queue.waiting.indexOf(call), 1)
        call.queued = false
        this.#telephony().offer(call, agent, 'inbound')
        offered = true
        break
      }
      if (!offered) return
    }
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
