// npm run lint: neostandard (standard's style, for TypeScript) and the design's import
// boundaries (README, Code map): dependencies point one way,
//   routes → plugins → src/{processor, workflow, cti, transport} → src/core → src/schemas,
// and nothing under src/ but app.ts and server.ts knows fastify.
import neostandard from 'neostandard'
import globals from 'globals'

/** Import specifiers that name a layer, however many `../` lead to it. */
const layer = name => [`**/${name}/**`, `./${name}/**`]
const FASTIFY = ['fastify', 'fastify-*', '@fastify/*', '!@fastify/error']

/** @typescript-eslint/no-restricted-imports for a folder: these layers (and packages) are off limits. */
function boundary (files, message, groups, extra = {}) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: groups, message, ...extra }]
      }]
    }
  }
}

export default [
  ...neostandard({
    ts: true,
    ignores: [
      'build/**', 'coverage/**', 'test-artifacts/**', 'test/generated/**', 'bench/results/**',
      '**/node_modules/**'
    ]
  }),
  {
    rules: {
      // `void promise;` marks a promise nobody awaits on purpose; elsewhere void stays refused.
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  {
    files: ['web/**/*.js'],
    languageOptions: { globals: globals.browser }
  },

  // src/ is framework-free: only the application plugin (app.ts) and the entry point know fastify.
  boundary(['src/**/*.ts'], 'src/ is framework-free: only src/app.ts and src/server.ts may import fastify, plugins/ or routes/.',
    [...FASTIFY, ...layer('plugins'), ...layer('routes'), 'fastify-sse-v2']),
  {
    files: ['src/app.ts', 'src/server.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' }
  },
  boundary(['src/schemas/**/*.ts'], 'src/schemas is the bottom layer: schemas import only schemas and src/errors.ts.',
    [...FASTIFY, ...['core', 'processor', 'workflow', 'cti', 'domain', 'transport', 'plugins', 'routes'].flatMap(layer), '**/instance.js', '**/config.js']),
  boundary(['src/core/**/*.ts'], 'src/core imports nothing above it (schemas and errors only): it is told about the rest through interfaces.',
    [...FASTIFY, ...['processor', 'workflow', 'cti', 'domain', 'transport', 'plugins', 'routes'].flatMap(layer), '**/instance.js', '**/config.js', '**/app.js']),
  boundary(['src/transport/**/*.ts'], 'src/transport sits on src/core: it knows no service (processor, workflow, cti) and no framework.',
    [...FASTIFY, ...['processor', 'workflow', 'cti', 'plugins', 'routes'].flatMap(layer), '**/instance.js', '**/app.js']),
  boundary(['src/cti/**/*.ts'], 'src/cti is below the processor: it speaks the port, not sessions or views.',
    [...FASTIFY, ...['processor', 'workflow', 'transport', 'plugins', 'routes'].flatMap(layer), '**/instance.js', '**/app.js']),
  boundary(['src/bridge/**/*.ts'], 'src/bridge (the protocol, the connector kit, the conformance suite) knows the CTI port and the schemas, not the processor, views or transports.',
    [...FASTIFY, ...['processor', 'workflow', 'transport', 'plugins', 'routes'].flatMap(layer), '**/cti/simulator/**', '**/instance.js', '**/app.js']),
  boundary(['src/domain/**/*.ts'], 'src/domain (the instance domain, in memory or on Redis) knows core and the CTI port\'s types, not the processor, views or transports.',
    [...FASTIFY, ...['processor', 'workflow', 'transport', 'plugins', 'routes'].flatMap(layer), '**/cti/simulator/**', '**/instance.js', '**/app.js']),
  boundary(['src/workflow/**/*.ts'], 'src/workflow knows call models and views, not the processor, the CTI or transports.',
    [...FASTIFY, ...['processor', 'cti', 'transport', 'plugins', 'routes'].flatMap(layer), '**/instance.js', '**/app.js']),
  boundary(['src/processor/**/*.ts'], 'src/processor reaches the CTI through its port only and knows no transport.',
    [...FASTIFY, ...['transport', 'plugins', 'routes'].flatMap(layer), '**/cti/simulator/**', '**/instance.js', '**/app.js']),
  boundary(['plugins/**/*.ts'], 'plugins/ build and decorate; they never import routes.', [...layer('routes')]),
  boundary(['routes/**/*.ts'], 'routes use what plugins decorate (app.his, request.client …), never a plugin\'s classes.',
    ['**/plugins/**'], { allowTypeImports: true })
]
