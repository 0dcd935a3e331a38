// docs/cti-bridge.md and src/bridge/protocol.ts say the same: every message, operation and close code.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { TypeGuard, type TSchema } from '@sinclair/typebox'
import { BRIDGE_CLOSE, BRIDGE_OPERATIONS, BRIDGE_OPERATION_LIST, FROM_CONNECTOR, FROM_SERVER } from '../../src/bridge/protocol.js'
import { projectPath } from '../../src/paths.js'

const DOC = readFileSync(projectPath('docs/cti-bridge.md'), 'utf8')

function table (name: string): string[][] {
  const match = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(DOC)
  if (match?.[1] === undefined) throw new Error(`docs/cti-bridge.md has no ${name} table`)
  return match[1].split('\n').filter(l => l.startsWith('|')).slice(2).map(l => l.split('|').slice(1, -1).map(c => c.trim()))
}
const unquote = (cell: string | undefined): string => (cell ?? '').replace(/^`|`$/g, '')
const backticked = (cell: string): string[] => cell.startsWith('—') ? [] : [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1] ?? '')

function members (schema: TSchema): string[] {
  if (!TypeGuard.IsObject(schema)) return []
  const required = new Set(schema.required ?? [])
  return Object.keys(schema.properties).filter(k => k !== 'type').map(key => required.has(key) ? key : `${key}?`)
}

t.test('every message type, who sends it, and its members', async t => {
  const flat = (schemas: TSchema[], from: string): Array<{ s: TSchema, from: string }> =>
    schemas.flatMap(s => TypeGuard.IsUnion(s) ? flat(s.anyOf, from) : [{ s, from }])
  const fromServer = flat(FROM_SERVER.anyOf, 'server')
  const fromConnector = flat(FROM_CONNECTOR.anyOf, 'connector')
  const rows = table('bridge-messages')
  const documented = new Map(rows.map(r => [unquote(r[0]), r]))
  for (const { s, from } of [...fromServer, ...fromConnector]) {
    const type = TypeGuard.IsObject(s) ? String((s.properties.type as { const?: string } | undefined)?.const) : '?'
    const row = documented.get(type)
    t.ok(row !== undefined, `${type} is documented`)
    if (type === 'heartbeat') { t.equal(row?.[1], 'both'); continue }
    t.equal(row?.[1], from, `${type}: sent by the ${from}`)
    if (type === 'response') continue // two shapes: ok and not ok
    t.same(backticked(row?.[2] ?? ''), members(s), `${type}: members`)
  }
  t.equal(rows.length, 8, 'and no other')
})

t.test('every operation, with its arguments and summary', async t => {
  const rows = table('bridge-operations')
  t.same(rows.map(r => unquote(r[0])), BRIDGE_OPERATION_LIST, 'the operations, in order')
  for (const op of BRIDGE_OPERATION_LIST) {
    const row = rows.find(r => unquote(r[0]) === op) ?? []
    t.same(backticked(row[1] ?? ''), members(BRIDGE_OPERATIONS[op].args), `${op}: args`)
    t.equal(row[3], BRIDGE_OPERATIONS[op].summary, `${op}: summary`)
  }
})

t.test('every close code', async t => {
  t.same(table('bridge-close').map(r => [Number(r[0]), unquote(r[1])]), Object.entries(BRIDGE_CLOSE).map(([name, code]) => [code, name]))
})
