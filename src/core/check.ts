import type { Static, TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { INVALID_MESSAGE } from '../errors.js'

/**
 * Compiles a schema once: `parse` returns the value typed by the schema, or throws
 * INVALID_MESSAGE with the first error.
 */
export function compileCheck<T extends TSchema> (schema: T, what = ''): { check: TypeCheck<T>, parse: (value: unknown) => Static<T> } {
  const check = TypeCompiler.Compile(schema)
  return {
    check,
    parse (value: unknown): Static<T> {
      if (check.Check(value)) return value
      const first = check.Errors(value).First()
      const path = first === undefined || first.path === '' ? (what === '' ? '/' : '') : first.path
      throw new INVALID_MESSAGE(`${what}${path}: ${first?.message ?? 'invalid'}`)
    }
  }
}
