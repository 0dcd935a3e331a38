/**
 * Names of properties whose values are secrets: never logged, echoed or sent in an event. A name
 * is secret when it is one of SECRET_NAMES, or contains one of SECRET_PARTS (`agentPassword`,
 * `accessToken`, `clientSecret` …), whatever its case.
 */
const SECRET_NAMES = ['pwd', 'pass', 'pin', 'authorization', 'cookie', 'apikey', 'api_key']
const SECRET_PARTS = ['password', 'passwd', 'passcode', 'secret', 'token']

const SECRET_PART = new RegExp(SECRET_PARTS.join('|'), 'i')
const SECRET_NAME_SET = new Set(SECRET_NAMES)

/** Whether a property or query parameter of this name holds a secret (linear in the name's length). */
export function isSecretName (name: string): boolean {
  return SECRET_PART.test(name) || SECRET_NAME_SET.has(name.toLowerCase())
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
    if (isSecretName(key)) continue
    out[key] = strip(v, depth + 1)
  }
  return out
}

/** Some secret name may occur in the text: the cheap test that lets most log lines through untouched. */
const SECRET_HINT = new RegExp([...SECRET_PARTS, ...SECRET_NAMES].join('|'), 'i')

const REDACTED = '"[redacted]"'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const NEWLINE = 0x0a

/** How much work a redaction did: the characters it stepped over (tests compare inputs of different sizes). */
export interface RedactStats {
  steps: number
}

/**
 * One serialized JSON line (a log line) with the value of every secret-named member replaced by
 * `"[redacted]"`, whatever its depth, its type (string, number, object, array) or the object it
 * came from. Text that holds no such member is returned as it is.
 *
 * One pass from left to right, which knows whether it is inside a string (and after a backslash):
 * a member name is a string outside any other string that a colon follows, and only those are
 * tested. A secret member's value is stepped over once and the pass goes on after it, so every
 * character is looked at a bounded number of times, whatever the line holds (quotes, escapes,
 * colons, secret words in values).
 */
export function redactJsonLine (line: string, stats?: RedactStats): string {
  if (!SECRET_HINT.test(line)) return line
  let steps = 0
  let out = ''
  let from = 0
  let i = 0
  const length = line.length
  while (i < length) {
    steps++
    const ch = line.charCodeAt(i)
    if (ch === NEWLINE) break
    if (ch !== QUOTE) {
      i++
      continue
    }
    // A string: find its closing quote, stepping over escapes.
    const open = i
    let escaped = false
    i++
    while (i < length) {
      steps++
      const c = line.charCodeAt(i)
      if (c === NEWLINE) break
      if (escaped) escaped = false
      else if (c === BACKSLASH) escaped = true
      else if (c === QUOTE) break
      i++
    }
    if (i >= length || line.charCodeAt(i) !== QUOTE) break
    const close = i
    i++
    // A member name is followed by a colon (JSON.stringify writes no space before it).
    if (line.charCodeAt(i) !== COLON) continue
    const valueStart = i + 1
    if (!isSecretName(unescapeJson(line.slice(open + 1, close)))) {
      i = valueStart
      continue
    }
    const end = endOfJsonValue(line, valueStart)
    steps += end - valueStart
    out += line.slice(from, valueStart) + REDACTED
    from = end
    i = end
  }
  if (stats !== undefined) stats.steps += steps
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
    const ch = text.charCodeAt(i)
    if (ch === NEWLINE) return i
    if (ch === QUOTE) {
      i++
      while (i < text.length) {
        const c = text.charCodeAt(i)
        if (c === QUOTE || c === NEWLINE) break
        i += c === BACKSLASH ? 2 : 1
      }
      if (i < text.length && text.charCodeAt(i) === QUOTE) i++
      if (depth === 0) return Math.min(i, text.length)
      continue
    }
    if (ch === 0x7b || ch === 0x5b) depth++ // { [
    else if (ch === 0x7d || ch === 0x5d) { // } ]
      if (depth === 0) return i
      depth--
      if (depth === 0) return i + 1
    } else if (ch === 0x2c && depth === 0) return i // ,
    i++
  }
  return text.length
}
