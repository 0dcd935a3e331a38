import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { COMMON_SCHEMAS } from '../src/schemas/common.schema.js'
import { PROTOCOL_SCHEMAS } from '../src/schemas/protocol.schema.js'
import { REST_SCHEMAS } from '../src/schemas/rest.schema.js'
import { PrepareSessionDataSchema } from '../src/schemas/session-requests.schema.js'

/** Every schema with an `$id`, registered once: routes reference them, OpenAPI names them. */
export const SHARED_SCHEMAS = [...COMMON_SCHEMAS, ...PROTOCOL_SCHEMAS, ...REST_SCHEMAS, PrepareSessionDataSchema]

export default fp(async function schemasPlugin (app: FastifyInstance) {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
}, { name: 'schemas' })
