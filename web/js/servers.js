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
