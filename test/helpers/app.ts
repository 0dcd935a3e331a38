import { Writable } from 'node:stream'
import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { pino } from 'pino'
import { buildApp } from '../../src/app.js'
import { configWith, type Config } from '../../src/config.js'
import { ManualClock } from '../../src/core/clock.js'
import { loggerOptions } from '../../src/logger.js'
import { loadConnectorConfig, serveSimulator } from '../../src/cti/simulator/connector.js'
import type { Simulator } from '../../src/cti/simulator/simulator.js'
import { BridgeCti } from '../../src/cti/bridge-client.js'

/**
 * `TEST_CTI=bridge` (set by the test/bridge/*.test.ts wrappers) runs a test file's apps against a
 * simulator connector over the CTI bridge instead of the embedded simulator: the connector is
 * served in the test's process, on loopback, sharing the test's manual clock.
 */
export const OVER_THE_BRIDGE = process.env.TEST_CTI === 'bridge'

export const PROCESSOR_ID = configWith().PROCESSOR_ID
export const WM = 'WorkflowManager'
export const AGENT1 = { id: 'agent1', password: 'demo-pass-1' }
export const AGENT2 = { id: 'agent2', password: 'demo-pass-2' }

/** Every log line the app wrote, as text (for the secret scan and log assertions). */
export class LogCapture extends Writable {
  readonly lines: string[] = []
  override _write (chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(l => l !== ''))
    done()
  }

  get text (): string {
    return this.lines.join('\n')
  }
}

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>
  clock: ManualClock
  /** The transports' clock (WebSocket pings): nothing moves it but the test. */
  transportClock: ManualClock
  config: Config
  logs: LogCapture
  /** The simulator behind the app: embedded, or the connector's across the bridge. */
  sim: Simulator
  /** Waits until every event the simulator has sent has reached the app (over the bridge: one round trip). */
  settle: () => Promise<void>
  /** Listens on a free loopback port; returns the base URL. */
  listen: () => Promise<string>
}

/**
 * The real application with a manual clock and every log line captured (level trace, so the
 * secret scan sees everything the server could ever log). It is closed when `t` ends, whatever
 * happened (closing it earlier in the test is fine).
 */
export async function build (t: Test, overrides: Partial<Record<keyof Config, string | number>> = {}, options: { realClock?: boolean } = {}): Promise<TestApp> {
  const clock = new ManualClock()
  const transportClock = new ManualClock()
  const logs = new LogCapture()
  const logger = pino({ ...loggerOptions({ LOG_LEVEL: 'trace', LOG_FORMAT: 'json' }, false), level: 'trace' }, logs)
  let bridged: Simulator | undefined
  if (OVER_THE_BRIDGE && overrides.CTI_URL === undefined) {
    const sim = configWith({ SIM_LOGIN_DELAY_MS: 100, ...overrides })
    const connector = await serveSimulator(loadConnectorConfig({
      PORT: '0',
      LOG_LEVEL: 'trace',
      CTI_BRIDGE_TOKEN: 'test-bridge-token',
      SIM_DIRECTORY_FILE: sim.SIM_DIRECTORY_FILE,
      SIM_LOGIN_DELAY_MS: String(sim.SIM_LOGIN_DELAY_MS),
      SIM_MAX_CALLS: String(sim.SIM_MAX_CALLS),
      SIM_MAX_DATA_BYTES: String(sim.SIM_MAX_DATA_BYTES),
      SIM_MAX_QUEUE_MS: String(sim.SIM_MAX_QUEUE_MS),
      SIM_MAX_CHATS: String(sim.SIM_MAX_CHATS),
      CHAT_MAX_PER_AGENT: String(sim.CHAT_MAX_PER_AGENT),
      CHAT_TRANSCRIPT_KEEP: String(sim.CHAT_TRANSCRIPT_KEEP)
    }), logger.child({ process: 'connector' }), options.realClock === true ? {} : { clock })
    t.teardown(async () => { await connector.close() })
    bridged = connector.simulator
    overrides = { ...overrides, CTI_URL: `ws://127.0.0.1:${connector.listener.port}`, CTI_BRIDGE_TOKEN: 'test-bridge-token' }
  }
  // No load shedding on event-loop delay unless a test asks: a busy CI machine stalls a test's
  // process for a second now and then, and OVERLOADED answers would fail tests that test other things.
  const config = configWith({ SIM_LOGIN_DELAY_MS: 100, LOAD_SHED_EVENT_LOOP_MS: 0, ...overrides })
  const app = await buildApp({ config, logger, ...(options.realClock !== true && { clock, transportClock }) })
  t.teardown(async () => { await app.close() })
  await app.ready()
  const { cti } = app.his
  const sim = bridged ?? app.his.simulator
  return {
    app,
    clock,
    transportClock,
    config,
    logs,
    get sim () {
      if (sim === undefined) throw new Error('no simulator behind the app (CTI_URL given to build)')
      return sim
    },
    async settle () {
      if (cti instanceof BridgeCti) await cti.roundTrip()
      await new Promise(resolve => setImmediate(resolve))
    },
    async listen () {
      await app.listen({ port: 0, host: '127.0.0.1' })
      const address = app.server.address()
      if (address === null || typeof address === 'string') throw new Error('no address')
      return `http://127.0.0.1:${address.port}`
    }
  }
}

export interface Json {
  [key: string]: any
}

/** Parses a reply body as JSON (every body this API sends is JSON, except SSE and metrics). */
export function body (res: LightMyRequestResponse): Json {
  return JSON.parse(res.body) as Json
}

/**
 * A REST client over inject: one client record, its token on every request, and short names
 * for the calls a media bar makes.
 */
export class RestClient {
  readonly app: FastifyInstance
  clientId = ''
  token = ''
  /** Every answer body received, for the secret scan. */
  readonly bodies: string[] = []

  constructor (app: FastifyInstance) {
    this.app = app
  }

  static async open (app: FastifyInstance, name = 'test'): Promise<RestClient> {
    const client = new RestClient(app)
    const res = await app.inject({ method: 'POST', url: '/clients', payload: { name } })
    if (res.statusCode !== 201) throw new Error(`open client: ${res.statusCode} ${res.body}`)
    const b = body(res)
    client.clientId = b.clientId
    client.token = b.token
    return client
  }

  async call (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${this.token}` },
      ...(payload !== undefined && { payload: payload as Record<string, unknown> })
    })
    this.bodies.push(res.body)
    return res
  }

  async bindService (serviceId: string): Promise<LightMyRequestResponse> {
    return await this.call('POST', `/services/${serviceId}/binding`)
  }

  async bindResource (serviceId: string, resourceId: string): Promise<LightMyRequestResponse> {
    return await this.call('POST', `/services/${serviceId}/resources/${resourceId}/binding`)
  }

  async prepareSession (data: Record<string, unknown>): Promise<LightMyRequestResponse> {
    return await this.call('POST', `/services/${PROCESSOR_ID}/sessions`, data)
  }

  async request (resourceId: string, command: string, data?: unknown, target?: string): Promise<LightMyRequestResponse> {
    return await this.call('POST', `/services/${PROCESSOR_ID}/resources/${resourceId}/requests`, {
      command,
      ...(target !== undefined && { target }),
      ...(data !== undefined && { data })
    })
  }

  async snapshot (serviceId: string, resourceId: string): Promise<Json> {
    return body(await this.call('GET', `/services/${serviceId}/resources/${resourceId}`))
  }

  /**
   * The trace's login: bind both services, prepareSession, bind both session resources.
   * Returns the session resource id.
   */
  async login (agent = AGENT1, extra: Record<string, unknown> = {}): Promise<string> {
    await this.bindService(PROCESSOR_ID)
    await this.bindService(WM)
    const res = await this.prepareSession({ agent, ...extra })
    if (res.statusCode !== 201) throw new Error(`prepareSession: ${res.statusCode} ${res.body}`)
    const rid = body(res).resource.id as string
    await this.bindResource(PROCESSOR_ID, rid)
    await this.bindResource(WM, rid)
    return rid
  }
}

/** The enabled capability names of a workflow state.updated event's data. */
export function enabled (data: Array<{ name: string, type: string }>): string[] {
  return data.filter(c => c.type === 'enable').map(c => c.name).sort()
}
