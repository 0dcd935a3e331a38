import { randomUUID } from 'node:crypto'
import { Redis, type Result } from 'ioredis'
import { DOMAIN_UNAVAILABLE, messageOf } from '../errors.js'
import type { Logger } from '../core/logger.js'
import type { Count, CountStore, CountTable } from '../core/login-throttle.js'
import {
  newResumeToken, resumeHash,
  type ClaimResult, type Domain, type DomainCommand, type DomainHealth, type DomainInstance,
  type DomainReporter, type ResumeRecord
} from './domain.js'

export interface RedisDomainOptions {
  url: string
  name: string
  instanceId: string
  publicUrl: string
  /** DOMAIN_LEASE_MS: how long this instance's registration and claims outlive its last renewal. */
  leaseMs: number
  /** How long a resume credential outlives its instance's last renewal (SESSION_GRACE_MS). */
  resumeMs: number
  log: Logger
}

/** How long a takeover waits for the holding instance to confirm it ended its session. */
const COMMAND_ACK_MS = 500
/** How long one Redis command may take before the domain counts as unavailable for it. */
const COMMAND_TIMEOUT_MS = 2000

// The scripts: each claim change is one atomic step. Keys share the hash tag {domain}, so a
// Redis Cluster keeps a domain in one slot.

/** KEYS: claim, generation · ARGV: instance, session, force, leaseMs, instance key prefix. */
const CLAIM = `
local cur = redis.call('HMGET', KEYS[1], 'instance', 'session', 'generation', 'orphaned')
if cur[1] and cur[1] ~= ARGV[1] and ARGV[3] == '0' and cur[4] ~= '1' and redis.call('EXISTS', ARGV[5] .. cur[1]) == 1 then
  return {0, cur[1], cur[2], cur[3]}
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  -- A counter that is gone (Redis restarted empty, or evicted) starts from the time in ms: above
  -- every generation handed out before, which a connector may still fence with.
  local t = redis.call('TIME')
  redis.call('SET', KEYS[2], string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)))
end
local gen = redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'instance', ARGV[1], 'session', ARGV[2], 'generation', gen, 'orphaned', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, cur[1], cur[2], cur[3], gen}`

/** KEYS: claim · ARGV: generation. */
const RELEASE = `
if redis.call('HGET', KEYS[1], 'generation') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** KEYS: claim · ARGV: generation. */
const ORPHAN = `
if redis.call('HGET', KEYS[1], 'generation') == ARGV[1] then return redis.call('HSET', KEYS[1], 'orphaned', '1') end
return 0`

/**
 * KEYS: claim, generation, resume · ARGV: instance, generation, leaseMs, orphaned, resumeMs,
 * and, after a reconnect, the session's credential hash and record ('' otherwise).
 * 1: still ours (renewed); 0: another session has claimed the agent since (lost). A claim that
 * is gone (expired while this instance could not reach Redis, or a Redis restarted empty) is
 * ours again when no newer one was made; the generation counter is brought up to it.
 */
const RENEW = `
local g = redis.call('HGET', KEYS[1], 'generation')
if g == false then
  if tonumber(redis.call('GET', KEYS[2]) or '0') > tonumber(ARGV[2]) then return 0 end
  redis.call('SET', KEYS[2], ARGV[2])
  redis.call('HSET', KEYS[1], 'instance', ARGV[1], 'session', '', 'generation', ARGV[2], 'orphaned', ARGV[4])
elseif g ~= ARGV[2] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[6] ~= '' and redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('HSET', KEYS[3], 'hash', ARGV[6], 'record', ARGV[7], 'generation', ARGV[2])
end
if redis.call('HGET', KEYS[3], 'generation') == ARGV[2] then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
return 1`

/** KEYS: resume · ARGV: hash. The record, once; the credential is void after. */
const REDEEM = `
if redis.call('HGET', KEYS[1], 'hash') == ARGV[1] then
  local record = redis.call('HGET', KEYS[1], 'record')
  redis.call('DEL', KEYS[1])
  return record
end
return false`

/** KEYS: resume · ARGV: generation. */
const VOID = RELEASE

/**
 * KEYS: resume · ARGV: hash, record, generation, resumeMs. Stores a credential unless one of a
 * newer session is there (a late or restored issue never replaces a newer session's).
 */
const ISSUE = `
if tonumber(redis.call('HGET', KEYS[1], 'generation') or '0') > tonumber(ARGV[3]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'record', ARGV[2], 'generation', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`

interface Message {
  type: 'release' | 'ack'
  id: string
  from: string
  command?: DomainCommand
}

/**
 * The domain in Redis (REDIS_URL), through ioredis. This instance registers under a lease it
 * renews every third of DOMAIN_LEASE_MS, with the claims of its sessions; a claim is one hash per
 * agent whose generation only grows (a fencing token); takeovers travel as pub/sub messages to
 * the holding instance. Commands are never queued while Redis is away (`enableOfflineQueue:
 * false`): a login then fails with DOMAIN_UNAVAILABLE rather than risk a second session.
 */
export class RedisDomain implements Domain {
  readonly shared = true
  readonly name: string
  readonly instanceId: string
  readonly #options: RedisDomainOptions
  readonly #log: Logger
  readonly #redis: Redis
  readonly #sub: Redis
  readonly #prefix: string
  readonly #startedAt = new Date().toISOString()
  readonly #listeners = new Set<(health: DomainHealth) => void>()
  readonly #pending = new Map<string, () => void>()
  #health: DomainHealth = { ok: false, detail: 'connecting to Redis' }
  #reporter: DomainReporter | undefined
  #handler: ((command: DomainCommand) => Promise<void>) | undefined
  #timer: NodeJS.Timeout | undefined
  #peers: string[] = []
  /**
   * The credentials this instance issued for its sessions (hash and record, never the
   * credential): written back after a reconnect, when Redis has lost them (it restarted empty).
   */
  readonly #issued = new Map<string, { hash: string, record: string, generation: number }>()
  /** The next renewal writes lost credentials back (set whenever Redis is reached again). */
  #restore = false
  #closed = false
  #renewing = false

  constructor (options: RedisDomainOptions) {
    this.#options = options
    this.name = options.name
    this.instanceId = options.instanceId
    this.#log = options.log
    this.#prefix = `his:{${options.name}}:`
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: COMMAND_TIMEOUT_MS,
      // Reconnect for ever, waiting 100 ms, 200 ms … up to 2 s between attempts.
      retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times - 1, 5), 2000)
    }
    this.#redis = new Redis(options.url, { ...common, connectionName: `his:${options.instanceId}` })
    this.#sub = new Redis(options.url, { ...common, connectionName: `his:${options.instanceId}:sub` })
    this.#redis.defineCommand('hisClaim', { numberOfKeys: 2, lua: CLAIM })
    this.#redis.defineCommand('hisRelease', { numberOfKeys: 1, lua: RELEASE })
    this.#redis.defineCommand('hisOrphan', { numberOfKeys: 1, lua: ORPHAN })
    this.#redis.defineCommand('hisRenew', { numberOfKeys: 3, lua: RENEW })
    this.#redis.defineCommand('hisRedeem', { numberOfKeys: 1, lua: REDEEM })
    this.#redis.defineCommand('hisVoid', { numberOfKeys: 1, lua: VOID })
    this.#redis.defineCommand('hisIssue', { numberOfKeys: 1, lua: ISSUE })
    for (const connection of [this.#redis, this.#sub]) {
      connection.on('ready', () => { this.#changed() })
      connection.on('close', () => { this.#changed() })
      connection.on('end', () => { this.#changed() })
      // ioredis reports every failed attempt; the health change is what is logged.
      connection.on('error', () => {})
    }
    this.#sub.on('message', (_channel: string, text: string) => { this.#onMessage(text) })
    // Subscribed whenever the connection is ready: a first attempt while Redis was away is not
    // one ioredis would repeat on its own.
    this.#sub.on('ready', () => { void this.#sub.subscribe(this.#key('commands', this.instanceId)).catch(() => {}) })
  }

  #key (kind: string, id: string): string {
    return `${this.#prefix}${kind}:${id}`
  }

  health (): DomainHealth {
    return this.#health
  }

  watch (listener: (health: DomainHealth) => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  async start (): Promise<void> {
    this.#timer = setInterval(() => { void this.#renew() }, Math.max(100, Math.floor(this.#options.leaseMs / 3)))
    this.#timer.unref()
    await Promise.all([this.#redis.connect(), this.#sub.connect()].map(async p => await p.catch(() => {})))
    await this.#renew()
  }

  /** Health follows both connections; back from a loss, this instance registers and renews at once. */
  #changed (): void {
    if (this.#closed) return
    const ok = this.#redis.status === 'ready' && this.#sub.status === 'ready'
    if (ok === this.#health.ok) return
    this.#health = ok ? { ok: true, detail: `domain ${this.name} on Redis` } : { ok: false, detail: 'Redis cannot be reached; reconnecting' }
    this.#log[ok ? 'info' : 'warn']({ domain: this.name, instance: this.instanceId }, ok ? 'domain available' : 'domain unavailable: Redis cannot be reached')
    if (ok) {
      this.#restore = true
      void this.#renew()
    }
    for (const listener of this.#listeners) listener(this.#health)
  }

  /** Renews the registration and every claim this instance holds; a claim taken since is lost. */
  async #renew (): Promise<void> {
    if (this.#renewing || this.#closed || this.#redis.status !== 'ready') return
    this.#renewing = true
    try {
      const { leaseMs, resumeMs } = this.#options
      const me = this.self()
      const claims = this.#reporter?.claims() ?? []
      const restore = this.#restore
      const pipeline = this.#redis.pipeline()
      pipeline.set(this.#key('instance', this.instanceId), JSON.stringify(me), 'PX', leaseMs)
      pipeline.zadd(this.#key('instances', 'all'), Date.now(), this.instanceId)
      const origin = originOf(me.url)
      if (origin !== '') pipeline.zadd(this.#key('origins', 'all'), Date.now(), origin)
      for (const c of claims) {
        const issued = restore ? this.#issued.get(c.agentId) : undefined
        const credential = issued?.generation === c.generation ? issued : undefined
        pipeline.hisRenew(this.#key('agent', c.agentId), this.#key('generation', c.agentId), this.#key('resume', c.agentId),
          this.instanceId, c.generation, leaseMs, c.orphaned ? '1' : '0', resumeMs, credential?.hash ?? '', credential?.record ?? '')
      }
      const results = await pipeline.exec() ?? []
      if (restore) this.#restore = false
      const first = origin === '' ? 2 : 3
      claims.forEach((claim, i) => {
        const [err, value] = results[i + first] ?? [null, 1]
        if (err === null && value === 0) this.#reporter?.lost(claim)
      })
      // A media bar served by an instance that has died since still calls the others while its
      // agent's resume credential lasts: the origins of instances seen within it stay allowed.
      const since = Date.now() - resumeMs
      await this.#redis.zremrangebyscore(this.#key('origins', 'all'), '-inf', `(${since}`)
      this.#peers = await this.#redis.zrangebyscore(this.#key('origins', 'all'), since, '+inf')
    } catch (err) {
      // Redis may have lost what this instance holds (a link that hung, then came back without
      // closing): the next renewal writes the credentials back where they are missing.
      this.#restore = true
      this.#log.debug({ err: messageOf(err) }, 'domain renewal failed')
    } finally {
      this.#renewing = false
    }
  }

  async instances (): Promise<DomainInstance[]> {
    const ids = await this.#call(async () => await this.#redis.zrange(this.#key('instances', 'all'), '0', '-1'))
    if (ids.length === 0) return []
    const values = await this.#call(async () => await this.#redis.mget(ids.map(id => this.#key('instance', id))))
    const live: DomainInstance[] = []
    const gone: string[] = []
    values.forEach((value, i) => {
      const parsed = value === null ? undefined : parseInstance(value)
      if (parsed === undefined) gone.push(ids[i] ?? '')
      else live.push(parsed)
    })
    if (gone.length > 0) await this.#redis.zrem(this.#key('instances', 'all'), ...gone).catch(() => {})
    // An instance that joined since the last renewal is allowed at once (the next page this one
    // serves may call it).
    const origins = live.map(i => originOf(i.url)).filter(o => o !== '' && !this.#peers.includes(o))
    if (origins.length > 0) this.#peers = [...this.#peers, ...origins]
    return live.sort((a, b) => a.id.localeCompare(b.id))
  }

  self (): DomainInstance {
    const load = this.#reporter?.load() ?? { status: 'InService', acceptingClients: false, clientCount: 0, sessions: 0 }
    return { id: this.instanceId, url: this.#options.publicUrl, ...load, startedAt: this.#startedAt }
  }

  peerOrigins (): readonly string[] {
    return this.#peers
  }

  async claim (agentId: string, sessionId: string, force: boolean): Promise<ClaimResult> {
    const reply = await this.#call(async () => await this.#redis.hisClaim(this.#key('agent', agentId), this.#key('generation', agentId),
      this.instanceId, sessionId, force ? '1' : '0', this.#options.leaseMs, this.#key('instance', '')))
    const [ok, instance, session, generation, next] = reply
    if (ok === 0) {
      const holder = { instance: String(instance), sessionId: String(session), generation: Number(generation) }
      const url = await this.#redis.get(this.#key('instance', holder.instance)).then(v => v === null ? '' : parseInstance(v)?.url ?? '', () => '')
      return { ok: false, holder: { ...holder, url } }
    }
    if (instance === null) return { ok: true, generation: Number(next) }
    return { ok: true, generation: Number(next), previous: { instance: String(instance), sessionId: String(session), generation: Number(generation) } }
  }

  async release (agentId: string, generation: number): Promise<void> {
    await this.#call(async () => await this.#redis.hisRelease(this.#key('agent', agentId), generation))
  }

  async orphan (agentId: string, generation: number): Promise<void> {
    await this.#call(async () => await this.#redis.hisOrphan(this.#key('agent', agentId), generation))
  }

  async issueResume (record: ResumeRecord, token = newResumeToken()): Promise<string> {
    const key = this.#key('resume', record.agent.id)
    const hash = resumeHash(token)
    const text = JSON.stringify(record)
    const stored = await this.#call(async () => await this.#redis.hisIssue(key, hash, text, record.generation, this.#options.resumeMs))
    if (stored === 1) this.#issued.set(record.agent.id, { hash, record: text, generation: record.generation })
    return token
  }

  async redeemResume (agentId: string, token: string): Promise<ResumeRecord | undefined> {
    const value = await this.#call(async () => await this.#redis.hisRedeem(this.#key('resume', agentId), resumeHash(token)))
    if (typeof value !== 'string') return undefined
    this.#issued.delete(agentId)
    return parseRecord(value)
  }

  async voidResume (agentId: string, generation: number): Promise<void> {
    if (this.#issued.get(agentId)?.generation === generation) this.#issued.delete(agentId)
    await this.#call(async () => await this.#redis.hisVoid(this.#key('resume', agentId), generation))
  }

  async send (instanceId: string, command: DomainCommand): Promise<boolean> {
    const id = randomUUID()
    const message: Message = { type: 'release', id, from: this.instanceId, command }
    return await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => { this.#pending.delete(id); resolve(false) }, COMMAND_ACK_MS)
      this.#pending.set(id, () => { clearTimeout(timer); this.#pending.delete(id); resolve(true) })
      const unheard = (): void => {
        clearTimeout(timer)
        this.#pending.delete(id)
        resolve(false)
      }
      // Nobody subscribed (the instance is dead: Redis saw its connections close): no wait.
      this.#redis.publish(this.#key('commands', instanceId), JSON.stringify(message)).then(receivers => { if (receivers === 0) unheard() }, unheard)
    })
  }

  onCommand (handler: (command: DomainCommand) => Promise<void>): void {
    this.#handler = handler
  }

  #onMessage (text: string): void {
    let message: Message
    try {
      message = JSON.parse(text)
    } catch {
      return
    }
    if (typeof message !== 'object' || message === null) return
    if (message.type === 'ack') {
      this.#pending.get(message.id)?.()
      return
    }
    const command = message.command
    if (message.type !== 'release' || command === undefined || typeof command.agentId !== 'string' || typeof command.generation !== 'number') return
    const handled = this.#handler === undefined ? Promise.resolve() : this.#handler(command)
    void handled.catch((err: unknown) => { this.#log.warn({ err: messageOf(err), agentId: command.agentId }, 'domain command failed') }).then(async () => {
      const ack: Message = { type: 'ack', id: message.id, from: this.instanceId }
      await this.#redis.publish(this.#key('commands', message.from), JSON.stringify(ack)).catch(() => {})
    })
  }

  report (reporter: DomainReporter): void {
    this.#reporter = reporter
  }

  /**
   * Failed logins counted in Redis, so that every instance of the domain sees the same counts: a
   * guesser gets LOGIN_FAILURES_PER_AGENT tries in the domain, not per instance. (Two failures at
   * the same moment on two instances may count once: the count is read, then written.)
   */
  loginCounts (): CountStore {
    const key = (table: CountTable, id: string): string => this.#key(`logins:${table}`, id)
    return {
      read: async keys => {
        const values = await this.#call(async () => await this.#redis.mget(keys.map(([table, id]) => key(table, id))))
        return values.map(value => value === null ? undefined : parseCount(value))
      },
      write: async (table, id, count, ttlMs) => {
        await this.#call(async () => await this.#redis.set(key(table, id), JSON.stringify(count), 'PX', Math.max(1, Math.ceil(ttlMs))))
      },
      remove: async (table, id) => {
        await this.#call(async () => await this.#redis.del(key(table, id)))
      }
    }
  }

  /** Runs one Redis call; any failure is DOMAIN_UNAVAILABLE (the detail goes to the log, not the client). */
  async #call<T> (fn: () => Promise<T>): Promise<T> {
    if (this.#redis.status !== 'ready') throw new DOMAIN_UNAVAILABLE(`the domain ${this.name} is unavailable (Redis cannot be reached); try again shortly`)
    try {
      return await fn()
    } catch (err) {
      this.#log.warn({ err: messageOf(err) }, 'a domain request to Redis failed')
      throw new DOMAIN_UNAVAILABLE(`the domain ${this.name} is unavailable (Redis did not answer); try again shortly`)
    }
  }

  /** Leaves the domain: the registration goes at once (the claims of ended sessions are gone already). */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    if (this.#redis.status === 'ready') {
      await this.#redis.multi().del(this.#key('instance', this.instanceId)).zrem(this.#key('instances', 'all'), this.instanceId).exec().catch(() => {})
    }
    // QUIT waits for the replies of what was sent before it (the claims of the sessions just ended).
    await this.#redis.quit().catch(() => { this.#redis.disconnect() })
    this.#sub.disconnect()
  }
}

/** `text` as JSON when it is what `fits` expects (what another instance wrote); undefined otherwise. */
function parseJson<T> (text: string, fits: (value: any) => boolean): T | undefined {
  try {
    const value = JSON.parse(text)
    return typeof value === 'object' && value !== null && fits(value) ? value : undefined
  } catch {
    return undefined
  }
}

function parseInstance (text: string): DomainInstance | undefined {
  return parseJson(text, v => typeof v.id === 'string')
}

function parseCount (text: string): Count | undefined {
  return parseJson(text, v => typeof v.failures === 'number' && typeof v.last === 'number' && typeof v.notBefore === 'number')
}

function parseRecord (text: string): ResumeRecord | undefined {
  return parseJson(text, v => typeof v.agent?.id === 'string' && typeof v.generation === 'number')
}

function originOf (url: string): string {
  try {
    return url === '' ? '' : new URL(url).origin
  } catch {
    return ''
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hisClaim: (claim: string, generation: string, instance: string, session: string, force: string, leaseMs: number, prefix: string) => Result<[number, string | null, string | null, string | null, number?], Context>
    hisRelease: (claim: string, generation: number) => Result<number, Context>
    hisOrphan: (claim: string, generation: number) => Result<number, Context>
    hisRenew: (claim: string, generation: string, resume: string, instance: string, gen: number, leaseMs: number, orphaned: string, resumeMs: number, hash: string, record: string) => Result<number, Context>
    hisRedeem: (resume: string, hash: string) => Result<string | null, Context>
    hisVoid: (resume: string, generation: number) => Result<number, Context>
    hisIssue: (resume: string, hash: string, record: string, generation: number, resumeMs: number) => Result<number, Context>
  }
}
