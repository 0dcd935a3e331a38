import { INVALID_MESSAGE, INVALID_STATE } from '../../errors.js'
import type { AttachedData, Direction, Recording, SimAgent, SimCall, SimInteraction, SimLeg } from './model.js'
import { isLive } from './model.js'
import type { World } from './world.js'

/** Where a destination leads: one of our agents, or an outside number. */
export type Destination = { kind: 'agent', agent: SimAgent } | { kind: 'external', number: string }

/**
 * Calls, legs and interactions: every telephony operation of the simulator. Each one changes
 * the world and then tells the agents involved, in the order docs/event-flows.md documents.
 * Operations that put calls back in a queue call `requeue`; the ACD (acd.ts) routes after each
 * public operation.
 */
export class Telephony {
  readonly #w: World
  /** Called when a call needs an agent again (ring-no-answer, reject, transfer target lost). */
  readonly #requeue: (call: SimCall) => void

  constructor (world: World, requeue: (call: SimCall) => void) {
    this.#w = world
    this.#requeue = requeue
  }

  // ---- calls and legs -------------------------------------------------------------------------

  newCall (from: string, to: string, queueId: string | undefined, data: AttachedData): SimCall {
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

  #leg (call: SimCall, kind: SimLeg['kind'], number: string, state: SimLeg['state']): SimLeg {
    const leg: SimLeg = { id: this.#w.nextId('leg'), call, kind, number, state }
    call.legs.push(leg)
    return leg
  }

  /** An outside party on a call, answering after the simulator's outside delay. */
  addExternal (call: SimCall, number: string, state: SimLeg['state']): SimLeg {
    const leg = this.#leg(call, 'external', number, state)
    if (state === 'alerting') {
      leg.timer = this.#w.timer(this.#w.outsideAnswerMs, () => {
        leg.timer = undefined
        this.#connect(leg)
      })
    }
    return leg
  }

  /** Finds who a dialled destination is; refuses unknown extensions and unavailable agents. */
  destination (agent: SimAgent, destination: string): Destination {
    const target = this.#w.agentByExtension(destination) ?? this.#w.agents.get(destination)
    if (target !== undefined) {
      if (target === agent) throw new INVALID_MESSAGE('an agent cannot call their own extension')
      if (!this.#w.isAvailable(target, false) || [...target.interactions.values()].some(isLive)) {
        throw new INVALID_STATE(`extension ${target.profile.extension} (${target.profile.id}) is not available`)
      }
      return { kind: 'agent', agent: target }
    }
    if (/^\+?[0-9]{5,}$/.test(destination)) return { kind: 'external', number: destination }
    throw new INVALID_MESSAGE(`no extension ${destination}; outside numbers have five digits or more`)
  }

  // ---- interactions ---------------------------------------------------------------------------

  #interaction (agent: SimAgent, direction: Direction, from: string, to: string, queueId: string | undefined, state: 'ALERTING' | 'DIALING'): SimInteraction {
    const ix: SimInteraction = {
      id: this.#w.nextId('ix'),
      agent,
      state,
      direction,
      from,
      to,
      queueId,
      primary: undefined,
      consult: undefined,
      started: false,
      parties: new Map()
    }
    agent.interactions.set(ix.id, ix)
    return ix
  }

  #announce (ix: SimInteraction): void {
    const w = this.#w
    w.ixEvent(ix, 'interaction.added', { ...w.ixState(ix), udata: { ...ix.primary?.call.data } })
    if (ix.primary !== undefined) w.legEvent(ix, ix.primary, 'conversation.created')
    w.syncParties(ix)
    w.ixEvent(ix, 'interaction.present')
    w.refreshAgent(ix.agent)
  }

  /** Rings an agent with a call: a new ALERTING interaction, ring-no-answer armed. */
  offer (call: SimCall, agent: SimAgent, direction: Direction): SimInteraction {
    const leg = this.#leg(call, 'agent', agent.profile.extension, 'alerting')
    const ix = this.#interaction(agent, direction, call.from, call.to, call.queueId, 'ALERTING')
    leg.interaction = ix
    leg.role = 'primary'
    ix.primary = leg
    leg.timer = this.#w.timer(agent.settings.ringNoAnswerMs, () => {
      leg.timer = undefined
      this.ringNoAnswer(ix)
    })
    this.#announce(ix)
    for (const other of call.legs) if (other !== leg && other.interaction !== undefined) this.#w.syncParties(other.interaction)
    return ix
  }

  /** channel.dial: a new DIALING interaction to an agent's extension or an outside number. */
  dial (agent: SimAgent, destination: string, data: AttachedData): SimInteraction {
    if ([...agent.interactions.values()].some(isLive)) throw new INVALID_STATE('the agent is already on a call')
    if (agent.state === 'wrap_up') throw new INVALID_STATE('the agent is in wrap-up; complete it first')
    const dest = this.destination(agent, destination)
    const call = this.newCall(agent.profile.extension, destination, undefined, data)
    const leg = this.#leg(call, 'agent', agent.profile.extension, 'dialing')
    const ix = this.#interaction(agent, dest.kind === 'agent' ? 'internal' : 'outbound', agent.profile.extension, destination, undefined, 'DIALING')
    leg.interaction = ix
    leg.role = 'primary'
    ix.primary = leg
    this.#announce(ix)
    if (dest.kind === 'agent') this.offer(call, dest.agent, 'internal')
    else this.addExternal(call, dest.number, 'alerting')
    this.#w.syncCall(call)
    return ix
  }

  /** conversation.answer / interaction.accept on an alerting conversation. */
  answer (ix: SimInteraction, leg: SimLeg): void {
    if (leg.state !== 'alerting') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not alerting`)
    this.#w.clock.clear(leg.timer)
    leg.timer = undefined
    this.#connect(leg)
    void ix
  }

  /**
   * A leg connects (an agent answered, or an outside number picked up): every dialing leg on the
   * call connects with it, and their interactions start.
   */
  #connect (leg: SimLeg): void {
    const call = leg.call
    const changed = [leg, ...call.legs.filter(l => l !== leg && l.state === 'dialing')]
    // Change everything first, then tell: every event describes a world that already holds.
    for (const l of changed) {
      l.state = 'connected'
      const ix = l.interaction
      if (ix !== undefined && l.role === 'primary' && (ix.state === 'ALERTING' || ix.state === 'DIALING')) {
        ix.state = 'STARTED'
        ix.started = true
      }
    }
    for (const l of changed) {
      const ix = l.interaction
      if (ix === undefined) continue
      this.#w.legEvent(ix, l, 'state.updated')
      this.#w.ixStateUpdated(ix)
    }
    this.#w.syncCall(call)
  }

  hold (ix: SimInteraction, leg: SimLeg): void {
    if (leg.state !== 'connected') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not connected`)
    this.#setLeg(ix, leg, 'held')
  }

  retrieve (ix: SimInteraction, leg: SimLeg): void {
    if (leg.state !== 'held') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not held`)
    if (leg.role === 'primary' && ix.consult?.state === 'connected') {
      throw new INVALID_STATE('the consult call is connected; alternate, transfer, conference or release it')
    }
    this.#setLeg(ix, leg, 'connected')
  }

  #setLeg (ix: SimInteraction, leg: SimLeg, state: 'connected' | 'held'): void {
    leg.state = state
    this.#w.legEvent(ix, leg, 'state.updated')
    this.#w.ixStateUpdated(ix)
    this.#w.syncCall(leg.call)
  }

  alternate (ix: SimInteraction): void {
    const { primary, consult } = ix
    if (primary === undefined || consult === undefined) throw new INVALID_STATE('there is no consult call to alternate with')
    const [held, connected] = primary.state === 'held' && consult.state === 'connected'
      ? [primary, consult]
      : primary.state === 'connected' && consult.state === 'held' ? [consult, primary] : [undefined, undefined]
    if (held === undefined || connected === undefined) throw new INVALID_STATE('alternate needs one call connected and the other held')
    // The leg that connects is told first, so views never see both held.
    held.state = 'connected'
    connected.state = 'held'
    this.#w.legEvent(ix, held, 'state.updated')
    this.#w.legEvent(ix, connected, 'state.updated')
    this.#w.ixStateUpdated(ix)
    this.#w.syncCall(primary.call)
    this.#w.syncCall(consult.call)
  }

  /** interaction.consult: the primary is held and a consult call dialled. */
  consult (ix: SimInteraction, destination: string): void {
    const primary = ix.primary
    if (ix.state !== 'STARTED' || primary === undefined) throw new INVALID_STATE('consult needs a started call')
    if (ix.consult !== undefined) throw new INVALID_STATE('there is a consult call already')
    const dest = this.destination(ix.agent, destination)
    if (primary.state === 'connected') {
      primary.state = 'held'
      this.#w.legEvent(ix, primary, 'state.updated')
    }
    const call = this.newCall(ix.agent.profile.extension, destination, undefined, primary.call.data)
    const leg = this.#leg(call, 'agent', ix.agent.profile.extension, 'dialing')
    leg.interaction = ix
    leg.role = 'consult'
    ix.consult = leg
    this.#w.legEvent(ix, leg, 'conversation.created')
    this.#w.ixStateUpdated(ix)
    if (dest.kind === 'agent') this.offer(call, dest.agent, 'consult')
    else this.addExternal(call, dest.number, 'alerting')
    this.#w.syncCall(primary.call)
    this.#w.syncCall(call)
  }

  /** interaction.consulttransfer: the consulted party takes over the primary call. */
  consultTransfer (ix: SimInteraction): void {
    const { primary, consult } = this.#consulting(ix)
    const target = primary.call
    this.#w.ixEvent(ix, 'interaction.onmerge', { hints: { type: 'transfer' }, frominteractionid: ix.id, tointeractionid: ix.id })
    const before = JSON.stringify(consult.call.data)
    this.#merge(consult.call, target, consult)
    this.end(ix, 'transferred')
    this.#afterMerge(target, before)
  }

  /** interaction.consultconference: the consulted party joins the primary call. */
  consultConference (ix: SimInteraction): void {
    const { primary, consult } = this.#consulting(ix)
    const target = primary.call
    this.#w.ixEvent(ix, 'interaction.onmerge', { hints: { type: 'conference' }, frominteractionid: ix.id, tointeractionid: ix.id })
    const before = JSON.stringify(consult.call.data)
    this.#merge(consult.call, target, consult)
    ix.consult = undefined
    this.#w.legEvent(ix, consult, 'state.updated', { state: 'disconnected' })
    this.#w.legEvent(ix, consult, 'conversation.disposed', { state: 'disconnected' })
    primary.state = 'connected'
    this.#w.legEvent(ix, primary, 'state.updated')
    this.#w.ixStateUpdated(ix)
    this.#afterMerge(target, before)
  }

  #consulting (ix: SimInteraction): { primary: SimLeg, consult: SimLeg } {
    const { primary, consult } = ix
    if (primary === undefined || consult === undefined) throw new INVALID_STATE('there is no consult call')
    if (consult.state !== 'connected' && !(consult.state === 'held' && primary.state === 'connected')) {
      throw new INVALID_STATE('the consult call is not connected yet')
    }
    return { primary, consult }
  }

  /** Moves every leg of `from` except `leaving` onto `into`; `from` ends. */
  #merge (from: SimCall, into: SimCall, leaving: SimLeg): void {
    for (const leg of from.legs) {
      if (leg === leaving) continue
      leg.call = into
      into.legs.push(leg)
    }
    from.legs = []
    this.#endCall(from)
  }

  /**
   * After a merge, the agents now on the call learn their new parties, and those who came from
   * the consult call its data when it differs from what they had.
   */
  #afterMerge (call: SimCall, movedData: string): void {
    const changed = JSON.stringify(call.data) !== movedData
    for (const leg of call.legs) {
      const ix = leg.interaction
      if (ix === undefined || ix.primary !== leg) continue
      this.#w.syncParties(ix)
      if (changed && ix.direction === 'consult') this.#w.ixEvent(ix, 'interaction.udata.changed', { udata: { ...call.data } })
    }
  }

  /** conversation.transfer: single step; the agent leaves, the destination takes the call. */
  transfer (ix: SimInteraction, leg: SimLeg, destination: string): void {
    if (leg.role !== 'primary' || ix.state !== 'STARTED') throw new INVALID_STATE('transfer needs the started primary call')
    if (ix.consult !== undefined) throw new INVALID_STATE('finish the consult call first')
    const dest = this.destination(ix.agent, destination)
    const call = leg.call
    this.#w.ixEvent(ix, 'interaction.onsinglesteptransfer', {
      transferringpartyid: leg.id, transferringresource: leg.number, transferringpartystate: leg.state, newdestination: destination
    })
    // Leave the call without ending it, then bring the destination to the caller.
    this.end(ix, 'transferred', false)
    if (dest.kind === 'agent') this.offer(call, dest.agent, 'transfer')
    else this.addExternal(call, dest.number, 'alerting')
    this.#w.syncCall(call)
  }

  /** conversation.conference: single step; the destination is added, the agent stays. */
  conference (ix: SimInteraction, leg: SimLeg, destination: string): void {
    if (leg.role !== 'primary' || ix.state !== 'STARTED') throw new INVALID_STATE('conference needs the started primary call')
    const dest = this.destination(ix.agent, destination)
    const call = leg.call
    let added: SimLeg
    if (dest.kind === 'agent') {
      const other = this.offer(call, dest.agent, 'conference')
      added = other.primary as SimLeg
    } else {
      added = this.addExternal(call, dest.number, 'alerting')
    }
    this.#w.ixEvent(ix, 'interaction.onsinglestepconference', {
      conferencingpartyid: leg.id, conferencingresource: leg.number, conferencingpartystate: leg.state,
      addedpartyid: added.id, addedresource: added.number, addedpartystate: added.state
    })
    this.#w.syncCall(call)
  }

  dtmf (leg: SimLeg, digits: string): void {
    if (leg.state !== 'connected') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not connected`)
    const sent = typeof leg.call.data.dtmf === 'string' ? leg.call.data.dtmf : ''
    leg.call.data.dtmf = sent + digits
  }

  setData (ix: SimInteraction, data: AttachedData): void {
    const call = ix.primary?.call
    if (call === undefined) throw new INVALID_STATE('the interaction has no call any more')
    Object.assign(call.data, data)
    for (const leg of call.legs) {
      const other = leg.interaction
      if (other !== undefined && other.primary === leg) this.#w.ixEvent(other, 'interaction.udata.changed', { udata: { ...call.data } })
    }
  }

  recording (ix: SimInteraction, action: 'start' | 'stop' | 'pause' | 'resume'): void {
    const call = ix.primary?.call
    if (call === undefined || ix.state !== 'STARTED') throw new INVALID_STATE('recording needs a started call')
    const allowed: Record<typeof action, Recording[]> = { start: ['off'], stop: ['on', 'paused'], pause: ['on'], resume: ['paused'] }
    if (!allowed[action].includes(call.recording)) throw new INVALID_STATE(`recording is ${call.recording}; cannot ${action}`)
    call.recording = action === 'stop' ? 'off' : action === 'pause' ? 'paused' : 'on'
    for (const leg of call.legs) {
      const other = leg.interaction
      if (other !== undefined && other.primary === leg) this.#w.ixStateUpdated(other)
    }
  }

  /** conversation.release: the agent hangs up a conversation (a consult, or the whole call). */
  release (ix: SimInteraction, leg: SimLeg): void {
    if (leg.state === 'alerting') {
      this.reject(ix)
      return
    }
    if (leg.role === 'consult') {
      ix.consult = undefined
      this.#w.legEvent(ix, leg, 'state.updated', { state: 'disconnected' })
      this.#w.legEvent(ix, leg, 'conversation.disposed', { state: 'disconnected' })
      this.#w.ixStateUpdated(ix)
      const call = leg.call
      this.#removeLeg(leg)
      this.#settle(call, false)
      this.#w.syncParties(ix)
      return
    }
    this.end(ix, 'released')
  }

  /** interaction.reject (or release while alerting): the call goes back to be offered to others. */
  reject (ix: SimInteraction): void {
    const leg = ix.primary
    if (ix.state !== 'ALERTING' || leg === undefined) throw new INVALID_STATE('only an alerting call can be rejected')
    leg.call.declinedBy.add(ix.agent.profile.id)
    this.end(ix, 'rejected')
  }

  ringNoAnswer (ix: SimInteraction): void {
    const leg = ix.primary
    if (ix.state !== 'ALERTING' || leg === undefined) return
    leg.call.declinedBy.add(ix.agent.profile.id)
    ix.agent.after = { state: 'not_ready', reason: 'RNA' }
    this.#w.log.info({ agentId: ix.agent.profile.id, callId: leg.call.id }, 'ring no answer')
    this.end(ix, 'ring_no_answer')
  }

  /** The outside party hangs up (DELETE /simulator/calls/{id}). */
  hangup (call: SimCall): void {
    const caller = call.legs.find(l => l.kind === 'external')
    if (call.queued) {
      this.#dequeue(call)
      this.#w.log.info({ callId: call.id }, 'caller abandoned in queue')
    }
    if (caller === undefined) {
      this.#endCall(call)
      return
    }
    const connected = call.legs.some(l => l.kind === 'agent' && (l.state === 'connected' || l.state === 'held'))
    this.#removeLeg(caller)
    if (!connected) {
      // Abandoned while ringing: each ringing agent is told, and their interaction goes.
      for (const leg of [...call.legs]) {
        const ix = leg.interaction
        if (ix !== undefined && ix.state === 'ALERTING') {
          this.#w.ixEvent(ix, 'interaction.abandoned', { focusresource: caller.number, reason: 'caller_hangup' })
          this.end(ix, 'abandoned')
        }
      }
    }
    this.#settle(call, false)
  }

  /**
   * Ends an interaction: its conversations disconnect, and it is ENDED (then wrap-up) when it
   * had started, or COMPLETED and deleted at once when it never did. Its legs leave their calls;
   * calls left with fewer than two parties end.
   */
  end (ix: SimInteraction, reason: string, settle = true): void {
    if (!isLive(ix)) return
    const w = this.#w
    // A caller left alone by an agent who never answered waits for another agent.
    const requeue = !ix.started
    const legs = [ix.primary, ix.consult].filter((l): l is SimLeg => l !== undefined)
    ix.primary = undefined
    ix.consult = undefined
    ix.parties.clear()
    ix.state = ix.started ? 'ENDED' : 'COMPLETED'
    if (!ix.started) ix.agent.interactions.delete(ix.id)
    for (const leg of legs) {
      w.clock.clear(leg.timer)
      leg.timer = undefined
      w.legEvent(ix, leg, 'state.updated', { state: 'disconnected' })
    }
    w.ixEvent(ix, 'state.updated', { ...w.ixState(ix), reason })
    for (const leg of legs) w.legEvent(ix, leg, 'conversation.disposed', { state: 'disconnected' })
    if (ix.started) {
      const wrapUpMs = ix.agent.settings.wrapUpMs
      if (wrapUpMs !== null) ix.wrapUp = w.timer(wrapUpMs, () => { this.complete(ix, null, 'timeout') })
    } else {
      // Never answered: no wrap-up, the interaction goes at once.
      w.ixEvent(ix, 'interaction.notcontrolled')
      w.ixEvent(ix, 'interaction.deleted', { reason })
    }
    w.refreshAgent(ix.agent)
    for (const leg of legs) {
      const call = leg.call
      this.#removeLeg(leg)
      if (settle) this.#settle(call, requeue)
    }
  }

  /** interaction.complete, or the model's wrap-up time: the interaction goes away. */
  complete (ix: SimInteraction, disposition: string | null, by: 'agent' | 'timeout'): void {
    if (ix.state !== 'ENDED') throw new INVALID_STATE(`the interaction is ${ix.state}; only an ended one can be completed`)
    const w = this.#w
    const agent = ix.agent
    w.clock.clear(ix.wrapUp)
    ix.wrapUp = undefined
    ix.state = 'COMPLETED'
    w.ixEvent(ix, 'state.updated', { ...w.ixState(ix), completedBy: by, ...(disposition !== null && { disposition }) })
    w.ixEvent(ix, 'interaction.notcontrolled')
    agent.interactions.delete(ix.id)
    w.ixEvent(ix, 'interaction.deleted', { reason: 'completed' })
    // The model decides where an agent who was ready goes once wrap-up is over.
    if (agent.interactions.size === 0 && agent.after.state === 'ready' && agent.settings.afterWrapUp === 'not_ready') {
      agent.after = { state: 'not_ready', reason: agent.settings.afterWrapUpReason }
    }
    w.refreshAgent(agent)
  }

  #removeLeg (leg: SimLeg): void {
    this.#w.clock.clear(leg.timer)
    leg.timer = undefined
    const call = leg.call
    call.legs = call.legs.filter(l => l !== leg)
  }

  /**
   * A call that lost a party. With two or more left it goes on. A caller left alone by an agent
   * who never answered (`requeue`) waits in the call's queue again; otherwise it ends.
   */
  #settle (call: SimCall, requeue: boolean): void {
    if (call.ended) return
    this.#w.syncCall(call)
    if (call.legs.length >= 2 || call.queued) return
    const last = call.legs[0]
    if (requeue && last?.kind === 'external' && call.queueId !== undefined) {
      this.#requeue(call)
      return
    }
    this.#endCall(call)
  }

  #endCall (call: SimCall): void {
    if (call.ended) return
    call.ended = true
    if (call.queued) this.#dequeue(call)
    const legs = [...call.legs]
    call.legs = []
    for (const leg of legs) {
      this.#w.clock.clear(leg.timer)
      if (leg.interaction !== undefined) this.end(leg.interaction, 'hangup')
    }
    this.#w.calls.delete(call.id)
  }

  #dequeue (call: SimCall): void {
    call.queued = false
    const queue = call.queueId === undefined ? undefined : this.#w.queues.get(call.queueId)
    if (queue === undefined) return
    const i = queue.waiting.indexOf(call)
    if (i !== -1) queue.waiting.splice(i, 1)
  }
}
