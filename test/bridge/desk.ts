import type { Test } from 'tap'
import { PROCESSOR_ID, WM } from '../helpers/app.js'

export interface Answer { status: number, json: Record<string, any> }

/** Polls `probe` until it gives a value (every 25 ms, for `ms` at most); throws naming `what`. */
export async function until<T> (what: string, probe: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

/** Passes once `p` has logged a line matching `pattern` (a log line may reach the pipe after an answer). */
export async function logged (t: Test, p: { stdout: () => string }, pattern: RegExp, what: string): Promise<void> {
  await until(what, async () => pattern.test(p.stdout()) ? true : undefined)
  t.pass(what)
}

export async function http (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) })
  })
  const text = await res.text()
  return { status: res.status, json: text === '' ? {} : JSON.parse(text) }
}

/** A media bar over real HTTP against a server process: one client, both services, one agent session. */
export class Desk {
  readonly base: string
  readonly token: string
  readonly clientId: string
  rid = ''

  private constructor (base: string, token: string, clientId: string) {
    this.base = base
    this.token = token
    this.clientId = clientId
  }

  static async open (base: string): Promise<Desk> {
    const opened = await http(base, 'POST', '/clients', { name: 'desk' })
    if (opened.status !== 201) throw new Error(`open a client: ${opened.status} ${JSON.stringify(opened.json)}`)
    return new Desk(base, String(opened.json.token), String(opened.json.clientId))
  }

  async call (method: string, path: string, body?: unknown): Promise<Answer> {
    return await http(this.base, method, path, body, { authorization: `Bearer ${this.token}` })
  }

  /** Binds both services and prepares the agent's session (adopting it when the CTI has it), binds both resources. */
  async login (agent: { id: string, password?: string, resumeToken?: string }, model?: string): Promise<Answer> {
    return await this.prepare(agent, true, model)
  }

  /** Binds both services and sends prepareSession; on success binds both resources (a confirm or failure is returned as it came). */
  async prepare (agent: { id: string, password?: string, resumeToken?: string }, override = false, model?: string): Promise<Answer> {
    await this.call('POST', `/services/${PROCESSOR_ID}/binding`)
    await this.call('POST', `/services/${WM}/binding`)
    const prepared = await this.call('POST', `/services/${PROCESSOR_ID}/sessions`, { agent, ...(override && { override: true }), ...(model !== undefined && { model }) })
    if (prepared.status !== 201) return prepared
    this.rid = String(prepared.json.resource.id)
    await this.call('POST', `/services/${PROCESSOR_ID}/resources/${this.rid}/binding`)
    await this.call('POST', `/services/${WM}/resources/${this.rid}/binding`)
    return prepared
  }

  async request (command: string, target?: string, data?: unknown): Promise<Answer> {
    return await this.call('POST', `/services/${PROCESSOR_ID}/resources/${this.rid}/requests`, { command, ...(target !== undefined && { target }), ...(data !== undefined && { data }) })
  }

  /** The processor's picture of the session. */
  async picture (): Promise<Record<string, any>> {
    return (await this.call('GET', `/services/${PROCESSOR_ID}/resources/${this.rid}`)).json.data
  }

  /** The enabled buttons of a workflow target (the session, or `<rid>.voice.<ix>`). */
  async buttons (target: string): Promise<string[]> {
    const views = (await this.call('GET', `/services/${WM}/resources/${this.rid}`)).json.data.views as Array<{ target: string, capabilities: Array<{ name: string, type: string }> }>
    return (views.find(v => v.target === target)?.capabilities ?? []).filter(c => c.type === 'enable').map(c => c.name)
  }
}
