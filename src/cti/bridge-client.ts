import { WebSocket, type RawData } from 'ws'
import { CTI_UNAVAILABLE, ERROR_CLASSES, TIMEOUT, messageOf, withRetryAfter } from '../errors.js'
import { compileCheck } from '../core/check.js'
import type { Logger } from '../core/logger.js'
import {
  BRIDGE_CLOSE, BRIDGE_OPERATIONS, BRIDGE_PROTOCOL, BRIDGE_VERSIONS, EventSchema, InfoSchema, RefusedSchema, ResponseSchema, WelcomeSchema,
  type BridgeError, type BridgeEvent, type BridgeOperation, type ConnectorInfo, type FromServer, type OperationArgs, type OperationResult
} from '../bridge/protocol.js'
import { checkEvent } from '../schemas/events.schema.js'
import type { AgentSnapshot } from '../schemas/snapshot.schema.js'
import { formatTarget } from '../schemas/target.js'
import type { AuthResult, CtiEvent, CtiHealth, CtiListener, CtiPort, CtiRequest, CtiResult, CtiSessionSettings, ReasonCode } from './port.js'

export interface BridgeClientOptions {
  /** The connector's WebSocket URL (CTI_URL). */
  url: string
  /** CTI_BRIDGE_TOKEN: sent in the hello, never logged. */
  token: string
  timeoutMs: number
  heartbeatMs: number
  reconnectMaxMs: number
  maxMessageBytes: number
  /** Who the server is, for the connector's log. */
  server: { vendor: string, version: string, instance: string }
  log: Logger
}

const welcomeCheck = compileCheck(WelcomeSchema, 'welcome')
const refusedCheck = compileCheck(RefusedSchema, 'refused')
const responseCheck = compileCheck(ResponseSchema, 'response')
const eventCheck = compileCheck(EventSchema, 'event')
const infoCheck = compileCheck(InfoSchema, 'info')
const resultChecks = new Map(Object.entries(BRIDGE_OPERATIONS).map(([op, spec]) => [op, compileCheck(spec.result, `${op} result`)]))

interface Pending {
  op: BridgeOperation
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

type BridgedEvent = BridgeEvent['event']

/** What is wrong with a bridged event: not in the catalogue (docs/protocol.md, Events), or without the ids its scope needs. */
function problemOf (event: BridgedEvent): string | undefined {
  const { scope, channelId, interactionId, conversationId } = event
  const needs = { session: [], channel: [channelId], interaction: [channelId, interactionId], conversation: [channelId, interactionId, conversationId] }[scope] ?? [undefined]
  if (needs.some(id => id === undefined)) return `a ${scope} event needs the ids of its object`
  const target = formatTarget('bridge', { channelId, interactionId, conversationId })
  const data = scope === 'interaction' ? { interactionid: interactionId, ...event.data } : scope === 'conversation' ? { interactionid: interactionId, conversationid: conversationId, ...event.data } : event.data
  return checkEvent(false, event.name, target, data)
}

function isCtiEvent (event: BridgedEvent): event is BridgedEvent & CtiEvent {
  return problemOf(event) === undefined
}

/**
 * The CTI port over the bridge (docs/cti-bridge.md): the server's side of one WebSocket to a
 * connector process. It connects (and reconnects, with a doubling wait) by itself; while it is
 * not connected every request fails at once with CTI_UNAVAILABLE. A request past
 * CTI_REQUEST_TIMEOUT_MS fails with TIMEOUT; its late answer is logged and dropped. Nothing the
 * connector sends reaches the processor unchecked: messages are validated against the protocol's
 * schemas, events against the event catalogue, and a gap in the event sequence drops the
 * connection (the processor resyncs every session from `snapshot` when it is back).
 */
export class BridgeCti implements CtiPort {
  readonly #options: BridgeClientOptions
  readonly #log: Logger
  readonly #listeners = new Map<string, CtiListener>()
  /** The generation each attached agent's session gave (docs/cti-bridge.md, Fencing), sent again on every reconnect. */
  readonly #generations = new Map<string, number>()
  readonly #watchers = new Set<(health: CtiHealth) => void>()
  readonly #pending = new Map<number, Pending>()
  #ws: WebSocket | undefined
  #connected = false
  #info: ConnectorInfo | undefined
  #problem = 'not connected yet'
  #nextId = 1
  #seq = 0
  #attempt = 0
  #lastHeard = 0
  #reconnect: NodeJS.Timeout | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #closed = false

  constructor (options: BridgeClientOptions) {
    this.#options = options
    this.#log = options.log
  }

  get vendor (): string {
    return this.#info?.ctiVendor ?? 'unknown (connector not reached yet)'
  }

  get version (): string {
    return this.#info?.ctiVersion ?? 'unknown'
  }

  /** The connector's own name and version, once connected. */
  get connector (): { vendor: string, version: string } | undefined {
    return this.#info === undefined ? undefined : { vendor: this.#info.vendor, version: this.#info.version }
  }

  /** The operator controls the connector takes (the simulator's). */
  get controls (): readonly string[] {
    return this.#connected ? this.#info?.controls ?? [] : []
  }

  get connected (): boolean {
    return this.#connected
  }

  capabilities (): Record<string, string> {
    return { ...this.#info?.capabilities }
  }

  reasonCodes (): readonly ReasonCode[] {
    return this.#info?.reasonCodes ?? []
  }

  health (): CtiHealth {
    if (!this.#connected || this.#info === undefined) return { ok: false, detail: `CTI connector at ${this.#safeUrl()} unavailable: ${this.#problem}` }
    return { ok: this.#info.health.ok, detail: `connector ${this.#info.vendor} ${this.#info.version}: ${this.#info.health.detail}` }
  }

  watch (listener: (health: CtiHealth) => void): () => void {
    this.#watchers.add(listener)
    return () => { this.#watchers.delete(listener) }
  }

  /** Starts connecting; resolves when the first attempt has succeeded or failed (the server starts either way). */
  async start (): Promise<void> {
    await new Promise<void>(resolve => { this.#connect(resolve) })
  }

  attach (agentId: string, listener: CtiListener, generation?: number): () => void {
    this.#listeners.set(agentId, listener)
    if (generation === undefined) this.#generations.delete(agentId)
    else this.#generations.set(agentId, generation)
    if (this.#connected) this.#send('attach', this.#attachArgs(agentId)).catch((err: unknown) => { this.#log.warn({ agentId, err: messageOf(err) }, 'attach at the connector failed') })
    return () => {
      if (this.#listeners.get(agentId) !== listener) return
      this.#listeners.delete(agentId)
      this.#generations.delete(agentId)
      if (this.#connected) this.#send('detach', { agentId }).catch(() => {})
    }
  }

  async authenticate (agentId: string, password: string): Promise<AuthResult> {
    const result = await this.#send('authenticate', { agentId, password })
    return result
  }

  async login (agentId: string, settings: CtiSessionSettings): Promise<void> {
    await this.#send('login', { agentId, settings })
  }

  async logout (agentId: string, reason: string): Promise<void> {
    await this.#send('logout', { agentId, reason })
  }

  async logoutWhenIdle (agentId: string, reason: string): Promise<'done' | 'pending'> {
    return (await this.#send('logoutWhenIdle', { agentId, reason })).outcome
  }

  async cancelLogout (agentId: string): Promise<void> {
    await this.#send('cancelLogout', { agentId })
  }

  async snapshot (agentId: string): Promise<AgentSnapshot> {
    return await this.#send('snapshot', { agentId })
  }

  async configure (agentId: string, settings: CtiSessionSettings): Promise<void> {
    await this.#send('configure', { agentId, settings })
  }

  async execute (agentId: string, request: CtiRequest): Promise<CtiResult | undefined> {
    const { command, channelId, interactionId, conversationId, data, requestId } = request
    const result = await this.#send('execute', {
      agentId,
      request: {
        command,
        data: { ...data },
        ...(channelId !== undefined && { channelId }),
        ...(interactionId !== undefined && { interactionId }),
        ...(conversationId !== undefined && { conversationId }),
        ...(requestId !== undefined && { requestId })
      }
    })
    return result ?? undefined
  }

  /** An operator control (the simulator's /simulator/* routes) at the connector. */
  async control (name: string, args: unknown): Promise<unknown> {
    return await this.#send('control', { name, args })
  }

  /**
   * One request and its answer: every event the connector sent before it has been handled when
   * this resolves (tests settle on it; the messages of one connection keep their order).
   */
  async roundTrip (): Promise<void> {
    this.#info = await this.#send('info', {})
  }

  close (): void {
    this.#closed = true
    clearTimeout(this.#reconnect)
    this.#down('the server is stopping', false)
    // The agents stay logged in at the connector, calls and all: the next start adopts them.
    this.#ws?.close(BRIDGE_CLOSE.going_away, 'server stopping')
  }

  async #send<O extends BridgeOperation> (op: O, args: OperationArgs<O>): Promise<OperationResult<O>> {
    const ws = this.#ws
    if (!this.#connected || ws === undefined) throw new CTI_UNAVAILABLE(`the CTI connector is unavailable: ${this.#problem}`)
    const id = this.#nextId++
    const result = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        this.#log.warn({ op, id, timeoutMs: this.#options.timeoutMs }, 'CTI request timed out')
        reject(new TIMEOUT(`the CTI did not answer ${op} within ${this.#options.timeoutMs} ms`))
      }, this.#options.timeoutMs)
      this.#pending.set(id, { op, resolve, reject, timer })
      this.#write({ type: 'request', id, op, args })
    })
    // Checked when the response arrived (#onResponse): the schema of the op's result.
    return result as OperationResult<O>
  }

  #write (message: FromServer): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message))
  }

  #safeUrl (): string {
    try {
      const url = new URL(this.#options.url)
      url.username = ''
      url.password = ''
      url.search = ''
      return url.toString()
    } catch {
      return 'CTI_URL'
    }
  }

  #connect (settled?: () => void): void {
    if (this.#closed) return
    const ws = new WebSocket(this.#options.url, { maxPayload: this.#options.maxMessageBytes, handshakeTimeout: this.#options.timeoutMs })
    this.#ws = ws
    this.#seq = 0
    let welcomed = false
    const helloTimer = setTimeout(() => {
      this.#problem = 'no welcome in time'
      ws.terminate()
    }, this.#options.timeoutMs)
    ws.on('open', () => {
      this.#lastHeard = Date.now()
      this.#write({
        type: 'hello',
        protocol: BRIDGE_PROTOCOL,
        versions: [...BRIDGE_VERSIONS],
        token: this.#options.token,
        heartbeatMs: this.#options.heartbeatMs,
        server: this.#options.server
      })
    })
    ws.on('message', (raw, isBinary) => {
      this.#lastHeard = Date.now()
      if (!welcomed) {
        welcomed = this.#onFirst(ws, raw, isBinary)
        if (welcomed) {
          clearTimeout(helloTimer)
          void this.#up().finally(() => { settled?.() })
        }
        return
      }
      this.#onMessage(ws, raw, isBinary)
    })
    ws.on('error', err => {
      const tooBig = err.message.includes('Max payload size exceeded')
      this.#problem = tooBig ? `a message over CTI_MAX_MESSAGE_BYTES (${this.#options.maxMessageBytes})` : err.message
      this.#log.warn({ url: this.#safeUrl(), err: this.#problem }, tooBig ? 'connector sent a message too large; reconnecting' : 'CTI connector connection failed')
    })
    ws.on('close', (code, reason) => {
      clearTimeout(helloTimer)
      if (this.#ws !== ws) return
      const why = reason.toString()
      if (this.#connected) this.#log.warn({ url: this.#safeUrl(), code, reason: why }, 'CTI connector connection lost')
      if (code !== 1006 && why !== '' && !welcomed) this.#problem = `closed ${code} ${why}`
      else if (this.#connected) this.#problem = `connection lost (${code}${why === '' ? '' : ' ' + why})`
      this.#down(this.#problem, true)
      settled?.()
      settled = undefined
      this.#scheduleReconnect()
    })
  }

  /** The first message must be a welcome (or a refusal). */
  #onFirst (ws: WebSocket, raw: RawData, isBinary: boolean): boolean {
    const message = this.#decode(raw, isBinary)
    const type = typeof message === 'object' && message !== null ? Reflect.get(message, 'type') : undefined
    try {
      if (type === 'refused') {
        const refused = refusedCheck.parse(message)
        this.#problem = `the connector refused the server: ${refused.code} (${refused.message})`
        this.#log.error({ url: this.#safeUrl(), code: refused.code, versions: refused.versions }, refused.code === 'AUTH_FAILED' ? 'the CTI connector refused CTI_BRIDGE_TOKEN' : `the CTI connector refused the hello: ${refused.message}`)
        ws.close(BRIDGE_CLOSE.normal)
        return false
      }
      const welcome = welcomeCheck.parse(message)
      if (!BRIDGE_VERSIONS.includes(welcome.version)) throw new Error(`the connector chose version ${welcome.version}, not one we offered`)
      this.#info = welcome.connector
      this.#startHeartbeat(ws, welcome.heartbeatMs)
      this.#log.info({ url: this.#safeUrl(), version: welcome.version, connector: { vendor: welcome.connector.vendor, version: welcome.connector.version }, cti: { vendor: welcome.connector.ctiVendor, version: welcome.connector.ctiVersion } }, 'CTI connector connected')
      return true
    } catch (err) {
      this.#problem = `the connector's first message is not a welcome: ${messageOf(err)}`
      this.#log.error({ url: this.#safeUrl() }, this.#problem)
      ws.close(BRIDGE_CLOSE.protocol_error, 'expected welcome')
      return false
    }
  }

  /** An attach request: the agent, and its session's generation when it has one (fencing). */
  #attachArgs (agentId: string): { agentId: string, generation?: number } {
    const generation = this.#generations.get(agentId)
    return generation === undefined ? { agentId } : { agentId, generation }
  }

  /** Connected: every agent with a session is attached again, then the processor hears it (and resyncs). */
  async #up (): Promise<void> {
    this.#connected = true
    this.#attempt = 0
    this.#problem = ''
    const agents = [...this.#listeners.keys()]
    await Promise.all(agents.map(async agentId => {
      await this.#send('attach', this.#attachArgs(agentId)).catch((err: unknown) => { this.#log.warn({ agentId, err: messageOf(err) }, 'attach at the connector failed') })
    }))
    if (this.#connected) this.#notify()
  }

  #down (problem: string, notify: boolean): void {
    clearInterval(this.#heartbeat)
    const was = this.#connected
    this.#connected = false
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer)
      pending.reject(new CTI_UNAVAILABLE(`the CTI connector connection was lost during ${pending.op}: ${problem}`))
      this.#pending.delete(id)
    }
    if (was && notify) this.#notify()
  }

  #notify (): void {
    const health = this.health()
    for (const watcher of [...this.#watchers]) watcher(health)
  }

  #scheduleReconnect (): void {
    if (this.#closed) return
    const base = Math.min(this.#options.reconnectMaxMs, 250 * 2 ** Math.min(this.#attempt, 16))
    this.#attempt++
    const wait = Math.round(base / 2 + Math.random() * base / 2)
    this.#reconnect = setTimeout(() => { this.#connect() }, wait)
    this.#reconnect.unref()
  }

  #startHeartbeat (ws: WebSocket, heartbeatMs: number): void {
    clearInterval(this.#heartbeat)
    this.#heartbeat = setInterval(() => {
      if (Date.now() - this.#lastHeard > 3 * heartbeatMs) {
        this.#log.warn({ url: this.#safeUrl(), heartbeatMs }, 'CTI connector silent for three heartbeats; reconnecting')
        this.#problem = 'heartbeat lost'
        ws.terminate()
        return
      }
      this.#write({ type: 'heartbeat' })
    }, heartbeatMs)
    this.#heartbeat.unref()
  }

  #decode (raw: RawData, isBinary: boolean): unknown {
    if (isBinary) return undefined
    try {
      return JSON.parse(raw.toString())
    } catch {
      return undefined
    }
  }

  #onMessage (ws: WebSocket, raw: RawData, isBinary: boolean): void {
    const message = this.#decode(raw, isBinary)
    const type = typeof message === 'object' && message !== null ? Reflect.get(message, 'type') : undefined
    switch (type) {
      case 'heartbeat': return
      case 'response': this.#onResponse(message); return
      case 'event': this.#onEvent(ws, message); return
      case 'info':
        try {
          this.#info = infoCheck.parse(message).connector
          this.#notify()
        } catch (err) {
          this.#log.warn({ err: messageOf(err) }, 'malformed info from the CTI connector; ignored')
        }
        return
      default:
        this.#log.warn({ type: typeof type === 'string' ? type.slice(0, 32) : typeof type }, message === undefined ? 'CTI connector sent something that is not JSON text; ignored' : 'unexpected message from the CTI connector; ignored')
    }
  }

  #onResponse (message: unknown): void {
    let response
    try {
      response = responseCheck.parse(message)
    } catch (err) {
      this.#log.warn({ err: messageOf(err) }, 'malformed response from the CTI connector; ignored')
      return
    }
    const pending = this.#pending.get(response.id)
    if (pending === undefined) {
      this.#log.warn({ id: response.id }, 'late or unknown answer from the CTI connector; dropped')
      return
    }
    this.#pending.delete(response.id)
    clearTimeout(pending.timer)
    if (!response.ok) {
      pending.reject(errorOf(response.error))
      return
    }
    const check = resultChecks.get(pending.op)
    if (check?.check.Check(response.result) !== true) {
      const first = check?.check.Errors(response.result).First()
      this.#log.warn({ op: pending.op, path: first?.path, problem: first?.message }, 'CTI connector answered with a malformed result')
      pending.reject(new CTI_UNAVAILABLE(`the CTI connector's answer to ${pending.op} is malformed`))
      return
    }
    pending.resolve(response.result)
  }

  #onEvent (ws: WebSocket, message: unknown): void {
    let bridged
    try {
      bridged = eventCheck.parse(message)
    } catch (err) {
      this.#log.warn({ err: messageOf(err) }, 'malformed event from the CTI connector; dropped')
      return
    }
    if (bridged.seq !== this.#seq + 1) {
      this.#log.warn({ expected: this.#seq + 1, got: bridged.seq }, 'CTI connector event sequence gap; reconnecting to resync')
      this.#problem = 'event sequence gap'
      ws.close(BRIDGE_CLOSE.protocol_error, 'event sequence gap')
      this.#down(this.#problem, true)
      return
    }
    this.#seq = bridged.seq
    const event = bridged.event
    if (!isCtiEvent(event)) {
      this.#log.warn({ agentId: event.agentId, name: event.name.slice(0, 64), problem: problemOf(event) }, 'CTI connector event not in the catalogue; dropped')
      return
    }
    this.#listeners.get(event.agentId)?.(event)
  }
}

/** A connector's typed error as the catalogued error the processor throws. */
function errorOf (error: BridgeError): Error {
  const Class = ERROR_CLASSES[error.code]
  const err = new Class(error.message)
  return error.retryAfter === undefined ? err : withRetryAfter(err, error.retryAfter * 1000)
}
