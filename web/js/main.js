// The media bar: choose a server (or an instance of the domain), open a client, log the agent
// in, and show what the server's events say; take the session back after a reload, and on
// another instance of the domain when its instance is gone (failover). Every button's enabled state comes from the workflow's `state.updated` for its
// target; the page only chooses which conversation a conversation button acts on (its row).

import { ApiError, Client, call } from './api.js'
import { choose, chooseInDomain, readDomain, sameServer } from './servers.js'
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
  config: { servers: [], simulator: false, domain: false },
  server: undefined,
  client: undefined,
  link: undefined,
  processorId: undefined,
  session: undefined,
  picture: undefined,
  simulator: false,
  snapshotting: undefined,
  generation: 0,
  /** `{ agentId, resumeToken, url, model }`: takes the session back (sessionStorage, this tab only). */
  credential: undefined,
  /** The URLs of the domain's instances, as GET /domain last listed them (a failover asks them). */
  known: [],
  /** While failing over: `{ from: { id, url }, why, at }`. */
  failover: undefined,
  /** The last failover: `{ from, to, ms }`. */
  failedOver: undefined,
  /** Whether the buttons may be used: connected and not failing over. */
  usable: false
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
  refreshUsable()
  if (status === 'reconnecting' || status === 'offline') void watch()
}

/**
 * The call buttons follow the workflow's capabilities, and are off besides whenever the bar
 * cannot reach its instance (reconnecting, failing over): a press would go nowhere.
 */
function refreshUsable () {
  const usable = bar.failover === undefined && bar.client !== undefined && $('connection').dataset.status === 'live'
  bar.usable = usable
  document.body.classList.toggle('stale', !usable && bar.session !== undefined)
  $('away').hidden = usable || bar.session === undefined
  if (!usable) {
    $('away').textContent = bar.failover !== undefined
      ? 'The server is gone: the buttons are off while your session moves to another instance.'
      : 'The server is not answering: the buttons are off until the media bar is connected again.'
  }
  for (const button of document.querySelectorAll('#session-buttons button, #cards .buttons button')) {
    button.disabled = !usable || button.dataset.enabled !== 'true'
  }
}

// ---------------------------------------------------------------- start-up: server and client

const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms))

async function boot () {
  const generation = ++bar.generation
  setConnection('connecting')
  // After a failover the page's own server may be the one that is gone: keep its settings.
  if (bar.failover === undefined) {
    try {
      bar.config = await call('', 'GET', '/mediabar/config')
    } catch (err) {
      bar.config = { servers: [], simulator: false }
    }
  }
  for (let attempt = 0; generation === bar.generation; attempt++) {
    const found = bar.config.domain === true ? await findInDomain() : await findServer()
    if (generation !== bar.generation) return
    if (found.chosen !== undefined) {
      try {
        await start(found.chosen, found.why, generation)
        return
      } catch (err) {
        abandon()
        if (generation !== bar.generation) return
        notice(`Could not start on ${nameOf(found.chosen.base)}: ${failureText(err)}`, 'error')
      }
    } else {
      const wait = backoff(attempt)
      $('server').textContent = `${bar.failover === undefined ? '' : `${describe(bar.failover.from)} ${bar.failover.why}. `}${found.why} Trying again in ${Math.round(wait / 1000)} s…`
    }
    setConnection('offline')
    await sleep(backoff(attempt))
  }
}

function backoff (attempt) {
  return Math.min(10000, 1000 * 2 ** Math.min(attempt, 4))
}

function nameOf (base) {
  return base === '' ? location.origin : base
}

/** An instance of the domain for people: its id and URL. */
function describe (instance) {
  return instance.id === '' ? instance.url : `${instance.id} (${instance.url})`
}

/** Without a domain: the servers of MEDIA_BAR_SERVERS (or the page's own), by load. */
async function findServer () {
  const servers = bar.config.servers.length > 0 ? bar.config.servers : ['']
  const { chosen: fewest, candidates } = await choose(servers)
  // A resume credential is only good on the server that issued it (no domain to share it).
  const home = bar.credential === undefined ? undefined : candidates.find(c => c.ok && sameServer(c.base, bar.credential.url))
  const chosen = home ?? fewest
  if (chosen === undefined) {
    return { why: `No server is accepting clients (${candidates.map(c => `${nameOf(c.base)}: ${c.why}`).join('; ')}).` }
  }
  const others = candidates.filter(c => c !== chosen).map(c => `${nameOf(c.base)}: ${c.ok ? `${c.clients} clients` : c.why}`)
  const why = `Server ${nameOf(chosen.base)} · ${chosen.processor.name} · ${chosen.clients} clients` +
    (others.length === 0 ? '' : home !== undefined && home !== fewest ? ` (where your session is; ${others.join('; ')})` : ` (fewest of ${candidates.length}; ${others.join('; ')})`)
  return { chosen, why }
}

/**
 * In a shared domain: GET /domain from an instance that answers (the page's own at first; after
 * a failover, the others it listed last), then the least-loaded instance that accepts clients.
 * After a reload the instance that holds the session goes first; the one just lost goes last.
 */
async function findInDomain () {
  const avoid = bar.failover?.from.url
  const listed = [...new Set([...bar.known, location.origin])]
  const bases = [...listed.filter(url => !sameServer(url, avoid)), ...listed.filter(url => sameServer(url, avoid))]
  const read = await readDomain(bases)
  if (read.domain === undefined) {
    return { why: `No instance of the domain answers (${read.tried.map(x => `${nameOf(x.base)}: ${x.why}`).join('; ')}).` }
  }
  const { domain } = read
  const urls = domain.instances.map(i => i.url).filter(url => url !== '')
  // While its Redis is away an instance lists only itself: keep the others it cannot see.
  bar.known = domain.available ? urls : [...new Set([...bar.known, ...urls])]
  const home = bar.credential?.url
  const { chosen, candidates, ranked, left } = await chooseInDomain(domain, { home, prefer: [location.origin], avoid })
  const others = [
    ...ranked.filter(i => i !== chosen?.instance).map(i => {
      const probed = candidates.find(c => c.instance === i)
      if (sameServer(i.url, avoid)) return `${i.id}: just lost`
      return `${i.id}: ${probed !== undefined && !probed.ok ? probed.why : `${i.clientCount} clients`}`
    }),
    ...left.map(x => `${x.instance.id}: ${x.why}`)
  ]
  if (chosen === undefined) {
    const state = domain.available ? '' : ` The domain ${domain.name} is unavailable (its Redis cannot be reached).`
    return { why: `No instance of the domain ${domain.name} is accepting clients (${others.join('; ') || 'none is listed'}).${state}` }
  }
  const reason = home !== undefined && sameServer(home, chosen.base)
    ? 'where your session is'
    : `fewest clients of ${domain.instances.length - left.length} accepting in domain ${domain.name}`
  const why = `Instance ${describe({ id: chosen.instance.id, url: chosen.base })} · ${chosen.processor.name} · ${chosen.instance.clientCount} clients` +
    ` (${reason}${others.length === 0 ? '' : `; ${others.join('; ')}`})`
  return { chosen, why }
}

async function start (chosen, why, generation) {
  const failover = bar.failover
  bar.server = chosen
  bar.processorId = chosen.processor.id
  const header = $('server')
  header.textContent = failover === undefined ? why : `${describe(failover.from)} ${failover.why}. Moving to ${describe({ id: chosen.instance?.id ?? '', url: nameOf(chosen.base) })}…`
  header.dataset.base = nameOf(chosen.base)
  header.dataset.instance = chosen.instance?.id ?? ''
  const settings = chosen.base === '' ? bar.config : await call(chosen.base, 'GET', '/mediabar/config').catch(() => ({ simulator: false }))
  bar.simulator = settings.simulator === true

  const client = await Client.open(chosen.base, `media bar ${navigator.userAgent.slice(0, 60)}`)
  if (generation !== bar.generation) {
    void client.close().catch(() => {})
    return
  }
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
  if (bar.credential !== undefined) await resume()
  else {
    leaveSession()
    showLogin()
  }
  if (generation !== bar.generation) return
  if (failover !== undefined) {
    const to = { id: chosen.instance?.id ?? '', url: nameOf(chosen.base) }
    const ms = Date.now() - failover.at
    bar.failedOver = { from: failover.from, to, ms }
    header.textContent = `Failed over from ${describe(failover.from)} to ${describe(to)} in ${(ms / 1000).toFixed(1)} s (${failover.from.id || failover.from.url} ${failover.why}). ${why}`
    header.dataset.failedOver = `${failover.from.id}>${to.id}`
    notice(bar.session !== undefined ? `Your session is back, on ${describe(to)}.` : `Connected to ${describe(to)}.`)
  }
  bar.failover = undefined
  refreshUsable()
}

/** A start that failed half-way: drop its link and client (closed if the server still answers). */
function abandon () {
  bar.link?.stop()
  bar.link = undefined
  const client = bar.client
  bar.client = undefined
  if (client !== undefined) void client.close().catch(() => {})
  refreshUsable()
}

function fillModels (capabilities) {
  const select = $('model')
  const models = String(capabilities['call-models'] ?? 'default').split(',').filter(m => m !== '')
  const preferred = select.value || capabilities['default-call-model'] || 'default'
  select.replaceChildren(...models.map(name => new Option(name, name, false, name === preferred)))
}

/** The client is gone (server restarted, client expired) or taken over: start again. */
function gone (why) {
  if (why !== 'replaced' && bar.config.domain === true) {
    // The session may live on (another instance, or this one restarted): take it back.
    failover('lost this media bar (its client record is gone)')
    return
  }
  const hadSession = bar.session !== undefined
  bar.link = undefined
  bar.client = undefined
  leaveSession()
  if (why === 'replaced') {
    forgetCredential()
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

// ---------------------------------------------------------------- failover (a shared domain)

/**
 * The instance the bar is on is gone (it stopped answering, or lost the bar's client record):
 * the call buttons go off at once, and boot() looks for another instance of the domain, where
 * resume() takes the session back with the resume credential. The picture stays on screen
 * (dashed) until the new instance's snapshots replace it.
 */
function failover (why) {
  if (bar.failover !== undefined) return
  const from = { id: $('server').dataset.instance ?? '', url: nameOf(bar.server?.base ?? '') }
  bar.link?.stop()
  bar.link = undefined
  bar.client = undefined
  bar.failover = { from, why, at: Date.now() }
  setConnection('reconnecting', `${from.id || from.url} ${why}`)
  notice(`Instance ${describe(from)} ${why}. ${bar.session !== undefined ? 'Moving your session' : 'Moving'} to another instance of the domain…`, 'error')
  $('server').textContent = `${describe(from)} ${why}. Looking for another instance of the domain…`
  void boot()
}

/** What the instance says about the bar's client, asked over REST (3 s at most). */
async function probeClient (client) {
  try {
    await client.capabilities(bar.processorId, AbortSignal.timeout(3000))
    return 'alive'
  } catch (err) {
    if (err.code === 'AUTH_FAILED' || err.code === 'NOT_BOUND') return 'gone'
    if (err.code === 'UNREACHABLE' || err.code === 'INVALID_MESSAGE') return 'unreachable'
    return 'alive'
  }
}

/**
 * While the event stream is down in a shared domain, asks the instance over REST: no answer
 * twice in a row (half a second apart), or no client record, and the bar fails over. When REST
 * answers, the event link recovers by itself (EventSource again, or the WebSocket face).
 */
let watching
async function watch () {
  const client = bar.client
  if (watching !== undefined || bar.config.domain !== true || client === undefined || bar.failover !== undefined) return
  watching = client
  try {
    let misses = 0
    while (bar.client === client && bar.failover === undefined && $('connection').dataset.status !== 'live') {
      const state = await probeClient(client)
      if (bar.client !== client || bar.failover !== undefined || $('connection').dataset.status === 'live') return
      if (state === 'gone') {
        failover('lost this media bar (its client record is gone)')
        return
      }
      misses = state === 'unreachable' ? misses + 1 : 0
      if (misses >= 2) {
        failover('stopped answering')
        return
      }
      await sleep(misses > 0 ? 500 : 2000)
    }
  } finally {
    watching = undefined
  }
}

/** Keeps the list of the domain's instances fresh (the failover reads GET /domain from them). */
async function refreshKnown () {
  if (bar.config.domain !== true || bar.server === undefined || bar.failover !== undefined) return
  const read = await readDomain([bar.server.base])
  if (read.domain?.available === true) bar.known = read.domain.instances.map(i => i.url).filter(url => url !== '')
}

// ---------------------------------------------------------------- the resume credential

// What takes the agent's session back without the password (after a reload, on another
// instance): kept per tab in sessionStorage, never shown, never logged. Each prepareSession
// answer brings a new one (a credential serves once); the session's end voids it.
const CREDENTIAL_KEY = 'mediabar.resume'

function readCredential () {
  try {
    const stored = JSON.parse(sessionStorage.getItem(CREDENTIAL_KEY) ?? 'null')
    if (stored !== null && typeof stored.agentId === 'string' && typeof stored.resumeToken === 'string' && typeof stored.url === 'string') return stored
  } catch {}
  return undefined
}

function keepCredential (agentId, resumeToken, model) {
  if (typeof resumeToken !== 'string' || resumeToken === '') {
    forgetCredential()
    return
  }
  bar.credential = { agentId, resumeToken, url: nameOf(bar.server.base), model }
  try {
    sessionStorage.setItem(CREDENTIAL_KEY, JSON.stringify(bar.credential))
  } catch {
    // Storage is off: the session still moves on a failover, a reload asks for the password.
  }
}

function forgetCredential () {
  bar.credential = undefined
  try {
    sessionStorage.removeItem(CREDENTIAL_KEY)
  } catch {}
}

/** Takes the agent's session back with the credential: no password, no takeover prompt. */
async function resume () {
  const { agentId, resumeToken } = bar.credential
  const model = [...$('model').options].some(o => o.value === bar.credential.model) ? bar.credential.model : $('model').value
  $('model').value = model
  $('agent-id').value = agentId
  let answer
  try {
    answer = await bar.client.prepareSession(bar.processorId, { id: agentId, resumeToken }, model)
  } catch (err) {
    if (err.code === 'AUTH_FAILED' || err.code === 'LOCKED_OUT' || err.code === 'INVALID_MESSAGE') {
      forgetCredential()
      leaveSession()
      notice(`Your session could not be taken back: ${failureText(err)}.`, 'error')
      showLogin()
      return
    }
    // The instance or the domain is away for now (UNREACHABLE, DOMAIN_UNAVAILABLE …): boot() tries again.
    throw err
  }
  if (answer.result !== 'success') {
    forgetCredential()
    leaveSession()
    notice('Your session could not be taken back. Log in with your password.', 'error')
    showLogin()
    return
  }
  keepCredential(agentId, answer.resumeToken, model)
  await enterSession(answer.resource.id, answer.workflow?.resourceId ?? answer.resource.id)
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
    keepCredential(agentId, answer.resumeToken, $('model').value)
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
    if (reason === 'shutdown' && bar.config.domain === true) {
      // The instance is stopping; the agent stays logged in at the CTI: move the session.
      failover('is shutting down')
      return
    }
    forgetCredential()
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
  forgetCredential()
  leaveSession()
  showLogin()
}

// ---------------------------------------------------------------- requests

async function send (command, target, data) {
  const { session } = bar
  if (session === undefined || !bar.usable) return
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
    button.dataset.enabled = String(capability.type === 'enable')
    button.disabled = capability.type !== 'enable' || !bar.usable
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
  get server () { return bar.server?.base },
  /** The instance of the domain the bar is on ('' without a domain). */
  get instance () { return $('server').dataset.instance ?? '' },
  /** The last failover: `{ from, to, ms }` (ms: from noticing the loss to the session back). */
  get failedOver () { return bar.failedOver },
  /** Whether a resume credential is kept (never the credential itself). */
  get resumable () { return bar.credential !== undefined }
}

bar.credential = readCredential()
if (bar.credential !== undefined) $('agent-id').value = bar.credential.agentId
setInterval(() => { void refreshKnown() }, 15000)
void boot()
