import { AUTH_FAILED, CTI_UNAVAILABLE, DOMAIN_UNAVAILABLE, INVALID_MESSAGE, INVALID_STATE, LOCKED_OUT, NOT_ACCEPTING_CLIENTS, UNKNOWN_COMMAND, UNSUPPORTED, toFailure } from '../errors.js'
import { compileCheck } from '../core/check.js'
import type { Logger } from '../core/logger.js'
import type { LoginThrottle } from '../core/login-throttle.js'
import { withoutSecrets } from '../core/redact.js'
import type { Availability, RequestContext, Resource, Service, ServiceResult } from '../core/service.js'
import type { ServiceRegistry } from '../core/service-registry.js'
import type { CtiAgent, CtiHealth, CtiPort } from '../cti/port.js'
import type { Domain, DomainCommand, HeldClaim, ResumeRecord } from '../domain/domain.js'
import { PrepareSessionDataSchema, SESSION_REQUESTS, type PrepareSessionData } from '../schemas/session-requests.schema.js'
import { hasChatViews, withoutRequests, type CompiledModel } from '../workflow/call-model.js'
import { WORKFLOW_MANAGER_ID, type WorkflowManager } from '../workflow/workflow-manager.js'
import { ProcessorSession } from './processor-session.js'

/** A prepareSession that came with a resume credential: the credential and what it stood for. */
interface Resumed {
  token: string
  record: ResumeRecord
}

/** The `reason` of an event's data, if it has one. */
function reasonOf (data: unknown): unknown {
  return typeof data === 'object' && data !== null ? Reflect.get(data, 'reason') : undefined
}

export const PROCESSOR_TYPE = 'com.openmethods.iserver.processor'

/** Whether a CTI's capabilities (getCapabilities) include the chat medium. */
export function offersChat (capabilities: Readonly<Record<string, string>>): boolean {
  const media = `${capabilities['single-channels-media-types'] ?? ''},${capabilities['channel-groups-media-types'] ?? ''}`
  return media.split(',').map(m => m.trim()).includes('chat')
}

/**
 * The session requests a CTI says it cannot carry out (its `unsupported-requests` capability,
 * comma-separated): the views disable them (the CTI refuses them as UNSUPPORTED).
 */
export function unsupportedRequests (capabilities: Readonly<Record<string, string>>): ReadonlySet<string> {
  return new Set((capabilities['unsupported-requests'] ?? '').split(',').map(c => c.trim()).filter(c => c !== ''))
}

/** The one check of prepareSession's data, whichever face sent it (REST documents the same schema). */
const prepareSessionData = compileCheck(PrepareSessionDataSchema, 'prepareSession data')

export interface InteractionProcessorOptions {
  id: string
  name: string
  version: string
  instanceDomain: string
  cti: CtiPort
  workflow: WorkflowManager
  registry: ServiceRegistry
  log: Logger
  /** Failed logins by source and agent id: checked before any password reaches the CTI. */
  logins: LoginThrottle
  /** The instance clock. */
  now: () => number
  /** Whether a client record still exists (a session whose owner is gone is adopted without a confirm). */
  ownerPresent: (clientId: string) => boolean
  /** The instance domain: one session per agent across its instances, and the resume credentials. */
  domain: Domain
  /** CHAT_TRANSCRIPT_KEEP: the messages each chat's record keeps. */
  transcriptKeep?: number
}

/**
 * The Interaction Processor service (docs/protocol.md, Interaction Processor requests): `getCapabilities` and `prepareSession`,
 * and the agent session resources it creates. It reaches the telephony platform only through the
 * CTI adapter port.
 */
export class InteractionProcessor implements Service {
  readonly type = PROCESSOR_TYPE
  readonly id: string
  readonly name: string
  readonly #cti: CtiPort
  readonly #version: string
  readonly #instanceDomain: string
  /** Whether the CTI was healthy when it last said (a change to healthy resyncs every session). */
  #ctiOk: boolean
  readonly #workflow: WorkflowManager
  readonly #registry: ServiceRegistry
  readonly #log: Logger
  readonly #logins: LoginThrottle
  readonly #now: () => number
  readonly #ownerPresent: (clientId: string) => boolean
  readonly #domain: Domain
  readonly #transcriptKeep: number | undefined
  readonly #sessions = new Map<string, ProcessorSession>()
  /** Each session's claim generation in the domain (its fencing token). */
  readonly #generations = new Map<ProcessorSession, number>()
  readonly #byAgent = new Map<string, ProcessorSession>()
  readonly #byOwner = new Map<string, Set<ProcessorSession>>()
  /** Owners whose client is away, with the time their sessions end. */
  readonly #away = new Map<string, number>()
  /** Each agent's session changes, one after another (see #serial). */
  readonly #queues = new Map<string, Promise<void>>()
  #stopping = false

  constructor (options: InteractionProcessorOptions) {
    this.id = options.id
    this.name = options.name
    this.#cti = options.cti
    this.#workflow = options.workflow
    this.#registry = options.registry
    this.#log = options.log
    this.#logins = options.logins
    this.#now = options.now
    this.#ownerPresent = options.ownerPresent
    this.#version = options.version
    this.#instanceDomain = options.instanceDomain
    this.#ctiOk = options.cti.health().ok
    options.cti.watch(health => { this.#ctiChanged(health) })
    this.#domain = options.domain
    this.#transcriptKeep = options.transcriptKeep
    this.#domain.watch(health => {
      this.#log[health.ok ? 'info' : 'warn']({ domain: health }, health.ok ? 'new sessions accepted again: the domain is back' : 'new sessions refused while the domain is unavailable')
      this.#registry.changed(this.id)
      this.#registry.publishService(this.id, { eventType: 'serviceUpdated', service: this.#registry.describe(this) })
    })
    this.#domain.onCommand(async command => { await this.#onDomainCommand(command) })
  }

  /** Another instance of the domain took an agent over: this instance's session of it ends (`replaced`). */
  async #onDomainCommand (command: DomainCommand): Promise<void> {
    // After whatever this agent's queue holds: a session still being prepared here is found too.
    await this.#serial(command.agentId, async () => {
      const session = this.#byAgent.get(command.agentId)
      if (session === undefined || this.#generations.get(session) !== command.generation) return
      this.#log.info({ sessionId: session.id, reason: command.reason }, 'session taken over on another instance of the domain')
      this.#release(session, command.reason)
    })
  }

  /** The claims of this instance's sessions, renewed with its lease. */
  heldClaims (): HeldClaim[] {
    const claims: HeldClaim[] = []
    for (const [session, generation] of this.#generations) claims.push({ agentId: session.agent.id, generation, orphaned: session.orphaned })
    return claims
  }

  /** A renewal found a session's claim taken by another instance (while Redis could not tell this one): it ends. */
  claimLost (claim: HeldClaim): void {
    const session = this.#byAgent.get(claim.agentId)
    if (session === undefined || this.#generations.get(session) !== claim.generation) return
    this.#log.warn({ sessionId: session.id }, 'another instance of the domain holds the agent now; this session ends')
    void this.#serial(session.agent.id, async () => {
      if (this.#generations.get(session) === claim.generation) this.#release(session, 'replaced')
    })
  }

  /** The service info (getServices): the CTI's vendor and version as the CTI says them now. */
  get info (): Readonly<Record<string, string>> {
    return {
      vendor: 'his-cti-server',
      version: this.#version,
      'cti-vendor': this.#cti.vendor,
      'cti-version': this.#cti.version,
      'instance-domain': this.#instanceDomain
    }
  }

  /**
   * The CTI was lost, came back or changed its info: clients hear the service's new status
   * (OutOfService while it is lost); when it is back, every session is resynced from its snapshot.
   */
  #ctiChanged (health: CtiHealth): void {
    const back = health.ok && !this.#ctiOk
    this.#ctiOk = health.ok
    this.#log[health.ok ? 'info' : 'warn']({ cti: health }, health.ok ? 'CTI available' : 'CTI unavailable')
    this.#registry.changed(this.id)
    // The media bars bound to the processor hear it too, not only the Service Monitor's clients.
    this.#registry.publishService(this.id, { eventType: 'serviceUpdated', service: this.#registry.describe(this) })
    if (back) for (const session of [...this.#sessions.values()]) void this.#serial(session.agent.id, async () => { await this.#resync(session) })
  }

  /**
   * One session after the CTI came back (docs/cti-bridge.md, Resync): rebuilt from the CTI's
   * snapshot, or ended when the CTI no longer has the agent logged in (`cti_logged_out`) or
   * no longer knows them (`cti_unknown_agent`).
   */
  async #resync (session: ProcessorSession): Promise<void> {
    if (this.#sessions.get(session.id) !== session) return
    let snapshot
    try {
      snapshot = await this.#cti.snapshot(session.agent.id)
    } catch (err) {
      const { code } = toFailure(err)
      if (code === 'CTI_UNAVAILABLE' || code === 'TIMEOUT') {
        this.#log.warn({ sessionId: session.id, code }, 'resync waits for the CTI\'s next return')
        return
      }
      this.#log.warn({ sessionId: session.id, code }, 'the CTI no longer knows the agent; the session ends')
      this.#release(session, 'cti_unknown_agent')
      return
    }
    if (this.#sessions.get(session.id) !== session) return
    if (!snapshot.loggedIn && !snapshot.loggingIn) {
      this.#log.info({ sessionId: session.id }, 'the agent was logged out at the CTI while it was lost; the session ends')
      this.#release(session, 'cti_logged_out')
      return
    }
    session.resync(snapshot)
    this.#log.info({ sessionId: session.id, interactions: snapshot.interactions.length }, 'session resynced from the CTI')
  }

  availability (): Availability {
    if (this.#stopping) return { status: 'Stopping', acceptingClients: false }
    if (!this.#cti.health().ok) return { status: 'OutOfService', acceptingClients: false }
    // Without the domain a login could make a second session of an agent: sessions already
    // running carry on, new ones wait.
    if (!this.#domain.health().ok) return { status: 'InService', acceptingClients: false, reason: `the domain ${this.#domain.name} is unavailable (Redis cannot be reached)` }
    return { status: 'InService', acceptingClients: true }
  }

  /** The instance is shutting down: stop accepting clients and sessions. */
  stop (): void {
    this.#stopping = true
    this.#registry.changed(this.id)
  }

  get sessionCount (): number {
    return this.#sessions.size
  }

  resource (id: string): Resource | undefined {
    return this.#sessions.get(id)
  }

  session (id: string): ProcessorSession | undefined {
    return this.#sessions.get(id)
  }

  sessionOfAgent (agentId: string): ProcessorSession | undefined {
    return this.#byAgent.get(agentId)
  }

  async request (ctx: RequestContext, command: string, data: unknown): Promise<ServiceResult> {
    switch (command) {
      case 'getCapabilities':
        return { result: 'success', data: this.capabilities() }
      case 'prepareSession':
        return await this.#prepareSession(ctx, data)
      default:
        throw new UNKNOWN_COMMAND(`unknown processor request ${JSON.stringify(command)}; expected getCapabilities or prepareSession`)
    }
  }

  capabilities (): Record<string, string> {
    const cti = this.#cti.capabilities()
    const categories = new Set(Object.values(SESSION_REQUESTS).map(s => s.category))
    if (!offersChat(cti)) categories.delete('multimedia')
    return {
      ...cti,
      'call-models': [...this.#workflow.models.keys()].join(','),
      'default-call-model': 'default',
      'request-categories': [...categories].join(','),
      'notready-reason-codes': this.#cti.reasonCodes().filter(r => r.system !== true).map(r => r.code).join(',')
    }
  }

  async #prepareSession (ctx: RequestContext, data: unknown): Promise<ServiceResult> {
    const request = prepareSessionData.parse(data)
    const availability = this.availability()
    if (!availability.acceptingClients) {
      if (availability.status === 'OutOfService') throw new CTI_UNAVAILABLE(`the CTI behind ${this.name} is unavailable`)
      if (availability.status === 'InService') throw new DOMAIN_UNAVAILABLE(`the domain ${this.#domain.name} is unavailable (Redis cannot be reached): new sessions wait for it; try again shortly`)
      throw new NOT_ACCEPTING_CLIENTS(`${this.name} is not accepting new sessions`)
    }
    const { password, resumeToken } = request.agent
    if ((password === undefined) === (resumeToken === undefined)) throw new INVALID_MESSAGE('prepareSession data: agent needs a password or a resumeToken (one of them)')
    const source = ctx.client.source
    await this.#logins.check(source, request.agent.id)
    // The model is checked before a credential is taken: one use must not go on a request that fails.
    const checked = resumeToken === undefined ? undefined : this.#usableModel(request.model)
    const resumed = resumeToken === undefined ? undefined : { token: resumeToken, record: await this.#redeem(source, request.agent.id, resumeToken) }
    const agent = resumed?.record.agent ?? await this.#authenticate(source, request.agent.id, password ?? '')
    const model = checked ?? this.#usableModel(request.model)
    const echo = withoutSecrets(request)

    // One agent's session changes (a prepare, a retirement) happen one after another, whatever
    // the CTI's answers take.
    return await this.#serial(agent.id, async () => await this.#prepare(ctx, request, agent, model, echo, resumed))
  }

  /**
   * The call model a prepareSession asks for, if it can run at this CTI: one that offers chat
   * needs the model's chat views (a connector may start offering chat after the server started;
   * the embedded simulator's is checked at start-up, see instance.ts).
   */
  #usableModel (name: string | undefined): CompiledModel {
    const model = this.#workflow.model(name)
    if (offersChat(this.#cti.capabilities()) && !hasChatViews(model)) {
      throw new UNSUPPORTED(`call model ${model.name} has no chat views (chat and chatChannel), and ${this.#cti.vendor} offers chat; add them to models/${model.name}.json or extend the default model`)
    }
    return model
  }

  /** The CTI checks the password; a refusal counts against the source and the id (docs/protocol.md, Logins). */
  async #authenticate (source: string, agentId: string, password: string): Promise<CtiAgent> {
    const auth = await this.#cti.authenticate(agentId, password)
    if (!auth.ok) {
      await this.#logins.failed(source, agentId)
      this.#log.info({ agentId, source, code: auth.code }, 'prepareSession refused')
      throw auth.code === 'LOCKED_OUT' ? new LOCKED_OUT(auth.message) : new AUTH_FAILED(auth.message)
    }
    await this.#logins.succeeded(source, agentId)
    return auth.agent
  }

  /** The resume credential stands for the password: the domain takes it (one use); a wrong one counts as a failed login. */
  async #redeem (source: string, agentId: string, token: string): Promise<ResumeRecord> {
    const record = await this.#domain.redeemResume(agentId, token)
    if (record === undefined) {
      await this.#logins.failed(source, agentId)
      this.#log.info({ agentId, source }, 'prepareSession refused: the resume credential is not the agent\'s current one')
      throw new AUTH_FAILED('the resume credential is not valid (used already, expired, or its session ended); log in with the password')
    }
    await this.#logins.succeeded(source, agentId)
    return record
  }

  async #prepare (ctx: RequestContext, request: PrepareSessionData, agent: CtiAgent, model: CompiledModel, echo: unknown, resumed: Resumed | undefined): Promise<ServiceResult> {
    // A resume credential is the agent's own media bar coming back: no takeover prompt.
    const force = request.override === true || resumed !== undefined
    const existing = this.#byAgent.get(agent.id)
    if (existing !== undefined && !force && !existing.orphaned && this.#ownerPresent(existing.owner)) {
      return this.#confirm(agent, echo, this.name)
    }
    const id = `${this.name}-${agent.id}`
    let claim
    try {
      claim = await this.#domain.claim(agent.id, id, force)
    } catch (err) {
      if (resumed !== undefined) await this.#restoreResume(resumed)
      throw err
    }
    if (!claim.ok) return this.#confirm(agent, echo, `${claim.holder.instance}${claim.holder.url === '' ? '' : ` (${claim.holder.url})`}`)
    const generation = claim.generation
    const previous = claim.previous
    if (previous !== undefined && previous.instance !== this.#domain.instanceId) {
      // The other instance ends its session before this one starts; a dead one cannot answer,
      // and its session ends anyway when it renews (it would find the claim taken).
      const confirmed = await this.#domain.send(previous.instance, { type: 'release', agentId: agent.id, generation: previous.generation, reason: 'replaced' })
      this.#log.info({ agentId: agent.id, from: previous.instance, confirmed }, 'agent taken over from another instance of the domain')
    }
    if (existing !== undefined) this.#release(existing, 'replaced')

    const workflow = this.#workflow.createSession(id, withoutRequests(model, unsupportedRequests(this.#cti.capabilities())), ctx.client.id)
    const session = new ProcessorSession({
      id,
      owner: ctx.client.id,
      agent,
      cti: this.#cti,
      workflow,
      emit: event => {
        // The agent logged out (themselves, or at the CTI), or the session resource ended: the
        // resume credential goes with it. Not at a shutdown: the media bar takes its session back
        // on another instance of the domain with it.
        if (event.name === 'session.ended' && reasonOf(event.data) !== 'shutdown') void this.#domain.voidResume(agent.id, generation).catch(() => {})
        return this.#registry.publishResource(this.id, id, event)
      },
      log: this.#log,
      now: this.#now,
      ...(this.#transcriptKeep !== undefined && { transcriptKeep: this.#transcriptKeep }),
      dispose: async s => { await this.#retire(s, 'disposed', false) },
      // A connector shared by the domain's instances refuses an older session's requests.
      ...(this.#domain.shared && { generation }),
      ended: (s, reason) => { this.#forget(s, reason) }
    })
    this.#sessions.set(id, session)
    this.#generations.set(session, generation)
    this.#byAgent.set(agent.id, session)
    this.#owned(ctx.client.id).add(session)
    const away = this.#away.get(ctx.client.id)
    if (away !== undefined) session.ownerAwayUntil = away
    let adopted = false
    try {
      // The agent may be logged in at the CTI already (a takeover, a reload, a client gone):
      // the session adopts the agent's life there, calls and all, instead of logging in again.
      const snapshot = await this.#cti.snapshot(agent.id)
      adopted = snapshot.loggedIn || snapshot.loggingIn
      if (adopted) {
        session.adopt(snapshot)
        await this.#cti.configure(agent.id, session.settings)
        if (snapshot.pendingLogout !== null) await this.#cti.cancelLogout(agent.id)
      } else {
        await session.login()
      }
      if (this.#sessions.get(id) !== session) throw new INVALID_STATE(`the session of ${agent.id} ended while it was being prepared; try again`)
    } catch (err) {
      this.#forget(session, 'failed')
      if (resumed !== undefined) await this.#restoreResume(resumed)
      throw err
    }
    let token: string | undefined
    try {
      token = await this.#domain.issueResume({ agent, sessionId: id, generation })
    } catch (err) {
      // The session runs; only the credential is missing (the next login needs the password).
      this.#log.warn({ sessionId: id, code: toFailure(err).code }, 'no resume credential for the session: the domain did not store it')
    }
    this.#log.info({ sessionId: id, agentId: agent.id, model: model.name, clientId: ctx.client.id, adopted, resumed: resumed !== undefined }, 'session prepared')
    return {
      result: 'success',
      resource: { id, data: echo },
      data: echo,
      workflow: { serviceId: WORKFLOW_MANAGER_ID, resourceId: id },
      ...(token === undefined ? {} : { resumeToken: token })
    }
  }

  #confirm (agent: CtiAgent, echo: unknown, where: string): ServiceResult {
    return {
      result: 'confirm',
      message: `Agent ${agent.id} already has a session on ${where}. Take it over? The other media bar will be signed out; calls in progress carry on here.`,
      original: { command: 'prepareSession', data: echo }
    }
  }

  /** A resume that did not come to a session leaves the credential usable again (the media bar retries with it). */
  async #restoreResume (resumed: Resumed): Promise<void> {
    await this.#domain.issueResume(resumed.record, resumed.token).catch(() => {})
  }

  /**
   * The session resource ends (takeover, shutdown): its client hears `session.ended` with
   * `reason`, both resources go. The agent's life at the CTI, calls included, is untouched.
   */
  #release (session: ProcessorSession, reason: string): void {
    if (this.#sessions.get(session.id) !== session) return
    session.release(reason)
    this.#forget(session, reason)
  }

  /**
   * The session must end while the agent may be on calls (docs/protocol.md, Pending logout): the
   * CTI logs the agent out now, or when the last call and its wrap-up end. Meanwhile the session
   * waits for nobody (`keep`: a new prepareSession adopts it), or goes at once (disposed).
   */
  async #retire (session: ProcessorSession, reason: string, keep: boolean): Promise<void> {
    await this.#serial(session.agent.id, async () => { await this.#retireNow(session, reason, keep) })
  }

  async #retireNow (session: ProcessorSession, reason: string, keep: boolean): Promise<void> {
    if (this.#sessions.get(session.id) !== session) return
    let outcome: 'done' | 'pending' = 'done'
    try {
      outcome = await session.retire(reason)
    } catch (err) {
      this.#log.warn({ err, sessionId: session.id }, 'logout while ending the session failed')
    }
    if (this.#sessions.get(session.id) !== session) return
    if (outcome === 'done') {
      this.#forget(session, reason)
    } else if (keep) {
      session.orphaned = true
      this.#disown(session)
      const generation = this.#generations.get(session)
      if (generation !== undefined) void this.#domain.orphan(session.agent.id, generation).catch(() => {})
      this.#log.info({ sessionId: session.id, reason }, 'session waits for the agent\'s last call (pending logout)')
    } else {
      this.#release(session, reason)
    }
  }

  /** Runs `task` after every earlier task of the same agent has finished (a failure does not stop the queue). */
  async #serial<T> (agentId: string, task: () => Promise<T>): Promise<T> {
    const before = this.#queues.get(agentId) ?? Promise.resolve()
    const result = before.then(task, task)
    const settled = result.then(() => {}, () => {})
    this.#queues.set(agentId, settled)
    void settled.then(() => { if (this.#queues.get(agentId) === settled) this.#queues.delete(agentId) })
    return await result
  }

  #forget (session: ProcessorSession, reason: string): void {
    if (this.#sessions.get(session.id) !== session) return
    session.detach()
    this.#sessions.delete(session.id)
    const generation = this.#generations.get(session)
    this.#generations.delete(session)
    if (generation !== undefined) {
      // A claim or credential Redis could not drop now is found stale later: its generation is
      // this ended session's, and the lease it hangs on expires. At a shutdown the credential
      // stays (it expires unless another instance takes the session back with it).
      void this.#domain.release(session.agent.id, generation).catch(() => {})
      if (reason !== 'shutdown') void this.#domain.voidResume(session.agent.id, generation).catch(() => {})
    }
    if (this.#byAgent.get(session.agent.id) === session) this.#byAgent.delete(session.agent.id)
    this.#disown(session)
    this.#workflow.destroySession(session.id)
    this.#registry.resourceRemoved(this.id, session.id)
    this.#log.info({ sessionId: session.id, reason }, 'session ended')
  }

  #disown (session: ProcessorSession): void {
    const owned = this.#byOwner.get(session.owner)
    owned?.delete(session)
    if (owned?.size === 0) this.#byOwner.delete(session.owner)
  }

  #owned (clientId: string): Set<ProcessorSession> {
    let set = this.#byOwner.get(clientId)
    if (set === undefined) {
      set = new Set()
      this.#byOwner.set(clientId, set)
    }
    return set
  }

  /** Whether a client owns any session. */
  ownsSessions (clientId: string): boolean {
    return this.#byOwner.has(clientId)
  }

  /** The sessions a client prepared. */
  sessionsOwnedBy (clientId: string): ProcessorSession[] {
    return [...this.#byOwner.get(clientId) ?? []]
  }

  /** The owner's client lost its transport: its sessions end at `deadline` unless it comes back. */
  ownerAway (clientId: string, deadline: number): void {
    this.#away.set(clientId, deadline)
    for (const session of this.#byOwner.get(clientId) ?? []) session.ownerAwayUntil = deadline
  }

  ownerBack (clientId: string): void {
    this.#away.delete(clientId)
    for (const session of this.#byOwner.get(clientId) ?? []) session.ownerAwayUntil = undefined
  }

  /**
   * The owner is gone for good: its agents are logged out, at once or after their last call,
   * and their sessions end (`client_lost`, `client_closed`). No call ends for it.
   */
  async ownerGone (clientId: string, reason: string): Promise<void> {
    this.#away.delete(clientId)
    for (const session of this.sessionsOwnedBy(clientId)) await this.#retire(session, reason, true)
  }

  /**
   * Ends every session resource (shutdown). The agents stay logged in at the CTI with their
   * calls: an embedded simulator ends with the process, a remote CTI carries on for the next start.
   */
  async destroyAll (reason: string): Promise<void> {
    for (const session of [...this.#sessions.values()]) this.#release(session, reason)
  }
}
