import { LOCKED_OUT, rateLimited, withRetryAfter } from '../errors.js'
import type { Clock } from './clock.js'
import type { Logger } from './logger.js'

export interface LoginThrottleOptions {
  /** LOGIN_FAILURES_PER_AGENT: failures for one agent id from one source before that pair is locked. */
  perAgent: number
  /** LOGIN_FAILURES_PER_SOURCE: failures from one source (any ids) before each attempt waits. */
  perSource: number
  /** LOGIN_LOCKOUT_MS: how long failures are remembered after the last one, and the longest wait. */
  lockoutMs: number
}

export interface Count {
  failures: number
  /** When the last failure happened: the count is forgotten LOGIN_LOCKOUT_MS after it (or after notBefore, if later). */
  last: number
  /** The next attempt is not checked before this (0: now). */
  notBefore: number
}

/** Entries each table keeps at most: an attacker with many addresses cannot grow it without bound. */
const MAX_ENTRIES = 100_000

/** The three tables of counts. */
export type CountTable = 'pair' | 'source' | 'agent'

/**
 * Where the counts live: in memory for one instance, in Redis for a domain (every instance then
 * counts the same failures: src/domain/redis-counts.ts). `ttlMs` is how long a count must be kept.
 */
export interface CountStore {
  read: (keys: ReadonlyArray<[CountTable, string]>) => Promise<Array<Count | undefined>>
  write: (table: CountTable, key: string, count: Count, ttlMs: number) => Promise<void>
  remove: (table: CountTable, key: string) => Promise<void>
}

/** The counts of one instance, in memory, each table bounded (the oldest entries go first). */
export class MemoryCounts implements CountStore {
  readonly #tables: Record<CountTable, Map<string, { count: Count, until: number }>> = { pair: new Map(), source: new Map(), agent: new Map() }
  readonly #clock: Clock

  constructor (clock: Clock) {
    this.#clock = clock
  }

  async read (keys: ReadonlyArray<[CountTable, string]>): Promise<Array<Count | undefined>> {
    const now = this.#clock.now()
    return keys.map(([table, key]) => {
      const entry = this.#tables[table].get(key)
      if (entry === undefined || entry.until > now) return entry?.count
      this.#tables[table].delete(key)
      return undefined
    })
  }

  async write (table: CountTable, key: string, count: Count, ttlMs: number): Promise<void> {
    const map = this.#tables[table]
    if (!map.has(key) && map.size >= MAX_ENTRIES) this.#evict(map)
    map.set(key, { count: { ...count }, until: this.#clock.now() + ttlMs })
  }

  async remove (table: CountTable, key: string): Promise<void> {
    this.#tables[table].delete(key)
  }

  /** Drops the expired entries, and the oldest ones if that is not enough. */
  #evict (map: Map<string, { until: number }>): void {
    const now = this.#clock.now()
    for (const [key, entry] of map) if (entry.until <= now) map.delete(key)
    for (const key of map.keys()) {
      if (map.size < MAX_ENTRIES * 0.9) break
      map.delete(key)
    }
  }
}
/** The agent-wide rule starts after this many times LOGIN_FAILURES_PER_AGENT failures, from all sources. */
const AGENT_WIDE_FACTOR = 4
/** The agent-wide wait grows to this at most: a real agent who mistyped once waits no longer. */
const AGENT_WIDE_MAX_MS = 30_000

/**
 * Failed logins, counted so that guessing cannot be turned against agents (docs/protocol.md,
 * Logins). Three rules, checked before any password reaches the CTI:
 *
 * - **One source, one agent id**: after LOGIN_FAILURES_PER_AGENT failures that source is locked
 *   out of that id (LOCKED_OUT) until LOGIN_LOCKOUT_MS after the last. Other sources, the real
 *   agent's among them, are not: nobody can lock an agent out for everyone.
 * - **One source, any ids**: after LOGIN_FAILURES_PER_SOURCE failures each further attempt waits a
 *   doubling delay (1 s, 2 s, 4 s … up to LOGIN_LOCKOUT_MS); an attempt before it is answered
 *   RATE_LIMITED with the seconds to wait, and its password is not checked. A source that keeps
 *   guessing is held at one attempt per LOGIN_LOCKOUT_MS.
 * - **One agent id, all sources**: after four times LOGIN_FAILURES_PER_AGENT failures, a source
 *   that has already failed for the id waits a doubling delay (up to 30 s) after the id's last
 *   failure. A source that has not failed for it (the agent at a new desk) is not held back.
 *
 * Counts are forgotten LOGIN_LOCKOUT_MS after their last failure, or after the end of the wait it
 * imposed when that is later. Unknown and known agent ids are counted alike, so the answers tell
 * nobody which ids exist.
 */
export class LoginThrottle {
  readonly #options: LoginThrottleOptions
  readonly #clock: Clock
  readonly #log: Logger
  readonly #store: CountStore

  constructor (options: LoginThrottleOptions, clock: Clock, log: Logger, store: CountStore = new MemoryCounts(clock)) {
    this.#options = options
    this.#clock = clock
    this.#log = log
    this.#store = store
  }

  /** Throws LOCKED_OUT or RATE_LIMITED when `source` may not try `agentId`'s password now. */
  async check (source: string, agentId: string): Promise<void> {
    const now = this.#clock.now()
    const [pair, bySource, byAgent] = (await this.#store.read([['pair', pairKey(source, agentId)], ['source', source], ['agent', agentId]]))
      .map(count => this.#current(count, now))
    if (pair !== undefined && pair.failures >= this.#options.perAgent) {
      throw withRetryAfter(new LOCKED_OUT('too many failed logins; try again later'), pair.last + this.#options.lockoutMs - now)
    }
    if (bySource !== undefined && bySource.notBefore > now) {
      throw rateLimited('too many failed logins from this source; wait before the next attempt', bySource.notBefore - now)
    }
    if (pair !== undefined && byAgent !== undefined && byAgent.notBefore > now) {
      throw rateLimited('too many failed logins for this agent; wait before the next attempt', byAgent.notBefore - now)
    }
  }

  /** The CTI refused `agentId`'s password from `source` (a store that cannot be written is logged, not thrown). */
  async failed (source: string, agentId: string): Promise<void> {
    try {
      await this.#failed(source, agentId)
    } catch (err) {
      this.#log.warn({ err: err instanceof Error ? err.message : String(err), agentId }, 'a failed login could not be counted')
    }
  }

  async #failed (source: string, agentId: string): Promise<void> {
    const now = this.#clock.now()
    const { perAgent, perSource, lockoutMs } = this.#options
    const keys: Array<[CountTable, string]> = [['pair', pairKey(source, agentId)], ['source', source], ['agent', agentId]]
    const [pair, bySource, byAgent] = (await this.#store.read(keys)).map(count => this.#added(count, now))
    if (pair === undefined || bySource === undefined || byAgent === undefined) return
    if (pair.failures === perAgent) this.#log.warn({ source, agentId, failures: pair.failures }, 'login locked out for this source and agent id')

    if (bySource.failures >= perSource) {
      const wait = Math.min(1000 * 2 ** (bySource.failures - perSource), lockoutMs)
      bySource.notBefore = now + wait
      if (bySource.failures === perSource) this.#log.warn({ source, failures: bySource.failures }, 'failed logins from this source: further attempts are slowed')
    }

    const agentWide = perAgent * AGENT_WIDE_FACTOR
    if (byAgent.failures >= agentWide) {
      byAgent.notBefore = now + Math.min(1000 * 2 ** (byAgent.failures - agentWide), AGENT_WIDE_MAX_MS)
      if (byAgent.failures === agentWide) this.#log.warn({ agentId, failures: byAgent.failures }, 'failed logins for this agent id from many sources: repeated attempts are slowed')
    }
    await Promise.all([pair, bySource, byAgent].map(async (count, i) => {
      const [table, key] = keys[i] ?? ['pair', '']
      await this.#store.write(table, key, count, Math.max(count.last, count.notBefore) + lockoutMs - now)
    }))
  }

  /** `source` logged in as `agentId`: that pair's failures are forgotten. */
  async succeeded (source: string, agentId: string): Promise<void> {
    await this.#store.remove('pair', pairKey(source, agentId)).catch(() => {})
  }

  /**
   * The count, if it is still remembered. A count is remembered until LOGIN_LOCKOUT_MS after the
   * later of its last failure and the end of its wait: a source held off for the longest wait
   * must stay quiet for a whole LOGIN_LOCKOUT_MS after it before its failures are forgotten, so
   * guessing at the pace the wait allows never resets them.
   */
  #current (count: Count | undefined, now: number): Count | undefined {
    if (count === undefined) return undefined
    return now < Math.max(count.last, count.notBefore) + this.#options.lockoutMs ? count : undefined
  }

  /** The count with one more failure, now. */
  #added (count: Count | undefined, now: number): Count {
    const current = this.#current(count, now) ?? { failures: 0, last: now, notBefore: 0 }
    return { failures: current.failures + 1, last: now, notBefore: current.notBefore }
  }
}

function pairKey (source: string, agentId: string): string {
  return source + '\u0000' + agentId
}
