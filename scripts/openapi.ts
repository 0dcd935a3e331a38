import { writeFileSync } from 'node:fs'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { configWith } from '../src/config.js'
import { ManualClock } from '../src/core/clock.js'
import { projectPath } from '../src/paths.js'

/** The OpenAPI document the route schemas describe, as YAML (deterministic). */
export async function generateOpenApi (): Promise<string> {
  const app = await buildApp({ config: configWith(), clock: new ManualClock(0), logger: pino({ level: 'silent' }) })
  try {
    await app.ready()
    return app.swagger({ yaml: true })
  } finally {
    await app.close()
  }
}

export const OPENAPI_FILE = projectPath('openapi.yaml')

if (process.argv[1]?.endsWith('openapi.js') === true) {
  writeFileSync(OPENAPI_FILE, await generateOpenApi())
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`)
}
