// The product's server for the chat bench (bench/chat.ts): src/server.ts's start-up (the same
// buildApp, configuration from the environment, the same heap growth setting), in a process
// forked with --expose-gc and an IPC channel, so the bench can read its heap after a full
// collection: {heap: true} → {heapUsed, external, arrayBuffers} after gc() twice. Nothing else
// is added to the server: every request still comes over its sockets.
import { setFlagsFromString } from 'node:v8'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createLogger } from '../src/logger.js'

const config = loadConfig()
if (config.HEAP_GROWTH_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWTH_PERCENT}`)
const app = await buildApp({ config, logger: createLogger(config) })
await app.listen({ port: config.PORT, host: config.HOST })

const gc = (globalThis as { gc?: () => void }).gc
process.on('message', (message: { heap?: boolean }) => {
  if (message.heap !== true) return
  if (gc === undefined) { process.send?.({ error: 'node was started without --expose-gc' }); return }
  // Two full collections, a turn of the loop apart: whatever the first freed is gone by the second.
  gc()
  setImmediate(() => {
    gc()
    const m = process.memoryUsage()
    process.send?.({ heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss })
  })
})
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
process.once('disconnect', () => { void app.close().then(() => process.exit(0)) })
