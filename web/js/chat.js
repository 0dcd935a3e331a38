// Chats beside the call: one card per chat interaction (the interactions of the `chat` channel),
// kept apart from the calls. As for calls, what the agent can do is exactly the workflow's last
// `state.updated` for the chat's target: the enabled actions are the buttons (Accept, Reject,
// Send, Transfer, End chat, Complete wrap-up), the composer can be used only while `chat.send`
// is enabled, and everything is off while the bar cannot trust its picture. Message text is
// plain text, always written with textContent. Also here: the chat channel's readiness and
// count, and the simulator panel's chat customers.

import {
  CHAT_CHANNEL_STATES, CHAT_DANGER, CHAT_END_REASONS, CHAT_PRIMARY, byChatOrder, chatActionLabel,
  chatStateLabel, formatClock, formatKey, formatValue, messageAuthor, plural, simulatorChatLabel
} from './labels.js'

const $ = (id) => document.getElementById(id)

/** How a chat's buttons look: their words, order, main action and the ones in red. */
export const CHAT_LOOK = { label: chatActionLabel, byOrder: byChatOrder, primary: CHAT_PRIMARY, danger: CHAT_DANGER, answer: new Set(['interaction.accept']) }

/** The agent's own typing is told at most this often (chat.typing). */
const TYPING_EVERY_MS = 3000

const ui = {
  /**
   * What main.js lends: `syncButtons`, `showFields`, `send(command, target, data, options)`
   * (a Promise of whether it succeeded), `usable()`, `announce(words)`, `reasonLabel(code)`,
   * `simulator(method, path, body)` (a Promise of whether it succeeded), `base()`.
   */
  deps: undefined,
  /** chat target → how many of the customer's messages the agent has seen (the rest are unread). */
  seen: new Map(),
  /** The chats offered now (to tell a new one), and those whose Accept got the focus once. */
  offered: new Set(),
  focusedAccept: new Set(),
  /** A chat whose composer takes the focus as soon as it can be used (after Accept). */
  focusComposer: undefined,
  /** chat target → the agent's typing as last told: `{ on, sentAt, timer }`. */
  typing: new Map(),
  /** chat target → its desktop notification. */
  alerts: new Map(),
  /** The picture last drawn (the composer's handlers read the chat from it). */
  picture: undefined
}

/**
 * A card's state line and timer, for a call or a chat: the state's words and look, and the
 * timer counting from when it started (STARTED, ENDED) or from when it entered its state.
 */
export function stampCard (card, record, look, startedLabel) {
  const state = card.querySelector('.ix-state')
  state.textContent = look.text
  state.dataset.look = look.key
  card.dataset.state = record.state
  card.dataset.look = look.key
  const timer = card.querySelector('.timer')
  const fromStart = (record.state === 'STARTED' || record.state === 'ENDED') && typeof record.startedAt === 'number'
  timer.dataset.since = String(fromStart ? record.startedAt : record.since)
  timer.setAttribute('aria-label', fromStart ? startedLabel : 'time in this state')
}

export function initChats (deps) {
  ui.deps = deps
  $('sim-chat-start').addEventListener('click', () => {
    void simulatorChat('POST', '/simulator/chats', {
      from: $('sim-chat-from').value.trim(),
      queue: $('sim-chat-queue').value,
      text: $('sim-chat-text').value
    })
  })
}

const enabled = (capabilities, name) => capabilities.some(c => c.name === name && c.type === 'enable')
const customerMessages = (chat) => chat.transcript.reduce((n, m) => n + (m.from === 'customer' ? 1 : 0), 0)
const nameOf = (chat) => chat.from === '' ? chat.id : chat.from

/** The chats of the picture, drawn: the offered ones at the top of the page, the others in the Chats section. */
export function renderChats (picture) {
  ui.picture = picture
  const channel = picture.chatChannel
  $('chats').hidden = channel === undefined && picture.chats.size === 0
  $('chat-channel').hidden = channel === undefined
  if (channel !== undefined) {
    const state = $('chat-state')
    state.textContent = CHAT_CHANNEL_STATES[channel.state] ?? 'Chat'
    state.dataset.state = channel.state ?? ''
    $('chat-reason').textContent = channel.state === 'not_ready' && channel.reason !== null ? ui.deps.reasonLabel(channel.reason) : ''
    $('chat-count').textContent = channel.max === null ? '' : `${channel.chats ?? 0} of ${plural(channel.max, 'chat')}`
    ui.deps.syncButtons($('chat-channel-buttons'), picture.capabilities.get(channel.target) ?? [], (command) => {
      void ui.deps.send(command, channel.target, undefined, { label: chatActionLabel })
    }, CHAT_LOOK)
  }
  $('sim-chat').hidden = channel === undefined

  const list = $('chat-cards')
  const offeredList = $('offered-chats')
  const seen = new Set()
  const offered = []
  for (const chat of picture.chats.values()) {
    seen.add(chat.target)
    let card = document.querySelector(`article.chat-card[data-target="${CSS.escape(chat.target)}"]`)
    if (card === null) card = createChatCard(chat)
    // Messages the page found in the session's snapshot (a reload, an adoption) are not news.
    if (!ui.seen.has(chat.target)) ui.seen.set(chat.target, chat.adopted === true ? customerMessages(chat) : 0)
    const home = chat.state === 'ALERTING' ? offeredList : list
    if (card.parentElement !== home) home.append(card)
    updateChatCard(card, chat, picture.capabilities.get(chat.target) ?? [])
    if (chat.state === 'ALERTING') offered.push({ chat, card })
  }
  for (const card of [...list.children, ...offeredList.children]) if (!seen.has(card.dataset.target)) card.remove()
  for (const target of [...ui.seen.keys()]) {
    if (!seen.has(target)) {
      ui.seen.delete(target)
      stopTyping(target, false)
    }
  }
  $('no-chats').hidden = list.children.length > 0 || offeredList.children.length > 0
  onOffered(offered)
  syncComposers()
}

/** Every chat gone (the session ended or was left). */
export function clearChats () {
  $('chat-cards').replaceChildren()
  $('offered-chats').replaceChildren()
  $('chat-channel-buttons').replaceChildren()
  $('chats').hidden = true
  ui.seen.clear()
  ui.offered.clear()
  ui.focusedAccept.clear()
  for (const target of [...ui.typing.keys()]) stopTyping(target, false)
  closeChatAlerts()
  ui.picture = undefined
}

/** Composers can be used while `chat.send` is enabled and the bar trusts its picture. */
export function syncComposers () {
  if (ui.deps === undefined) return
  const usable = ui.deps.usable()
  for (const card of document.querySelectorAll('article.chat-card')) {
    const composer = card.querySelector('textarea[data-field="message"]')
    const capabilities = ui.picture?.capabilities.get(card.dataset.target) ?? []
    composer.disabled = !usable || !enabled(capabilities, 'chat.send')
    if (!composer.disabled && ui.focusComposer === card.dataset.target) {
      ui.focusComposer = undefined
      composer.focus()
    }
  }
}

/** Test and status help: each chat's target, state and unread count. */
export function chatSummary () {
  if (ui.picture === undefined) return []
  return [...ui.picture.chats.values()].map(chat => ({ target: chat.target, from: chat.from, state: chat.state, messages: chat.transcript.length, unread: unread(chat) }))
}

/** What changes the simulator's list of chats (its refresh follows the bar's chat events). */
export function chatSignature (picture) {
  return [...picture.chats.values()].map(c => `${c.target}:${c.state}:${c.transcript.length}`).join('|')
}

function unread (chat) {
  return Math.max(0, customerMessages(chat) - (ui.seen.get(chat.target) ?? 0))
}

function createChatCard (chat) {
  const card = document.createElement('article')
  card.className = 'card chat-card'
  card.tabIndex = -1
  card.dataset.target = chat.target
  card.dataset.kind = 'chat'
  card.innerHTML = `
    <header class="card-head">
      <h3 class="customer"></h3>
      <span class="ix-state state"></span>
      <span class="unread" hidden></span>
      <span class="timer"></span>
    </header>
    <p class="meta"></p>
    <p class="deadline" hidden></p>
    <dl class="udata"></dl>
    <div class="transcript" role="log" tabindex="0"></div>
    <p class="typing" aria-live="polite"></p>
    <label class="composer"><span class="composer-label"></span> <textarea data-field="message" rows="2" maxlength="2000" autocomplete="off"></textarea></label>
    <p class="hint">Enter sends, Shift+Enter starts a new line.</p>
    <div class="fields" data-fields>
      <label data-for="interaction.singlesteptransfer">Transfer to (agent extension or queue) <input data-field="destination" autocomplete="off"></label>
      <label data-for="interaction.complete">Disposition (optional) <input data-field="disposition" autocomplete="off"></label>
    </div>
    <div class="buttons ix-buttons" role="group"></div>`
  const target = chat.target
  const composer = card.querySelector('textarea')
  composer.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return
    event.preventDefault()
    void submit(card, target)
  })
  composer.addEventListener('focus', () => { markSeen(card, target) })
  composer.addEventListener('input', () => { typed(target, composer.value) })
  return card
}

/** The agent looks at the chat (its composer has the focus): its messages are read. */
function markSeen (card, target) {
  const chat = ui.picture?.chats.get(target)
  if (chat === undefined) return
  ui.seen.set(target, customerMessages(chat))
  drawUnread(card, chat)
}

function drawUnread (card, chat) {
  const badge = card.querySelector('.unread')
  const count = unread(chat)
  badge.hidden = count === 0
  badge.textContent = count === 0 ? '' : `${count} unread`
}

/** Sends what the composer holds (Enter, or Send); the composer is emptied once the server took it. */
async function submit (card, target) {
  const composer = card.querySelector('textarea[data-field="message"]')
  const text = composer.value.trim()
  const capabilities = ui.picture?.capabilities.get(target) ?? []
  if (text === '' || composer.disabled || card.dataset.sending === 'true' || !enabled(capabilities, 'chat.send')) return
  card.dataset.sending = 'true'
  const written = composer.value
  try {
    const ok = await ui.deps.send('chat.send', target, { text }, { label: chatActionLabel })
    // Emptied only when sent, and only if the agent did not write on meanwhile.
    if (ok && composer.value === written) composer.value = ''
  } finally {
    delete card.dataset.sending
  }
}

/** The agent writes: `chat.typing` true at once, false when they stop; at most one every 3 s. */
function typed (target, value) {
  const capabilities = ui.picture?.capabilities.get(target) ?? []
  if (!enabled(capabilities, 'chat.typing') || !ui.deps.usable()) return
  let state = ui.typing.get(target)
  if (state === undefined) {
    state = { on: false, sentAt: 0, timer: undefined }
    ui.typing.set(target, state)
  }
  const now = Date.now()
  if (!state.on && value.trim() !== '' && now - state.sentAt >= TYPING_EVERY_MS) {
    state.on = true
    state.sentAt = now
    void ui.deps.send('chat.typing', target, { typing: true }, { quiet: true })
  }
  clearTimeout(state.timer)
  state.timer = setTimeout(() => { stopTyping(target, true) }, TYPING_EVERY_MS)
}

function stopTyping (target, tell) {
  const state = ui.typing.get(target)
  if (state === undefined) return
  clearTimeout(state.timer)
  if (!tell) {
    ui.typing.delete(target)
    return
  }
  if (!state.on) return
  const wait = state.sentAt + TYPING_EVERY_MS - Date.now()
  if (wait > 0) {
    state.timer = setTimeout(() => { stopTyping(target, true) }, wait)
    return
  }
  state.on = false
  state.sentAt = Date.now()
  const capabilities = ui.picture?.capabilities.get(target) ?? []
  if (enabled(capabilities, 'chat.typing') && ui.deps.usable()) void ui.deps.send('chat.typing', target, { typing: false }, { quiet: true })
}

/** The request data of a chat's button, from its card's fields. */
function chatData (card, command) {
  const field = (name) => card.querySelector(`[data-field="${name}"]`).value.trim()
  switch (command) {
    case 'interaction.singlesteptransfer': return { destination: field('destination') }
    case 'interaction.complete': return field('disposition') === '' ? undefined : { disposition: field('disposition') }
    default: return undefined
  }
}

function updateChatCard (card, chat, capabilities) {
  const name = nameOf(chat)
  const look = chatStateLabel(chat)
  card.querySelector('.customer').textContent = name
  card.setAttribute('aria-label', `${look.text}: chat with ${name}`)
  stampCard(card, chat, look, 'time since the chat was accepted')
  card.querySelector('.meta').textContent = [
    chat.direction === 'inbound' || chat.direction === undefined ? 'Chat' : 'Transferred chat',
    chat.queue === null ? undefined : `queue ${chat.queue}`,
    chat.state === 'ENDED' && chat.reason !== null ? CHAT_END_REASONS[chat.reason] ?? chat.reason : undefined
  ].filter(Boolean).join(' · ')
  const deadline = card.querySelector('.deadline')
  const until = chat.state === 'ENDED' && typeof chat.wrapUpUntil === 'number' ? chat.wrapUpUntil : undefined
  deadline.hidden = chat.state !== 'ENDED' || chat.wrapUpUntil === undefined
  if (until !== undefined) deadline.dataset.until = String(until)
  else delete deadline.dataset.until
  if (chat.state === 'ENDED' && chat.wrapUpUntil === null) deadline.textContent = 'Complete the wrap-up when you are done (no time limit).'
  drawData(card.querySelector('.udata'), chat.udata)
  drawTranscript(card.querySelector('.transcript'), chat)
  card.querySelector('.transcript').setAttribute('aria-label', `Transcript of the chat with ${name}`)
  card.querySelector('.typing').textContent = chat.typing ? `${name} is typing…` : ''
  card.querySelector('.composer-label').textContent = `Message to ${name}`
  const composer = card.querySelector('textarea[data-field="message"]')
  if (document.activeElement === composer) ui.seen.set(chat.target, customerMessages(chat))
  drawUnread(card, chat)
  const canSend = enabled(capabilities, 'chat.send')
  card.querySelector('.hint').hidden = !canSend
  const buttons = card.querySelector('.ix-buttons')
  buttons.setAttribute('aria-label', `Chat actions (${name})`)
  ui.deps.syncButtons(buttons, capabilities.filter(c => c.name !== 'chat.typing' && c.name !== 'interaction.setdata'), (command) => {
    if (command === 'chat.send') {
      void submit(card, chat.target)
      return
    }
    if (command === 'interaction.accept') ui.focusComposer = chat.target
    void ui.deps.send(command, chat.target, chatData(card, command), { label: chatActionLabel })
  }, CHAT_LOOK)
  ui.deps.showFields(card, new Set(capabilities.filter(c => c.type === 'enable').map(c => c.name)))
}

/** A card's attached data (`<dl>`), redrawn only when it changed; keys and values as text. */
export function drawData (udata, data) {
  const entries = Object.entries(data)
  const rendered = entries.map(([k, v]) => `${k}\u0000${formatValue(v)}`).join('\u0001')
  if (udata.dataset.rendered === rendered) return
  udata.dataset.rendered = rendered
  udata.hidden = entries.length === 0
  udata.setAttribute('aria-label', 'Attached data')
  udata.replaceChildren(...entries.flatMap(([k, v]) => {
    const dt = document.createElement('dt')
    dt.textContent = formatKey(k)
    const dd = document.createElement('dd')
    dd.textContent = formatValue(v)
    return [dt, dd]
  }))
}

/** The transcript: new lines are added at the end (the whole list only when its order changed). */
function drawTranscript (list, chat) {
  const drawn = [...list.children].map(li => li.dataset.id)
  const wanted = chat.transcript.map(m => m.messageId)
  if (drawn.length === wanted.length && drawn.every((id, i) => id === wanted[i])) return
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 24
  const prefix = drawn.every((id, i) => id === wanted[i])
  if (!prefix) list.replaceChildren()
  for (const message of chat.transcript.slice(prefix ? drawn.length : 0)) list.append(messageLine(message, chat))
  if (atEnd || !prefix || drawn.length === 0) list.scrollTop = list.scrollHeight
}

function messageLine (message, chat) {
  const li = document.createElement('div')
  li.className = 'line'
  li.dataset.id = message.messageId
  li.dataset.from = message.from
  const head = document.createElement('span')
  head.className = 'line-head'
  const author = messageAuthor(message, chat)
  if (author !== '') {
    const who = document.createElement('span')
    who.className = 'who'
    who.textContent = author
    head.append(who, ' ')
  }
  const time = document.createElement('time')
  time.dateTime = new Date(message.at).toISOString()
  time.textContent = formatClock(message.at)
  head.append(time)
  const text = document.createElement('span')
  text.className = 'text'
  // Plain text, never markup: what the customer writes is shown as written.
  text.textContent = message.text
  li.append(head, text)
  return li
}

/**
 * The chats offered now: a new one is announced ("Chat offered from …"), notified when the page
 * is hidden and brought into view; its Accept button gets the focus once, unless the agent is
 * typing in a field or is in another window. Chats do not ring: the ring is the telephone's,
 * and an offer during a call must not sound in the agent's ear over the caller.
 */
function onOffered (now) {
  const targets = new Set(now.map(o => o.chat.target))
  for (const target of [...ui.offered]) {
    if (!targets.has(target)) {
      ui.offered.delete(target)
      ui.focusedAccept.delete(target)
      closeChatAlerts(target)
    }
  }
  const active = document.activeElement
  const typing = active !== null && active !== document.body && active.matches('input, select, textarea, [contenteditable]')
  for (const { chat, card } of now) {
    if (!ui.offered.has(chat.target)) {
      ui.offered.add(chat.target)
      const words = `Chat offered from ${chat.from === '' ? 'a customer' : chat.from}${chat.queue === null ? '' : `, queue ${chat.queue}`}`
      ui.deps.announce(words)
      chatAlert(chat, words)
      if (!typing) card.scrollIntoView({ block: 'nearest' })
    }
    if (ui.focusedAccept.has(chat.target)) continue
    const accept = card.querySelector('button[data-command="interaction.accept"]')
    if (accept === null || accept.disabled) continue
    ui.focusedAccept.add(chat.target)
    if (!typing && document.hasFocus()) accept.focus()
  }
}

function chatAlert (chat, words) {
  if (!('Notification' in window) || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return
  try {
    const alert = new Notification('Chat offered', { body: words, tag: chat.target, requireInteraction: true })
    alert.onclick = () => {
      window.focus()
      alert.close()
    }
    ui.alerts.set(chat.target, alert)
  } catch {}
}

function closeChatAlerts (target) {
  for (const [key, alert] of ui.alerts) {
    if (target === undefined || key === target) {
      alert.close()
      ui.alerts.delete(key)
    }
  }
}

// ---------------------------------------------------------------- simulator panel: the customers

let simBusy = false
let simAgain = false
/** The simulator's chats (GET /simulator/chats): one row per live chat, written as its customer. */
export async function refreshSimulatorChats () {
  if (simBusy) {
    simAgain = true
    return
  }
  if (ui.deps.base() === undefined) return
  simBusy = true
  try {
    const { chats } = await ui.deps.call('GET', '/simulator/chats')
    drawSimulatorChats((chats ?? []).filter(c => c.state !== 'ended'))
  } catch {
    // The panel is a convenience: a failed refresh shows the previous list.
  } finally {
    simBusy = false
    if (simAgain) {
      simAgain = false
      void refreshSimulatorChats()
    }
  }
}

function drawSimulatorChats (chats) {
  const list = $('sim-chats')
  const rows = new Map([...list.children].map(li => [li.dataset.id, li]))
  for (const [id, li] of rows) if (!chats.some(c => c.id === id)) li.remove()
  for (const chat of chats) {
    let li = rows.get(chat.id)
    if (li === undefined) {
      li = simulatorRow(chat)
      list.append(li)
    }
    li.querySelector('.sim-chat-state').textContent = `${chat.from}: ${simulatorChatLabel(chat)}`
  }
  $('sim-chats-empty').hidden = chats.length > 0
}

function simulatorRow (chat) {
  const path = `/simulator/chats/${encodeURIComponent(chat.id)}`
  const li = document.createElement('li')
  li.dataset.id = chat.id
  const state = document.createElement('span')
  state.className = 'sim-chat-state'
  const label = document.createElement('label')
  label.append(`Write as ${chat.from}`)
  const input = document.createElement('input')
  input.autocomplete = 'off'
  input.dataset.field = 'customer-message'
  label.append(input)
  const write = document.createElement('button')
  write.type = 'button'
  write.className = 'secondary'
  write.textContent = 'Send as customer'
  write.setAttribute('aria-label', `Send as customer (${chat.from}, ${chat.id})`)
  const sendIt = async () => {
    const text = input.value
    if (text.trim() === '') return
    if (await simulatorChat('POST', `${path}/messages`, { text }) && input.value === text) input.value = ''
  }
  write.addEventListener('click', () => { void sendIt() })
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return
    event.preventDefault()
    void sendIt()
  })
  const leave = document.createElement('button')
  leave.type = 'button'
  leave.className = 'secondary'
  leave.textContent = 'Customer leaves'
  leave.setAttribute('aria-label', `Customer leaves (${chat.from}, ${chat.id})`)
  leave.addEventListener('click', () => { void simulatorChat('DELETE', path) })
  const buttons = document.createElement('div')
  buttons.className = 'buttons'
  buttons.append(write, leave)
  li.append(state, label, buttons)
  return li
}

async function simulatorChat (method, path, body) {
  const ok = await ui.deps.simulator(method, path, body)
  void refreshSimulatorChats()
  return ok
}
