import closeWithGrace from 'close-with-grace'
import { messageOf } from '../../errors.js'
import { createLogger } from '../../logger.js'
import { loadConnectorConfig, serveSimulator } from './connector.js'

/**
 * `npm run simulator`: the built-in contact center as its own connector process, listening for
 * servers on PORT (3100). A server started with CTI_URL=ws://127.0.0.1:3100 uses it; agents and
 * calls outlive the server's restarts.
 */
async function main (): Promise<void> {
  let config
  try {
    config = loadConnectorConfig()
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n`)
    process.exit(1)
  }
  const log = createLogger(config).child({ process: 'simulator-connector' })
  let connector
  try {
    connector = await serveSimulator(config, log)
  } catch (err) {
    log.fatal({ err }, 'start-up failed')
    process.stderr.write(`start-up failed: ${messageOf(err)}\n`)
    process.exit(1)
  }
  log.info({ url: `ws://${config.HOST}:${connector.listener.port}`, serversNeed: config.CTI_BRIDGE_TOKEN === '' ? 'nothing (any server is taken)' : 'the bridge token' }, 'simulator connector listening')
  closeWithGrace({ delay: 5000 }, async ({ signal, err }) => {
    if (err !== undefined) log.error({ err }, 'closing after an error')
    else log.info({ signal }, 'closing')
    await connector.close()
  })
}

await main()
