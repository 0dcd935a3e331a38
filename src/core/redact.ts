/**
 * Names of properties whose values are secrets: never logged, echoed or sent in an event. A name
 * is secret when it is one of SECRET_NAMES, or contains one of SECRET_PARTS (`agentPassword`,
 * `accessToken`, `clientSecret` …), whatever its case.
 */
const SECRET_NAMES = ['pwd', 'pass', 'pin', 'authorization', 'cookie', 'apikey', 'api_key']
const SECRET_PARTS = ['password', 'passwd', 'passcode', 'secret', 'token']

const SECRET_KEY = new RegExp(`^(?:.*(?:${SECRET_PARTS.join('|')}).*|${SECRET_NAMES.join('|')})$`, 'is')

/** Whether a property or query parameter of this name holds a secret. */
export function isSecretName (name: string): boolean {
  return SECRET_KEY.test(name)
}

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

/** Some secret name may occur in the text: the cheap test that lets most log lines through untouched. */
const SECRET_HINT = new RegExp([...SECRET_PARTS, ...SECRET_NAMES].join('|'), 'i')

/**
 * A member name as it appears in serialized JSON (`"name":`), escapes included. Each name is
 * read once and then tested with SECRET_KEY: linear in the line, whatever it holds.
 */
const MEMBER = /"((?:[^"\\]|\\.)*)":/g

const REDACTED = '[redacted]'

/**
 * One serialized JSON line (a log line) with the value of every secret-named member replaced by
 * `"[redacted]"`, whatever its depth, its type (string, number, object, array) or the object it
 * came from. Text that holds no such member is returned as it is.
 */
export function redactJsonLine (line: string): string {
  if (!SECRET_HINT.test(line)) return line
  let out = ''
  let from = 0
  MEMBER.lastIndex = 0
  let match = MEMBER.exec(line)
  while (match !== null) {
    const start = match.index + match[0].length
    if (isSecretName(unescapeJson(match[1] ?? ''))) {
      const end = endOfJsonValue(line, start)
      out += line.slice(from, start) + `"${REDACTED}"`
      from = end
      MEMBER.lastIndex = end
    }
    match = MEMBER.exec(line)
  }
  return from === 0 ? line : out + line.slice(from)
}

/** A JSON string's text (without its quotes) as the name it stands for; as it is when it is not valid. */
function unescapeJson (text: string): string {
  if (!text.includes('\\')) return text
  try {
    const name: unknown = JSON.parse(`"${text}"`)
    return typeof name === 'string' ? name : text
  } catch {
    return text
  }
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
