import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fastifyStatic from '@fastify/static'
import { Type } from '@sinclair/typebox'
import { MediaBarConfigSchema, answers } from '../../src/schemas/rest.schema.js'
import { projectPath } from '../../src/paths.js'
import { frameOrigins, urlList } from '../../src/config.js'

/** The browser media bar: the static page from web/ at `/`, and the settings it reads first. */
const web: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.his
  const servers = urlList(config.MEDIA_BAR_SERVERS)
  const embedOrigins = frameOrigins(config.FRAME_ANCESTORS)

  app.get('/mediabar/config', {
    schema: {
      tags: ['mediabar'],
      operationId: 'mediaBarConfig',
      summary: 'The media bar\'s settings',
      description: 'Which servers the media bar at `/` chooses from (MEDIA_BAR_SERVERS), and whether this page may use the simulator\'s ' +
        'control routes (the simulator runs, SIM_CONTROL is on, and the page is an operator\'s: loopback when no ADMIN_TOKEN is set); ' +
        'which embedding pages it talks to with postMessage (FRAME_ANCESTORS; README, Embedding the media bar).',
      response: answers({ 200: [Type.Ref(MediaBarConfigSchema), 'the settings'] })
    }
  }, async request => ({ servers, domain: app.his.domain.shared, simulator: config.SIM_CONTROL === 'on' && app.operatorAllowed(request) && app.his.control() !== undefined, processorId: config.PROCESSOR_ID, embedOrigins }))

  await app.register(fastifyStatic, {
    root: projectPath('web'),
    prefix: '/',
    index: ['index.html'],
    wildcard: false,
    cacheControl: true,
    maxAge: 0,
    schemaHide: true
  })
}

export default web
