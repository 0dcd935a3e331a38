import { Type, type Static } from '@sinclair/typebox'
import { ConfigSchema, loadSettings } from '../../config.js'
import { ManualClock, SystemClock, type Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import { serveBridge, type BridgeListener } from '../../bridge/connector.js'
import { VERSION } from '../../version.js'
import { SIMULATOR_CONTROLS, localControl, runControl } from './control.js'
import { readDirectory } from './directory.js'
import { Simulator } from './simulator.js'

/**
 * The simulator's settings, whether it is embedded in the server or its own connector process
 * (`npm run simulator`): the same variables, read by both.
 */
export type SimulatorSettings = Pick<Static<typeof ConfigSchema>,
  'SIM_DIRECTORY_FILE' | 'SIM_LOGIN_DELAY_MS' | 'SIM_MAX_CALLS' | 'SIM_MAX_DATA_BYTES' | 'SIM_MAX_QUEUE_MS' | 'SIM_MAX_CHATS' |
'CHAT_MAX_PER_AGENT' | 'CHAT_TRANSCRIPT_KEEP'>

/** Builds the simulator from its settings (throwing, with the file and path, when the directory is broken). */
export function createSimulator (settings: SimulatorSettings, clock: Clock, log: Logger): Simulator {
  return new Simulator({
    clock,
    directory: readDirectory(settings.SIM_DIRECTORY_FILE),
    loginDelayMs: settings.SIM_LOGIN_DELAY_MS,
    limits: { maxCalls: settings.SIM_MAX_CALLS, maxDataBytes: settings.SIM_MAX_DATA_BYTES, maxQueueMs: settings.SIM_MAX_QUEUE_MS, maxChats: settings.SIM_MAX_CHATS },
    chat: { maxPerAgent: settings.CHAT_MAX_PER_AGENT, transcriptKeep: settings.CHAT_TRANSCRIPT_KEEP },
    log
  })
}

const P = ConfigSchema.properties

/** What `npm run simulator` reads from its environment (README, The simulator as a connector). */
export const ConnectorConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3100, description: 'TCP port the connector listens on' }),
  HOST: P.HOST,
  LOG_LEVEL: P.LOG_LEVEL,
  LOG_FORMAT: P.LOG_FORMAT,
  CTI_BRIDGE_TOKEN: Type.String({ maxLength: 1024, default: '', description: 'the secret every server must send in its hello; empty: any server is taken (loopback use only)' }),
  CTI_HEARTBEAT_MS: P.CTI_HEARTBEAT_MS,
  CTI_MAX_MESSAGE_BYTES: P.CTI_MAX_MESSAGE_BYTES,
  SIM_DIRECTORY_FILE: P.SIM_DIRECTORY_FILE,
  SIM_CLOCK: P.SIM_CLOCK,
  SIM_LOGIN_DELAY_MS: P.SIM_LOGIN_DELAY_MS,
  SIM_MAX_CALLS: P.SIM_MAX_CALLS,
  SIM_MAX_DATA_BYTES: P.SIM_MAX_DATA_BYTES,
  SIM_MAX_QUEUE_MS: P.SIM_MAX_QUEUE_MS,
  SIM_MAX_CHATS: P.SIM_MAX_CHATS,
  CHAT_MAX_PER_AGENT: P.CHAT_MAX_PER_AGENT,
  CHAT_TRANSCRIPT_KEEP: P.CHAT_TRANSCRIPT_KEEP
})
export type ConnectorConfig = Readonly<Static<typeof ConnectorConfigSchema>>

export function loadConnectorConfig (env: Record<string, string | undefined> = process.env): ConnectorConfig {
  return loadSettings(ConnectorConfigSchema, env)
}

export interface SimulatorConnector {
  readonly simulator: Simulator
  readonly clock: Clock
  readonly listener: BridgeListener
  close: () => Promise<void>
}

/**
 * The simulator as a connector: the contact center on its own, speaking the bridge protocol, with
 * its operator controls (the server's /simulator/* routes forward to them). Tests pass `clock` to
 * share a manual clock with the server under test.
 */
export async function serveSimulator (config: ConnectorConfig, log: Logger, options: { clock?: Clock, versions?: readonly number[] } = {}): Promise<SimulatorConnector> {
  const clock = options.clock ?? (config.SIM_CLOCK === 'manual' ? new ManualClock(Date.now()) : new SystemClock())
  const simulator = createSimulator(config, clock, log.child({ component: 'simulator' }))
  const control = localControl(simulator, clock)
  const listener = await serveBridge({
    cti: simulator,
    token: config.CTI_BRIDGE_TOKEN,
    connector: { vendor: 'his-cti-server simulator connector', version: VERSION },
    controls: { names: SIMULATOR_CONTROLS, run: async (name, args) => await runControl(control, name, args) },
    host: config.HOST,
    port: config.PORT,
    maxHeartbeatMs: config.CTI_HEARTBEAT_MS,
    maxMessageBytes: config.CTI_MAX_MESSAGE_BYTES,
    ...(options.versions !== undefined && { versions: options.versions }),
    log: log.child({ component: 'bridge' })
  })
  return {
    simulator,
    clock,
    listener,
    async close () {
      await listener.close()
      simulator.close()
      if (clock instanceof SystemClock && options.clock === undefined) clock.clearAll()
    }
  }
}
