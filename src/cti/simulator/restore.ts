import type { AgentState, ConversationRole, Direction, RecordingState } from '../../schemas/vocabulary.js'
import type { CtiSessionSettings } from '../port.js'
import type { AgentLeg, AttachedData, SimCall, SimInteraction, SimLeg } from './model.js'
import type { World } from './world.js'

/**
 * What a media plane keeps of the contact center so that it can be rebuilt after the process
 * restarts (the SIP connector's SIP_STATE_FILE): the agents who are logged in, and the calls
 * that are up (every party connected or held) or in wrap-up. A call still ringing or queued is
 * not kept: it lives in the telephony's transaction, which a restart loses anyway. Plain JSON.
 */
export interface SavedCenter {
  agents: SavedAgent[]
  interactions: SavedInteraction[]
  calls: SavedCall[]
}

export interface SavedAgent {
  id: string
  state: AgentState
  reason: string | null
  stateSince: number
  idleSince: number
  settings: CtiSessionSettings
  after: { state: 'ready' | 'not_ready', reason: string | null }
  pendingLogout: string | null
}

export interface SavedInteraction {
  id: string
  agentId: string
  state: 'STARTED' | 'ENDED'
  direction: Direction
  from: string
  to: string
  queueId: string | null
  origin: 'offered' | 'dialed'
  stateSince: number
  startedAt: number | null
  wrapUpUntil: number | null
  endedData: AttachedData | null
}

export interface SavedLeg {
  id: string
  kind: 'external' | 'agent'
  number: string
  state: 'connected' | 'held'
  /** An agent's leg: its interaction, and whether it is the primary or the consult conversation. */
  interactionId: string | null
  role: ConversationRole | null
}

export interface SavedCall {
  id: string
  from: string
  to: string
  queueId: string | null
  data: AttachedData
  recording: RecordingState
  legs: SavedLeg[]
}

const stable = (call: SimCall): boolean => !call.ended && !call.queued && call.legs.length >= 2 && call.legs.every(l => l.state === 'connected' || l.state === 'held')

/** The part of the world that a restart must not lose (see SavedCenter). */
export function saveCenter (world: World): SavedCenter {
  const calls = [...world.calls.values()].filter(stable)
  const kept = new Set<SimInteraction>()
  for (const call of calls) for (const leg of call.legs) if (leg.kind === 'agent') kept.add(leg.interaction)
  const agents: SavedAgent[] = []
  const interactions: SavedInteraction[] = []
  for (const agent of world.agents.values()) {
    if (agent.state === 'logged_out' || agent.loggingIn !== undefined) continue
    agents.push({ id: agent.profile.id, state: agent.state, reason: agent.reason, stateSince: agent.stateSince, idleSince: agent.idleSince, settings: agent.settings, after: agent.after, pendingLogout: agent.pendingLogout })
    for (const ix of agent.interactions.values()) {
      if (ix.state === 'ENDED' || (ix.state === 'STARTED' && kept.has(ix))) {
        interactions.push({
          id: ix.id,
          agentId: agent.profile.id,
          state: ix.state,
          direction: ix.direction,
          from: ix.from,
          to: ix.to,
          queueId: ix.queueId ?? null,
          origin: ix.origin,
          stateSince: ix.stateSince,
          startedAt: ix.startedAt,
          wrapUpUntil: ix.wrapUpUntil ?? null,
          endedData: ix.endedData ?? null
        })
      }
    }
  }
  return {
    agents,
    interactions,
    calls: calls.map(call => ({
      id: call.id,
      from: call.from,
      to: call.to,
      queueId: call.queueId ?? null,
      data: call.data,
      recording: call.recording,
      legs: call.legs.map(l => ({ id: l.id, kind: l.kind, number: l.number, state: l.state === 'held' ? 'held' : 'connected', interactionId: l.kind === 'agent' ? l.interaction.id : null, role: l.kind === 'agent' ? l.role : null }))
    }))
  }
}

/**
 * Rebuilds what `saveCenter` kept, quietly (nobody is attached yet: the servers resync from
 * snapshots when they reconnect). Ids are kept, and new ones continue after them. A timed
 * wrap-up that ran out meanwhile ends through `completeNow` once routing is back. Returns the
 * calls rebuilt.
 */
export function restoreCenter (world: World, saved: SavedCenter, completeNow: (ix: SimInteraction) => void): SimCall[] {
  const interactions = new Map<string, SimInteraction>()
  for (const a of saved.agents) {
    const agent = world.agents.get(a.id)
    if (agent === undefined) continue
    Object.assign(agent, { state: a.state, reason: a.reason, stateSince: a.stateSince, idleSince: a.idleSince, settings: a.settings, after: a.after, pendingLogout: a.pendingLogout })
  }
  for (const s of saved.interactions) {
    const agent = world.agents.get(s.agentId)
    if (agent === undefined || agent.state === 'logged_out') continue
    world.seen(s.id)
    const ix: SimInteraction = {
      id: s.id,
      agent,
      state: s.state,
      direction: s.direction,
      from: s.from,
      to: s.to,
      queueId: s.queueId ?? undefined,
      origin: s.origin,
      stateSince: s.stateSince,
      startedAt: s.startedAt,
      primary: undefined,
      consult: undefined,
      started: true,
      parties: new Map(),
      ...(s.endedData !== null && { endedData: s.endedData })
    }
    agent.interactions.set(ix.id, ix)
    interactions.set(ix.id, ix)
    if (s.state === 'ENDED' && s.wrapUpUntil !== null) {
      ix.wrapUpUntil = s.wrapUpUntil
      ix.wrapUp = world.timer(Math.max(0, s.wrapUpUntil - world.clock.now()), () => { completeNow(ix) })
    }
  }
  const calls: SimCall[] = []
  for (const c of saved.calls) {
    world.seen(c.id)
    const call: SimCall = { id: c.id, from: c.from, to: c.to, queueId: c.queueId ?? undefined, queued: false, queuedAt: world.clock.now(), data: c.data, recording: c.recording, legs: [], declinedBy: new Set(), ended: false }
    for (const l of c.legs) {
      world.seen(l.id)
      const ix = l.interactionId === null ? undefined : interactions.get(l.interactionId)
      let leg: SimLeg
      if (l.kind === 'agent' && ix !== undefined && ix.state === 'STARTED') {
        const agentLeg: AgentLeg = { id: l.id, call, kind: 'agent', number: l.number, state: l.state, interaction: ix, role: l.role ?? 'primary' }
        if (agentLeg.role === 'consult') ix.consult = agentLeg
        else ix.primary = agentLeg
        leg = agentLeg
      } else {
        leg = { id: l.id, call, kind: 'external', number: l.number, state: l.state }
      }
      call.legs.push(leg)
    }
    world.calls.set(call.id, call)
    calls.push(call)
  }
  // Each restored interaction knows the other parties of its calls, as it was last told them.
  for (const call of calls) {
    for (const leg of call.legs) {
      if (leg.kind !== 'agent') continue
      for (const other of call.legs) if (other !== leg) leg.interaction.parties.set(other.id, { state: other.state, number: other.number })
    }
  }
  return calls
}
