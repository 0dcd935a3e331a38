// Instance choice by load: read GET /services from every configured server, keep those whose
// Interaction Processor is in service and accepting clients, pick the one with the fewest clients.

import { call } from './api.js'

const PROCESSOR_TYPE = 'com.openmethods.iserver.processor'

/** What one server says about itself; never throws (an unreachable server is a candidate too). */
export async function probe (base, timeoutMs = 3000) {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const answer = await call(base, 'GET', '/services', { signal })
    const processor = answer.data.services.find(s => s.type === PROCESSOR_TYPE)
    if (processor === undefined) return { base, ok: false, why: 'no Interaction Processor' }
    const status = processor.serviceStatus
    if (status.status !== 'InService') return { base, ok: false, why: `processor ${status.status}` }
    if (!status.acceptingClients) return { base, ok: false, why: 'not accepting clients' }
    return { base, ok: true, processor: { id: processor.id, name: processor.name }, clients: status.clientCount }
  } catch (err) {
    return { base, ok: false, why: err.message }
  }
}

/**
 * Probes every server at once and returns `{ chosen, candidates }`: the accepting server with the
 * fewest clients (the first listed wins a tie), or `chosen: undefined` when none accepts.
 */
export async function choose (servers) {
  const candidates = await Promise.all(servers.map(base => probe(base)))
  let chosen
  for (const c of candidates) {
    if (c.ok && (chosen === undefined || c.clients < chosen.clients)) chosen = c
  }
  return { chosen, candidates }
}

// ---------------------------------------------------------------- the instance domain

/**
 * GET /domain from the first of `bases` that answers: `{ from, domain, tried }`, `from` and
 * `domain` undefined when none did (`tried` says why each failed). Never throws.
 */
export async function readDomain (bases, timeoutMs = 3000) {
  const tried = []
  for (const base of bases) {
    try {
      const domain = await call(base, 'GET', '/domain', { signal: AbortSignal.timeout(timeoutMs) })
      return { from: base, domain, tried }
    } catch (err) {
      tried.push({ base, why: err.message })
    }
  }
  return { from: undefined, domain: undefined, tried }
}

const originOf = (url) => {
  try {
    return new URL(url, location.href).origin
  } catch {
    return url
  }
}

/** Whether two server addresses ('' is the page's own) name the same origin. */
export function sameServer (a, b) {
  return a !== undefined && b !== undefined && originOf(a || location.origin) === originOf(b || location.origin)
}

/**
 * The domain's instances a media bar may use (accepting clients, with a URL): `home` first (the
 * instance that holds the agent's session, after a reload), then the fewest clients; a tie goes
 * to the first of `prefer` (the page's own instance), then to the listed order. `avoid` (the
 * instance just lost) goes last: it is tried only when no other answers. Also returns the
 * instances left out, with why.
 */
export function rank (instances, { home, prefer = [], avoid } = {}) {
  const left = []
  const usable = []
  for (const instance of instances) {
    if (instance.url === '') left.push({ instance, why: 'no PUBLIC_URL' })
    else if (!instance.acceptingClients) left.push({ instance, why: `not accepting clients (${instance.status})` })
    else usable.push(instance)
  }
  const preference = (instance) => {
    const at = prefer.findIndex(url => sameServer(url, instance.url))
    return at === -1 ? prefer.length : at
  }
  const flag = (url) => (instance) => (url !== undefined && sameServer(url, instance.url) ? 1 : 0)
  const lost = flag(avoid)
  const away = (instance) => 1 - flag(home)(instance)
  const ranked = usable
    .map((instance, order) => ({ instance, order }))
    .sort((x, y) => lost(x.instance) - lost(y.instance) || away(x.instance) - away(y.instance) ||
      x.instance.clientCount - y.instance.clientCount || preference(x.instance) - preference(y.instance) || x.order - y.order)
    .map(x => x.instance)
  return { ranked, left }
}

/**
 * Chooses an instance of the domain: probes the ranked instances (GET /services, for the
 * processor and to know the instance answers) one after another and takes the first that
 * accepts. `{ chosen, candidates, ranked, left }`: `candidates` the probed ones, `chosen`
 * undefined when none accepts.
 */
export async function chooseInDomain (domain, options) {
  const { ranked, left } = rank(domain.instances, options)
  const candidates = []
  for (const instance of ranked) {
    const probed = await probe(instance.url)
    const candidate = { ...probed, instance }
    candidates.push(candidate)
    if (probed.ok) return { chosen: candidate, candidates, ranked, left }
  }
  return { chosen: undefined, candidates, ranked, left }
}
