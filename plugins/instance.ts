import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../src/config.js'
import type { Clock } from '../src/core/clock.js'
import { createInstance, type Instance } from '../src/instance.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The framework-free server instance: registry, clients, dispatcher, services, simulator. */
    his: Instance
  }
}

export interface InstancePluginOptions {
  config: Config
  clock?: Clock
  transportClock?: Clock
}

/**
 * Builds the instance (call models, simulator, services) and ends its sessions when the server
 * closes. The services are marked Stopping as soon as closing begins.
 */
export default fp(async function instancePlugin (app: FastifyInstance, opts: InstancePluginOptions) {
  const { config, ...clocks } = opts
  const instance = createInstance(config, { log: app.log, ...clocks })
  app.decorate('his', instance)
  // With CTI_URL: the first attempt to reach the connector. The server starts either way; the
  // processor is OutOfService until the connector answers (it keeps trying).
  await instance.start()
  app.addHook('preClose', async () => { instance.stop() })
  app.addHook('onClose', async () => { await instance.close() })
}, { name: 'instance' })
