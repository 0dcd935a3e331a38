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

interface Count {
  failures: number
  /** When the last failure happened: the count is forgotten LOGIN_LOCKOUT_MS after it (or after notBefore, if later). */
  last: number
  /** The next attempt is not checked before this (0: now). */
  notBefore: number
}

/** Entries each table keeps at most: an attacker with many addresses cannot grow it without bound. */
const MAX_ENTRIES = 100_000
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
  readonly #pairs = new Map<string, Count>()
  readonly #sources = new Map<string, Count>()
  readonly #agents = new Map<string, Count>()

  constructor (options: LoginThrottleOptions, clock: Clock, log: Logger) {
    this.#options = options
    this.#clock = clock
    this.#log = log
  }

  /** Throws LOCKED_OUT or RATE_LIMITED when `source` may not try `agentId`'s password now. */
  check (source: string, agentId: string): void {
    const now = this.#clock.now()
    const pair = this.#current(this.#pairs, pairKey(source, agentId), now)
    if (pair !== undefined && pair.failures >= this.#options.perAgent) {
      throw withRetryAfter(new LOCKED_OUT('too many failed logins; try again later'), pair.last + this.#options.lockoutMs - now)
    }
    const bySource = this.#current(this.#sources, source, now)
    if (bySource !== undefined && bySource.notBefore > now) {
      throw rateLimited('too many failed logins from this source; wait before the next attempt', bySource.notBefore - now)
    }
    const byAgent = this.#current(this.#agents, agentId, now)
    if (pair !== undefined && byAgent !== undefined && byAgent.notBefore > now) {
      throw rateLimited('too many failed logins for this agent; wait before the next attempt', byAgent.notBefore - now)
    }
  }

  /** The CTI refused `agentId`'s password from `source`. */
  failed (source: string, agentId: string): void {
    const now = this.#clock.now()
    const { perAgent, perSource, lockoutMs } = this.#options
    const pair = this.#count(this.#pairs, pairKey(source, agentId), now)
    if (pair.failures === perAgent) this.#log.warn({ source, agentId, failures: pair.failures }, 'login locked out for this source and agent id')

    const bySource = this.#count(this.#sources, source, now)
    if (bySource.failures >= perSource) {
      const wait = Math.min(1000 * 2 ** (bySource.failures - perSource), lockoutMs)
      bySource.notBefore = now + wait
      if (bySource.failures === perSource) this.#log.warn({ source, failures: bySource.failures }, 'failed logins from this source: further attempts are slowed')
    }

    const byAgent = this.#count(this.#agents, agentId, now)
    const agentWide = perAgent * AGENT_WIDE_FACTOR
    if (byAgent.failures >= agentWide) {
      byAgent.notBefore = now + Math.min(1000 * 2 ** (byAgent.failures - agentWide), AGENT_WIDE_MAX_MS)
      if (byAgent.failures === agentWide) this.#log.warn({ agentId, failures: byAgent.failures }, 'failed logins for this agent id from many sources: repeated attempts are slowed')
    }
  }

  /** `source` logged in as `agentId`: that pair's failures are forgotten. */
  succeeded (source: string, agentId: string): void {
    this.#pairs.delete(pairKey(source, agentId))
  }

  /**
   * The count under `key`, if it is still remembered (a forgotten one is dropped). A count is
   * remembered until LOGIN_LOCKOUT_MS after the later of its last failure and the end of its wait:
   * a source held off for the longest wait must stay quiet for a whole LOGIN_LOCKOUT_MS after it
   * before its failures are forgotten, so guessing at the pace the wait allows never resets them.
   */
  #current (table: Map<string, Count>, key: string, now: number): Count | undefined {
    const count = table.get(key)
    if (count === undefined) return undefined
    if (now < Math.max(count.last, count.notBefore) + this.#options.lockoutMs) return count
    table.delete(key)
    return undefined
  }

  /** Adds a failure under `key`. */
  #count (table: Map<string, Count>, key: string, now: number): Count {
    let count = this.#current(table, key, now)
    if (count === undefined) {
      if (table.size >= MAX_ENTRIES) this.#evict(table, now)
      count = { failures: 0, last: now, notBefore: 0 }
      table.set(key, count)
    }
    count.failures++
    count.last = now
    return count
  }

  /** Drops the expired entries, and the oldest ones if that is not enough. */
  #evict (table: Map<string, Count>, now: number): void {
    for (const key of [...table.keys()]) this.#current(table, key, now)
    for (const key of table.keys()) {
      if (table.size < MAX_ENTRIES * 0.9) break
      table.delete(key)
    }
  }
}

function pairKey (source: string, agentId: string): string {
  return source + '\u0000' + agentId
}
