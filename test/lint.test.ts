import { createRequire } from 'node:module'
import t from 'tap'
import { projectPath } from '../src/paths.js'

// The same ESLint as npm run lint (TypeScript 6 behind typescript-eslint, the project's config).
createRequire(import.meta.url)(projectPath('scripts/lint/typescript-6.cjs'))
const { ESLint } = await import('eslint')
const eslint = new ESLint({ cwd: projectPath('.') })

/** Lints `code` as if it were the file `path`; returns the messages. */
async function lint (path: string, code: string): Promise<Array<{ ruleId: string | null, message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: projectPath(path) })
  return result?.messages ?? []
}

const cases: Array<[string, string, string, RegExp | undefined]> = [
  ['src/core may not import fastify', 'src/core/probe.ts', "import fastify from 'fastify'\nexport const f = fastify\n", /src\/core imports nothing above it/],
  ['src/core may not import the processor', 'src/core/probe.ts', "import { InteractionProcessor } from '../processor/interaction-processor.js'\nexport const p = InteractionProcessor\n", /src\/core imports nothing above it/],
  ['src/transport may not import a service', 'src/transport/probe.ts', "import { Simulator } from '../cti/simulator/simulator.js'\nexport const s = Simulator\n", /src\/transport sits on src\/core/],
  ['src/processor may not import the simulator', 'src/processor/probe.ts', "import { Simulator } from '../cti/simulator/simulator.js'\nexport const s = Simulator\n", /reaches the CTI through its port only/],
  ['nothing under src/ imports a plugin', 'src/workflow/probe.ts', "import auth from '../../plugins/auth.js'\nexport const a = auth\n", /knows call models and views/],
  ['routes do not import plugins\' classes', 'routes/client/probe.ts', "import { WsConnections } from '../../plugins/websocket.js'\nexport const w = WsConnections\n", /never a plugin's classes/],
  ['routes may import a plugin\'s types', 'routes/client/probe.ts', "import type { Answer } from '../../plugins/reply.js'\nexport const a: Answer | undefined = undefined\n", undefined],
  ['src/core may import schemas and errors', 'src/core/probe.ts', "import { INVALID_STATE } from '../errors.js'\nimport { scopeOf } from '../schemas/target.js'\nexport const x = [INVALID_STATE, scopeOf]\n", undefined]
]

for (const [name, path, code, refused] of cases) {
  t.test(`lint: ${name}`, async t => {
    const messages = await lint(path, code)
    if (refused === undefined) {
      t.same(messages, [], 'clean')
    } else {
      t.equal(messages.length, 1, 'npm run lint reports it (and fails)')
      t.equal(messages[0]?.ruleId, '@typescript-eslint/no-restricted-imports')
      t.match(messages[0]?.message, refused)
    }
  })
}
