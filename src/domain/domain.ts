import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import { MemoryCounts, type CountStore } from '../core/login-throttle.js'
import type { CtiAgent } from '../cti/port.js'

/**
 * The instance domain (docs/protocol.md, The domain): the instances that serve one pool of agents.
 * With REDIS_URL the domain lives in Redis (src/domain/redis-domain.ts) and spans every instance
 * that names the same INSTANCE_DOMAIN; without it, it is this instance alone, in memory
 * (LocalDomain below). The Interaction Processor asks it for the one rule that spans instances:
 * at most one session per agent, claimed atomically with a fencing generation.
 */
export interface Domain {
  /** Whether the domain is shared (REDIS_URL); false: this instance alone, in memory. */
  readonly shared: boolean
  /** INSTANCE_DOMAIN. */
  readonly name: string
  /** This instance's id in the domain (INSTANCE_ID). */
  readonly instanceId: string
  /** Whether the domain can be used now (a shared domain needs Redis). */
  health: () => DomainHealth
  /** Calls `listener` whenever the health changes; returns the function that stops it. */
  watch: (listener: (health: DomainHealth) => void) => () => void
  /** Connects and registers this instance (resolves after the first attempt, whatever came of it). */
  start: () => Promise<void>
  /** The live instances of the domain, this one included. */
  instances: () => Promise<DomainInstance[]>
  /** This instance as it is now (what its next renewal writes). */
  self: () => DomainInstance
  /**
   * The origins of the PUBLIC_URLs of the instances seen within a resume credential's lifetime,
   * as last read (CORS and the media bar's CSP allow them: a page served by an instance that
   * died since still calls the others).
   */
  peerOrigins: () => readonly string[]
  /**
   * Claims `agentId` for a session of this instance. Refused (`ok: false`) while a live session
   * of another instance holds the agent, unless `force` (a confirmed takeover, a resume).
   * Throws DOMAIN_UNAVAILABLE when the domain cannot be asked.
   */
  claim: (agentId: string, sessionId: string, force: boolean) => Promise<ClaimResult>
  /** The session of `generation` ended: its claim goes (a newer claim is left alone). */
  release: (agentId: string, generation: number) => Promise<void>
  /** The session of `generation` waits for nobody (pending logout): a new login needs no confirm. */
  orphan: (agentId: string, generation: number) => Promise<void>
  /** Stores `record` under a new resume credential (the old one is void) and returns the credential. */
  issueResume: (record: ResumeRecord, token?: string) => Promise<string>
  /**
   * Takes the resume credential: returns its record and voids it (one use), or undefined when
   * it is not the agent's current one. Throws DOMAIN_UNAVAILABLE when the domain cannot be asked.
   */
  redeemResume: (agentId: string, token: string) => Promise<ResumeRecord | undefined>
  /** The session of `generation` ended: its credential goes (a newer session's is left alone). */
  voidResume: (agentId: string, generation: number) => Promise<void>
  /**
   * Tells the instance holding a claim to end its session (a takeover from here). Resolves true
   * when that instance confirmed, false when it did not within half a second (it may be dead).
   */
  send: (instanceId: string, command: DomainCommand) => Promise<boolean>
  /** What this instance does when another one sends it a command. */
  onCommand: (handler: (command: DomainCommand) => Promise<void>) => void
  /**
   * What this instance holds, read at every lease renewal: the load it reports in GET /domain,
   * and its sessions' claims (`lost` is called for a claim another instance has taken since).
   */
  report: (reporter: DomainReporter) => void
  /** Where failed logins are counted: in memory for one instance, in Redis for the whole domain. */
  loginCounts: (clock: Clock) => CountStore
  close: () => Promise<void>
}

export interface DomainHealth {
  ok: boolean
  detail: string
}

/** One live instance, as GET /domain lists it. */
export interface DomainInstance {
  id: string
  /** PUBLIC_URL: how media bars and peers reach it ('' when it has none). */
  url: string
  status: string
  acceptingClients: boolean
  clientCount: number
  sessions: number
  startedAt: string
}

export interface InstanceLoad {
  status: string
  acceptingClients: boolean
  clientCount: number
  sessions: number
}

export interface HeldClaim {
  agentId: string
  generation: number
  orphaned: boolean
}

export interface DomainReporter {
  load: () => InstanceLoad
  claims: () => HeldClaim[]
  lost: (claim: HeldClaim) => void
}

/** Who holds an agent: the instance and its session, with the claim's fencing generation. */
export interface Claim {
  instance: string
  sessionId: string
  generation: number
}

export type ClaimResult =
  | { ok: true, generation: number, previous?: Claim }
  | { ok: false, holder: Claim & { url: string } }

/** What a resume credential stands for: the agent and the session it was issued to. */
export interface ResumeRecord {
  agent: CtiAgent
  sessionId: string
  generation: number
}

export interface DomainCommand {
  type: 'release'
  agentId: string
  generation: number
  reason: string
}

/** A new resume credential: 32 random bytes, base64url (what the client keeps). */
export function newResumeToken (): string {
  return randomBytes(32).toString('base64url')
}

/** What the domain stores of a credential: its SHA-256, never the credential. */
export function resumeHash (token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Compares two hashes in constant time. */
export function sameHash (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

interface LocalResume {
  hash: string
  record: ResumeRecord
  /** When it expires unless renewed (a restored credential would otherwise live for ever). */
  until: number
}

/**
 * The domain of one instance (no REDIS_URL): the same rules, in memory. A claim is always this
 * instance's (the processor's own check finds its sessions); resume credentials let a reloaded
 * page take its session back without a password or a takeover prompt.
 */
export class LocalDomain implements Domain {
  readonly shared = false
  readonly name: string
  readonly instanceId: string
  readonly #url: string
  readonly #startedAt = new Date().toISOString()
  readonly #claims = new Map<string, Claim & { orphaned: boolean }>()
  readonly #resumes = new Map<string, LocalResume>()
  #generation = 0
  #reporter: DomainReporter | undefined

  readonly #resumeMs: number

  constructor (options: { name: string, instanceId: string, url: string, resumeMs: number }) {
    this.name = options.name
    this.instanceId = options.instanceId
    this.#url = options.url
    this.#resumeMs = options.resumeMs
  }

  health (): DomainHealth {
    return { ok: true, detail: 'this instance alone (no REDIS_URL)' }
  }

  watch (): () => void {
    return () => {}
  }

  async start (): Promise<void> {}

  async instances (): Promise<DomainInstance[]> {
    return [this.self()]
  }

  self (): DomainInstance {
    const load = this.#reporter?.load() ?? { status: 'InService', acceptingClients: true, clientCount: 0, sessions: 0 }
    return { id: this.instanceId, url: this.#url, ...load, startedAt: this.#startedAt }
  }

  peerOrigins (): readonly string[] {
    return []
  }

  async claim (agentId: string, sessionId: string): Promise<ClaimResult> {
    const previous = this.#claims.get(agentId)
    const generation = ++this.#generation
    this.#claims.set(agentId, { instance: this.instanceId, sessionId, generation, orphaned: false })
    return previous === undefined ? { ok: true, generation } : { ok: true, generation, previous }
  }

  async release (agentId: string, generation: number): Promise<void> {
    if (this.#claims.get(agentId)?.generation === generation) this.#claims.delete(agentId)
  }

  async orphan (agentId: string, generation: number): Promise<void> {
    const claim = this.#claims.get(agentId)
    if (claim?.generation === generation) claim.orphaned = true
  }

  async issueResume (record: ResumeRecord, token = newResumeToken()): Promise<string> {
    // A newer session's credential is never replaced by an older one's (a restored one).
    if ((this.#resumes.get(record.agent.id)?.record.generation ?? 0) > record.generation) return token
    this.#resumes.set(record.agent.id, { hash: resumeHash(token), record, until: Date.now() + this.#resumeMs })
    return token
  }

  async redeemResume (agentId: string, token: string): Promise<ResumeRecord | undefined> {
    const held = this.#resumes.get(agentId)
    if (held === undefined || !sameHash(held.hash, resumeHash(token))) return undefined
    // The session it stands for still runs here: it lives as long; otherwise resumeMs after it was issued.
    if (held.until < Date.now() && this.#claims.get(agentId)?.generation !== held.record.generation) {
      this.#resumes.delete(agentId)
      return undefined
    }
    this.#resumes.delete(agentId)
    return held.record
  }

  async voidResume (agentId: string, generation: number): Promise<void> {
    if (this.#resumes.get(agentId)?.record.generation === generation) this.#resumes.delete(agentId)
  }

  async send (): Promise<boolean> {
    return false
  }

  onCommand (): void {}

  report (reporter: DomainReporter): void {
    this.#reporter = reporter
  }

  loginCounts (clock: Clock): CountStore {
    return new MemoryCounts(clock)
  }

  async close (): Promise<void> {}
}
