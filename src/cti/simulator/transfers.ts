import { INVALID_STATE } from '../../errors.js'
import type { Calls } from './calls.js'
import type { Interactions } from './interactions.js'
import type { AgentLeg, SimCall, SimInteraction, SimLeg } from './model.js'
import type { World } from './world.js'

/**
 * Consult calls and what an agent does with them (alternate, transfer, conference), and the
 * single-step transfer and conference of a call. Built on the interaction operations.
 */
export class Transfers {
  readonly #w: World
  readonly #calls: Calls
  readonly #ix: Interactions

  constructor (world: World, calls: Calls, interactions: Interactions) {
    this.#w = world
    this.#calls = calls
    this.#ix = interactions
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
    this.#w.legEvent(held, 'state.updated')
    this.#w.legEvent(connected, 'state.updated')
    this.#w.ixStateUpdated(ix)
    this.#w.syncCall(primary.call)
    this.#w.syncCall(consult.call)
  }

  /** interaction.consult: the primary is held and a consult call dialled. */
  consult (ix: SimInteraction, destination: string): void {
    const primary = ix.primary
    if (ix.state !== 'STARTED' || primary === undefined) throw new INVALID_STATE('consult needs a started call')
    if (ix.consult !== undefined) throw new INVALID_STATE('there is a consult call already')
    const dest = this.#calls.destination(ix.agent, destination)
    if (primary.state === 'connected') {
      primary.state = 'held'
      this.#w.legEvent(primary, 'state.updated')
    }
    const call = this.#calls.create(ix.agent.profile.extension, destination, undefined, primary.call.data)
    const leg = this.#calls.agent(call, ix, 'consult', 'dialing')
    ix.consult = leg
    this.#w.legEvent(leg, 'conversation.created')
    this.#w.ixStateUpdated(ix)
    if (dest.kind === 'agent') this.#ix.offer(call, dest.agent, 'consult')
    else this.#ix.ringOutside(call, dest.number)
    this.#w.syncCall(primary.call)
    this.#w.syncCall(call)
  }

  /** interaction.consulttransfer: the consulted party takes over the primary call. */
  consultTransfer (ix: SimInteraction): void {
    const { primary, consult } = this.#consulting(ix)
    const target = primary.call
    this.#onMerge(ix, primary, consult, 'transfer')
    const before = JSON.stringify(consult.call.data)
    this.#merge(consult.call, target, consult)
    this.#ix.end(ix, 'transferred')
    this.#afterMerge(target, before)
  }

  /** interaction.consultconference: the consulted party joins the primary call. */
  consultConference (ix: SimInteraction): void {
    const { primary, consult } = this.#consulting(ix)
    const target = primary.call
    this.#onMerge(ix, primary, consult, 'conference')
    const before = JSON.stringify(consult.call.data)
    this.#merge(consult.call, target, consult)
    this.#ix.dropConsult(consult)
    primary.state = 'connected'
    this.#w.legEvent(primary, 'state.updated')
    this.#w.ixStateUpdated(ix)
    this.#afterMerge(target, before)
  }

  /**
   * `interaction.onmerge`: the consult call and the call merge. The active party is the one on
   * the consult call, the held one the caller (the other party of the primary call).
   */
  #onMerge (ix: SimInteraction, primary: AgentLeg, consult: AgentLeg, type: 'transfer' | 'conference'): void {
    const other = (leg: AgentLeg): SimLeg | undefined => leg.call.legs.find(l => l !== leg)
    const active = other(consult)
    const held = other(primary)
    this.#w.ixEvent(ix, {
      name: 'interaction.onmerge',
      data: {
        hints: { type },
        frominteractionid: ix.id,
        tointeractionid: ix.id,
        activeresource: active?.number ?? '',
        activepartyid: active?.id ?? '',
        activepartystate: active?.state ?? 'disconnected',
        heldresource: held?.number ?? '',
        heldpartyid: held?.id ?? '',
        heldpartystate: held?.state ?? 'disconnected'
      }
    })
  }

  #consulting (ix: SimInteraction): { primary: AgentLeg, consult: AgentLeg } {
    const { primary, consult } = ix
    if (primary === undefined || consult === undefined) throw new INVALID_STATE('there is no consult call')
    if (consult.state !== 'connected' && !(consult.state === 'held' && primary.state === 'connected')) {
      throw new INVALID_STATE('the consult call is not connected yet')
    }
    // The caller is not handed to an agent whose desktop is gone (their logout waits).
    const leaving = consult.call.legs.find(l => l.kind === 'agent' && l !== consult && l.interaction.agent.pendingLogout !== null)
    if (leaving?.kind === 'agent') throw new INVALID_STATE(`${leaving.number} is signing out (their media bar is gone); talk to them or release the consult`)
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
    this.#ix.endCall(from)
  }

  /**
   * After a merge, the agents now on the call learn their new parties, and those who came from
   * the consult call its data when it differs from what they had.
   */
  #afterMerge (call: SimCall, movedData: string): void {
    const changed = JSON.stringify(call.data) !== movedData
    for (const leg of call.legs) {
      if (leg.kind !== 'agent' || leg.interaction.primary !== leg) continue
      this.#w.syncParties(leg.interaction)
      if (changed && leg.interaction.direction === 'consult') this.#w.ixEvent(leg.interaction, { name: 'interaction.udata.changed', data: { udata: { ...call.data } } })
    }
  }

  /** conversation.transfer: single step; the agent leaves, the destination takes the call. */
  transfer (leg: AgentLeg, destination: string): void {
    const ix = leg.interaction
    if (leg.role !== 'primary' || ix.state !== 'STARTED') throw new INVALID_STATE('transfer needs the started primary call')
    if (ix.consult !== undefined) throw new INVALID_STATE('finish the consult call first')
    const dest = this.#calls.destination(ix.agent, destination)
    const call = leg.call
    this.#w.ixEvent(ix, {
      name: 'interaction.onsinglesteptransfer',
      data: { transferringpartyid: leg.id, transferringresource: leg.number, transferringpartystate: leg.state, newdestination: destination, hints: {} }
    })
    // Leave the call without ending it, then bring the destination to the caller.
    this.#ix.end(ix, 'transferred', false)
    if (dest.kind === 'agent') this.#ix.offer(call, dest.agent, 'transfer')
    else this.#ix.ringOutside(call, dest.number)
    this.#w.syncCall(call)
  }

  /** conversation.conference: single step; the destination is added, the agent stays. */
  conference (leg: AgentLeg, destination: string): void {
    const ix = leg.interaction
    if (leg.role !== 'primary' || ix.state !== 'STARTED') throw new INVALID_STATE('conference needs the started primary call')
    const dest = this.#calls.destination(ix.agent, destination)
    const call = leg.call
    const added: SimLeg = dest.kind === 'agent' ? this.#ix.offer(call, dest.agent, 'conference') : this.#ix.ringOutside(call, dest.number)
    this.#w.ixEvent(ix, {
      name: 'interaction.onsinglestepconference',
      data: {
        conferencingpartyid: leg.id,
        conferencingresource: leg.number,
        conferencingpartystate: leg.state,
        addedpartyid: added.id,
        addedresource: added.number,
        addedpartystate: added.state,
        hints: {}
      }
    })
    this.#w.syncCall(call)
  }
}
