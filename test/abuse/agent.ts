import { configWith } from '../../src/config.js'
import type { Peer } from './peer.js'

const PROCESSOR_ID = configWith().PROCESSOR_ID
export const ADMIN_TOKEN = 'abuse-suite-operator-token-0123456789'

async function until<T> (what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/**
 * What a real agent does, from `peer`'s address, while an attack runs: open a client, log in
 * (taking over any earlier session of theirs), get ready, take a call the operator rings to
 * their extension, and hang up. Throws, saying which step failed, when any does.
 */
export async function agentTakesACall (peer: Peer, operator: Peer, agent: { id: string, password: string, extension: string }): Promise<void> {
  const opened = await peer.send('POST', '/clients', { body: { name: 'real agent' } })
  if (opened.status !== 201) throw new Error(`open a client: ${opened.status} ${opened.text}`)
  const auth = { authorization: `Bearer ${String(opened.json.token)}` }
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, any>> => {
    const res = await peer.send(method, path, { headers: auth, ...(body !== undefined && { body }) })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    return res.json
  }
  await call('POST', `/services/${PROCESSOR_ID}/binding`)
  await call('POST', '/services/WorkflowManager/binding')
  const prepared = await call('POST', `/services/${PROCESSOR_ID}/sessions`, { agent: { id: agent.id, password: agent.password }, override: true })
  const rid = String(prepared.resource.id)
  await call('POST', `/services/${PROCESSOR_ID}/resources/${rid}/binding`)
  await call('POST', `/services/WorkflowManager/resources/${rid}/binding`)
  const request = async (command: string, target?: string): Promise<Record<string, any>> =>
    await call('POST', `/services/${PROCESSOR_ID}/resources/${rid}/requests`, { command, ...(target !== undefined && { target }) })
  await until('the agent is logged in and ready', async () => {
    const res = await peer.send('POST', `/services/${PROCESSOR_ID}/resources/${rid}/requests`, { headers: auth, body: { command: 'session.ready' } })
    return res.status === 200 ? true : undefined
  })
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
  const rung = await operator.send('POST', '/simulator/calls', { headers: admin, body: { from: '+15550001111', to: agent.extension } })
  if (rung.status !== 201) throw new Error(`ring the agent: ${rung.status} ${rung.text}`)
  const target = await until('the call rings at the agent', async () => {
    const calls = (await operator.send('GET', '/simulator/calls', { headers: admin })).json.calls as Array<Record<string, any>> | undefined
    const leg = calls?.find(c => c.id === rung.json.callId)?.parties.find((p: Record<string, any>) => p.agentId === agent.id)
    return leg === undefined ? undefined : `${rid}.voice.${String(leg.interactionId)}.${String(leg.id)}`
  })
  await request('conversation.answer', target)
  await request('conversation.release', target)
  await call('DELETE', `/clients/${String(opened.json.clientId)}`)
}
