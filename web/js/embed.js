// The media bar inside another page (a CRM that frames it): a small postMessage API to the page
// that frames it, the host. Only when the bar is in a frame, and only with the host: a message
// counts when its `event.source` is the bar's parent window and its `event.origin` is one of
// `embedOrigins` (GET /mediabar/config, from FRAME_ANCESTORS; `'self'` is the bar's own origin);
// every other message is ignored, unanswered. The bar posts to one origin, never to '*': the
// host's, as its last `his.hello` said (before that, document.referrer's origin when it is
// allowed). Nothing secret is ever posted: no token, no password, no resume credential.
//
// Host → bar:
//   { type: 'his.hello' }
//       → { type: 'his.ready', version: 1, agent: {...} | null, calls: [call, …] }, and the bar
//         posts to this origin from now on.
//   { type: 'his.dial', destination: string (1 to 64 characters), requestId?: string (up to 64) }
//       → { type: 'his.dial.result', requestId: string | null, ok: boolean, code?, message? }:
//         the bar dials as if the agent had (Dial); ok false with the server's failure code, or
//         NOT_LOGGED_IN / NOT_ENABLED when the agent cannot dial now.
//   anything else (not an object, an unknown type, a bad field)
//       → { type: 'his.error', code: 'INVALID_MESSAGE' | 'UNKNOWN_COMMAND', message, requestId }
// Bar → host:
//   { type: 'his.ready', … }  also once by itself when the bar starts (a reloaded frame says so).
//   { type: 'his.call', event: 'ringing' | 'connected' | 'held' | 'ended', call }
//       call: { id, direction, ani, dnis, queue, udata, state }: ani is who calls (`from`), dnis
//       whom they call (`to`); state is the interaction's (ALERTING, DIALING, STARTED, ENDED,
//       COMPLETED); held: its primary conversation is held. One message per change.
//   { type: 'his.agent', state, reason, agent }  when the agent changes (its state, reason, name
//       as the session's snapshot fills it in …); state logged_out and agent null when the
//       session ends.
//   agent: { name, extension, state, reason, loggedIn }.

const VERSION = 1
/** The longest destination and requestId a host may send. */
const MAX_TEXT = 64
/** Messages that arrive before the bar knows its settings, kept for then (at most this many). */
const MAX_EARLY = 16

const embed = {
  framed: window.parent !== window,
  active: false,
  /** @type {Set<string>} */
  allowed: new Set(),
  /** The origin the bar posts to (undefined: nobody yet). */
  host: undefined,
  dial: undefined,
  snapshot: undefined,
  /** @type {Map<string, { event: string, call: object }>} interaction target → the last call posted */
  calls: new Map(),
  /** The agent as last posted (JSON; null: no session). */
  agent: 'null',
  /** Messages ignored (wrong source or origin), for tests and curious people. */
  ignored: 0,
  /** @type {Array<{ origin: string, fromParent: boolean, data: unknown }>} */
  early: []
}

if (embed.framed) window.addEventListener('message', onMessage)

/**
 * Starts the API (once; nothing happens outside a frame): `embedOrigins` the origins of
 * GET /mediabar/config, `dial(destination)` a Promise of `{ ok: true }` or
 * `{ ok: false, code, message }`, `snapshot()` the session picture (or undefined).
 */
export function initEmbed ({ embedOrigins, dial, snapshot }) {
  if (!embed.framed || embed.active) return
  const origins = Array.isArray(embedOrigins) ? embedOrigins.filter(o => typeof o === 'string') : []
  embed.allowed = new Set(origins.map(o => o === "'self'" ? location.origin : o))
  embed.dial = dial
  embed.snapshot = snapshot
  embed.active = true
  const early = embed.early
  embed.early = []
  if (embed.allowed.size === 0) return
  const referrer = originOf(document.referrer)
  if (referrer !== undefined && embed.allowed.has(referrer)) {
    embed.host = referrer
    post(referrer, ready())
  }
  for (const message of early) receive(message)
}

/**
 * Tells the host what changed in the agent's calls since the last time (`interactions`: the
 * picture's Map target → interaction, empty after the session), and the agent's state.
 */
export function publishCalls (interactions) {
  if (!embed.active) return
  const seen = new Set()
  for (const ix of interactions instanceof Map ? interactions.values() : []) {
    seen.add(ix.target)
    const event = eventOf(ix)
    const known = embed.calls.get(ix.target)
    const call = callOf(ix)
    embed.calls.set(ix.target, { event, call })
    if (known?.event !== event) publish({ type: 'his.call', event, call })
  }
  for (const [target, known] of embed.calls) {
    if (seen.has(target)) continue
    embed.calls.delete(target)
    if (known.event !== 'ended') publish({ type: 'his.call', event: 'ended', call: { ...known.call, state: 'ENDED' } })
  }
  const agent = agentOf(embed.snapshot?.())
  const seenAgent = JSON.stringify(agent)
  if (seenAgent !== embed.agent) {
    embed.agent = seenAgent
    publish({ type: 'his.agent', state: agent?.state ?? 'logged_out', reason: agent?.reason ?? null, agent })
  }
}

// For tests and curious people: what the API sees, read-only.
window.mediaBarEmbed = {
  get active () { return embed.active },
  get host () { return embed.host },
  get ignored () { return embed.ignored }
}

// ---------------------------------------------------------------- receiving

function onMessage (event) {
  const message = { origin: event.origin, fromParent: event.source === window.parent, data: event.data }
  if (embed.active) receive(message)
  else if (embed.early.length < MAX_EARLY) embed.early.push(message)
}

function receive ({ origin, fromParent, data }) {
  if (!fromParent || !embed.allowed.has(origin)) {
    embed.ignored++
    return
  }
  try {
    handle(origin, data)
  } catch {
    post(origin, { type: 'his.error', code: 'INTERNAL', message: 'the media bar could not handle this message', requestId: null })
  }
}

function handle (origin, data) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    refuse(origin, null, 'INVALID_MESSAGE', 'a message is an object with a type (his.hello, his.dial)')
    return
  }
  const requestId = data.requestId === undefined ? null : data.requestId
  if (requestId !== null && (typeof requestId !== 'string' || requestId.length > MAX_TEXT)) {
    refuse(origin, null, 'INVALID_MESSAGE', `requestId is a string of at most ${MAX_TEXT} characters`)
    return
  }
  switch (data.type) {
    case 'his.hello':
      embed.host = origin
      post(origin, ready())
      return
    case 'his.dial': {
      const destination = typeof data.destination === 'string' ? data.destination.trim() : ''
      if (destination === '' || destination.length > MAX_TEXT) {
        refuse(origin, requestId, 'INVALID_MESSAGE', `destination is a string of 1 to ${MAX_TEXT} characters`)
        return
      }
      void dialFor(origin, destination, requestId)
      return
    }
    default: {
      const type = typeof data.type === 'string' ? JSON.stringify(data.type.slice(0, MAX_TEXT)) : `a type of ${typeof data.type}`
      refuse(origin, requestId, typeof data.type === 'string' ? 'UNKNOWN_COMMAND' : 'INVALID_MESSAGE', `unknown message ${type} (his.hello, his.dial)`)
    }
  }
}

async function dialFor (origin, destination, requestId) {
  let result
  try {
    result = await embed.dial(destination)
  } catch (err) {
    result = { ok: false, code: 'INTERNAL', message: String(err?.message ?? err) }
  }
  const ok = result?.ok === true
  post(origin, {
    type: 'his.dial.result',
    requestId,
    ok,
    ...(!ok && { code: typeof result?.code === 'string' ? result.code : 'INTERNAL', message: String(result?.message ?? '') })
  })
}

function refuse (origin, requestId, code, message) {
  post(origin, { type: 'his.error', code, message, requestId })
}

// ---------------------------------------------------------------- sending

function ready () {
  const picture = embed.snapshot?.()
  const interactions = picture?.interactions instanceof Map ? [...picture.interactions.values()] : []
  return { type: 'his.ready', version: VERSION, agent: agentOf(picture), calls: interactions.map(callOf) }
}

/** To the host, when there is one. */
function publish (message) {
  if (embed.host !== undefined) post(embed.host, message)
}

function post (origin, message) {
  try {
    window.parent.postMessage(message, origin)
  } catch {
    // A message that cannot be cloned or an origin that cannot be posted to: nothing to tell.
  }
}

// ---------------------------------------------------------------- what is posted

function originOf (url) {
  try {
    return url === '' ? undefined : new URL(url).origin
  } catch {
    return undefined
  }
}

function eventOf (ix) {
  if (ix.state === 'ENDED' || ix.state === 'COMPLETED') return 'ended'
  if (ix.state === 'ALERTING' || ix.state === 'DIALING') return 'ringing'
  const conversations = Array.isArray(ix.conversations) ? ix.conversations : []
  const primary = conversations.find(c => c.role === 'primary') ?? conversations[0]
  return primary?.state === 'held' ? 'held' : 'connected'
}

function callOf (ix) {
  return {
    id: ix.id,
    direction: ix.direction,
    ani: ix.from ?? '',
    dnis: ix.to ?? '',
    queue: ix.queue ?? null,
    udata: { ...(ix.udata ?? {}) },
    state: ix.state
  }
}

function agentOf (picture) {
  const agent = picture?.agent
  if (agent === undefined || agent === null) return null
  return { name: agent.name, extension: agent.extension, state: agent.state, reason: agent.reason ?? null, loggedIn: agent.loggedIn === true }
}
