import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { createLogger } from './logger.js'

/**
 * Starts the server: configuration from the environment, structured logs, and a graceful
 * shutdown on SIGINT/SIGTERM that tells every open stream before it closes.
 */
async function main (): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(1)
  }
  const logger = createLogger(config)
  let app
  try {
    app = await buildApp({ config, logger })
  } catch (err) {
    logger.fatal({ err }, 'start-up failed')
    process.stderr.write(`start-up failed: ${(err as Error).message}\n`)
    process.exit(1)
  }
  closeWithGrace({ delay: 10000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })
  await app.listen({ port: config.PORT, host: config.HOST })
}

await main()
