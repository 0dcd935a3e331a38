import { WebSocket } from 'ws'
import { compileCheck } from '../core/check.js'
import { AgentSnapshotSchema } from '../schemas/snapshot.schema.js'
import { BRIDGE_OPERATIONS, BRIDGE_PROTOCOL, BRIDGE_VERSIONS, FROM_CONNECTOR, WelcomeSchema } from './protocol.js'

/**
 * The conformance suite of the CTI bridge (docs/cti-bridge.md, Conformance): drives a connector
 * through the whole protocol and says, check by check, what it does right. `npm run conformance
 * -- --url ws://… --token … --agent id:password` runs it against any connector; the simulator
 * connector passes it in CI (test/bridge/conformance.test.ts).
 */
export interface ConformanceOptions {
  url: string
  token: string
  /** An agent the platform knows, with its password, not on a call: it is logged in and out. */
  agent: { id: string, password: string }
  /** How long to wait for any one answer or event. */
  waitMs?: number
}

export interface CheckResult {
  name: string
  ok: boolean
  detail: string
}

const messageCheck = compileCheck(FROM_CONNECTOR, 'message')
const welcomeCheck = compileCheck(WelcomeSchema, 'welcome')
const snapshotCheck = compileCheck(AgentSnapshotSchema, 'snapshot')
const authCheck = compileCheck(BRIDGE_OPERATIONS.authenticate.result, 'authenticate result')
const outcomeCheck = compileCheck(BRIDGE_OPERATIONS.logoutWhenIdle.result, 'logoutWhenIdle result')
const SETTINGS = { ringNoAnswerMs: 15000, wrapUpMs: null, afterWrapUp: 'ready', afterWrapUpReason: null }

type Message = Record<string, any>

function isMessage (value: unknown): value is Message {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One connection to the connector under test, with what it received, in order. */
class Peer {
  readonly received: Message[] = []
  readonly problems: string[] = []
  closed: { code: number, reason: string } | undefined
  readonly #ws: WebSocket
  readonly #waitMs: number
  #nextId = 1
  #waiters: Array<() => void> = []

  private constructor (ws: WebSocket, waitMs: number) {
    this.#ws = ws
    this.#waitMs = waitMs
    ws.on('message', (raw, isBinary) => {
      let message: unknown
      try {
        message = isBinary ? undefined : JSON.parse(raw.toString())
      } catch {}
      if (!messageCheck.check.Check(message)) {
        const first = messageCheck.check.Errors(message).First()
        this.problems.push(`a message that is not of the protocol: ${first?.path ?? ''} ${first?.message ?? 'not JSON text'}`)
      }
      if (isMessage(message)) this.received.push(message)
      this.#wake()
    })
    ws.on('close', (code, reason) => { this.closed = { code, reason: reason.toString() }; this.#wake() })
    ws.on('error', () => {})
  }

  static async open (url: string, waitMs: number): Promise<Peer> {
    const ws = new WebSocket(url)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => { resolve() })
      ws.once('error', reject)
    })
    return new Peer(ws, waitMs)
  }

  #wake (): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w()
  }

  sendRaw (text: string): void {
    this.#ws.send(text)
  }

  send (message: unknown): void {
    this.#ws.send(JSON.stringify(message))
  }

  hello (token: string, overrides: Message = {}): void {
    this.send({ type: 'hello', protocol: BRIDGE_PROTOCOL, versions: [...BRIDGE_VERSIONS], token, heartbeatMs: 1000, server: { vendor: 'conformance', version: '1', instance: 'conformance' }, ...overrides })
  }

  /** The first message received that `match` accepts (waiting for it), or undefined after the wait. */
  async next (match: (m: Message) => boolean, waitMs = this.#waitMs): Promise<Message | undefined> {
    const deadline = Date.now() + waitMs
    for (;;) {
      const found = this.received.find(match)
      if (found !== undefined) return found
      if (this.closed !== undefined || Date.now() >= deadline) return undefined
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, deadline - Date.now())
        this.#waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  async untilClosed (waitMs = this.#waitMs): Promise<{ code: number, reason: string } | undefined> {
    await this.next(() => false, waitMs)
    return this.closed
  }

  /** Sends a request; resolves with its response (or undefined after the wait). */
  async request (op: string, args: unknown): Promise<Message | undefined> {
    const id = this.#nextId++
    this.send({ type: 'request', id, op, args })
    return await this.next(m => m.type === 'response' && m.id === id)
  }

  /** The request's result; throws with the error when it failed. */
  async call (op: string, args: unknown): Promise<unknown> {
    const response = await this.request(op, args)
    if (response === undefined) throw new Error(`${op}: no response within the wait`)
    if (response.ok !== true) throw new Error(`${op}: ${String(response.error?.code)} ${String(response.error?.message)}`)
    return response.result
  }

  async event (match: (event: Message) => boolean, waitMs?: number): Promise<Message | undefined> {
    return await this.next(m => m.type === 'event' && match(m.event), waitMs)
  }

  close (): void {
    this.#ws.terminate()
  }
}

/** Runs every check in order; a check that throws fails with its message. The connector is left with the agent logged out. */
export async function runConformance (options: ConformanceOptions): Promise<CheckResult[]> {
  const waitMs = options.waitMs ?? 3000
  const { id: agentId, password } = options.agent
  const results: CheckResult[] = []
  const peers: Peer[] = []
  const open = async (): Promise<Peer> => {
    const peer = await Peer.open(options.url, waitMs)
    peers.push(peer)
    return peer
  }
  /** A connection that said hello and got its welcome. */
  const ready = async (): Promise<Peer> => {
    const peer = await open()
    peer.hello(options.token)
    const welcome = await peer.next(m => m.type === 'welcome' || m.type === 'refused')
    if (welcome?.type !== 'welcome') throw new Error(`no welcome (${welcome === undefined ? 'nothing' : JSON.stringify(welcome)})`)
    return peer
  }
  const check = async (name: string, run: () => Promise<string | undefined>): Promise<void> => {
    try {
      const problem = await run()
      results.push({ name, ok: problem === undefined, detail: problem ?? 'ok' })
    } catch (err) {
      results.push({ name, ok: false, detail: err instanceof Error ? err.message : String(err) })
    }
  }

  try {
    await check('a wrong token is refused with AUTH_FAILED, and the socket closed', async () => {
      const peer = await open()
      peer.hello(`${options.token}-wrong`)
      const answer = await peer.next(m => m.type === 'welcome' || m.type === 'refused')
      if (answer?.type !== 'refused' || answer.code !== 'AUTH_FAILED') return `answered ${JSON.stringify(answer ?? 'nothing')}`
      return (await peer.untilClosed()) === undefined ? 'the socket stayed open' : undefined
    })
    await check('no common version is refused with VERSION_UNSUPPORTED, naming the connector\'s versions', async () => {
      const peer = await open()
      peer.hello(options.token, { versions: [9999] })
      const answer = await peer.next(m => m.type === 'welcome' || m.type === 'refused')
      if (answer?.type !== 'refused' || answer.code !== 'VERSION_UNSUPPORTED') return `answered ${JSON.stringify(answer ?? 'nothing')}`
      if (!Array.isArray(answer.versions) || answer.versions.length === 0) return 'the refusal does not list the connector\'s versions'
      return (await peer.untilClosed()) === undefined ? 'the socket stayed open' : undefined
    })
    await check('a first message that is not a hello is refused with INVALID_MESSAGE', async () => {
      const peer = await open()
      peer.send({ type: 'request', id: 1, op: 'snapshot', args: { agentId } })
      const answer = await peer.next(m => m.type === 'refused' || m.type === 'response')
      if (answer?.type !== 'refused' || answer.code !== 'INVALID_MESSAGE') return `answered ${JSON.stringify(answer ?? 'nothing')}`
      return undefined
    })
    await check('hello is answered with a welcome: a version we offered, the connector\'s whole info', async () => {
      const peer = await open()
      peer.hello(options.token)
      const answer = await peer.next(m => m.type === 'welcome' || m.type === 'refused')
      if (answer === undefined) return 'no answer'
      welcomeCheck.parse(answer)
      return BRIDGE_VERSIONS.includes(Number(answer.version)) ? undefined : `version ${String(answer.version)} was not offered`
    })
    const main = await ready()
    await check('heartbeats arrive at the interval agreed', async () => {
      const started = main.received.length
      const beat = await main.next(m => m.type === 'heartbeat' && main.received.indexOf(m) >= started, 2500)
      return beat === undefined ? 'no heartbeat within 2.5 s (1 s asked)' : undefined
    })
    await check('an unknown operation is answered UNKNOWN_COMMAND, with the request\'s id', async () => {
      const answer = await main.request('fly', {})
      return answer?.ok === false && answer.error?.code === 'UNKNOWN_COMMAND' ? undefined : `answered ${JSON.stringify(answer ?? 'nothing')}`
    })
    await check('arguments that do not fit the operation are answered INVALID_MESSAGE', async () => {
      const answer = await main.request('snapshot', { agent: 42 })
      return answer?.ok === false && answer.error?.code === 'INVALID_MESSAGE' ? undefined : `answered ${JSON.stringify(answer ?? 'nothing')}`
    })
    await check('a message that is not JSON leaves the connection up', async () => {
      main.sendRaw('{"type": "request", ')
      const answer = await main.request('info', {})
      return answer?.ok === true ? undefined : `the next request got ${JSON.stringify(answer ?? 'nothing')}`
    })
    await check('authenticate: an unknown agent is refused with AUTH_FAILED', async () => {
      const result = authCheck.parse(await main.call('authenticate', { agentId: 'conformance-nobody', password: 'x' }))
      return !result.ok && result.code === 'AUTH_FAILED' ? undefined : `answered ${JSON.stringify(result)}`
    })
    await check('authenticate: a wrong password is refused with AUTH_FAILED', async () => {
      const result = authCheck.parse(await main.call('authenticate', { agentId, password: `${password}-wrong` }))
      return !result.ok && result.code === 'AUTH_FAILED' ? undefined : `answered ${JSON.stringify(result)}`
    })
    await check('authenticate: the agent\'s own password is taken, with the agent\'s id, name and extension', async () => {
      const result = authCheck.parse(await main.call('authenticate', { agentId, password }))
      return result.ok && result.agent.id === agentId ? undefined : `answered ${JSON.stringify(result)}`
    })
    await check('snapshot answers an AgentSnapshot of the agent', async () => {
      const snap = snapshotCheck.parse(await main.call('snapshot', { agentId }))
      if (snap.agentId !== agentId) return `the snapshot is of ${snap.agentId}`
      if (snap.loggedIn) {
        // Left logged in by an earlier run: out first (it must have no call).
        await main.call('logout', { agentId, reason: 'conformance' })
      }
      return undefined
    })
    await check('attach and login: session.started arrives as event 1 of the connection, then the agent\'s state', async () => {
      await main.call('attach', { agentId })
      await main.call('login', { agentId, settings: SETTINGS })
      const started = await main.event(e => e.agentId === agentId && e.name === 'session.started')
      if (started === undefined) return 'no session.started event'
      const first = main.received.find(m => m.type === 'event')
      return first?.seq === 1 ? undefined : `the first event has seq ${String(first?.seq)}`
    })
    await check('events are numbered 1, 2, 3 … without a gap', async () => {
      const seqs = main.received.filter(m => m.type === 'event').map(m => Number(m.seq))
      return seqs.every((s, i) => s === i + 1) ? undefined : `seq ${seqs.join(',')}`
    })
    await check('configure answers', async () => {
      await main.call('configure', { agentId, settings: SETTINGS })
      return undefined
    })
    await check('execute session.ready: the agent\'s state.updated says ready', async () => {
      await main.call('execute', { agentId, request: { command: 'session.ready', data: {} } })
      const event = await main.event(e => e.agentId === agentId && e.scope === 'session' && e.name === 'state.updated' && e.data?.state === 'ready')
      return event === undefined ? 'no state.updated ready' : undefined
    })
    await check('execute of something the agent cannot do now is a typed error of the failure catalogue', async () => {
      const answer = await main.request('execute', { agentId, request: { command: 'conversation.answer', channelId: 'voice', interactionId: 'conformance-none', conversationId: 'none', data: {} } })
      if (answer?.ok !== false) return `answered ${JSON.stringify(answer ?? 'nothing')}`
      return ['INVALID_TARGET', 'INVALID_STATE', 'UNSUPPORTED'].includes(String(answer.error?.code)) ? undefined : `code ${String(answer.error?.code)}`
    })
    await check('requests in flight together are answered by their ids', async () => {
      const answers = await Promise.all([1, 2, 3, 4, 5].map(async () => await main.request('snapshot', { agentId })))
      return answers.every(a => a?.ok === true) ? undefined : `${answers.filter(a => a?.ok !== true).length} of 5 not answered`
    })
    await check('a connection dropped in the middle of a request leaves the agent logged in', async () => {
      const other = await ready()
      other.send({ type: 'request', id: 1, op: 'execute', args: { agentId, request: { command: 'session.notready', data: {} } } })
      other.close()
      await new Promise(resolve => setTimeout(resolve, 200))
      const snap = snapshotCheck.parse(await main.call('snapshot', { agentId }))
      return snap.loggedIn ? undefined : 'the agent was logged out'
    })
    await check('detach stops the agent\'s events on this connection', async () => {
      await main.call('detach', { agentId })
      const before = main.received.length
      await main.call('execute', { agentId, request: { command: 'session.ready', data: {} } })
      const late = await main.next(m => m.type === 'event' && main.received.indexOf(m) >= before, 300)
      await main.call('attach', { agentId })
      return late === undefined ? undefined : `event ${String(late.event?.name)} after detach`
    })
    await check('logoutWhenIdle with no call logs out at once (done), with session.ended', async () => {
      const result = outcomeCheck.parse(await main.call('logoutWhenIdle', { agentId, reason: 'conformance' }))
      if (result.outcome !== 'done') return `answered ${JSON.stringify(result)}`
      return (await main.event(e => e.agentId === agentId && e.name === 'session.ended')) === undefined ? 'no session.ended' : undefined
    })
    await check('cancelLogout answers; the snapshot says logged out', async () => {
      await main.call('cancelLogout', { agentId })
      const snap = snapshotCheck.parse(await main.call('snapshot', { agentId }))
      return snap.loggedIn ? 'still logged in' : undefined
    })
    await check('a server silent for three heartbeats is dropped', async () => {
      const quiet = await open()
      quiet.hello(options.token, { heartbeatMs: 200 })
      const closed = await quiet.untilClosed(2500)
      return closed === undefined ? 'still open 2.5 s after the last message (heartbeat 200 ms)' : undefined
    })
    await check('every message the connector sent is of the protocol', async () => {
      const problems = peers.flatMap(p => p.problems)
      return problems.length === 0 ? undefined : problems.slice(0, 3).join('; ')
    })
  } finally {
    for (const peer of peers) peer.close()
  }
  return results
}

/** The report `npm run conformance` prints. */
export function report (results: CheckResult[]): string {
  const lines = results.map(r => `${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `\n      ${r.detail}`}`)
  const failed = results.filter(r => !r.ok).length
  lines.push('', failed === 0 ? `all ${results.length} checks pass` : `${failed} of ${results.length} checks fail`)
  return lines.join('\n')
}
