import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { VERSION } from '../src/version.js'

/**
 * The OpenAPI document, generated from the route schemas. Shared schemas become named
 * components (by their `$id`), so generated clients get stable type names. Swagger UI is at
 * /docs; the document itself at /openapi.yaml and /openapi.json.
 */
export default fp(async function swaggerPlugin (app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'his-cti-server',
        version: VERSION,
        description: 'A CTI integration server speaking the Harmony Integration Server (HIS) client protocol, ' +
          'with REST, Server-Sent Events and a built-in contact-center simulator.'
      },
      tags: [
        { name: 'clients', description: 'client records and their tokens' },
        { name: 'events', description: 'the event stream (SSE)' },
        { name: 'websocket', description: 'the HIS wire protocol over a WebSocket' },
        { name: 'services', description: 'getServices, binding, service requests' },
        { name: 'sessions', description: 'agent sessions (prepareSession)' },
        { name: 'resources', description: 'session resources: binding, requests, snapshots' },
        { name: 'simulator', description: 'the built-in contact-center simulator (operator routes: ADMIN_TOKEN, or loopback)' },
        { name: 'operations', description: 'health, and metrics (an operator route)' },
        { name: 'mediabar', description: 'the browser media bar served at /' }
      ],
      components: {
        securitySchemes: {
          clientToken: { type: 'http', scheme: 'bearer', description: 'the token of POST /clients' },
          operatorToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'the server\'s ADMIN_TOKEN; with none set, operator routes answer loopback peers without it'
          }
        }
      }
    },
    // A route whose body its service checks (prepareSession) shows that schema as its body.
    transform: ({ schema, url }) => {
      if (schema === undefined || schema === null || !('documentedBody' in schema)) return { schema, url }
      const { documentedBody, ...rest } = schema
      return { schema: { ...rest, body: documentedBody }, url }
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    }
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, docExpansion: 'list' },
    // Swagger UI styles its elements inline: its pages alone allow inline styles (never scripts).
    transformStaticCSP: header => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
  })

  app.get('/openapi.yaml', {
    schema: {
      tags: ['operations'],
      operationId: 'openapiYaml',
      summary: 'This OpenAPI document, as YAML',
      response: { 200: { description: 'OpenAPI 3.1', content: { 'application/yaml': { schema: { type: 'string', examples: ['openapi: 3.1.0\ninfo:\n  title: his-cti-server\n'] } } } } }
    }
  }, async (_request, reply) => reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })))

  app.get('/openapi.json', {
    schema: {
      tags: ['operations'],
      operationId: 'openapiJson',
      summary: 'This OpenAPI document, as JSON',
      response: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object', examples: [{ openapi: '3.1.0', info: { title: 'his-cti-server' } }] } } } } }
    }
  }, async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())))
}, { name: 'swagger', dependencies: ['security'] })
