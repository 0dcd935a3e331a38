import type { World } from './world.js'
import { isLive, legsOf, onCall } from './model.js'

/**
 * What must hold of the simulated contact center between operations, checked by the tests after
 * every step (test/helpers/contact-center.ts). Each returns what is broken.
 */

/**
 * The rules of docs/protocol.md (Interactions) on the simulator's truth: an interaction has a
 * primary conversation in ALERTING, DIALING and STARTED (alerting, dialing, connected or held), a
 * consult one only in STARTED, none in ENDED and COMPLETED; and its legs are on the calls they name.
 */
export function interactionViolations (world: World): string[] {
  const problems: string[] = []
  const expected: Record<string, string[]> = { ALERTING: ['alerting'], DIALING: ['dialing'], STARTED: ['connected', 'held'] }
  for (const agent of world.agents.values()) {
    for (const ix of agent.interactions.values()) {
      const where = `${agent.profile.id}/${ix.id} (${ix.state})`
      if (isLive(ix)) {
        if (ix.primary === undefined) problems.push(`${where}: no primary conversation`)
        else if (!(expected[ix.state] ?? []).includes(ix.primary.state)) problems.push(`${where}: primary is ${ix.primary.state}`)
        if (ix.consult !== undefined && ix.state !== 'STARTED') problems.push(`${where}: consult outside STARTED`)
      } else if (ix.primary !== undefined || ix.consult !== undefined) {
        problems.push(`${where}: conversations in ${ix.state}`)
      }
      for (const leg of legsOf(ix)) {
        if (!leg.call.legs.includes(leg)) problems.push(`${where}: leg ${leg.id} is not on call ${leg.call.id}`)
      }
    }
  }
  for (const call of world.calls.values()) {
    if (call.queued && call.legs.some(l => l.kind === 'agent')) problems.push(`${call.id}: queued with an agent on it`)
  }
  return problems
}

/**
 * Each agent's state follows from their interactions: busy with a live one, wrap-up with an
 * ended one, otherwise ready or not ready.
 */
export function agentStateViolations (world: World): string[] {
  const problems: string[] = []
  for (const agent of world.agents.values()) {
    const want = agent.state === 'logged_out'
      ? 'logged_out'
      : onCall(agent) ? 'busy' : [...agent.interactions.values()].some(ix => ix.state === 'ENDED') ? 'wrap_up' : undefined
    if (want !== undefined && agent.state !== want) problems.push(`${agent.profile.id}: ${agent.state}, should be ${want}`)
    if (want === undefined && agent.state !== 'ready' && agent.state !== 'not_ready') problems.push(`${agent.profile.id}: ${agent.state} without a call`)
  }
  return problems
}
