import { AUTH_FAILED, CTI_UNAVAILABLE, INVALID_STATE, LOCKED_OUT, NOT_ACCEPTING_CLIENTS, UNKNOWN_COMMAND, toFailure } from '../errors.js'
import { compileCheck } from '../core/check.js'
import type { Logger } from '../core/logger.js'
import type { LoginThrottle } from '../core/login-throttle.js'
import { withoutSecrets } from '../core/redact.js'
import type { Availability, RequestContext, Resource, Service, ServiceResult } from '../core/service.js'
import type { ServiceRegistry } from '../core/service-registry.js'
import type { CtiAgent, CtiHealth, CtiPort } from '../cti/port.js'
import { PrepareSessionDataSchema, SESSION_REQUESTS, type PrepareSessionData } from '../schemas/session-requests.schema.js'
import type { CompiledModel } from '../workflow/call-model.js'
import { WORKFLOW_MANAGER_ID, type WorkflowManager } from '../workflow/workflow-manager.js'
import { ProcessorSession } from './processor-session.js'

export const PROCESSOR_TYPE = 'com.openmethods.iserver.processor'

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
  readonly #sessions = new Map<string, ProcessorSession>()
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
    const categories = new Set(Object.values(SESSION_REQUESTS).map(s => s.category))
    return {
      ...this.#cti.capabilities(),
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
      throw new NOT_ACCEPTING_CLIENTS(`${this.name} is not accepting new sessions`)
    }
    const source = ctx.client.source
    this.#logins.check(source, request.agent.id)
    const auth = await this.#cti.authenticate(request.agent.id, request.agent.password)
    if (!auth.ok) {
      this.#logins.failed(source, request.agent.id)
      this.#log.info({ agentId: request.agent.id, source, code: auth.code }, 'prepareSession refused')
      throw auth.code === 'LOCKED_OUT' ? new LOCKED_OUT(auth.message) : new AUTH_FAILED(auth.message)
    }
    this.#logins.succeeded(source, request.agent.id)
    const model = this.#workflow.model(request.model)
    const echo = withoutSecrets(request)

    // One agent's session changes (a prepare, a retirement) happen one after another, whatever
    // the CTI's answers take.
    return await this.#serial(auth.agent.id, async () => await this.#prepare(ctx, request, auth.agent, model, echo))
  }

  async #prepare (ctx: RequestContext, request: PrepareSessionData, agent: CtiAgent, model: CompiledModel, echo: unknown): Promise<ServiceResult> {
    const existing = this.#byAgent.get(agent.id)
    if (existing !== undefined && request.override !== true && !existing.orphaned && this.#ownerPresent(existing.owner)) {
      return {
        result: 'confirm',
        message: `Agent ${agent.id} already has a session on ${this.name}. Take it over? The other media bar will be signed out; calls in progress carry on here.`,
        original: { command: 'prepareSession', data: echo }
      }
    }
    if (existing !== undefined) this.#release(existing, 'replaced')

    const id = `${this.name}-${agent.id}`
    const workflow = this.#workflow.createSession(id, model, ctx.client.id)
    const session = new ProcessorSession({
      id,
      owner: ctx.client.id,
      agent,
      cti: this.#cti,
      workflow,
      emit: event => this.#registry.publishResource(this.id, id, event),
      log: this.#log,
      now: this.#now,
      dispose: async s => { await this.#retire(s, 'disposed', false) },
      ended: (s, reason) => { this.#forget(s, reason) }
    })
    this.#sessions.set(id, session)
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
      throw err
    }
    this.#log.info({ sessionId: id, agentId: agent.id, model: model.name, clientId: ctx.client.id, adopted }, 'session prepared')
    return {
      result: 'success',
      resource: { id, data: echo },
      data: echo,
      workflow: { serviceId: WORKFLOW_MANAGER_ID, resourceId: id }
    }
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
