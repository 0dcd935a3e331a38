import { createHash, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { ALREADY_BOUND, INVALID_MESSAGE, UNKNOWN_COMMAND, toFailure } from '../errors.js'
import { compileCheck } from '../core/check.js'
import type { Logger } from '../core/logger.js'
import type { CtiEvent, CtiPort } from '../cti/port.js'
import { fieldsProblem, isCtiRequest } from '../cti/requests.js'
import { isSessionCommand } from '../schemas/session-requests.schema.js'
import {
  BRIDGE_CLOSE, BRIDGE_OPERATIONS, BRIDGE_VERSIONS, HelloSchema, RequestSchema,
  type BridgeOperation, type ConnectorInfo, type FromConnector, type OperationArgs
} from './protocol.js'

/**
 * The connector side of the CTI bridge (docs/cti-bridge.md): a WebSocket listener that speaks
 * the protocol to servers and hands their requests to a platform adapter. A connector to another
 * telephony platform implements `ConnectorCti` (the server's CTI port, minus `close`) and
 * calls `serveBridge`; the simulator connector is written exactly so (src/cti/simulator/main.ts).
 */
export type ConnectorCti = Omit<CtiPort, 'close'>

/** Operator controls a connector may take (the simulator's): their names, and how one runs. */
export interface ConnectorControls {
  names: readonly string[]
  run: (name: string, args: unknown) => Promise<unknown>
}

export interface ConnectorOptions {
  cti: ConnectorCti
  /** The shared secret every server must send (CTI_BRIDGE_TOKEN); empty: any token is taken. */
  token: string
  /** Who wrote the connector, and its version (the platform's come from `cti`). */
  connector: { vendor: string, version: string }
  controls?: ConnectorControls
  host?: string
  port?: number
  /** The longest heartbeat interval the connector keeps (a server asks for its own). */
  maxHeartbeatMs?: number
  /** How long a server has to say hello. */
  helloTimeoutMs?: number
  maxMessageBytes?: number
  /** The versions this connector speaks (tests of version negotiation change it). */
  versions?: readonly number[]
  log: Logger
}

export interface BridgeListener {
  readonly port: number
  /** Connections that have said hello. */
  readonly connections: number
  /** Cuts every connection at once, as a network fault would (the agents stay logged in). */
  dropConnections: () => void
  close: () => Promise<void>
}

const helloCheck = compileCheck(HelloSchema, 'hello')
const requestCheck = compileCheck(RequestSchema, 'request')
const argChecks = new Map(Object.entries(BRIDGE_OPERATIONS).map(([op, spec]) => [op, compileCheck(spec.args, `${op} args`)]))
/** Past this many bytes waiting to go out, a server is too slow: its connection is dropped (it resyncs). */
const MAX_BUFFERED = 16 * 1024 * 1024

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Starts a connector listening for servers; resolves once it listens. */
export async function serveBridge (options: ConnectorOptions): Promise<BridgeListener> {
  const { cti, log } = options
  const versions = options.versions ?? BRIDGE_VERSIONS
  const tokenDigest = digest(options.token)
  const wss = new WebSocketServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, maxPayload: options.maxMessageBytes ?? 4 * 1024 * 1024 })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  const connections = new Set<Connection>()
  // Each agent is attached once at the platform; its events go to every connection that attached it.
  const fanout = new Map<string, { detach: () => void, to: Set<Connection> }>()

  const info = (): ConnectorInfo => ({
    vendor: options.connector.vendor,
    version: options.connector.version,
    ctiVendor: cti.vendor,
    ctiVersion: cti.version,
    capabilities: cti.capabilities(),
    reasonCodes: [...cti.reasonCodes()],
    controls: [...options.controls?.names ?? []],
    health: cti.health()
  })
  const unwatch = cti.watch(() => {
    const connector = info()
    for (const c of connections) if (c.ready) c.send({ type: 'info', connector })
  })

  // The highest session generation each agent was attached with (docs/cti-bridge.md, Fencing).
  const fences = new Map<string, number>()
  const attach = (c: Connection, agentId: string, generation: number | undefined): void => {
    let entry = fanout.get(agentId)
    if (entry === undefined) {
      const to = new Set<Connection>()
      const detach = cti.attach(agentId, event => { for (const target of to) target.event(event) })
      entry = { detach, to }
      fanout.set(agentId, entry)
    }
    entry.to.add(c)
    c.attached.set(agentId, generation)
    if (generation !== undefined && generation > (fences.get(agentId) ?? 0)) fences.set(agentId, generation)
  }
  /** Refuses a request about an agent a newer session of the domain holds (attached with a higher generation). */
  const fenced = (c: Connection, agentId: string): void => {
    const fence = fences.get(agentId)
    if (fence === undefined) return
    const mine = c.attached.get(agentId)
    if (mine === undefined || mine < fence) throw new ALREADY_BOUND(`a newer session of agent ${agentId} holds the agent at the CTI; this one was taken over`)
  }
  const detach = (c: Connection, agentId: string): void => {
    c.attached.delete(agentId)
    const entry = fanout.get(agentId)
    if (entry === undefined) return
    entry.to.delete(c)
    if (entry.to.size === 0) {
      entry.detach()
      fanout.delete(agentId)
    }
  }

  const handlers: { [O in BridgeOperation]: (c: Connection, args: OperationArgs<O>) => Promise<unknown> } = {
    authenticate: async (_c, a) => await cti.authenticate(a.agentId, a.password),
    attach: async (c, a) => { attach(c, a.agentId, a.generation); return null },
    detach: async (c, a) => { detach(c, a.agentId); return null },
    login: async (c, a) => { fenced(c, a.agentId); await cti.login(a.agentId, a.settings); return null },
    logout: async (c, a) => { fenced(c, a.agentId); await cti.logout(a.agentId, a.reason); return null },
    logoutWhenIdle: async (c, a) => { fenced(c, a.agentId); return { outcome: await cti.logoutWhenIdle(a.agentId, a.reason) } },
    cancelLogout: async (c, a) => { fenced(c, a.agentId); await cti.cancelLogout(a.agentId); return null },
    snapshot: async (_c, a) => await cti.snapshot(a.agentId),
    configure: async (c, a) => { fenced(c, a.agentId); await cti.configure(a.agentId, a.settings); return null },
    execute: async (c, a) => {
      fenced(c, a.agentId)
      // The server checked the data already; a connector checks again what it hands its platform.
      const { command } = a.request
      if (!isSessionCommand(command)) throw new UNKNOWN_COMMAND(`no session command ${JSON.stringify(command)}`)
      const request = { ...a.request, command }
      if (!isCtiRequest(request)) throw new INVALID_MESSAGE(fieldsProblem(command, request.data))
      return (await cti.execute(a.agentId, request)) ?? null
    },
    control: async (_c, a) => {
      if (options.controls?.names.includes(a.name) !== true) throw new UNKNOWN_COMMAND(`this connector has no control ${JSON.stringify(a.name)}`)
      return await options.controls.run(a.name, a.args)
    },
    info: async () => info()
  }

  class Connection {
    /** The agents this connection attached, each with the generation it gave (if any). */
    readonly attached = new Map<string, number | undefined>()
    ready = false
    #seq = 0
    #lastHeard = Date.now()
    #heartbeat: NodeJS.Timeout | undefined
    readonly #helloTimer: NodeJS.Timeout
    readonly #ws: WebSocket
    readonly #peer: string

    constructor (ws: WebSocket, peer: string) {
      this.#ws = ws
      this.#peer = peer
      this.#helloTimer = setTimeout(() => { this.#refuse('INVALID_MESSAGE', 'no hello in time') }, options.helloTimeoutMs ?? 10_000)
      ws.on('message', (raw, isBinary) => { this.#onMessage(raw, isBinary) })
      ws.on('close', () => { this.#closed() })
      ws.on('error', err => { log.warn({ peer, err: err.message }, 'bridge connection error') })
    }

    send (message: FromConnector): void {
      if (this.#ws.readyState !== this.#ws.OPEN) return
      if (this.#ws.bufferedAmount > MAX_BUFFERED) {
        log.warn({ peer: this.#peer }, 'server reads too slowly; dropping its connection (it resyncs)')
        this.#ws.terminate()
        return
      }
      this.#ws.send(JSON.stringify(message))
    }

    event (event: CtiEvent): void {
      if (this.ready) this.send({ type: 'event', seq: ++this.#seq, event })
    }

    #refuse (code: 'VERSION_UNSUPPORTED' | 'AUTH_FAILED' | 'INVALID_MESSAGE', message: string): void {
      log.warn({ peer: this.#peer, code }, `bridge hello refused: ${message}`)
      this.send({ type: 'refused', code, message, ...(code === 'VERSION_UNSUPPORTED' && { versions: [...versions] }) })
      this.#ws.close(BRIDGE_CLOSE.refused, code)
    }

    #onMessage (raw: RawData, isBinary: boolean): void {
      this.#lastHeard = Date.now()
      let message: unknown
      try {
        if (isBinary) throw new Error('binary message')
        message = JSON.parse(raw.toString())
      } catch {
        log.warn({ peer: this.#peer }, 'bridge message is not JSON text; ignored')
        if (!this.ready) this.#refuse('INVALID_MESSAGE', 'the first message must be a hello (JSON text)')
        return
      }
      if (!this.ready) {
        this.#hello(message)
        return
      }
      const type = typeof message === 'object' && message !== null ? Reflect.get(message, 'type') : undefined
      if (type === 'heartbeat') return
      if (type !== 'request') {
        log.warn({ peer: this.#peer, type: typeof type === 'string' ? type.slice(0, 32) : typeof type }, 'unexpected bridge message; ignored')
        return
      }
      void this.#request(message)
    }

    #hello (message: unknown): void {
      clearTimeout(this.#helloTimer)
      let hello
      try {
        hello = helloCheck.parse(message)
      } catch (err) {
        this.#refuse('INVALID_MESSAGE', err instanceof Error ? err.message : 'not a hello')
        return
      }
      // The token first: an unauthenticated peer learns nothing, not even which versions we speak.
      if (options.token !== '' && !timingSafeEqual(digest(hello.token), tokenDigest)) {
        this.#refuse('AUTH_FAILED', 'wrong bridge token')
        return
      }
      const common = hello.versions.filter(v => versions.includes(v))
      if (common.length === 0) {
        this.#refuse('VERSION_UNSUPPORTED', `no common protocol version (server ${hello.versions.join(',')}, connector ${versions.join(',')})`)
        return
      }
      const heartbeatMs = Math.min(hello.heartbeatMs, options.maxHeartbeatMs ?? 60_000)
      this.ready = true
      connections.add(this)
      this.send({ type: 'welcome', version: Math.max(...common), heartbeatMs, connector: info() })
      this.#heartbeat = setInterval(() => {
        if (Date.now() - this.#lastHeard > 3 * heartbeatMs) {
          log.warn({ peer: this.#peer }, 'server silent for three heartbeats; dropping its connection')
          this.#ws.close(BRIDGE_CLOSE.heartbeat_lost, 'heartbeat lost')
          this.#ws.terminate()
          return
        }
        this.send({ type: 'heartbeat' })
      }, heartbeatMs)
      this.#heartbeat.unref()
      log.info({ peer: this.#peer, server: hello.server, version: Math.max(...common) }, 'server connected')
    }

    async #request (message: unknown): Promise<void> {
      let id: number | undefined
      try {
        const request = requestCheck.parse(message)
        id = request.id
        const op = request.op
        const check = argChecks.get(op)
        if (check === undefined || !Object.hasOwn(handlers, op)) throw new UNKNOWN_COMMAND(`no bridge operation ${JSON.stringify(op)}`)
        const args = check.parse(request.args)
        // `args` passed the check of `op`'s arguments just above: the handler's own type.
        const handler = handlers[op as BridgeOperation] as (c: Connection, a: unknown) => Promise<unknown>
        const result = await handler(this, args)
        this.send({ type: 'response', id, ok: true, result })
      } catch (err) {
        const failure = toFailure(err)
        if (failure.code === 'INTERNAL') log.error({ err, peer: this.#peer }, 'bridge request failed')
        if (id === undefined) {
          id = typeof message === 'object' && message !== null ? Reflect.get(message, 'id') : undefined
          if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) {
            log.warn({ peer: this.#peer, message: failure.message }, 'malformed bridge request without an id; ignored')
            return
          }
        }
        this.send({ type: 'response', id, ok: false, error: { ...failure, message: failure.message.slice(0, 512) } })
      }
    }

    #closed (): void {
      clearTimeout(this.#helloTimer)
      clearInterval(this.#heartbeat)
      connections.delete(this)
      // The agents stay logged in at the platform, calls and all: a server that comes back adopts them.
      for (const agentId of [...this.attached.keys()]) detach(this, agentId)
      if (this.ready) log.info({ peer: this.#peer }, 'server disconnected')
    }
  }

  // A connection lives in its socket's handlers (and, once it said hello, in `connections`).
  const accept = (ws: WebSocket, peer: string): Connection => new Connection(ws, peer)
  wss.on('connection', (ws, req) => { accept(ws, `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`) })
  const address = wss.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    port,
    get connections () { return connections.size },
    dropConnections () {
      for (const client of wss.clients) client.terminate()
    },
    async close () {
      unwatch()
      for (const client of wss.clients) {
        client.close(BRIDGE_CLOSE.going_away, 'connector stopping')
        client.terminate()
      }
      await new Promise<void>(resolve => { wss.close(() => { resolve() }) })
    }
  }
}
