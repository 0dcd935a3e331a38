// Every word the media bar shows for a state or an action, in one place: the agent's states, a
// call's states, the connection, the simulator's calls, and the buttons (with their order and
// which one is the main action). The server's words (`busy`, `STARTED`, `conversation.release`)
// never reach the screen as they are.

/** The agent's state, as people say it. */
export const AGENT_STATES = {
  logged_out: 'Logged out',
  not_ready: 'Not ready',
  ready: 'Ready',
  busy: 'On a call',
  wrap_up: 'Wrap-up'
}

/** A call leg's state. */
export const CONVERSATION_STATES = {
  dialing: 'Dialling',
  alerting: 'Ringing',
  connected: 'Connected',
  held: 'On hold',
  disconnected: 'Ended'
}

/** The event stream's state (the header's badge). */
export const CONNECTION = {
  connecting: 'Connecting…',
  live: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline'
}

export const agentStateLabel = (state) => AGENT_STATES[state] ?? state

/**
 * A call's state for its badge: the interaction's state, told apart by its conversations while
 * it is up (held, consulting). Returns `{ key, text }`: `key` styles the badge.
 */
export function callStateLabel (ix) {
  switch (ix.state) {
    case 'ALERTING': return { key: 'ringing', text: ix.direction === 'outbound' ? 'Ringing out' : 'Ringing' }
    case 'DIALING': return { key: 'dialing', text: 'Dialling' }
    case 'STARTED': {
      const primary = ix.conversations.find(c => c.role === 'primary')
      const consult = ix.conversations.find(c => c.role === 'consult')
      if (consult !== undefined) return { key: 'consulting', text: consult.state === 'connected' ? 'Consulting' : 'Calling for a consult' }
      if (primary?.state === 'held') return { key: 'held', text: 'On hold' }
      return { key: 'connected', text: 'Connected' }
    }
    case 'ENDED': return { key: 'wrapup', text: 'Wrap-up' }
    case 'COMPLETED': return { key: 'ended', text: 'Completed' }
    default: return { key: 'other', text: String(ix.state).toLowerCase() }
  }
}

export const conversationLabel = (conversation) =>
  `${conversation.role === 'primary' ? 'Caller' : 'Consult call'}: ${CONVERSATION_STATES[conversation.state] ?? conversation.state}`

/** What a button says, per capability. */
export const ACTIONS = {
  'session.login': 'Log in again',
  'session.logout': 'Log out',
  'session.ready': 'Ready',
  'session.notready': 'Not ready',
  'channel.dial': 'Dial',
  'conversation.answer': 'Answer',
  'interaction.reject': 'Reject',
  'conversation.release': 'Hang up',
  'conversation.hold': 'Hold',
  'conversation.retrieve': 'Retrieve',
  'conversation.transfer': 'Transfer',
  'conversation.conference': 'Conference',
  'conversation.dtmf': 'Send digits',
  'interaction.consult': 'Consult',
  'interaction.alternate': 'Alternate',
  'interaction.consulttransfer': 'Complete transfer',
  'interaction.consultconference': 'Complete conference',
  'interaction.setdata': 'Save data',
  'interaction.complete': 'Complete wrap-up',
  'interaction.request.recording.start': 'Record',
  'interaction.request.recording.stop': 'Stop recording',
  'interaction.request.recording.pause': 'Pause recording',
  'interaction.request.recording.resume': 'Resume recording'
}
export const actionLabel = (name) => ACTIONS[name] ?? name

/**
 * The order buttons take, whatever order the capability list has: the main action of a state
 * first (Answer while ringing, Hang up while talking, Complete wrap-up in wrap-up), the ones
 * that end something toward the end. A capability not listed goes last, in the list's order.
 */
export const ORDER = [
  'conversation.answer',
  'interaction.complete',
  'conversation.release',
  'conversation.hold',
  'conversation.retrieve',
  'interaction.consulttransfer',
  'interaction.consultconference',
  'interaction.alternate',
  'conversation.transfer',
  'interaction.consult',
  'conversation.conference',
  'interaction.request.recording.start',
  'interaction.request.recording.pause',
  'interaction.request.recording.resume',
  'interaction.request.recording.stop',
  'interaction.reject',
  'session.ready',
  'session.notready',
  'channel.dial',
  'session.login',
  'session.logout',
  'conversation.dtmf',
  'interaction.setdata'
]
const rank = (name) => {
  const at = ORDER.indexOf(name)
  return at === -1 ? ORDER.length : at
}
export const byOrder = (a, b) => rank(a.name) - rank(b.name)

/** The main action of a group, when it is offered: drawn as the one filled button. */
export const PRIMARY = new Set(['conversation.answer', 'conversation.release', 'interaction.complete', 'session.ready'])
/** Actions that end or refuse a call: drawn in red. */
export const DANGER = new Set(['conversation.release', 'interaction.reject'])

/** A call in the simulator panel, as the caller's side of it. */
export function simulatorCallLabel (call) {
  const agent = (call.parties ?? []).find(p => p.kind === 'agent' && p.state !== 'disconnected')
  switch (call.state) {
    case 'queued': return `waiting in queue ${call.queue ?? ''}`.trim()
    case 'ringing': return agent === undefined ? 'ringing' : `ringing ${agent.number}`
    case 'dialing': return 'dialling'
    case 'connected':
      if (agent === undefined) return 'connected'
      if (agent.state === 'alerting') return `ringing ${agent.number}`
      if (agent.state === 'held') return `on hold by ${agent.number}`
      return `talking with ${agent.number}`
    default: return call.state
  }
}

/** A phone number for people: +15551234567 → +1 555 123 4567 (North American numbers), others as they are. */
export function formatNumber (number) {
  const s = String(number ?? '')
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(s)
  return m === null ? s : `+1 ${m[1]} ${m[2]} ${m[3]}`
}

/** An attached-data key for people: account_id, accountId → Account id. */
export function formatKey (key) {
  const words = String(key).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  return words === '' ? String(key) : words[0].toUpperCase() + words.slice(1)
}

/** An attached-data value as text (never HTML). */
export const formatValue = (value) => typeof value === 'string' ? value : JSON.stringify(value)

/** mm:ss (h:mm:ss past an hour). */
export function formatElapsed (ms) {
  const s = Math.max(0, Math.floor(ms / 1000))
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0')
  const ss = String(s % 60).padStart(2, '0')
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

// ---------------------------------------------------------------- chats

/** A chat's state for its badge (the same looks as a call's: offered rings, chatting is connected). */
export function chatStateLabel (chat) {
  switch (chat.state) {
    case 'ALERTING': return { key: 'ringing', text: 'Offered' }
    case 'STARTED': return { key: 'connected', text: 'Chatting' }
    case 'ENDED': return { key: 'wrapup', text: 'Wrap-up' }
    case 'COMPLETED': return { key: 'ended', text: 'Completed' }
    default: return { key: 'other', text: String(chat.state).toLowerCase() }
  }
}

/** Why a chat ended (its ENDED state's reason). */
export const CHAT_END_REASONS = {
  terminated: 'You ended the chat',
  customer_left: 'The customer left',
  transferred: 'Transferred'
}

/** The chat channel's state (chat readiness, apart from the agent's voice state). */
export const CHAT_CHANNEL_STATES = {
  ready: 'Chat: ready',
  not_ready: 'Chat: not ready'
}

/** What a chat's button says, per capability (a call's word where it is the same). */
export const CHAT_ACTIONS = {
  'interaction.accept': 'Accept',
  'interaction.reject': 'Reject',
  'chat.send': 'Send',
  'interaction.singlesteptransfer': 'Transfer',
  'interaction.terminate': 'End chat',
  'interaction.complete': 'Complete wrap-up',
  'channel.ready': 'Ready for chat',
  'channel.notready': 'Not ready for chat'
}
export const chatActionLabel = (name) => CHAT_ACTIONS[name] ?? actionLabel(name)

/** The order of a chat's buttons: the main action of its state first, the ones that end it last. */
export const CHAT_ORDER = [
  'interaction.accept',
  'interaction.complete',
  'chat.send',
  'interaction.singlesteptransfer',
  'interaction.terminate',
  'interaction.reject',
  'channel.ready',
  'channel.notready'
]
const chatRank = (name) => {
  const at = CHAT_ORDER.indexOf(name)
  return at === -1 ? CHAT_ORDER.length : at
}
export const byChatOrder = (a, b) => chatRank(a.name) - chatRank(b.name)
export const CHAT_PRIMARY = new Set(['interaction.accept', 'interaction.complete', 'chat.send', 'channel.ready'])
export const CHAT_DANGER = new Set(['interaction.terminate', 'interaction.reject'])

/** Who wrote a transcript line: the customer by name, the agent, or nobody (a system line). */
export function messageAuthor (message, chat) {
  if (message.from === 'customer') return chat.from === '' ? 'Customer' : chat.from
  if (message.from === 'agent') return 'Agent'
  return ''
}

/** A time of day, hh:mm (24 h), as the transcript shows it. */
export function formatClock (ms) {
  const d = new Date(ms)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** A chat in the simulator panel, as the customer's side of it. */
export function simulatorChatLabel (chat) {
  switch (chat.state) {
    case 'queued': return `waiting in queue ${chat.queue ?? ''}`.trim()
    case 'offered': return chat.agentId === null ? 'offered' : `offered to ${chat.agentId}`
    case 'connected': return `${chat.agentId === null ? 'chatting' : `chatting with ${chat.agentId}`}${chat.agentTyping === true ? ' (the agent is typing…)' : ''}`
    case 'ended': return 'ended'
    default: return String(chat.state)
  }
}
