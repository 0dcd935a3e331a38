/** Names of properties whose values are secrets: never logged, echoed or sent in an event. */
const SECRET_NAMES = ['password', 'passwd', 'pwd', 'pass', 'secret', 'token', 'authorization', 'cookie', 'apikey', 'api_key']

const SECRET_KEY = new RegExp(`^(?:${SECRET_NAMES.join('|')})$`, 'i')

const MAX_DEPTH = 8

/**
 * A copy of `value` with every secret-named property removed, at any depth. Used for every echo
 * of client input (`data`, `original`) and for anything logged from a request.
 */
export function withoutSecrets (value: unknown): unknown {
  return strip(value, 0)
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

/** A member with a secret name, as it appears in serialized JSON (`"password":`). */
const SECRET_MEMBER = new RegExp(`"(?:${SECRET_NAMES.join('|')})":`, 'gi')

const REDACTED = '[redacted]'

/**
 * One serialized JSON line (a log line) with the value of every secret-named member replaced by
 * `"[redacted]"`, whatever its depth, its type (string, number, object, array) or the object it
 * came from. Text that holds no such member is returned as it is.
 */
export function redactJsonLine (line: string): string {
  SECRET_MEMBER.lastIndex = 0
  let match = SECRET_MEMBER.exec(line)
  if (match === null) return line
  let out = ''
  let from = 0
  while (match !== null) {
    const start = match.index + match[0].length
    const end = endOfJsonValue(line, start)
    out += line.slice(from, start) + `"${REDACTED}"`
    from = end
    SECRET_MEMBER.lastIndex = end
    match = SECRET_MEMBER.exec(line)
  }
  return out + line.slice(from)
}

/** Where the JSON value that starts at `start` ends (the index after it). Stops at a line end. */
function endOfJsonValue (text: string, start: number): number {
  let depth = 0
  let i = start
  while (i < text.length) {
    const ch = text[i]
    if (ch === '\n') return i
    if (ch === '"') {
      i++
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1
      i++
      if (depth === 0) return Math.min(i, text.length)
      continue
    }
    if (ch === '{' || ch === '[') depth++
    else if (ch === '}' || ch === ']') {
      if (depth === 0) return i
      depth--
      if (depth === 0) return i + 1
    } else if (ch === ',' && depth === 0) return i
    i++
  }
  return text.length
}
