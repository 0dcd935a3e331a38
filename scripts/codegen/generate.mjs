// Generates the TypeScript types of the REST API from openapi.yaml with openapi-typescript, for
// the typed client of the contract test (test/contract.test.ts, with openapi-fetch).
// Usage: node scripts/codegen/generate.mjs [openapi.yaml] [out.d.ts]
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'

const root = new URL('../../', import.meta.url)

/** The generated types for a spec file, as the text of a .d.ts module. */
export async function generate (specPath = fileURLToPath(new URL('openapi.yaml', root))) {
  const ast = await openapiTS(readFileSync(specPath, 'utf8'), { alphabetize: true })
  return '// Generated from openapi.yaml by scripts/codegen/generate.mjs (openapi-typescript). Do not edit.\n' + astToString(ast)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[3] ?? fileURLToPath(new URL('test/generated/openapi.d.ts', root))
  writeFileSync(out, await generate(process.argv[2]))
  process.stdout.write(`wrote ${out}\n`)
}
