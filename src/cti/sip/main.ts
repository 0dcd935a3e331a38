import closeWithGrace from 'close-with-grace'
import { messageOf } from '../../errors.js'
import { createLogger } from '../../logger.js'
import { loadSipConnectorConfig, serveSip } from './connector.js'

/**
 * `npm run sip-connector`: the SIP connector on its own, in front of a kamailio and phones that
 * run already (SIP_EVAPI, SIP_DOMAIN, SIP_PHONES). `npm run sip-demo` starts all of it.
 */
async function main (): Promise<void> {
  let config
  try {
    config = loadSipConnectorConfig()
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n`)
    process.exit(1)
  }
  const log = createLogger(config).child({ process: 'sip-connector' })
  let connector
  try {
    connector = await serveSip(config, log)
  } catch (err) {
    log.fatal({ err }, 'start-up failed')
    process.stderr.write(`start-up failed: ${messageOf(err)}\n`)
    process.exit(1)
  }
  log.info({ url: `ws://${config.HOST}:${connector.listener.port}`, kamailio: config.SIP_EVAPI }, 'SIP connector listening')
  closeWithGrace({ delay: 5000 }, async ({ signal, err }) => {
    if (err !== undefined) log.error({ err }, 'closing after an error')
    else log.info({ signal }, 'closing')
    await connector.close()
  })
}

await main()
