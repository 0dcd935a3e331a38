import { readFileSync } from 'node:fs'
import t from 'tap'
import { TypeGuard, type TSchema } from '@sinclair/typebox'
import { projectPath } from '../src/paths.js'
import { EVENT_CATALOGUE } from '../src/schemas/events.schema.js'
import { FAILURE_CODE_LIST, FAILURE_MEANING, FAILURE_STATUS } from '../src/schemas/failures.js'
import { CORE_COMMANDS } from '../src/schemas/protocol.schema.js'
import { SESSION_COMMANDS, SESSION_REQUESTS } from '../src/schemas/session-requests.schema.js'
import { CLOSE_REASONS } from '../src/core/client.js'
import { CLOSE_TABLE, closeWords } from '../src/transport/close-reasons.js'

const DOC = readFileSync(projectPath('docs/protocol.md'), 'utf8')

/** The body rows of the table between `<!-- name:start -->` and `<!-- name:end -->`, as trimmed cells. */
function table (name: string): string[][] {
  const match = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(DOC)
  if (match?.[1] === undefined) throw new Error(`docs/protocol.md has no ${name} table`)
  return match[1].split('\n').filter(l => l.startsWith('|')).slice(2).map(l => l.split('|').slice(1, -1).map(c => c.trim()))
}

/** The backticked names at the start of a cell's items (`a`, `b?` (note) …): what a data column lists. */
function names (cell: string): string[] {
  if (cell.startsWith('—')) return []
  return cell.split(/,\s*(?=`)/).map(item => /^`([^`]+)`/.exec(item)?.[1] ?? `unreadable: ${item}`)
}

/** A schema's members as the docs write them: `name`, or `name?` when optional. */
function members (schema: TSchema): string[] {
  if (!TypeGuard.IsObject(schema)) return []
  const required = new Set(schema.required ?? [])
  return Object.keys(schema.properties).map(key => required.has(key) ? key : `${key}?`)
}

const unquote = (cell: string | undefined): string => (cell ?? '').replace(/^`|`$/g, '')

t.test('docs/protocol.md lists every core request', async t => {
  t.same(table('core-commands').map(row => unquote(row[0])), [...CORE_COMMANDS, 'resume'])
})

t.test('docs/protocol.md lists every session request with its target, data and category', async t => {
  const rows = table('session-requests')
  t.same(rows.map(row => unquote(row[0])), SESSION_COMMANDS, 'the commands, in catalogue order')
  for (const command of SESSION_COMMANDS) {
    const row = rows.find(r => unquote(r[0]) === command) ?? []
    const spec = SESSION_REQUESTS[command]
    t.equal(row[1], spec.target, `${command}: target`)
    t.same(names(row[2] ?? ''), members(spec.fields), `${command}: data`)
    t.equal(row[3], spec.category, `${command}: category`)
  }
})

t.test('docs/protocol.md lists every event of the catalogue with its data', async t => {
  const rows = table('events')
  t.same(rows.map(row => [unquote(row[0]), row[1], row[1] === 'workflow' ? 'session' : row[2]]),
    EVENT_CATALOGUE.map(e => [e.name, e.source, e.scope]), 'the events, their source and scope, in catalogue order')
  for (const [i, entry] of EVENT_CATALOGUE.entries()) {
    if (entry.source === 'workflow') continue
    t.same(names(rows[i]?.[3] ?? ''), members(entry.data), `${entry.name} (${entry.scope}): data`)
  }
})

t.test('docs/protocol.md lists every close reason with its code and words', async t => {
  t.same(table('close-codes').map(row => [unquote(row[0]), Number(row[1]), row[2]]),
    CLOSE_REASONS.map(reason => [reason, CLOSE_TABLE[reason].code, closeWords(reason, 'ws')]))
})

t.test('docs/protocol.md lists the failure catalogue: every code, its HTTP status and meaning', async t => {
  t.same(table('failures').map(([code, status, meaning]) => [unquote(code), Number(status), meaning]),
    FAILURE_CODE_LIST.map(code => [code, FAILURE_STATUS[code], FAILURE_MEANING[code]]))
})
