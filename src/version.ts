import { readFileSync } from 'node:fs'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { projectPath } from './paths.js'

const PackageSchema = Type.Object({ version: Type.String() })

function readVersion (): string {
  const json: unknown = JSON.parse(readFileSync(projectPath('package.json'), 'utf8'))
  return Value.Check(PackageSchema, json) ? json.version : '0.0.0'
}

/** The product version, from package.json. */
export const VERSION: string = readVersion()
