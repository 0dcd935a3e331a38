import { setFlagsFromString } from 'node:v8'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { messageOf } from './errors.js'
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
    process.stderr.write(`${messageOf(err)}\n`)
    process.exit(1)
  }
  // V8 otherwise lets the heap grow to up to four times its live data between full collections
  // under a steady stream of events: 1.4 GB of RSS for 330 MB live at 5,000 agents (BENCHMARKS.md).
  if (config.HEAP_GROWTH_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWTH_PERCENT}`)
  // V8 allocates the objects of a site whose objects mostly survived straight in the old
  // generation: the outbox's events were such a site, so each went there, for a full collection
  // to take back, even once delivered within a millisecond (BENCHMARKS.md, Performance, third step).
  if (config.V8_PRETENURING === 'off') setFlagsFromString('--no-allocation-site-pretenuring')
  const logger = createLogger(config)
  logger.info({ heapGrowthPercent: config.HEAP_GROWTH_PERCENT === 0 ? 'V8' : config.HEAP_GROWTH_PERCENT, pretenuring: config.V8_PRETENURING }, 'garbage collection settings')
  let app
  try {
    app = await buildApp({ config, logger })
  } catch (err) {
    logger.fatal({ err }, 'start-up failed')
    process.stderr.write(`start-up failed: ${messageOf(err)}\n`)
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
