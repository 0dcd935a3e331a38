import type { CtiEvent, CtiEventBody, CtiEventOf } from '../cti/port.js'
import type { AgentSnapshot, InteractionSnapshot } from '../schemas/snapshot.schema.js'

/** A chat channel's readiness, as its `state.updated` says it (snapshots carry it for chat channels). */
function channelStates (snapshot: AgentSnapshot): CtiEvent[] {
  const events: CtiEvent[] = []
  for (const c of snapshot.channels) {
    if (c.state === undefined) continue
    const chats = c.chats ?? snapshot.interactions.filter(ix => ix.channelId === c.channelId).length
    events.push({ agentId: snapshot.agentId, scope: 'channel', channelId: c.channelId, name: 'state.updated', data: { state: c.state, reason: c.reason ?? null, chats, max: c.max ?? chats } })
  }
  return events
}

/**
 * Adoption: a new session takes over an agent who is logged in at the CTI already (a takeover, a
 * reload, a client gone, a restart). Two event sequences come from the CTI's snapshot of the agent
 * (docs/protocol.md, Adoption):
 *
 * - what the session's client receives (and the processor's picture is built from):
 *   `session.started`, `channel.activated` (and a chat channel's `state.updated`), the agent's
 *   `state.updated`, `session.pendinglogout` when a logout was waiting, and one
 *   `interaction.restored` per interaction (call or chat, a chat with its transcript), whole;
 * - what the workflow's views would have seen had they been there all along, so that any call
 *   model's machines reach the states the live calls are in (the views receive these, and then the
 *   `interaction.restored` events; no client sees them).
 */
export function restoreEvents (snapshot: AgentSnapshot, extension: string): CtiEvent[] {
  const { agentId } = snapshot
  if (!snapshot.loggedIn) return []
  const events: CtiEvent[] = [
    { agentId, scope: 'session', name: 'session.started', data: { agentId, extension } },
    ...snapshot.channels.map((c): CtiEvent => ({
      agentId, scope: 'channel', channelId: c.channelId, name: 'channel.activated', data: { media: c.media, ...(c.extension !== undefined && { extension: c.extension }) }
    })),
    ...channelStates(snapshot),
    { agentId, scope: 'session', name: 'state.updated', data: { state: snapshot.state, reason: snapshot.reason } }
  ]
  if (snapshot.pendingLogout !== null) events.push({ agentId, scope: 'session', name: 'session.pendinglogout', data: { reason: snapshot.pendingLogout } })
  for (const ix of snapshot.interactions) {
    const { channelId, origin: _origin, interactionid, ...picture } = ix
    events.push({ agentId, scope: 'interaction', channelId, interactionId: interactionid, name: 'interaction.restored', data: picture })
  }
  return events
}

/** The history the views replay: each interaction from its offer (or dial) to where it is now. */
export function viewHistory (snapshot: AgentSnapshot, extension: string): CtiEvent[] {
  const { agentId } = snapshot
  if (!snapshot.loggedIn) return []
  const events: CtiEvent[] = [
    { agentId, scope: 'session', name: 'session.started', data: { agentId, extension } },
    ...snapshot.channels.map((c): CtiEvent => ({ agentId, scope: 'channel', channelId: c.channelId, name: 'channel.activated', data: { media: c.media } })),
    ...channelStates(snapshot),
    { agentId, scope: 'session', name: 'state.updated', data: { state: snapshot.state, reason: snapshot.reason } }
  ]
  const chatChannels = new Set(snapshot.channels.filter(c => c.media === 'chat').map(c => c.channelId))
  for (const ix of snapshot.interactions) events.push(...(chatChannels.has(ix.channelId) ? chatHistory(agentId, ix) : interactionHistory(agentId, ix)))
  return events
}

/** A chat's history: offered, accepted if it ever was, then where it is now (chats have no conversations). */
export function chatHistory (agentId: string, ix: InteractionSnapshot): CtiEvent[] {
  const { channelId, interactionid: interactionId } = ix
  const base = { direction: ix.direction, from: ix.from, to: ix.to, queue: ix.queue, recording: ix.recording, conversations: [] }
  const on = (event: CtiEventBody<'interaction'>): CtiEvent => ({ agentId, scope: 'interaction', channelId, interactionId, ...event })
  const events = [on({ name: 'interaction.added', data: { ...base, udata: ix.udata, state: 'ALERTING' } })]
  if (ix.startedAt !== null) events.push(on({ name: 'state.updated', data: { ...base, state: 'STARTED' } }))
  if (ix.state !== 'ALERTING' && ix.state !== 'STARTED') events.push(on({ name: 'state.updated', data: { ...base, state: ix.state } }))
  return events
}

/** One interaction's history, from its offer (or dial) to where it is now. */
export function interactionHistory (agentId: string, ix: InteractionSnapshot): CtiEvent[] {
  const { channelId, interactionid: interactionId } = ix
  const events: CtiEvent[] = []
  const on = (event: CtiEventBody<'interaction'>): void => {
    events.push({ agentId, scope: 'interaction', channelId, interactionId, ...event })
  }
  const leg = (conversationId: string, event: Omit<CtiEventOf<'conversation'>, 'agentId' | 'scope' | 'channelId' | 'interactionId' | 'conversationId'>): void => {
    events.push({ agentId, scope: 'conversation', channelId, interactionId, conversationId, ...event })
  }
  const primary = ix.conversations.find(c => c.role === 'primary')
  const consult = ix.conversations.find(c => c.role === 'consult')
  const first = ix.origin === 'dialed' ? 'DIALING' : 'ALERTING'
  const firstLeg = first === 'DIALING' ? 'dialing' : 'alerting'
  const base = { direction: ix.direction, from: ix.from, to: ix.to, queue: ix.queue }
  const primaryId = primary?.conversationid ?? `${interactionId}-primary`
  on({ name: 'interaction.added', data: { ...base, udata: ix.udata, state: first, recording: 'off', conversations: [{ conversationid: primaryId, role: 'primary', state: firstLeg }] } })
  leg(primaryId, { name: 'conversation.created', data: { role: 'primary', state: firstLeg } })
  if (ix.startedAt !== null) {
    leg(primaryId, { name: 'state.updated', data: { role: 'primary', state: 'connected' } })
    on({ name: 'state.updated', data: { ...base, state: 'STARTED', recording: ix.recording, conversations: [{ conversationid: primaryId, role: 'primary', state: 'connected' }] } })
    if (consult !== undefined) {
      // A consult begins with the caller held; it may have connected, and the agent gone back to the caller.
      leg(primaryId, { name: 'state.updated', data: { role: 'primary', state: 'held' } })
      leg(consult.conversationid, { name: 'conversation.created', data: { role: 'consult', state: 'dialing' } })
      if (consult.state === 'connected' || consult.state === 'held') leg(consult.conversationid, { name: 'state.updated', data: { role: 'consult', state: 'connected' } })
      if (primary?.state === 'connected') leg(primaryId, { name: 'state.updated', data: { role: 'primary', state: 'connected' } })
      if (consult.state === 'held') leg(consult.conversationid, { name: 'state.updated', data: { role: 'consult', state: 'held' } })
    } else if (primary?.state === 'held') {
      leg(primaryId, { name: 'state.updated', data: { role: 'primary', state: 'held' } })
    }
  }
  // Where it is now, whole (wrap-up included).
  if (ix.state !== first) {
    const { state, recording, conversations } = ix
    on({ name: 'state.updated', data: { ...base, state, recording, conversations } })
  }
  return events
}
