import { readFileSync } from 'node:fs'
import { timingSafeEqual, createHash } from 'node:crypto'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { messageOf } from '../../errors.js'
import type { AuthResult, ReasonCode } from '../port.js'

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_@-]+$' })

export const DirectorySchema = Type.Object({
  agents: Type.Array(Type.Object({
    id: Id,
    name: Type.String({ minLength: 1 }),
    extension: Type.String({ pattern: '^[0-9]{2,8}$' }),
    password: Type.String({ minLength: 1 }),
    queues: Type.Optional(Type.Array(Id))
  }, { additionalProperties: false }), { minItems: 1 }),
  reasonCodes: Type.Array(Type.Object({
    code: Type.String({ pattern: '^[A-Z0-9_]{1,32}$' }),
    label: Type.String({ minLength: 1 }),
    system: Type.Optional(Type.Boolean())
  }, { additionalProperties: false })),
  queues: Type.Array(Type.Object({
    id: Id,
    name: Type.String({ minLength: 1 })
  }, { additionalProperties: false })),
  outsideAnswerSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 600, description: 'how long an outside number takes to answer (default 3)' })),
  lockout: Type.Optional(Type.Object({
    attempts: Type.Integer({ minimum: 1 }),
    seconds: Type.Integer({ minimum: 1 })
  }, { additionalProperties: false, description: 'ignored (kept so older files still load): failed logins are throttled by the server, per source (LOGIN_* settings)' }))
}, { additionalProperties: false })
export type DirectoryFile = Static<typeof DirectorySchema>
export type DirectoryAgent = DirectoryFile['agents'][number]

/** Reads and checks the simulator's directory file; a broken file stops start-up. */
export function readDirectory (path: string): DirectoryFile {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`simulator directory ${path}: ${messageOf(err)}`)
  }
  if (!Value.Check(DirectorySchema, json)) {
    const first = Value.Errors(DirectorySchema, json).First()
    throw new Error(`simulator directory ${path}: ${first?.path ?? '/'}: ${first?.message ?? 'invalid'}`)
  }
  const file: DirectoryFile = json
  const seen = new Set<string>()
  for (const [i, a] of file.agents.entries()) {
    if (seen.has(a.id) || seen.has(a.extension)) throw new Error(`simulator directory ${path}: /agents/${i}: duplicate id or extension`)
    seen.add(a.id).add(a.extension)
    for (const q of a.queues ?? []) {
      if (!file.queues.some(x => x.id === q)) throw new Error(`simulator directory ${path}: /agents/${i}/queues: unknown queue ${q}`)
    }
  }
  return file
}

/** What an unknown id's password is compared with: the same work as a known id's. */
const NOBODY = digest('\u0000 no such agent')

/**
 * The simulated platform's agent directory: who may log in, with which password, and the
 * not-ready reason codes. It keeps no lockout of its own: the server throttles failed logins per
 * source (src/core/login-throttle.ts), so nobody can lock an agent out for everyone.
 */
export class Directory {
  readonly file: DirectoryFile
  readonly #digests = new Map<string, Buffer>()

  constructor (file: DirectoryFile) {
    this.file = file
    for (const agent of file.agents) this.#digests.set(agent.id, digest(agent.password))
  }

  agent (id: string): DirectoryAgent | undefined {
    return this.file.agents.find(a => a.id === id)
  }

  byExtension (extension: string): DirectoryAgent | undefined {
    return this.file.agents.find(a => a.extension === extension)
  }

  get reasonCodes (): readonly ReasonCode[] {
    return this.file.reasonCodes
  }

  /**
   * Checks a password. Digests are compared, so the time taken depends neither on how much of
   * the password matched nor on whether the id exists; both failures read the same.
   */
  authenticate (agentId: string, password: string): AuthResult {
    const agent = this.agent(agentId)
    const expected = (agent === undefined ? undefined : this.#digests.get(agent.id)) ?? NOBODY
    const matches = timingSafeEqual(expected, digest(password))
    if (agent === undefined || !matches) return { ok: false, code: 'AUTH_FAILED', message: 'invalid agent id or password' }
    return { ok: true, agent: { id: agent.id, name: agent.name, extension: agent.extension } }
  }
}

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}
