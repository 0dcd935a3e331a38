import { INVALID_MESSAGE, INVALID_STATE } from '../../errors.js'
import type { Direction, RecordingState } from '../../schemas/vocabulary.js'
import type { Calls } from './calls.js'
import type { AgentLeg, AttachedData, ExternalLeg, SimAgent, SimCall, SimInteraction, SimLeg } from './model.js'
import { callsOf, isLive, legsOf, onCall } from './model.js'
import type { World } from './world.js'

/**
 * An agent's interactions with calls, from the offer to the end of wrap-up: ringing, dialling,
 * answering, hold, release, and what happens when a party leaves a call. Each operation changes
 * the world and then tells the agents involved, in the order docs/event-flows.md documents.
 * Consults and transfers are in transfers.ts; routing (acd.ts) follows every operation.
 */
export class Interactions {
  readonly #w: World
  readonly #calls: Calls

  constructor (world: World, calls: Calls) {
    this.#w = world
    this.#calls = calls
  }

  #create (agent: SimAgent, direction: Direction, from: string, to: string, queueId: string | undefined, state: 'ALERTING' | 'DIALING'): SimInteraction {
    const ix: SimInteraction = {
      id: this.#w.nextId('ix'),
      agent,
      state,
      direction,
      from,
      to,
      queueId,
      origin: state === 'ALERTING' ? 'offered' : 'dialed',
      stateSince: this.#w.clock.now(),
      startedAt: null,
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
    w.ixEvent(ix, { name: 'interaction.added', data: { ...w.ixState(ix), udata: { ...ix.primary?.call.data } } })
    if (ix.primary !== undefined) w.legEvent(ix.primary, 'conversation.created')
    w.syncParties(ix)
    w.ixEvent(ix, { name: 'interaction.present', data: {} })
    w.refreshAgent(ix.agent)
  }

  /**
   * An outside party rings on a call and answers after the simulator's outside delay (with a
   * media plane: when its telephony says, `connectOutside`).
   */
  ringOutside (call: SimCall, number: string): ExternalLeg {
    const leg = this.#calls.external(call, number, 'alerting')
    if (!this.#w.outsideAnswers) return leg
    leg.timer = this.#w.timer(this.#w.outsideAnswerMs, () => {
      leg.timer = undefined
      this.#connect(leg)
    })
    return leg
  }

  /** A ringing outside party answered (a media plane's telephony said so). */
  connectOutside (leg: ExternalLeg): void {
    if (leg.state !== 'alerting') throw new INVALID_STATE(`party ${leg.number} is ${leg.state}, not ringing`)
    this.#connect(leg)
  }

  /** Rings an agent with a call: a new ALERTING interaction, ring-no-answer armed; returns its conversation. */
  offer (call: SimCall, agent: SimAgent, direction: Direction): AgentLeg {
    const ix = this.#create(agent, direction, call.from, call.to, call.queueId, 'ALERTING')
    const leg = this.#calls.agent(call, ix, 'primary', 'alerting')
    ix.primary = leg
    leg.timer = this.#w.timer(agent.settings.ringNoAnswerMs, () => {
      leg.timer = undefined
      this.ringNoAnswer(ix)
    })
    this.#announce(ix)
    for (const other of call.legs) if (other !== leg && other.kind === 'agent') this.#w.syncParties(other.interaction)
    return leg
  }

  /** channel.dial: a new DIALING interaction to an agent's extension or an outside number. */
  dial (agent: SimAgent, destination: string, data: AttachedData): SimInteraction {
    if (onCall(agent)) throw new INVALID_STATE('the agent is already on a call')
    if (agent.state === 'wrap_up') throw new INVALID_STATE('the agent is in wrap-up; complete it first')
    const dest = this.#calls.destination(agent, destination)
    const call = this.#calls.create(agent.profile.extension, destination, undefined, data)
    const ix = this.#create(agent, dest.kind === 'agent' ? 'internal' : 'outbound', agent.profile.extension, destination, undefined, 'DIALING')
    ix.primary = this.#calls.agent(call, ix, 'primary', 'dialing')
    this.#announce(ix)
    if (dest.kind === 'agent') this.offer(call, dest.agent, 'internal')
    else this.ringOutside(call, dest.number)
    this.#w.syncCall(call)
    return ix
  }

  /** conversation.answer / interaction.accept on an alerting conversation. */
  answer (leg: AgentLeg): void {
    if (leg.state !== 'alerting') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not alerting`)
    this.#w.clock.clear(leg.timer)
    leg.timer = undefined
    this.#connect(leg)
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
      if (l.kind === 'agent' && l.role === 'primary' && (l.interaction.state === 'ALERTING' || l.interaction.state === 'DIALING')) {
        this.#w.moveIx(l.interaction, 'STARTED')
        l.interaction.started = true
        l.interaction.startedAt = this.#w.clock.now()
      }
    }
    for (const l of changed) {
      if (l.kind !== 'agent') continue
      this.#w.legEvent(l, 'state.updated')
      this.#w.ixStateUpdated(l.interaction)
    }
    this.#w.syncCall(call)
  }

  hold (leg: AgentLeg): void {
    if (leg.state !== 'connected') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not connected`)
    this.#setLeg(leg, 'held')
  }

  retrieve (leg: AgentLeg): void {
    if (leg.state !== 'held') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not held`)
    if (leg.role === 'primary' && leg.interaction.consult?.state === 'connected') {
      throw new INVALID_STATE('the consult call is connected; alternate, transfer, conference or release it')
    }
    this.#setLeg(leg, 'connected')
  }

  #setLeg (leg: AgentLeg, state: 'connected' | 'held'): void {
    leg.state = state
    this.#w.legEvent(leg, 'state.updated')
    this.#w.ixStateUpdated(leg.interaction)
    this.#w.syncCall(leg.call)
  }

  dtmf (leg: AgentLeg, digits: string): void {
    if (leg.state !== 'connected') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not connected`)
    const sent = typeof leg.call.data.dtmf === 'string' ? leg.call.data.dtmf : ''
    leg.call.data.dtmf = sent + digits
  }

  setData (ix: SimInteraction, data: AttachedData): void {
    const call = ix.primary?.call
    if (call === undefined) throw new INVALID_STATE('the interaction has no call any more')
    Object.assign(call.data, data)
    for (const leg of call.legs) {
      if (leg.kind === 'agent' && leg.interaction.primary === leg) this.#w.ixEvent(leg.interaction, { name: 'interaction.udata.changed', data: { udata: { ...call.data } } })
    }
  }

  recording (ix: SimInteraction, action: 'start' | 'stop' | 'pause' | 'resume'): void {
    const call = ix.primary?.call
    if (call === undefined || ix.state !== 'STARTED') throw new INVALID_STATE('recording needs a started call')
    const allowed: Record<typeof action, RecordingState[]> = { start: ['off'], stop: ['on', 'paused'], pause: ['on'], resume: ['paused'] }
    if (!allowed[action].includes(call.recording)) throw new INVALID_STATE(`recording is ${call.recording}; cannot ${action}`)
    call.recording = action === 'stop' ? 'off' : action === 'pause' ? 'paused' : 'on'
    for (const leg of call.legs) {
      if (leg.kind === 'agent' && leg.interaction.primary === leg) this.#w.ixStateUpdated(leg.interaction)
    }
  }

  /** conversation.release: the agent hangs up a conversation (a consult, or the whole call). */
  release (leg: AgentLeg): void {
    const ix = leg.interaction
    if (leg.state === 'alerting') {
      this.reject(ix)
      return
    }
    if (leg.role === 'consult') {
      this.#endConsult(leg)
      return
    }
    this.end(ix, 'released')
  }

  /**
   * Only the consult conversation ends (released, its call over, its party gone): the agent is
   * back with the held caller, whose call goes on.
   */
  #endConsult (leg: AgentLeg): void {
    const ix = leg.interaction
    this.dropConsult(leg)
    this.#w.ixStateUpdated(ix)
    const call = leg.call
    this.#calls.removeLeg(leg)
    this.settle(call, false)
    this.#w.syncParties(ix)
  }

  /** The consult conversation goes from its interaction (released, or merged into the call). */
  dropConsult (leg: AgentLeg): void {
    const ix = leg.interaction
    ix.consult = undefined
    this.#w.legEvent(leg, 'state.updated', 'disconnected')
    this.#w.legEvent(leg, 'conversation.disposed', 'disconnected')
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
    // A queue call goes back to its queue: for the agent it is diverted there.
    if (leg.call.queueId !== undefined) this.#divert(ix, leg, leg.call.queueId, 'ring_no_answer')
    this.end(ix, 'ring_no_answer')
  }

  /** `interaction.ondivert`: the alerting call leaves this agent for `destination`. */
  #divert (ix: SimInteraction, leg: AgentLeg, destination: string, reason: string): void {
    this.#w.ixEvent(ix, {
      name: 'interaction.ondivert',
      data: { divertingpartyid: leg.id, divertingresource: leg.number, divertingpartystate: leg.state, newdestination: destination, hints: { reason } }
    })
  }

  /** interaction.redirect: an alerting call is sent on to another extension or number, unanswered. */
  redirect (ix: SimInteraction, destination: string): void {
    const leg = ix.primary
    if (ix.state !== 'ALERTING' || leg === undefined) throw new INVALID_STATE('only an alerting call can be redirected')
    const dest = this.#calls.destination(ix.agent, destination)
    const call = leg.call
    call.declinedBy.add(ix.agent.profile.id)
    this.#divert(ix, leg, destination, 'redirect')
    this.end(ix, 'redirected', false)
    if (dest.kind === 'agent') this.offer(call, dest.agent, 'inbound')
    else this.ringOutside(call, dest.number)
    this.#w.syncCall(call)
  }

  /** interaction.pick: the agent picks up a call ringing at another extension, or the oldest waiting in a queue. */
  pick (agent: SimAgent, destination: string): SimInteraction {
    if (!this.#w.isAvailable(agent, false) || onCall(agent)) throw new INVALID_STATE('the agent cannot take a call now')
    let call: SimCall | undefined
    const ringing = this.#w.agentByExtension(destination) ?? this.#w.agents.get(destination)
    if (ringing !== undefined) {
      const theirs = [...ringing.interactions.values()].find(ix => ix.state === 'ALERTING' && ix.primary !== undefined)
      if (theirs?.primary === undefined || ringing === agent) throw new INVALID_STATE(`nothing rings at ${destination} to pick`)
      call = theirs.primary.call
      this.#divert(theirs, theirs.primary, agent.profile.extension, 'picked')
      this.end(theirs, 'picked', false)
    } else {
      const queue = this.#w.queues.get(destination)
      if (queue === undefined) throw new INVALID_MESSAGE(`no extension or queue ${destination} to pick from`)
      call = queue.waiting[0]
      if (call === undefined) throw new INVALID_STATE(`no call waits in ${destination}`)
      this.#calls.dequeue(call)
    }
    const leg = this.offer(call, agent, 'inbound')
    this.answer(leg)
    return leg.interaction
  }

  /** interaction.terminate: the agent's part of the interaction ends, all its conversations with it. */
  terminate (ix: SimInteraction): void {
    if (ix.state === 'ALERTING') {
      this.reject(ix)
      return
    }
    if (!isLive(ix)) throw new INVALID_STATE(`the interaction is ${ix.state}; complete it instead`)
    this.end(ix, 'terminated')
  }

  /**
   * interaction.clear: drops one party (a party id or number) from the interaction's calls, or,
   * without one, the agent's own connection. Returns the party cleared.
   */
  clear (ix: SimInteraction, resource: string | undefined): string {
    if (!isLive(ix)) throw new INVALID_STATE(`the interaction is ${ix.state}`)
    const mine = ix.primary
    if (resource === undefined || resource === mine?.id || resource === mine?.number) {
      this.terminate(ix)
      return mine?.id ?? ix.agent.profile.extension
    }
    if (ix.consult !== undefined && resource === ix.consult.id) {
      this.release(ix.consult)
      return resource
    }
    const own = legsOf(ix)
    const party = callsOf(ix).flatMap(c => c.legs).find(l => !own.some(o => o === l) && (l.id === resource || l.number === resource))
    if (party === undefined) throw new INVALID_MESSAGE(`no party ${resource} in the interaction`)
    this.#dropParty(party)
    return party.id
  }

  /** One participant leaves a call, and only that connection ends (another agent's consult included). */
  #dropParty (party: SimLeg): void {
    if (party.kind === 'agent' && party.role === 'consult') {
      this.#endConsult(party)
    } else if (party.kind === 'agent') {
      this.end(party.interaction, 'cleared')
    } else {
      const call = party.call
      this.#calls.removeLeg(party)
      this.settle(call, false)
    }
  }

  /** The outside party hangs up (DELETE /simulator/calls/{id}). */
  hangup (call: SimCall): void {
    const caller = call.legs.find(l => l.kind === 'external')
    if (call.queued) {
      this.#calls.dequeue(call)
      this.#w.log.info({ callId: call.id }, 'caller abandoned in queue')
    }
    if (caller === undefined) {
      this.endCall(call)
      return
    }
    const connected = call.legs.some(l => l.kind === 'agent' && (l.state === 'connected' || l.state === 'held'))
    this.#calls.removeLeg(caller)
    if (!connected) {
      // Abandoned while ringing: each ringing agent is told, and their interaction goes.
      for (const leg of [...call.legs]) {
        if (leg.kind === 'agent' && leg.interaction.state === 'ALERTING') {
          this.#w.ixEvent(leg.interaction, { name: 'interaction.abandoned', data: { focusresource: caller.number, reason: 'caller_hangup', hints: {} } })
          this.end(leg.interaction, 'abandoned')
        }
      }
    }
    this.settle(call, false)
  }

  /**
   * Ends an interaction: its conversations disconnect, and it is ENDED (then wrap-up) when it
   * had started, or COMPLETED and deleted at once when it never did. Its legs leave their calls;
   * calls left with fewer than two parties end (unless `settle` is false: a transfer brings the
   * next party to the call itself).
   */
  end (ix: SimInteraction, reason: string, settle = true): void {
    if (!isLive(ix)) return
    const w = this.#w
    // A caller left alone by an agent who never answered waits for another agent.
    const requeue = !ix.started
    const legs = legsOf(ix)
    ix.endedData = { ...ix.primary?.call.data }
    ix.primary = undefined
    ix.consult = undefined
    ix.parties.clear()
    w.moveIx(ix, ix.started ? 'ENDED' : 'COMPLETED')
    if (!ix.started) ix.agent.interactions.delete(ix.id)
    for (const leg of legs) {
      w.clock.clear(leg.timer)
      leg.timer = undefined
      w.legEvent(leg, 'state.updated', 'disconnected')
    }
    w.ixEvent(ix, { name: 'state.updated', data: { ...w.ixState(ix), reason } })
    for (const leg of legs) w.legEvent(leg, 'conversation.disposed', 'disconnected')
    if (ix.started) {
      const wrapUpMs = ix.agent.settings.wrapUpMs
      if (wrapUpMs !== null) {
        ix.wrapUp = w.timer(wrapUpMs, () => { this.complete(ix, null, 'timeout') })
        ix.wrapUpUntil = w.clock.now() + wrapUpMs
      }
    } else {
      // Never answered: no wrap-up, the interaction goes at once.
      w.ixEvent(ix, { name: 'interaction.notcontrolled', data: {} })
      w.ixEvent(ix, { name: 'interaction.deleted', data: { reason } })
    }
    // An agent whose logout waits has nobody to end an untimed wrap-up: it ends now.
    if (ix.state === 'ENDED' && ix.wrapUp === undefined && ix.agent.pendingLogout !== null) this.complete(ix, null, 'timeout')
    else w.refreshAgent(ix.agent)
    for (const leg of legs) {
      const call = leg.call
      this.#calls.removeLeg(leg)
      if (settle) this.settle(call, requeue)
    }
  }

  /** interaction.complete, or the model's wrap-up time: the interaction goes away. */
  complete (ix: SimInteraction, disposition: string | null, by: 'agent' | 'timeout'): void {
    if (ix.state !== 'ENDED') throw new INVALID_STATE(`the interaction is ${ix.state}; only an ended one can be completed`)
    const w = this.#w
    const agent = ix.agent
    w.clock.clear(ix.wrapUp)
    ix.wrapUp = undefined
    ix.wrapUpUntil = undefined
    w.moveIx(ix, 'COMPLETED')
    w.ixEvent(ix, { name: 'state.updated', data: { ...w.ixState(ix), completedBy: by, ...(disposition !== null && { disposition }) } })
    w.ixEvent(ix, { name: 'interaction.notcontrolled', data: {} })
    agent.interactions.delete(ix.id)
    w.ixEvent(ix, { name: 'interaction.deleted', data: { reason: 'completed' } })
    // The model decides where an agent who was ready goes once wrap-up is over.
    if (agent.interactions.size === 0 && agent.after.state === 'ready' && agent.settings.afterWrapUp === 'not_ready') {
      agent.after = { state: 'not_ready', reason: agent.settings.afterWrapUpReason }
    }
    w.refreshAgent(agent)
  }

  /**
   * A call that lost a party. With two or more left it goes on. A caller left alone by an agent
   * who never answered (`requeue`) waits in the call's queue again; otherwise it ends.
   */
  settle (call: SimCall, requeue: boolean): void {
    if (call.ended) return
    this.#w.syncCall(call)
    if (call.legs.length >= 2 || call.queued) return
    const last = call.legs[0]
    if (requeue && last?.kind === 'external' && call.queueId !== undefined) {
      this.#calls.requeue(call)
      return
    }
    this.endCall(call)
  }

  /** A call ends: every agent still on it ends their interaction (`hangup`). */
  endCall (call: SimCall): void {
    if (call.ended) return
    call.ended = true
    if (call.queued) this.#calls.dequeue(call)
    const legs = [...call.legs]
    call.legs = []
    for (const leg of legs) {
      this.#w.clock.clear(leg.timer)
      if (leg.kind !== 'agent') continue
      if (leg.role === 'consult' && leg.interaction.consult === leg && leg.interaction.primary !== undefined) {
        // The consult call is over: the agent is back with the held caller.
        const ix = leg.interaction
        this.dropConsult(leg)
        this.#w.ixStateUpdated(ix)
        this.#w.syncParties(ix)
      } else {
        this.end(leg.interaction, 'hangup')
      }
    }
    this.#w.calls.delete(call.id)
  }
}
