import closeWithGrace from 'close-with-grace'
import { messageOf } from '../../errors.js'
import { createLogger } from '../../logger.js'
import { readDirectory } from '../simulator/directory.js'
import { loadSipConnectorConfig, serveSip } from './connector.js'
import { SIP_PACKAGES, missingSipPackages, startSipStack, type SipStack } from './stack.js'

/** The demo's caller phone: the number customers call from (POST /simulator/calls rings from it). */
export const DEMO_CALLER = '5550100'

/**
 * `npm run sip-demo`: kamailio, one baresip phone per agent of the directory, a caller phone
 * and the SIP connector, all on loopback; then `CTI_URL=ws://127.0.0.1:3100 npm start` puts the
 * server and its media bar on real SIP calls. Ctrl-C stops everything, phones before kamailio.
 */
async function main (): Promise<void> {
  const missing = missingSipPackages()
  if (missing.length > 0) {
    process.stderr.write(`npm run sip-demo needs ${missing.join(', ')}.\nOn Debian: sudo apt-get install ${SIP_PACKAGES}\n`)
    process.exit(1)
  }
  let config
  try {
    config = loadSipConnectorConfig()
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n`)
    process.exit(1)
  }
  const log = createLogger(config).child({ process: 'sip-demo' })
  const directory = readDirectory(config.SIM_DIRECTORY_FILE)
  let stack: SipStack
  try {
    stack = await startSipStack({ agents: directory.agents.map(a => a.extension), caller: DEMO_CALLER })
  } catch (err) {
    process.stderr.write(`the SIP set-up did not start: ${messageOf(err)}\n`)
    process.exit(1)
  }
  let connector
  try {
    connector = await serveSip({
      ...config,
      SIP_EVAPI: `${stack.evapi.host}:${stack.evapi.port}`,
      SIP_DOMAIN: stack.domain,
      SIP_PHONES: stack.phones.map(p => `${p.extension}=${p.host}:${p.port}`).join(','),
      SIP_CALLER: stack.caller === undefined ? '' : `${stack.caller.extension}=${stack.caller.host}:${stack.caller.port}`
    }, log)
  } catch (err) {
    await stack.stop()
    process.stderr.write(`the SIP connector did not start: ${messageOf(err)}\n`)
    process.exit(1)
  }
  const url = `ws://${config.HOST}:${connector.listener.port}`
  log.info({ url, kamailio: stack.domain, phones: stack.phones.length, caller: DEMO_CALLER, configs: stack.dir }, 'SIP demo running')
  process.stdout.write([
    '',
    `SIP demo: kamailio on udp ${stack.domain}, ${stack.phones.length} agents' phones (${stack.phones.map(p => p.extension).join(', ')}), caller phone ${DEMO_CALLER}`,
    `phone configurations in ${stack.dir}`,
    `start the server against it:  CTI_URL=${url}${config.CTI_BRIDGE_TOKEN === '' ? '' : ' CTI_BRIDGE_TOKEN=…'} npm start`,
    'Ctrl-C stops the connector, then the phones, then kamailio.',
    ''
  ].join('\n'))
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err !== undefined) log.error({ err }, 'closing after an error')
    else log.info({ signal }, 'closing')
    await connector.close()
    await stack.stop()
  })
}

await main()
