import type { SimAgent, SimCall, SimQueue } from '../../schemas/simulator.schema.js'
import { legsOf } from './model.js'
import type { World } from './world.js'

/**
 * What the simulator's control face shows (GET /simulator/agents, /calls, /queues), in the
 * shapes of its schemas (src/schemas/simulator.schema.ts). Never a password.
 */
export function agentViews (world: World): SimAgent[] {
  return [...world.agents.values()].map(a => ({
    id: a.profile.id,
    name: a.profile.name,
    extension: a.profile.extension,
    queues: a.profile.queues ?? [],
    state: a.state,
    reason: a.reason,
    pendingLogout: a.pendingLogout,
    loggingIn: a.loggingIn !== undefined,
    attached: a.listener !== undefined,
    interactions: [...a.interactions.values()].map(ix => ({
      id: ix.id,
      state: ix.state,
      direction: ix.direction,
      conversations: legsOf(ix).map(l => ({ id: l.id, role: l.role, state: l.state }))
    }))
  }))
}

export function callViews (world: World): SimCall[] {
  return [...world.calls.values()].map(call => ({
    id: call.id,
    from: call.from,
    to: call.to,
    queue: call.queueId ?? null,
    state: call.queued
      ? 'queued'
      : call.legs.some(l => l.state === 'connected' || l.state === 'held')
        ? 'connected'
        : call.legs.some(l => l.state === 'alerting') ? 'ringing' : 'dialing',
    recording: call.recording,
    data: { ...call.data },
    parties: call.legs.map(l => ({
      id: l.id,
      kind: l.kind,
      number: l.number,
      state: l.state,
      ...(l.kind === 'agent' && { agentId: l.interaction.agent.profile.id, interactionId: l.interaction.id })
    }))
  }))
}

export function queueViews (world: World): SimQueue[] {
  const now = world.clock.now()
  return [...world.queues.values()].map(q => ({
    id: q.id,
    name: q.name,
    waiting: q.waiting.map(c => ({ callId: c.id, from: c.from, waitingMs: now - c.queuedAt })),
    readyAgents: [...world.agents.values()]
      .filter(a => world.isAvailable(a, true) && (a.profile.queues ?? []).includes(q.id))
      .map(a => a.profile.id)
  }))
}
