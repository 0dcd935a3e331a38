// The media bar: choose a server, open a client, log the agent in, and show what the server's
// events say. Every button's enabled state comes from the workflow's `state.updated` for its
// target; the page only chooses which conversation a conversation button acts on (its row).

import { ApiError, Client, call } from './api.js'
import { choose } from './servers.js'
import { EventLink } from './events.js'
import { SessionPicture } from './model.js'

const WORKFLOW = 'WorkflowManager'
const $ = (id) => document.getElementById(id)

const LABELS = {
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
const labelOf = (name) => LABELS[name] ?? name

const STATES = { ready: 'Ready', not_ready: 'Not ready', busy: 'Busy', wrap_up: 'Wrap-up', logged_out: 'Logged out' }
const CONNECTION = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' }

const bar = {
  config: { servers: [], simulator: false },
  server: undefined,
  client: undefined,
  link: undefined,
  processorId: undefined,
  session: undefined,
  picture: undefined,
  simulator: false,
  snapshotting: undefined,
  generation: 0
}

// ---------------------------------------------------------------- notices and indicator

function notice (text, kind = 'info') {
  const item = document.createElement('div')
  item.className = `notice ${kind}`
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status')
  const message = document.createElement('span')
  message.textContent = text
  const dismiss = document.createElement('button')
  dismiss.type = 'button'
  dismiss.className = 'dismiss'
  dismiss.textContent = '×'
  dismiss.setAttribute('aria-label', 'Dismiss')
  dismiss.addEventListener('click', () => item.remove())
  item.append(message, dismiss)
  $('notices').append(item)
  while ($('notices').children.length > 4) $('notices').firstElementChild.remove()
}

function failureText (err) {
  return err instanceof ApiError ? `${err.message} (${err.code})` : String(err?.message ?? err)
}

function setConnection (status, detail) {
  const el = $('connection')
  el.dataset.status = status
  el.textContent = CONNECTION[status] + (detail !== undefined && status === 'live' ? ` (${detail})` : '')
  el.title = detail ?? ''
  el.dataset.transport = status === 'live' ? (detail ?? '') : ''
}

// ---------------------------------------------------------------- start-up: server and client

async function boot () {
  const generation = ++bar.generation
  setConnection('connecting')
  try {
    bar.config = await call('', 'GET', '/mediabar/config')
  } catch (err) {
    bar.config = { servers: [], simulator: false }
  }
  const servers = bar.config.servers.length > 0 ? bar.config.servers : ['']
  for (let attempt = 0; generation === bar.generation; attempt++) {
    const { chosen, candidates } = await choose(servers)
    if (chosen !== undefined) {
      try {
        await start(chosen, candidates)
        return
      } catch (err) {
        notice(`Could not start on ${nameOf(chosen.base)}: ${failureText(err)}`, 'error')
      }
    } else {
      $('server').textContent = `No server is accepting clients (${candidates.map(c => `${nameOf(c.base)}: ${c.why}`).join('; ')}). Trying again…`
    }
    setConnection('offline')
    await new Promise(resolve => setTimeout(resolve, Math.min(10000, 1000 * 2 ** Math.min(attempt, 3))))
  }
}

function nameOf (base) {
  return base === '' ? location.origin : base
}

async function start (chosen, candidates) {
  bar.server = chosen
  bar.processorId = chosen.processor.id
  const others = candidates.filter(c => c !== chosen).map(c => `${nameOf(c.base)}: ${c.ok ? `${c.clients} clients` : c.why}`)
  $('server').textContent = `Server ${nameOf(chosen.base)} · ${chosen.processor.name} · ${chosen.clients} clients` +
    (others.length > 0 ? ` (fewest of ${candidates.length}; ${others.join('; ')})` : '')
  $('server').dataset.base = nameOf(chosen.base)
  const settings = chosen.base === '' ? bar.config : await call(chosen.base, 'GET', '/mediabar/config').catch(() => ({ simulator: false }))
  bar.simulator = settings.simulator === true

  const client = await Client.open(chosen.base, `media bar ${navigator.userAgent.slice(0, 60)}`)
  bar.client = client
  await client.bindService(bar.processorId)
  await client.bindService(WORKFLOW)
  const capabilities = (await client.capabilities(bar.processorId)).data
  fillModels(capabilities)
  bar.link = new EventLink({
    client,
    onEvent,
    onStatus: setConnection,
    onResync: () => { void loadSnapshots() },
    onReattached: reattach,
    onGone: gone,
    probe: async () => {
      try {
        await client.capabilities(bar.processorId)
        return 'alive'
      } catch (err) {
        if (err.code === 'AUTH_FAILED' || err.code === 'NOT_BOUND') return 'gone'
        return 'unreachable'
      }
    }
  })
  bar.link.start()
  showLogin()
}

function fillModels (capabilities) {
  const select = $('model')
  const models = String(capabilities['call-models'] ?? 'default').split(',').filter(m => m !== '')
  const preferred = select.value || capabilities['default-call-model'] || 'default'
  select.replaceChildren(...models.map(name => new Option(name, name, false, name === preferred)))
}

/** The client is gone (server restarted, client expired) or taken over: start again. */
function gone (why) {
  const hadSession = bar.session !== undefined
  bar.link = undefined
  bar.client = undefined
  leaveSession()
  if (why === 'replaced') {
    notice('This media bar was taken over by another window or tab.', 'error')
    setConnection('offline')
    showLogin()
    return
  }
  notice(hadSession
    ? 'The connection to the server was lost and your session ended (the server may have restarted). Log in again.'
    : 'The server restarted. Reconnected.', hadSession ? 'error' : 'info')
  void boot()
}

/** A new WebSocket resumed the client: bindings may have gone with the old transport. */
async function reattach () {
  try {
    await bar.client.bindService(bar.processorId)
    await bar.client.bindService(WORKFLOW)
    if (bar.session !== undefined) {
      await bar.client.bindResource(bar.processorId, bar.session.id)
      await bar.client.bindResource(WORKFLOW, bar.session.workflowId)
      await loadSnapshots()
    }
  } catch (err) {
    notice(`Could not rebind after reconnecting: ${failureText(err)}`, 'error')
  }
}

// ---------------------------------------------------------------- login

function showLogin () {
  $('login').hidden = false
  $('agent').hidden = true
  $('interactions').hidden = true
  $('simulator').hidden = true
  $('confirm').hidden = true
  $('login-form').hidden = false
  const id = $('agent-id')
  if (id.value === '') id.focus()
  else $('password').focus()
}

async function login (override) {
  const agentId = $('agent-id').value.trim()
  const password = $('password').value
  if (bar.client === undefined) {
    notice('Not connected to a server yet; wait a moment and try again.', 'error')
    return
  }
  if (agentId === '' || password === '') {
    notice('Enter your agent id and password.', 'error')
    return
  }
  $('login-submit').disabled = true
  try {
    const answer = await bar.client.prepareSession(bar.processorId, { id: agentId, password }, $('model').value, override)
    if (answer.result === 'confirm') {
      $('confirm-message').textContent = answer.message
      $('confirm').hidden = false
      $('login-form').hidden = true
      $('confirm-override').focus()
      return
    }
    $('password').value = ''
    await enterSession(answer.resource.id, answer.workflow?.resourceId ?? answer.resource.id)
  } catch (err) {
    notice(`Login failed: ${failureText(err)}`, 'error')
  } finally {
    $('login-submit').disabled = false
  }
}

async function enterSession (sessionId, workflowId) {
  bar.session = { id: sessionId, workflowId }
  bar.picture = new SessionPicture(sessionId)
  await bar.client.bindResource(bar.processorId, sessionId)
  await bar.client.bindResource(WORKFLOW, workflowId)
  await loadSnapshots()
  $('login').hidden = true
  $('agent').hidden = false
  $('interactions').hidden = false
  $('simulator').hidden = !bar.simulator
  render()
}

function leaveSession () {
  bar.session = undefined
  bar.picture = undefined
  $('cards').replaceChildren()
  sessionButtons.replaceChildren()
}

/**
 * Re-reads both snapshots (after binding, and on `resync`). Events that arrive meanwhile are
 * applied again on top of the snapshot, so a snapshot older than an event cannot undo it.
 */
async function loadSnapshots () {
  const { session, picture } = bar
  if (session === undefined || bar.snapshotting !== undefined) return
  bar.snapshotting = []
  try {
    const [processor, workflow] = await Promise.all([
      bar.client.snapshot(bar.processorId, session.id),
      bar.client.snapshot(WORKFLOW, session.workflowId)
    ])
    if (bar.picture !== picture) return
    picture.applyProcessorSnapshot(processor.data)
    picture.applyWorkflowSnapshot(workflow.data)
    for (const envelope of bar.snapshotting) applyEnvelope(envelope)
    fillReasons(picture.reasonCodes)
  } catch (err) {
    if (err.code === 'UNKNOWN_RESOURCE') sessionGone('ended')
    else notice(`Could not read the session: ${failureText(err)}`, 'error')
  } finally {
    bar.snapshotting = undefined
    scheduleRender()
  }
}

function fillReasons (codes) {
  const select = $('notready-reason')
  const current = select.value
  select.replaceChildren(new Option('(none)', ''), ...codes.map(r => new Option(r.label ?? r.code, r.code, false, r.code === current)))
}

// ---------------------------------------------------------------- events

function onEvent (envelope) {
  if (bar.snapshotting !== undefined) bar.snapshotting.push(envelope)
  applyEnvelope(envelope)
}

function applyEnvelope (envelope) {
  const { session, picture } = bar
  if (envelope.messageType !== 'resourceEvent' || session === undefined) return
  const event = envelope.event
  if (envelope.serviceId === WORKFLOW && envelope.resourceId === session.workflowId) {
    picture.applyWorkflowEvent(event)
    scheduleRender()
    return
  }
  if (envelope.serviceId !== bar.processorId || envelope.resourceId !== session.id) return
  if (event.name.startsWith('error.interaction.')) {
    notice(`${event.name.slice('error.interaction.'.length)} failed: ${event.data?.description ?? event.data?.error}`, 'error')
  }
  if (picture.applyProcessorEvent(event)) scheduleRender()
  if (event.name === 'session.ended' && event.target === session.id) {
    const reason = event.data?.reason ?? 'logout'
    if (reason === 'replaced') sessionGone('replaced')
    else if (reason === 'client_lost' || reason === 'client_closed' || reason === 'disposed' || reason === 'shutdown') sessionGone(reason)
    else notice(`Logged out (${reason}).`)
  }
}

function sessionGone (why) {
  const texts = {
    replaced: 'Your session was taken over by another media bar.',
    client_lost: 'Your session was lost: this media bar was away too long.',
    client_closed: 'Your session ended: this media bar was closed.',
    disposed: 'Your session was ended.',
    shutdown: 'The server is shutting down; your session ended.',
    ended: 'Your session no longer exists.'
  }
  notice(texts[why] ?? `Your session ended (${why}).`, 'error')
  leaveSession()
  showLogin()
}

// ---------------------------------------------------------------- requests

async function send (command, target, data) {
  const { session } = bar
  if (session === undefined) return
  try {
    await bar.client.sessionRequest(bar.processorId, session.id, command, target, data)
  } catch (err) {
    notice(`${labelOf(command)}: ${failureText(err)}`, 'error')
    if (err.code === 'UNKNOWN_RESOURCE') sessionGone('ended')
  }
}

/** The request data of a session button, from the fields next to it. */
function sessionData (command) {
  switch (command) {
    case 'session.notready': return $('notready-reason').value === '' ? undefined : { reason: $('notready-reason').value }
    case 'session.logout': return $('logout-reason').value.trim() === '' ? undefined : { reason: $('logout-reason').value.trim() }
    case 'channel.dial': return { destination: $('dial-destination').value.trim() }
    default: return undefined
  }
}

/** The request data of an interaction button, from its card's fields. */
function cardData (card, command) {
  const field = (name) => card.querySelector(`[data-field="${name}"]`).value.trim()
  switch (command) {
    case 'interaction.consult':
    case 'conversation.transfer':
    case 'conversation.conference':
      return { destination: field('destination') }
    case 'conversation.dtmf': return { digits: field('digits') }
    case 'interaction.complete': return field('disposition') === '' ? undefined : { disposition: field('disposition') }
    case 'interaction.setdata': return { data: { [field('key')]: field('value') } }
    default: return undefined
  }
}

// ---------------------------------------------------------------- rendering

let renderQueued = false
function scheduleRender () {
  if (renderQueued) return
  renderQueued = true
  requestAnimationFrame(() => {
    renderQueued = false
    render()
  })
}

const sessionButtons = $('session-buttons')

/**
 * Makes `container` hold one button per capability (reusing the buttons it has, so focus
 * stays), enabled exactly as the list says.
 */
function syncButtons (container, capabilities, onPress) {
  const wanted = capabilities.filter(c => !c.name.startsWith('notice.'))
  const existing = new Map([...container.children].map(b => [b.dataset.command, b]))
  for (const [name, button] of existing) if (!wanted.some(c => c.name === name)) button.remove()
  let previous = null
  for (const capability of wanted) {
    let button = existing.get(capability.name)
    if (button === undefined) {
      button = document.createElement('button')
      button.type = 'button'
      button.dataset.command = capability.name
      button.textContent = labelOf(capability.name)
      button.addEventListener('click', () => onPress(capability.name))
    }
    if (button.previousElementSibling !== previous || button.parentElement !== container) {
      if (previous === null) container.prepend(button)
      else previous.after(button)
    }
    button.disabled = capability.type !== 'enable'
    previous = button
  }
}

function render () {
  const { picture, session } = bar
  if (picture === undefined || session === undefined) return
  const { agent } = picture
  $('agent-title').textContent = agent.name === '' ? session.id : `${agent.name} · ext. ${agent.extension}`
  $('agent-state').textContent = STATES[agent.state] ?? agent.state
  $('agent-state').dataset.state = agent.state
  $('agent-reason').textContent = agent.reason === null ? '' : `(${agent.reason})`
  $('agent-timer').dataset.since = String(agent.since)
  const sessionCaps = picture.capabilities.get(session.id) ?? []
  syncButtons(sessionButtons, sessionCaps, (command) => { void send(command, undefined, sessionData(command)) })
  const notices = sessionCaps.filter(c => c.name.startsWith('notice.') && c.type === 'enable').map(c => c.name.slice(7).replaceAll('_', ' '))
  $('agent-reason').textContent += notices.length > 0 ? ` · ${notices.join(', ')}` : ''

  const cards = $('cards')
  const seen = new Set()
  for (const ix of picture.interactions.values()) {
    seen.add(ix.target)
    let card = cards.querySelector(`[data-target="${CSS.escape(ix.target)}"]`)
    if (card === null) {
      card = createCard(ix)
      cards.append(card)
    }
    updateCard(card, ix, picture.capabilities.get(ix.target) ?? [])
  }
  for (const card of [...cards.children]) if (!seen.has(card.dataset.target)) card.remove()
  $('no-interactions').hidden = picture.interactions.size > 0
  tick()
  const signature = [...picture.interactions.values()].map(ix => `${ix.target}:${ix.state}:${ix.conversations.length}`).join('|')
  if (bar.simulator && signature !== lastSignature) {
    lastSignature = signature
    void refreshSimulator()
  }
}
let lastSignature

function createCard (ix) {
  const card = document.createElement('article')
  card.className = 'card'
  card.dataset.target = ix.target
  card.innerHTML = `
    <header class="card-head">
      <h3 class="caller"></h3>
      <span class="ix-state state"></span>
      <span class="timer" aria-label="time in this state"></span>
    </header>
    <p class="meta"></p>
    <dl class="udata"></dl>
    <ul class="conversations"></ul>
    <div class="fields">
      <label>Transfer, consult or conference to <input data-field="destination" inputmode="tel" placeholder="1002"></label>
      <label>Disposition <input data-field="disposition" placeholder="resolved"></label>
    </div>
    <details class="more">
      <summary>Digits and attached data</summary>
      <div class="fields">
        <label>Digits <input data-field="digits" inputmode="tel"></label>
        <label>Data key <input data-field="key" placeholder="note"></label>
        <label>Data value <input data-field="value"></label>
      </div>
    </details>
    <div class="buttons ix-buttons" role="group" aria-label="Call actions"></div>`
  return card
}

function updateCard (card, ix, capabilities) {
  const caller = ix.direction === 'outbound' ? ix.to : ix.from
  card.querySelector('.caller').textContent = caller === '' ? ix.id : caller
  card.setAttribute('aria-label', `${ix.direction} call ${caller}`)
  const state = card.querySelector('.ix-state')
  state.textContent = ix.state
  card.dataset.state = ix.state
  card.querySelector('.timer').dataset.since = String(ix.since)
  card.querySelector('.meta').textContent = [ix.direction, ix.queue === null ? undefined : `queue ${ix.queue}`, ix.recording === 'on' ? 'recording' : undefined]
    .filter(Boolean).join(' · ')
  const udata = card.querySelector('.udata')
  const entries = Object.entries(ix.udata)
  const rendered = entries.map(([k, v]) => `${k}\u0000${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\u0001')
  if (udata.dataset.rendered !== rendered) {
    udata.dataset.rendered = rendered
    udata.replaceChildren(...entries.flatMap(([k, v]) => {
      const dt = document.createElement('dt')
      dt.textContent = k
      const dd = document.createElement('dd')
      dd.textContent = typeof v === 'string' ? v : JSON.stringify(v)
      return [dt, dd]
    }))
  }
  const conversationCaps = capabilities.filter(c => c.name.startsWith('conversation.'))
  const list = card.querySelector('.conversations')
  const rows = new Map([...list.children].map(li => [li.dataset.target, li]))
  for (const [target, li] of rows) if (!ix.conversations.some(c => c.target === target)) li.remove()
  for (const conversation of ix.conversations) {
    let li = rows.get(conversation.target)
    if (li === undefined) {
      li = document.createElement('li')
      li.dataset.target = conversation.target
      li.innerHTML = '<span class="conv-label"></span><div class="buttons" role="group"></div>'
      list.append(li)
    }
    const text = `${conversation.role === 'primary' ? 'Call' : 'Consult call'}: ${conversation.state}`
    li.querySelector('.conv-label').textContent = text
    li.dataset.role = conversation.role
    li.querySelector('.buttons').setAttribute('aria-label', `${conversation.role} conversation actions`)
    syncButtons(li.querySelector('.buttons'), conversationCaps, (command) => {
      void send(command, conversation.target, cardData(card, command))
    })
  }
  syncButtons(card.querySelector('.ix-buttons'), capabilities.filter(c => !c.name.startsWith('conversation.')), (command) => {
    void send(command, ix.target, cardData(card, command))
  })
}

function formatElapsed (ms) {
  const s = Math.max(0, Math.floor(ms / 1000))
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0')
  const ss = String(s % 60).padStart(2, '0')
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`
}

function tick () {
  const now = Date.now()
  for (const el of document.querySelectorAll('.timer[data-since]')) el.textContent = formatElapsed(now - Number(el.dataset.since))
}

// ---------------------------------------------------------------- simulator panel

let simulatorBusy = false
async function refreshSimulator () {
  if (simulatorBusy || bar.server === undefined) return
  simulatorBusy = true
  try {
    const { calls } = await call(bar.server.base, 'GET', '/simulator/calls')
    const list = $('sim-calls')
    list.replaceChildren(...calls.map(c => {
      const li = document.createElement('li')
      const text = document.createElement('span')
      text.textContent = `${c.id} from ${c.from}: ${c.state}`
      const hangUp = document.createElement('button')
      hangUp.type = 'button'
      hangUp.textContent = 'Caller hangs up'
      hangUp.setAttribute('aria-label', `Caller ${c.from} hangs up (${c.id})`)
      hangUp.addEventListener('click', () => { void simulator('DELETE', `/simulator/calls/${encodeURIComponent(c.id)}`) })
      li.append(text, hangUp)
      return li
    }))
  } catch {
    // The panel is a convenience: a failed refresh shows the previous list.
  } finally {
    simulatorBusy = false
  }
}

function attachedData () {
  const data = {}
  for (const pair of $('sim-data').value.split(',')) {
    const [key, ...rest] = pair.split('=')
    if (key.trim() !== '') data[key.trim()] = rest.join('=').trim()
  }
  return data
}

async function simulator (method, path, body) {
  try {
    await call(bar.server.base, method, path, { body })
  } catch (err) {
    notice(`Simulator: ${failureText(err)}`, 'error')
  }
  void refreshSimulator()
}

// ---------------------------------------------------------------- wiring

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void login(false)
})
$('confirm-override').addEventListener('click', () => {
  $('confirm').hidden = true
  $('login-form').hidden = false
  void login(true)
})
$('confirm-cancel').addEventListener('click', () => {
  $('confirm').hidden = true
  $('login-form').hidden = false
  $('agent-id').focus()
})
$('sim-ring-me').addEventListener('click', () => {
  const extension = bar.picture?.agent.extension
  void simulator('POST', '/simulator/calls', { from: $('sim-from').value.trim(), to: extension, data: attachedData() })
})
$('sim-ring-queue').addEventListener('click', () => {
  void simulator('POST', '/simulator/calls', { from: $('sim-from').value.trim(), queue: $('sim-queue').value, data: attachedData() })
})
setInterval(tick, 1000)
window.addEventListener('pagehide', () => { bar.link?.stop() })

// For tests and curious people: the bar's state, read-only.
window.mediaBar = {
  get connection () { return $('connection').dataset.status },
  get lastEventId () { return bar.link?.lastEventId ?? 0 },
  get transport () { return bar.link?.transport },
  get server () { return bar.server?.base }
}

void boot()
