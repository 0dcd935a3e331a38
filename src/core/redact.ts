/** Keys whose values are secrets: never logged, echoed or sent in an event. */
const SECRET_KEY = /^(password|passwd|pwd|pass|secret|token|authorization|apikey|api_key)$/i

const MAX_DEPTH = 8

/**
 * A copy of `value` with every secret-named property removed, at any depth. Used for every echo
 * of client input (`data`, `original`) and for anything logged from a request.
 */
export function withoutSecrets<T> (value: T): T {
  return strip(value, 0) as T
}

function strip (value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '[truncated]'
  if (Array.isArray(value)) return value.map(v => strip(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) continue
    out[key] = strip(v, depth + 1)
  }
  return out
}
