// The media bar: choose a server (or an instance of the domain), open a client, log the agent
// in, and show what the server's events say; take the session back after a reload, and on
// another instance of the domain when its instance is gone (failover). What the agent can do is
// exactly the workflow's last `state.updated` for each target: the enabled actions are the
// buttons shown (in a fixed order, the main one first), the others are not drawn. The page only
// chooses which conversation a conversation button acts on (its row), and turns every button
// off while it cannot trust its picture (the event stream down, a resync, a failover).

import { ApiError, Client, call } from './api.js'
import { choose, chooseInDomain, probe, readDomain, sameServer } from './servers.js'
import { EventLink } from './events.js'
import { SessionPicture } from './model.js'
import { initEmbed, publishCalls } from './embed.js'
import { Ringer } from './ring.js'
import { chatSignature, chatSummary, clearChats, initChats, refreshSimulatorChats, renderChats, drawData, stampCard, syncComposers } from './chat.js'
import {
  CONNECTION, DANGER, PRIMARY, actionLabel, agentStateLabel, byOrder, callStateLabel, conversationLabel,
  formatElapsed, formatNumber, plural, simulatorCallLabel
} from './labels.js'

const WORKFLOW = 'WorkflowManager'
const $ = (id) => document.getElementById(id)

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
  /** Whether the buttons may be used: connected, the picture fresh, and not failing over. */
  usable: false,
  /**
   * Why the picture on screen cannot be trusted now (undefined: it can). Set when the event
   * stream goes down, on `shutdown` and on `resync`; only fresh snapshots clear it.
   */
  stale: undefined,
  /** Counts every time the picture came into doubt: a read clears `stale` only if none came meanwhile. */
  staleCount: 0,
  /** What the server last said before the stream went (`shutdown`'s reason), for the banner. */
  serverSaid: undefined
}

/** The picture on screen can no longer be trusted (`why`): the buttons go off until a fresh read. */
function markStale (why) {
  if (bar.session === undefined) return
  bar.stale = why
  bar.staleCount += 1
}

const ringer = new Ringer()

// ---------------------------------------------------------------- notices

/**
 * A notice belongs to a scope: the situation it describes. `clearNotices(scope)` removes them
 * when that situation is over (`login`: the next login; `session`: a new session; `agent`: the
 * agent's state changed; `ix:<target>`: the call is gone; `server`: connected again;
 * `simulator`: the next simulator action). Information notices also go after 10 s.
 */
function notice (text, kind = 'info', scope = 'session') {
  const item = document.createElement('div')
  item.className = `notice ${kind}`
  item.dataset.scope = scope
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
  if (kind === 'info') setTimeout(() => item.remove(), 10000)
}

function clearNotices (...scopes) {
  for (const item of [...$('notices').children]) {
    if (scopes.includes(item.dataset.scope)) item.remove()
  }
}

function failureText (err) {
  return err instanceof ApiError ? `${err.message} (${err.code})` : String(err?.message ?? err)
}

/** Says something at once to a screen reader (the ringing call). */
function announce (text) {
  const el = $('announcer')
  el.textContent = ''
  // A new text node each time, so the same words twice are announced twice.
  setTimeout(() => { el.textContent = text }, 50)
}

// ---------------------------------------------------------------- connection and banner

function setConnection (status, detail) {
  const el = $('connection')
  const was = el.dataset.status
  el.dataset.status = status
  el.textContent = CONNECTION[status] + (detail !== undefined && status === 'live' ? ` (${detail})` : '')
  el.title = detail ?? ''
  el.dataset.transport = status === 'live' ? (detail ?? '') : ''
  if (status !== 'live') {
    if (bar.session !== undefined && (bar.stale === undefined || was === 'live')) markStale(bar.stale ?? 'lost')
    bar.connectionDetail = detail
  } else {
    bar.connectionDetail = undefined
    bar.serverSaid = undefined
    clearNotices('server')
    // Back: the picture is re-read before a button comes back. Not here during a failover (the
    // session is taken back first: enterSession reads) nor over a new WebSocket (reattach
    // rebinds first, then reads).
    if (was !== 'live' && bar.session !== undefined && bar.stale !== undefined && bar.failover === undefined && detail !== 'WebSocket') void loadSnapshots()
  }
  refreshUsable()
  if (status === 'reconnecting' || status === 'offline') void watch()
}

/** The banner's words: what is happening, and what the server said. */
function bannerText () {
  if (bar.failover !== undefined) {
    return `${describe(bar.failover.from)} ${bar.failover.why}: the buttons are off while your session moves to another instance. Your calls stay up.`
  }
  const status = $('connection').dataset.status
  if (status !== 'live') {
    const what = bar.serverSaid !== undefined
      ? `The server is shutting down (it said “${bar.serverSaid}”).`
      : `The connection to the server is lost${bar.connectionDetail !== undefined ? ` (${bar.connectionDetail})` : ''}.`
    return `${what} Reconnecting… The buttons are off until the media bar is connected again.`
  }
  if (bar.stale === 'resync') return 'Some events were missed: the media bar is reading your session again. The buttons are off until it has.'
  return 'Connected again: reading your session. The buttons come back when it is read.'
}

/**
 * The call buttons follow the workflow's capabilities, and are all off besides whenever the
 * bar cannot trust its picture: a press would go nowhere, or act on a state that is gone.
 */
function refreshUsable () {
  const live = $('connection').dataset.status === 'live'
  const usable = bar.failover === undefined && bar.client !== undefined && live && bar.stale === undefined
  bar.usable = usable
  const down = !usable && bar.session !== undefined
  document.body.classList.toggle('stale', down)
  const banner = $('banner')
  banner.hidden = !down
  if (down) {
    banner.textContent = bannerText()
    banner.dataset.kind = bar.failover !== undefined ? 'failover' : !live ? 'lost' : (bar.stale ?? 'reading')
  } else {
    banner.dataset.kind = ''
  }
  for (const button of document.querySelectorAll('#agent button[data-command], #chats button[data-command], .card button[data-command]')) {
    button.disabled = !usable
  }
  syncComposers()
  if (!usable) ringer.set(false)
  else refreshRing()
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
      // Only settings the server gave start the host API (a failed read would leave it deaf).
      initEmbed({ embedOrigins: bar.config.embedOrigins ?? [], dial: dialFromHost, snapshot: () => bar.picture })
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
        notice(`Could not start on ${nameOf(found.chosen.base)}: ${failureText(err)}`, 'error', 'server')
      }
    } else {
      const wait = backoff(attempt)
      setServerLine(`${bar.failover === undefined ? '' : `${describe(bar.failover.from)} ${bar.failover.why}. `}${found.why} Trying again in ${Math.round(wait / 1000)} s…`)
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

/**
 * The header's server line. `{load}` in the text is the server's client count, kept current
 * (refreshLoad) rather than the count it had when it was chosen.
 */
function setServerLine (text, clients) {
  const header = $('server')
  const [before, ...after] = text.split('{load}')
  if (after.length === 0) {
    header.textContent = text
    return
  }
  const load = document.createElement('span')
  load.id = 'load'
  load.textContent = plural(clients ?? 0, 'client')
  header.replaceChildren(before, load, after.join(''))
}

/**
 * The chosen server's client count: once when the bar starts on it, then every minute while the
 * page is visible (every bar polls GET /services: at 5,000 agents a 10-s period was 500 req/s).
 */
async function refreshLoad () {
  const server = bar.server
  if (server === undefined || $('load') === null || document.hidden) return
  const probed = await probe(server.base)
  if (bar.server === server && probed.ok && $('load') !== null) $('load').textContent = plural(probed.clients, 'client')
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
  const others = candidates.filter(c => c !== chosen).map(c => `${nameOf(c.base)}: ${c.ok ? plural(c.clients, 'client') : c.why}`)
  const why = `Server ${nameOf(chosen.base)} · ${chosen.processor.name} · {load}` +
    (others.length === 0 ? '' : home !== undefined && home !== fewest ? ` (where your session is; ${others.join('; ')})` : ` (fewest of ${candidates.length}; ${others.join('; ')})`)
  return { chosen, why, clients: chosen.clients }
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
      return `${i.id}: ${probed !== undefined && !probed.ok ? probed.why : plural(i.clientCount, 'client')}`
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
  const why = `Instance ${describe({ id: chosen.instance.id, url: chosen.base })} · ${chosen.processor.name} · {load}` +
    ` (${reason}${others.length === 0 ? '' : `; ${others.join('; ')}`})`
  return { chosen, why, clients: chosen.instance.clientCount }
}

async function start (chosen, why, generation) {
  const failover = bar.failover
  bar.server = chosen
  bar.processorId = chosen.processor.id
  const header = $('server')
  const clients = chosen.clients ?? chosen.instance?.clientCount ?? 0
  if (failover === undefined) setServerLine(why, clients)
  else setServerLine(`${describe(failover.from)} ${failover.why}. Moving to ${describe({ id: chosen.instance?.id ?? '', url: nameOf(chosen.base) })}…`)
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
    onResync: () => {
      markStale('resync')
      refreshUsable()
      void loadSnapshots()
    },
    onShutdown: (reason) => {
      bar.serverSaid = reason
      markStale('shutdown')
      refreshUsable()
    },
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
    setServerLine(`Failed over from ${describe(failover.from)} to ${describe(to)} in ${(ms / 1000).toFixed(1)} s (${failover.from.id || failover.from.url} ${failover.why}). ${why}`, clients)
    header.dataset.failedOver = `${failover.from.id}>${to.id}`
    clearNotices('server')
    notice(bar.session !== undefined ? `Your session is back, on ${describe(to)}.` : `Connected to ${describe(to)}.`)
  }
  bar.failover = undefined
  refreshUsable()
  // A read that failed while the session was moving is made now.
  if (bar.session !== undefined && bar.stale !== undefined) void loadSnapshots()
  void refreshLoad()
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
  const restarted = bar.stale === 'shutdown' || bar.serverSaid !== undefined
  bar.link = undefined
  bar.client = undefined
  leaveSession()
  if (why === 'replaced') {
    forgetCredential()
    clearNotices('server')
    notice('This media bar was taken over by another window or tab.', 'error')
    setConnection('offline')
    showLogin()
    return
  }
  clearNotices('server')
  if (hadSession) {
    notice(restarted
      ? 'The server restarted and your session with it. Log in again: a call that is still up at the contact center comes back with your session.'
      : 'The connection to the server was lost and your session ended (the server may have restarted). Log in again.', 'error')
  } else {
    notice('The server restarted. Reconnected.', 'info', 'session')
  }
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
    notice(`Could not rebind after reconnecting: ${failureText(err)}`, 'error', 'server')
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
  notice(`Instance ${describe(from)} ${why}. ${bar.session !== undefined ? 'Moving your session' : 'Moving'} to another instance of the domain…`, 'error', 'server')
  setServerLine(`${describe(from)} ${why}. Looking for another instance of the domain…`)
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
      notice(`Your session could not be taken back: ${failureText(err)}.`, 'error', 'login')
      showLogin()
      return
    }
    // The instance or the domain is away for now (UNREACHABLE, DOMAIN_UNAVAILABLE …): boot() tries again.
    throw err
  }
  if (answer.result !== 'success') {
    forgetCredential()
    leaveSession()
    notice('Your session could not be taken back. Log in with your password.', 'error', 'login')
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
  $('chats').hidden = true
  $('ringing').hidden = true
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
  clearNotices('login')
  if (bar.client === undefined) {
    notice('Not connected to a server yet; wait a moment and try again.', 'error', 'login')
    return
  }
  if (agentId === '' || password === '') {
    notice('Enter your agent id and password.', 'error', 'login')
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
    notice(`Login failed: ${failureText(err)}`, 'error', 'login')
  } finally {
    $('login-submit').disabled = false
  }
}

async function enterSession (sessionId, workflowId) {
  // A new session: what was said about the last one, and about logging in, is over.
  clearNotices('login', 'session', 'agent')
  bar.session = { id: sessionId, workflowId }
  bar.picture = new SessionPicture(sessionId)
  markStale('reading')
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
  bar.stale = undefined
  bar.serverSaid = undefined
  ringing.clear()
  closeAlerts()
  $('cards').replaceChildren()
  $('ringing-cards').replaceChildren()
  $('ringing').hidden = true
  clearChats()
  sessionButtons.replaceChildren()
  publishCalls(new Map())
  refreshUsable()
}

/**
 * Re-reads both snapshots (after binding, on `resync`, after the stream was down, when a call
 * enters wrap-up). Events that arrive meanwhile are applied again on top of the snapshot, so a
 * snapshot older than an event cannot undo it. Only this makes the buttons usable again after
 * the picture was in doubt, and only when nothing put it in doubt again during the read; a read
 * asked for during another is made after it, and a failed read is tried again while in doubt.
 */
let readAgain = false
let retryRead
async function loadSnapshots () {
  const { session, picture } = bar
  if (session === undefined) return
  if (bar.snapshotting !== undefined) {
    readAgain = true
    return
  }
  clearTimeout(retryRead)
  bar.snapshotting = []
  const link = bar.link
  const doubts = bar.staleCount
  let read = false
  let failed = false
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
    read = true
  } catch (err) {
    // A read of a session that is no longer the bar's (a failover, a new login) says nothing.
    if (bar.picture !== picture || bar.failover !== undefined) return
    failed = true
    if (err.code === 'UNKNOWN_RESOURCE') sessionGone('ended')
    else if (err.code !== 'UNREACHABLE') notice(`Could not read the session: ${failureText(err)}`, 'error', 'server')
  } finally {
    bar.snapshotting = undefined
    // Fresh only if the stream stayed up and nothing new put the picture in doubt meanwhile.
    if (read && bar.picture === picture && bar.link === link && bar.staleCount === doubts && $('connection').dataset.status === 'live') bar.stale = undefined
    refreshUsable()
    scheduleRender()
    if (bar.picture === picture && bar.session !== undefined) {
      if (readAgain) {
        readAgain = false
        void loadSnapshots()
      } else if (bar.stale !== undefined && (failed || read) && $('connection').dataset.status === 'live' && bar.failover === undefined) {
        // Still in doubt with the stream up (the read failed, or a doubt came during it): again.
        retryRead = setTimeout(() => { void loadSnapshots() }, failed ? 1000 : 0)
      }
    } else {
      readAgain = false
    }
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

/** The interaction target an event or request target belongs to (undefined: the session's own). */
function interactionOf (target) {
  const { session } = bar
  if (session === undefined || typeof target !== 'string' || !target.startsWith(`${session.id}.`)) return undefined
  const parts = target.slice(session.id.length + 1).split('.')
  return parts.length >= 2 ? `${session.id}.${parts[0]}.${parts[1]}` : undefined
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
  const ixTarget = interactionOf(event.target)
  // The agent's typing notice (chat.typing) is a courtesy: its failure is not worth a notice.
  if (event.name.startsWith('error.interaction.') && event.name !== 'error.interaction.chat.typing') {
    const action = event.name.slice('error.interaction.'.length)
    notice(`${action} failed: ${event.data?.description ?? event.data?.error}`, 'error', ixTarget === undefined ? 'agent' : `ix:${ixTarget}`)
  }
  const ending = event.name === 'session.ended' && event.target === session.id
  const reason = ending ? (event.data?.reason ?? 'logout') : undefined
  if (ending && reason === 'shutdown') {
    // The server is stopping; the agent stays logged in at the CTI and the calls stay up. The
    // picture stays on screen, its buttons off, until the media bar is connected again.
    bar.serverSaid ??= 'shutdown'
    markStale('shutdown')
    if (bar.config.domain === true) {
      failover('is shutting down')
      return
    }
    forgetCredential()
    refreshUsable()
    return
  }
  const before = picture.agent.state
  if (picture.applyProcessorEvent(event)) scheduleRender()
  // Logged in again (Log in again): what was said about the last login and logout is over.
  if (event.name === 'session.started' && event.target === session.id) clearNotices('login', 'session', 'agent')
  if (picture.agent.state !== before) clearNotices('agent')
  if (event.name === 'interaction.deleted' && ixTarget !== undefined) clearNotices(`ix:${ixTarget}`)
  if (ixTarget !== undefined && event.name === 'state.updated' && event.target === ixTarget && event.data?.state === 'ENDED') {
    // The wrap-up's deadline is in the snapshot (wrapUpUntil), not in the event.
    void loadSnapshots()
  }
  if (ending) {
    forgetCredential()
    if (reason === 'replaced') sessionGone('replaced')
    else if (reason === 'client_lost' || reason === 'client_closed' || reason === 'disposed') sessionGone(reason)
    else {
      clearNotices('agent')
      for (const item of [...$('notices').children]) if (item.dataset.scope.startsWith('ix:')) item.remove()
      notice(`Logged out (${reason}).`)
    }
  }
}

function sessionGone (why) {
  const texts = {
    replaced: 'Your session was taken over by another media bar.',
    client_lost: 'Your session was lost: this media bar was away too long.',
    client_closed: 'Your session ended: this media bar was closed.',
    disposed: 'Your session was ended.',
    ended: 'Your session no longer exists.'
  }
  clearNotices('agent', 'session')
  notice(texts[why] ?? `Your session ended (${why}).`, 'error')
  forgetCredential()
  leaveSession()
  showLogin()
}

// ---------------------------------------------------------------- requests

/**
 * One session request; resolves with whether it was carried out. `label`: the words of its
 * button (a chat's); `quiet`: a failure says nothing (the agent's typing notice).
 */
async function send (command, target, data, { label = actionLabel, quiet = false } = {}) {
  const { session } = bar
  if (session === undefined || !bar.usable) return false
  const scope = interactionOf(target) === undefined ? 'agent' : `ix:${interactionOf(target)}`
  try {
    await bar.client.sessionRequest(bar.processorId, session.id, command, target, data)
    return true
  } catch (err) {
    if (!quiet) notice(`${label(command)}: ${failureText(err)}`, 'error', scope)
    if (err.code === 'UNKNOWN_RESOURCE') sessionGone('ended')
    return false
  }
}

/** A dial the embedding page asks for (embed.js): as the Dial button, when the agent could press it. */
async function dialFromHost (destination) {
  const { session } = bar
  if (session === undefined) return { ok: false, code: 'NOT_LOGGED_IN', message: 'the agent is not logged in' }
  const dial = (bar.picture.capabilities.get(session.id) ?? []).find(c => c.name === 'channel.dial')
  if (!bar.usable || dial?.type !== 'enable') return { ok: false, code: 'NOT_ENABLED', message: 'the agent cannot dial now' }
  $('dial-destination').value = destination
  try {
    await bar.client.sessionRequest(bar.processorId, session.id, 'channel.dial', undefined, { destination })
    return { ok: true }
  } catch (err) {
    return err instanceof ApiError ? { ok: false, code: err.code, message: err.message } : { ok: false, code: 'UNREACHABLE', message: failureText(err) }
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
  const run = () => {
    renderQueued = false
    render()
  }
  // A hidden page (another tab, a collapsed frame) gets no animation frames: the ring, the
  // notification and the host's screen pop must not wait for the agent to look.
  if (document.hidden) setTimeout(run, 0)
  else requestAnimationFrame(run)
}

const sessionButtons = $('session-buttons')

/** The keys that press a button (listed on the page, and on the button for screen readers). */
const SHORTCUTS = {
  'conversation.answer': 'A',
  'conversation.release': 'H',
  'conversation.hold': 'K',
  'conversation.retrieve': 'K'
}

/** How a call's buttons look: their words, order, main action, the ones in red and Answer's green. */
const CALL_LOOK = { label: actionLabel, byOrder, primary: PRIMARY, danger: DANGER, answer: new Set(['conversation.answer']) }

/**
 * Makes `container` hold one button per enabled capability, in the fixed order (the main
 * action first, filled), reusing the buttons it has so focus stays. Capabilities that are not
 * enabled get no button. Every button is off while the bar cannot trust its picture. `look`:
 * a call's words and order, or a chat's (chat.js).
 */
function syncButtons (container, capabilities, onPress, look = CALL_LOOK) {
  const wanted = capabilities.filter(c => c.type === 'enable' && !c.name.startsWith('notice.')).sort(look.byOrder)
  const existing = new Map([...container.children].map(b => [b.dataset.command, b]))
  for (const [name, button] of existing) if (!wanted.some(c => c.name === name)) button.remove()
  const main = wanted.find(c => look.primary.has(c.name))
  let previous = null
  for (const capability of wanted) {
    let button = existing.get(capability.name)
    if (button === undefined) {
      button = document.createElement('button')
      button.type = 'button'
      button.dataset.command = capability.name
      button.textContent = look.label(capability.name)
      if (SHORTCUTS[capability.name] !== undefined) button.setAttribute('aria-keyshortcuts', `${SHORTCUTS[capability.name]} Alt+${SHORTCUTS[capability.name]}`)
      button.addEventListener('click', () => onPress(capability.name))
    }
    if (button.previousElementSibling !== previous || button.parentElement !== container) {
      if (previous === null) container.prepend(button)
      else previous.after(button)
    }
    button.className = `${capability === main ? 'primary' : 'secondary'}${look.danger.has(capability.name) ? ' danger' : ''}${look.answer.has(capability.name) ? ' answer' : ''}`
    button.disabled = !bar.usable
    previous = button
  }
  container.hidden = wanted.length === 0
}

const enabledNames = (capabilities) => new Set(capabilities.filter(c => c.type === 'enable').map(c => c.name))

/** Shows the fields an enabled action reads, and hides the rest (and their group when empty). */
function showFields (scope, names) {
  for (const el of scope.querySelectorAll('[data-for]')) {
    el.hidden = !el.dataset.for.split(' ').some(name => names.has(name))
  }
  for (const group of scope.querySelectorAll('[data-fields]')) {
    group.hidden = [...group.querySelectorAll('[data-for]')].every(el => el.hidden)
  }
}

const isRinging = (ix) => ix.state === 'ALERTING' && ix.direction !== 'outbound'

/** The targets of the calls ringing now, to tell a new one. */
const ringing = new Set()

function render () {
  const { picture, session } = bar
  if (picture === undefined || session === undefined) return
  const { agent } = picture
  $('agent-title').textContent = agent.name === '' ? session.id : `${agent.name} · ext. ${agent.extension}`
  $('agent-state').textContent = agentStateLabel(agent.state)
  $('agent-state').dataset.state = agent.state
  const sessionCaps = picture.capabilities.get(session.id) ?? []
  syncButtons(sessionButtons, sessionCaps, (command) => { void send(command, undefined, sessionData(command)) })
  showFields($('agent'), enabledNames(sessionCaps))
  const notices = sessionCaps.filter(c => c.name.startsWith('notice.') && c.type === 'enable').map(c => c.name.slice(7).replaceAll('_', ' '))
  $('agent-reason').textContent = [agent.reason === null ? undefined : reasonLabel(agent.reason), ...notices].filter(Boolean).join(' · ')
  $('agent-timer').dataset.since = String(agent.since)
  $('pending').hidden = agent.pendingLogout === null
  $('pending').textContent = agent.pendingLogout === null ? '' : `You will be logged out when your last call ends (${agent.pendingLogout}).`

  const cards = $('cards')
  const ringingCards = $('ringing-cards')
  const seen = new Set()
  const nowRinging = []
  for (const ix of picture.interactions.values()) {
    seen.add(ix.target)
    let card = document.querySelector(`article.card[data-target="${CSS.escape(ix.target)}"]`)
    if (card === null) card = createCard(ix)
    const home = isRinging(ix) ? ringingCards : cards
    if (card.parentElement !== home) home.append(card)
    updateCard(card, ix, picture.capabilities.get(ix.target) ?? [])
    if (isRinging(ix)) nowRinging.push({ ix, card })
  }
  for (const card of [...cards.children, ...ringingCards.children]) if (!seen.has(card.dataset.target)) card.remove()
  renderChats(picture)
  // Offered chats wait at the top too, beside (not among) the ringing calls.
  $('ringing').hidden = ringingCards.children.length === 0 && $('offered-chats').children.length === 0
  $('no-interactions').hidden = cards.children.length > 0 || ringingCards.children.length > 0
  // While a call rings and there is no other, the ringing card at the top is all there is.
  $('interactions').hidden = cards.children.length === 0 && ringingCards.children.length > 0
  onRinging(nowRinging)
  tick()
  const signature = [...picture.interactions.values()].map(ix => `${ix.target}:${ix.state}:${ix.conversations.map(c => c.state).join(',')}`).join('|')
  if (bar.simulator && signature !== lastSignature) {
    lastSignature = signature
    void refreshSimulator()
  }
  // The simulator's chats, only where the session has a chat channel (a CTI without chat has no such routes).
  const chats = chatSignature(picture)
  if (bar.simulator && picture.chatChannel !== undefined && chats !== lastChatSignature) {
    lastChatSignature = chats
    void refreshSimulatorChats()
  }
  publishCalls(bar.picture?.interactions ?? new Map())
}
let lastSignature
let lastChatSignature

/** A not-ready or logout reason code as its label from the reason codes, when there is one. */
function reasonLabel (code) {
  const known = bar.picture?.reasonCodes.find(r => r.code === code)
  return known?.label ?? code
}

function createCard (ix) {
  const card = document.createElement('article')
  card.className = 'card'
  card.tabIndex = -1
  card.dataset.target = ix.target
  card.innerHTML = `
    <header class="card-head">
      <h3 class="caller"></h3>
      <span class="ix-state state"></span>
      <span class="timer"></span>
    </header>
    <p class="meta"></p>
    <p class="deadline" hidden></p>
    <dl class="udata"></dl>
    <ul class="conversations"></ul>
    <div class="fields" data-fields>
      <label data-for="conversation.transfer conversation.conference interaction.consult">Transfer, consult or conference to (extension or number) <input data-field="destination" inputmode="tel" autocomplete="off"></label>
      <label data-for="interaction.complete">Disposition (optional) <input data-field="disposition" autocomplete="off"></label>
    </div>
    <div class="buttons ix-buttons" role="group" aria-label="Call actions"></div>
    <details class="more" data-for="conversation.dtmf interaction.setdata">
      <summary>Digits and attached data</summary>
      <div class="fields">
        <label data-for="conversation.dtmf">Digits <input data-field="digits" inputmode="tel" autocomplete="off"></label>
        <div class="buttons" data-for="conversation.dtmf" data-place="digits" role="group" aria-label="Digits"></div>
        <label data-for="interaction.setdata">Data key <input data-field="key" autocomplete="off"></label>
        <label data-for="interaction.setdata">Data value <input data-field="value" autocomplete="off"></label>
        <div class="buttons" data-for="interaction.setdata" data-place="data" role="group" aria-label="Attached data"></div>
      </div>
    </details>`
  return card
}

/** The conversation a card-wide conversation action (digits) goes to: the connected one, or the primary. */
function activeConversation (ix) {
  return ix.conversations.find(c => c.state === 'connected') ?? ix.conversations.find(c => c.role === 'primary') ?? ix.conversations[0]
}

function updateCard (card, ix, capabilities) {
  const caller = formatNumber(ix.direction === 'outbound' ? ix.to : ix.from)
  const look = callStateLabel(ix)
  card.querySelector('.caller').textContent = caller === '' ? ix.id : caller
  card.setAttribute('aria-label', `${look.text}: ${ix.direction === 'outbound' ? 'call to' : 'call from'} ${caller}`)
  stampCard(card, ix, look, 'time since the call was answered')
  const deadline = card.querySelector('.deadline')
  const until = ix.state === 'ENDED' && typeof ix.wrapUpUntil === 'number' ? ix.wrapUpUntil : undefined
  // wrapUpUntil: a time, null (no limit), or undefined (not read yet: nothing is said).
  deadline.hidden = ix.state !== 'ENDED' || ix.wrapUpUntil === undefined
  if (until !== undefined) deadline.dataset.until = String(until)
  else delete deadline.dataset.until
  if (ix.state === 'ENDED' && ix.wrapUpUntil === null) deadline.textContent = 'Complete the wrap-up when you are done (no time limit).'
  card.querySelector('.meta').textContent = [
    { inbound: 'Incoming call', outbound: 'Outgoing call', internal: 'Internal call', consult: 'Consult call', transfer: 'Transferred call', conference: 'Conference call' }[ix.direction] ?? ix.direction,
    ix.queue === null ? undefined : `queue ${ix.queue}`,
    ix.recording === 'on' ? 'recording' : ix.recording === 'paused' ? 'recording paused' : undefined
  ].filter(Boolean).join(' · ')
  drawData(card.querySelector('.udata'), ix.udata)
  const names = enabledNames(capabilities)
  const rowCaps = capabilities.filter(c => c.name.startsWith('conversation.') && c.name !== 'conversation.dtmf')
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
    li.querySelector('.conv-label').textContent = conversationLabel(conversation)
    li.dataset.role = conversation.role
    li.dataset.state = conversation.state
    li.querySelector('.buttons').setAttribute('aria-label', conversation.role === 'primary' ? 'Caller actions' : 'Consult call actions')
    syncButtons(li.querySelector('.buttons'), rowCaps, (command) => {
      void send(command, conversation.target, cardData(card, command))
    })
  }
  list.hidden = ix.conversations.length === 0
  syncButtons(card.querySelector('.ix-buttons'), capabilities.filter(c => !c.name.startsWith('conversation.') && c.name !== 'interaction.setdata'), (command) => {
    void send(command, ix.target, cardData(card, command))
  })
  syncButtons(card.querySelector('[data-place="digits"]'), capabilities.filter(c => c.name === 'conversation.dtmf'), (command) => {
    const conversation = activeConversation(ix)
    void send(command, conversation?.target ?? ix.target, cardData(card, command))
  })
  syncButtons(card.querySelector('[data-place="data"]'), capabilities.filter(c => c.name === 'interaction.setdata'), (command) => {
    void send(command, ix.target, cardData(card, command))
  })
  showFields(card, names)
}

function tick () {
  // While the picture is in doubt the clocks stop: they would count a state that may be over.
  if (bar.session !== undefined && !bar.usable) return
  const now = Date.now()
  for (const el of document.querySelectorAll('.timer[data-since]')) el.textContent = formatElapsed(now - Number(el.dataset.since))
  for (const el of document.querySelectorAll('.deadline[data-until]')) {
    const left = Number(el.dataset.until) - now
    el.textContent = left > 0 ? `Wrap-up ends by itself in ${formatElapsed(left)}.` : 'Wrap-up is ending…'
  }
}

// ---------------------------------------------------------------- ringing: seen, heard, announced

/** The ringing calls whose Answer button got the focus once (never again: the agent may move on). */
const focusedAnswer = new Set()

/**
 * The calls ringing now (from render): a new one is announced, rung, notified and brought into
 * view; its Answer button gets the focus the first time it is there and usable, unless the agent
 * is typing in a field or is in another window or in the page that frames the bar.
 */
function onRinging (now) {
  const targets = new Set(now.map(r => r.ix.target))
  for (const target of [...ringing]) {
    if (!targets.has(target)) {
      ringing.delete(target)
      focusedAnswer.delete(target)
      closeAlerts(target)
    }
  }
  const active = document.activeElement
  const typing = active !== null && active !== document.body && active.matches('input, select, textarea, [contenteditable]')
  for (const { ix, card } of now) {
    if (!ringing.has(ix.target)) {
      ringing.add(ix.target)
      const words = `Incoming call from ${formatNumber(ix.from) || 'an unknown number'}${ix.queue === null ? '' : `, queue ${ix.queue}`}`
      announce(words)
      bar.announced = words
      desktopAlert(ix, words)
      if (!typing) card.scrollIntoView({ block: 'nearest' })
    }
    if (focusedAnswer.has(ix.target)) continue
    const answer = card.querySelector('button[data-command="conversation.answer"]')
    if (answer === null || answer.disabled) continue
    focusedAnswer.add(ix.target)
    if (!typing && document.hasFocus()) answer.focus()
  }
  refreshRing()
}

function refreshRing () {
  ringer.set(bar.usable && ringing.size > 0)
  const toggle = $('ring-toggle')
  toggle.setAttribute('aria-pressed', String(!ringer.muted))
  // Until the agent clicks or types on the page the browser keeps it silent: say so.
  const blocked = !ringer.muted && !ringer.allowed
  toggle.textContent = ringer.muted ? 'Ring: off' : blocked ? 'Ring: on (click to allow sound)' : 'Ring: on'
  toggle.dataset.blocked = String(blocked)
}

const alerts = new Map()
function desktopAlert (ix, words) {
  if (!('Notification' in window) || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return
  try {
    const alert = new Notification('Incoming call', { body: words, tag: ix.target, requireInteraction: true })
    alert.onclick = () => {
      window.focus()
      alert.close()
    }
    alerts.set(ix.target, alert)
  } catch {}
}

function closeAlerts (target) {
  for (const [key, alert] of alerts) {
    if (target === undefined || key === target) {
      alert.close()
      alerts.delete(key)
    }
  }
}

function refreshAlertsButton () {
  const button = $('alerts-toggle')
  // Browsers refuse the permission to a page inside another's frame: no button there.
  button.hidden = !('Notification' in window) || Notification.permission !== 'default' || window.parent !== window
}

// ---------------------------------------------------------------- keyboard shortcuts

/**
 * A answers, H hangs up, K holds or retrieves: they press the button the workflow enabled (the
 * ringing call first for A, a call that is not ringing first for H and K). Alone they work
 * outside text fields; with Alt, anywhere.
 */
function onShortcut (event) {
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.repeat) return
  // The letter as the agent's layout types it; with Alt (which changes the letter on some
  // systems) the key's place on a QWERTY board.
  const key = event.altKey ? { KeyA: 'A', KeyH: 'H', KeyK: 'K' }[event.code] : { a: 'A', h: 'H', k: 'K' }[event.key.toLowerCase()]
  if (key === undefined) return
  const target = event.target
  const typing = target instanceof Element && target.matches('input, select, textarea, [contenteditable]')
  if (typing && !event.altKey) return
  const button = shortcutButton(key)
  if (button !== null) {
    event.preventDefault()
    button.click()
  }
}

/**
 * The button a shortcut presses, among those enabled: A the ringing call's Answer; H the
 * connected conversation's Hang up (the consult call while consulting, never the held
 * customer first); K Hold on the connected conversation, else Retrieve on a held one.
 */
function shortcutButton (key) {
  const find = (selector) => document.querySelector(`${selector}:not(:disabled)`)
  const connected = '.card .conversations li[data-state="connected"]'
  if (key === 'A') return find('#ringing-cards button[data-command="conversation.answer"]') ?? find('button[data-command="conversation.answer"]')
  if (key === 'H') return find(`#cards ${connected} button[data-command="conversation.release"]`) ?? find('#cards button[data-command="conversation.release"]')
  return find(`#cards ${connected} button[data-command="conversation.hold"]`) ??
    find('#cards .conversations li[data-state="held"] button[data-command="conversation.retrieve"]') ??
    find('#cards button[data-command="conversation.hold"], #cards button[data-command="conversation.retrieve"]')
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
      text.textContent = `${formatNumber(c.from)}: ${simulatorCallLabel(c)}`
      const hangUp = document.createElement('button')
      hangUp.type = 'button'
      hangUp.className = 'secondary'
      hangUp.textContent = 'Caller hangs up'
      hangUp.setAttribute('aria-label', `Caller hangs up (${formatNumber(c.from)}, ${c.id})`)
      hangUp.addEventListener('click', () => { void simulator('DELETE', `/simulator/calls/${encodeURIComponent(c.id)}`) })
      li.append(text, hangUp)
      return li
    }))
    $('sim-empty').hidden = calls.length > 0
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

/** One request to the simulator's control routes; resolves with whether it succeeded. */
async function simulator (method, path, body) {
  clearNotices('simulator')
  let ok = true
  try {
    await call(bar.server.base, method, path, { body })
  } catch (err) {
    ok = false
    notice(`Simulator: ${failureText(err)}`, 'error', 'simulator')
  }
  void refreshSimulator()
  return ok
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
initChats({
  syncButtons,
  showFields,
  send,
  usable: () => bar.usable,
  announce: (words) => {
    announce(words)
    bar.announced = words
  },
  reasonLabel,
  simulator,
  call: (method, path, body) => call(bar.server.base, method, path, { body }),
  base: () => bar.server?.base
})
$('ring-toggle').addEventListener('click', () => {
  // A click while sound is blocked only allows it (the ring stays on).
  if (!ringer.muted && !ringer.allowed) ringer.unlock()
  else ringer.setMuted(!ringer.muted)
  refreshRing()
})
ringer.onchange = refreshRing
$('alerts-toggle').addEventListener('click', () => {
  void Notification.requestPermission().then(refreshAlertsButton, refreshAlertsButton)
})
// Browsers let a page make sound only after a gesture: the first click or key prepares the ring.
for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, () => { ringer.unlock() }, { capture: true })
document.addEventListener('keydown', onShortcut)
setInterval(tick, 1000)
setInterval(() => { void refreshLoad() }, 60000)
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
  get resumable () { return bar.credential !== undefined },
  /** Whether the buttons may be used, and why not (`stale`). */
  get usable () { return bar.usable },
  get stale () { return bar.stale },
  /** The ring: sounding now, bursts started, muted, and the audio context's state. */
  get ring () { return { playing: ringer.playing, ringing: ringer.ringing, bursts: ringer.bursts, muted: ringer.muted, audio: ringer.context?.state ?? 'none' } },
  /** The last announcement of an incoming call or an offered chat. */
  get announced () { return bar.announced },
  /** The chats: target, customer, state, how many messages and how many unread. */
  get chats () { return chatSummary() }
}

bar.credential = readCredential()
if (bar.credential !== undefined) $('agent-id').value = bar.credential.agentId
refreshAlertsButton()
refreshRing()
setInterval(() => { void refreshKnown() }, 15000)
void boot()
