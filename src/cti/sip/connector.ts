import { Type, type Static } from '@sinclair/typebox'
import { UNSUPPORTED } from '../../errors.js'
import { SystemClock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import { serveBridge, type BridgeListener } from '../../bridge/connector.js'
import { loadSettings } from '../../config.js'
import { VERSION } from '../../version.js'
import { ConnectorConfigSchema } from '../simulator/connector.js'
import { runControl, type SimulatorControl } from '../simulator/control.js'
import { readDirectory } from '../simulator/directory.js'
import { SipCti, type PhoneAddress } from './sip-cti.js'

const P = ConnectorConfigSchema.properties
const Address = { pattern: '^[^\\s:]+:[0-9]{1,5}$', maxLength: 300 }

/** What the SIP connector reads from its environment (docs/connectors/sip.md, Configuration). */
export const SipConnectorConfigSchema = Type.Object({
  PORT: P.PORT,
  HOST: P.HOST,
  LOG_LEVEL: P.LOG_LEVEL,
  LOG_FORMAT: P.LOG_FORMAT,
  CTI_BRIDGE_TOKEN: P.CTI_BRIDGE_TOKEN,
  CTI_HEARTBEAT_MS: P.CTI_HEARTBEAT_MS,
  CTI_MAX_MESSAGE_BYTES: P.CTI_MAX_MESSAGE_BYTES,
  SIM_DIRECTORY_FILE: P.SIM_DIRECTORY_FILE,
  SIM_MAX_CALLS: P.SIM_MAX_CALLS,
  SIM_MAX_DATA_BYTES: P.SIM_MAX_DATA_BYTES,
  SIM_MAX_QUEUE_MS: P.SIM_MAX_QUEUE_MS,
  SIP_EVAPI: Type.String({ ...Address, default: '127.0.0.1:8448', description: 'kamailio\'s evapi address (host:port): kamailio parks each new call and asks the connector where it goes' }),
  SIP_DOMAIN: Type.String({ ...Address, default: '127.0.0.1:5060', description: 'the SIP domain the phones register in (kamailio\'s host:port): dial and transfer URIs are sip:<user>@SIP_DOMAIN' }),
  SIP_PHONES: Type.String({ maxLength: 65536, default: '', description: 'the agents\' phones: extension=host:port of each baresip ctrl_tcp, comma-separated (npm run sip-demo prints it)' }),
  SIP_CALLER: Type.String({ maxLength: 300, default: '', description: 'the caller phone the control face places calls from (number=host:port of its ctrl_tcp); empty: POST /simulator/calls is CTI_UNAVAILABLE' }),
  SIP_STATE_FILE: Type.String({ maxLength: 4096, default: '', description: 'where the connector keeps the agents logged in and the calls that are up (JSON, written after every change, read at start-up): a restarted connector carries on with them; empty: in memory only' })
})
export type SipConnectorConfig = Readonly<Static<typeof SipConnectorConfigSchema>>

export function loadSipConnectorConfig (env: Record<string, string | undefined> = process.env): SipConnectorConfig {
  return loadSettings(SipConnectorConfigSchema, env)
}

function hostPort (value: string, what: string): { host: string, port: number } {
  const at = value.lastIndexOf(':')
  const port = Number(value.slice(at + 1))
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what}: ${JSON.stringify(value)} is not host:port`)
  return { host: value.slice(0, at), port }
}

/** `1001=127.0.0.1:4410,1002=…` → the phones' addresses. */
export function parsePhones (value: string, what: string): PhoneAddress[] {
  return value.split(',').map(s => s.trim()).filter(s => s !== '').map(entry => {
    const eq = entry.indexOf('=')
    if (eq <= 0) throw new Error(`${what}: ${JSON.stringify(entry)} is not extension=host:port`)
    return { extension: entry.slice(0, eq), ...hostPort(entry.slice(eq + 1), what) }
  })
}

/** The controls the SIP connector takes: placing a call rings a real caller phone. */
export const SIP_CONTROLS = ['agents', 'calls', 'queues', 'placeCall', 'hangup'] as const

export interface SipConnector {
  readonly cti: SipCti
  readonly listener: BridgeListener
  close: () => Promise<void>
}

/** The SIP connector: the bridge protocol in front of kamailio and the agents' phones. */
export async function serveSip (config: SipConnectorConfig, log: Logger): Promise<SipConnector> {
  const phones = parsePhones(config.SIP_PHONES, 'SIP_PHONES')
  const caller = parsePhones(config.SIP_CALLER, 'SIP_CALLER')[0]
  const directory = readDirectory(config.SIM_DIRECTORY_FILE)
  const clock = new SystemClock()
  const cti = new SipCti({
    directory,
    clock,
    log: log.child({ component: 'sip' }),
    kamailio: hostPort(config.SIP_EVAPI, 'SIP_EVAPI'),
    sipDomain: config.SIP_DOMAIN,
    phones,
    ...(caller !== undefined && { caller }),
    ...(config.SIP_STATE_FILE !== '' && { stateFile: config.SIP_STATE_FILE }),
    limits: { maxCalls: config.SIM_MAX_CALLS, maxDataBytes: config.SIM_MAX_DATA_BYTES, maxQueueMs: config.SIM_MAX_QUEUE_MS }
  })
  const none = async (): Promise<never> => { throw new UNSUPPORTED('the SIP connector has real calls only (no simulated clock, no chat)') }
  const control: SimulatorControl = {
    agents: async () => cti.agents(),
    calls: async () => cti.calls(),
    queues: async () => cti.queues(),
    placeCall: async call => ({ callId: (await cti.placeCall(call)).id }),
    hangup: async callId => { await cti.hangup(callId) },
    advanceClock: none,
    startChat: none,
    chatMessage: none,
    chatTyping: none,
    leaveChat: none,
    chats: none,
    chat: none
  }
  let listener: BridgeListener
  try {
    listener = await serveBridge({
      cti,
      token: config.CTI_BRIDGE_TOKEN,
      connector: { vendor: 'his-cti-server SIP connector', version: VERSION },
      controls: { names: SIP_CONTROLS, run: async (name, args) => await runControl(control, name, args) },
      host: config.HOST,
      port: config.PORT,
      maxHeartbeatMs: config.CTI_HEARTBEAT_MS,
      maxMessageBytes: config.CTI_MAX_MESSAGE_BYTES,
      log: log.child({ component: 'bridge' })
    })
  } catch (err) {
    cti.close()
    clock.clearAll()
    throw err
  }
  return {
    cti,
    listener,
    async close () {
      await listener.close()
      cti.close()
      clock.clearAll()
    }
  }
}
