import { randomUUID } from 'node:crypto'
import { INVALID_MESSAGE, INVALID_STATE, INVALID_TARGET, UNKNOWN_COMMAND, UNSUPPORTED, toFailure } from '../errors.js'
import type { ClientRecord } from '../core/client.js'
import type { Logger } from '../core/logger.js'
import type { RequestContext, Resource, ResourceEventSink, ResourceResult } from '../core/service.js'
import type { CtiAgent, CtiEvent, CtiPort, CtiRequest, CtiResult, CtiSessionSettings, ReasonCode } from '../cti/port.js'
import type { RequestDoneData, RequestErrorData } from '../schemas/events.schema.js'
import type { AgentSnapshot } from '../schemas/snapshot.schema.js'
import type { ResourceEventBody } from '../schemas/protocol.schema.js'
import {
  SESSION_REQUESTS, actionOf, hasResultEvent, isSessionCommand, type SessionCommand
} from '../schemas/session-requests.schema.js'
import { formatTarget, parseTarget, type TargetParts } from '../schemas/target.js'
import type { WorkflowSession } from '../workflow/workflow-session.js'
import { restoreEvents, viewHistory } from './adoption.js'
import { fieldsProblem, isCtiRequest } from '../cti/requests.js'
import { SessionModel, type SessionSnapshot } from './session-model.js'

export const PROCESSOR_SESSION_TYPE = 'com.openmethods.iserver.processor.session'

/** Events kept for a session nobody is bound to yet, delivered to the next client that binds. */
const PENDING_LIMIT = 256

/** A target the request may act on: the path, and the ids it names below the session. */
export type ResolvedTarget = { target: string } & TargetParts

export interface ProcessorSessionOptions {
  id: string
  owner: string
  agent: CtiAgent
  cti: CtiPort
  workflow: WorkflowSession
  emit: ResourceEventSink
  log: Logger
  /** The instance clock: the picture says since when things are in their state. */
  now: () => number
  /** The client asked to end the session (session.dispose). */
  dispose: (session: ProcessorSession) => Promise<void>
  /** The CTI logged out the agent of a session nobody holds any more (a pending logout completed). */
  ended: (session: ProcessorSession, reason: string) => void
  /** In a shared domain: the session's claim generation, which fences off older sessions at the CTI. */
  generation?: number
  /** CHAT_TRANSCRIPT_KEEP: the messages each chat's record keeps. */
  transcriptKeep?: number
}

/**
 * The agent session resource: takes the session requests of docs/protocol.md (Session
 * requests), checks their data, target and the workflow's capabilities, hands them to the CTI,
 * and turns the CTI's events into resource events (then feeds them to the workflow session).
 */
export class ProcessorSession implements Resource {
  readonly type = PROCESSOR_SESSION_TYPE
  readonly id: string
  readonly name: string
  readonly owner: string
  readonly agent: CtiAgent
  readonly workflow: WorkflowSession
  readonly model: SessionModel
  readonly #cti: CtiPort
  readonly #emit: ResourceEventSink
  readonly #log: Logger
  readonly #dispose: ProcessorSessionOptions['dispose']
  readonly #ended: ProcessorSessionOptions['ended']
  readonly #detach: () => void
  #pending: ResourceEventBody[] = []
  #endedSeen = false
  /** Set while the owner's client is away: when the session ends unless it comes back. */
  ownerAwayUntil: number | undefined
  /**
   * The owner is gone but the agent has calls: the session waits for the CTI's logout after the
   * last call (pending logout), for nobody but a new session that adopts the agent.
   */
  orphaned = false

  constructor (options: ProcessorSessionOptions) {
    this.id = options.id
    this.name = options.id
    this.owner = options.owner
    this.agent = options.agent
    this.workflow = options.workflow
    this.#cti = options.cti
    this.#emit = options.emit
    this.#log = options.log
    this.#dispose = options.dispose
    this.#ended = options.ended
    this.model = new SessionModel(options.id, options.agent, options.workflow.model.name, options.now, this.settings.wrapUpMs, options.transcriptKeep)
    this.#detach = this.#cti.attach(this.agent.id, event => { this.#onCtiEvent(event) }, options.generation)
  }

  /** What the session's call model tells the CTI. */
  get settings (): CtiSessionSettings {
    const s = this.workflow.model.settings
    return {
      ringNoAnswerMs: Math.round(s.ringNoAnswerSeconds * 1000),
      wrapUpMs: s.wrapUpSeconds === null ? null : Math.round(s.wrapUpSeconds * 1000),
      afterWrapUp: s.afterWrapUp,
      afterWrapUpReason: s.afterWrapUpReason ?? null
    }
  }

  /** Starts the CTI login (prepareSession and session.login). */
  async login (): Promise<void> {
    this.model.loggingIn = true
    try {
      await this.#cti.login(this.agent.id, this.settings)
    } catch (err) {
      this.model.loggingIn = false
      throw err
    }
  }

  async request (ctx: RequestContext, command: string, target: string | undefined, data: unknown): Promise<ResourceResult> {
    if (!isSessionCommand(command)) {
      if (/^[a-z]+\.request\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(command) && !command.startsWith('interaction.request.recording.')) {
        throw new UNSUPPORTED(`vendor request ${command} is not supported by ${this.#cti.vendor}`)
      }
      throw new UNKNOWN_COMMAND(`unknown session request ${JSON.stringify(command)}`)
    }
    // No data, `""` and null are all "no fields"; what is sent must fit the command (CtiRequest).
    const fields = data === undefined || data === '' || data === null ? {} : data
    const unchecked = { command, data: fields }
    if (!hasResultEvent(command)) {
      if (!isCtiRequest(unchecked)) throw invalidData(command, fields)
      const parsed = this.#parse(command, target)
      this.#checkAllowed(parsed.target ?? this.id, command)
      const resolved = this.#resolve(command, parsed)
      await this.#run(unchecked, resolved, ctx.requestId)
      return { target: resolved.target }
    }
    // Interaction requests: one result event each, after the events the action caused, whatever
    // refused them (bad data, a target that is not there, a disabled button, the CTI).
    const requestid = ctx.requestId ?? randomUUID()
    const action = actionOf(command)
    let parsed: Partial<ResolvedTarget> = {}
    try {
      if (!isCtiRequest(unchecked)) throw invalidData(command, fields)
      parsed = this.#parse(command, target)
      // The view governing the target decides first (even when a conversation named is gone),
      // then the channel and conversation must exist.
      this.#checkAllowed(parsed.target ?? this.id, command)
      const resolved = this.#resolve(command, parsed)
      const result = await this.#run(unchecked, resolved, requestid)
      const interactionId = result?.interactionId
      const doneTarget = interactionId === undefined ? this.#resultTarget(parsed) : formatTarget(this.id, { channelId: resolved.channelId, interactionId })
      const done: RequestDoneData = {
        requestid, interactionid: interactionId ?? resolved.interactionId ?? null, ...(result?.resource !== undefined && { resource: result.resource })
      }
      this.#publish({ name: `interaction.${action}.done`, target: doneTarget, context: {}, data: done })
      return { target: resolved.target, ...(interactionId !== undefined && command === 'channel.dial' && { data: { interactionid: interactionId, target: doneTarget } }) }
    } catch (err) {
      const failure = toFailure(err)
      // A target that did not parse may still name an interaction of this session.
      const named = target === undefined ? undefined : parseTarget(target)
      if (parsed.target === undefined && named?.sessionId === this.id && 'interactionId' in named && this.model.hasInteraction(named.channelId, named.interactionId)) {
        parsed = { channelId: named.channelId, interactionId: named.interactionId }
      }
      const interactionid = parsed.interactionId ?? (named !== undefined && 'interactionId' in named ? named.interactionId : null)
      const error: RequestErrorData = { requestid, interactionid, error: failure.code, description: failure.message }
      this.#publish({ name: `error.interaction.${action}`, target: this.#resultTarget(parsed, command), context: {}, data: error })
      throw err
    }
  }

  /**
   * The target of a request's result event: its interaction when it names one that exists, else
   * the target it named in this session (a channel: dial, pick), else the session.
   */
  #resultTarget (parsed: Partial<ResolvedTarget>, command?: SessionCommand): string {
    if (parsed.interactionId !== undefined) return formatTarget(this.id, { channelId: parsed.channelId, interactionId: parsed.interactionId })
    if (parsed.target !== undefined) return parsed.target
    // A channel request that named none acts on the session's only channel (dial, pick).
    const channel = command !== undefined && SESSION_REQUESTS[command].target === 'channel' ? this.model.defaultChannel() : undefined
    return channel === undefined ? this.id : formatTarget(this.id, { channelId: channel })
  }

  /** INVALID_STATE when the view governing `target` disables `command`. */
  #checkAllowed (target: string, command: string): void {
    if (this.workflow.allows(target, command) === false) {
      const view = this.workflow.viewOf(target)
      throw new INVALID_STATE(`${command} is not enabled now (view state ${view?.state ?? 'unknown'})`)
    }
  }

  /** The request itself. Returns what the CTI says it made or acted on. */
  async #run (request: CtiRequest, resolved: ResolvedTarget, requestId: string | undefined): Promise<CtiResult | undefined> {
    switch (request.command) {
      case 'session.login':
        if (this.model.loggedIn || this.model.loggingIn) throw new INVALID_STATE('the agent is already logged in')
        await this.login()
        return undefined
      case 'session.logout':
        if (!this.model.loggedIn && !this.model.loggingIn) throw new INVALID_STATE('the agent is not logged in')
        await this.end(request.data.reason ?? 'logout')
        return undefined
      case 'session.dispose':
        await this.#dispose(this)
        return undefined
      default: {
        const { target: _target, ...ids } = resolved
        return await this.#cti.execute(this.agent.id, { ...request, ...ids, ...(requestId !== undefined && { requestId }) })
      }
    }
  }

  /**
   * The agent's own logout (refused by the CTI while they have calls), making sure the client
   * hears `session.ended` with `reason` even when the CTI had nothing to log out.
   */
  async end (reason: string): Promise<void> {
    await this.#untilEnded(reason, async () => { await this.#cti.logout(this.agent.id, reason) })
  }

  /**
   * The session must end while its agent may have calls (its client is gone, or it disposed the
   * session): the CTI logs the agent out now (`done`, and the client hears `session.ended`), or
   * after the last call and its wrap-up (`pending`). No call ends for it.
   */
  async retire (reason: string): Promise<'done' | 'pending'> {
    let outcome: 'done' | 'pending' = 'done'
    await this.#untilEnded(reason, async () => { outcome = await this.#cti.logoutWhenIdle(this.agent.id, reason) }, () => outcome === 'done')
    return outcome
  }

  /** The session resource ends with `reason` (takeover, shutdown); the agent's life at the CTI goes on. */
  release (reason: string): void {
    this.#publish({ name: 'session.ended', target: this.id, context: {}, data: { reason } })
  }

  async #untilEnded (reason: string, logout: () => Promise<void>, ended: () => boolean = () => true): Promise<void> {
    this.#endedSeen = false
    if (this.model.loggedIn || this.model.loggingIn) await logout()
    if (!ended()) return
    this.model.loggingIn = false
    if (!this.#endedSeen) this.#publish({ name: 'session.ended', target: this.id, context: {}, data: { reason } })
  }

  /**
   * Builds the session from the CTI's picture of an agent who is logged in already (adoption):
   * the views replay the calls' history, then the client gets the session and every interaction
   * as they are (see adoption.ts). The CTI's events from now on carry on from there.
   */
  adopt (snapshot: AgentSnapshot): void {
    if (snapshot.loggingIn) this.model.loggingIn = true
    for (const event of viewHistory(snapshot, this.agent.extension)) this.workflow.handle(this.#body(event))
    for (const event of restoreEvents(snapshot, this.agent.extension)) {
      this.model.apply(event)
      const body = this.#body(event)
      this.#deliver(body)
      if (event.name === 'interaction.restored') this.workflow.handle(body)
    }
    this.model.since = snapshot.since
  }

  /**
   * The CTI is back after it was lost (docs/cti-bridge.md, Resync): the picture and the views are
   * rebuilt from its snapshot. The client hears `interaction.deleted` (reason `resync`) for each
   * interaction that ended meanwhile, the agent's `state.updated`, `interaction.restored` for
   * every live one, and the views' `state.updated` where the buttons changed.
   */
  resync (snapshot: AgentSnapshot): void {
    const live = new Set(snapshot.interactions.map(ix => ix.interactionid))
    for (const ix of [...this.model.interactions.values()]) {
      if (live.has(ix.id)) continue
      const gone: CtiEvent = { agentId: this.agent.id, scope: 'interaction', channelId: ix.channelId, interactionId: ix.id, name: 'interaction.deleted', data: { reason: 'resync' } }
      this.model.apply(gone)
      this.#deliver(this.#body(gone))
    }
    const restored: ResourceEventBody[] = []
    for (const event of restoreEvents(snapshot, this.agent.extension)) {
      // The session and its channels exist already; their state and the interactions are news.
      if (event.name === 'session.started' || (event.name === 'channel.activated' && this.model.hasChannel(event.channelId))) continue
      this.model.apply(event)
      const body = this.#body(event)
      this.#deliver(body)
      if (event.name === 'interaction.restored') restored.push(body)
    }
    this.model.since = snapshot.since
    this.workflow.reset([...viewHistory(snapshot, this.agent.extension).map(event => this.#body(event)), ...restored])
  }

  /** Stops listening to the CTI (the session is being removed). */
  detach (): void {
    this.#detach()
    this.#pending = []
  }

  snapshot (): SessionSnapshot & { reasonCodes: ReasonCode[], client: { id: string, awayUntil: string | null } } {
    return {
      ...this.model.snapshot(),
      client: { id: this.owner, awayUntil: this.ownerAwayUntil === undefined ? null : new Date(this.ownerAwayUntil).toISOString() },
      reasonCodes: this.#cti.reasonCodes().filter(r => r.system !== true)
    }
  }

  clientBound (_client: ClientRecord): void {
    const pending = this.#pending
    this.#pending = []
    for (const event of pending) this.#emit(event)
  }

  /**
   * The target's shape: in this session, as deep as the command's object, and (so that its view
   * can decide) naming an interaction that exists. Channels and conversations are checked later.
   */
  #parse (command: SessionCommand, target: string | undefined): Partial<ResolvedTarget> {
    const scope = SESSION_REQUESTS[command].target
    if (target === undefined || target === '') {
      if (scope === 'session' || scope === 'channel') return {}
      throw new INVALID_TARGET(`${command} needs a ${scope} target`)
    }
    if (target.split('.', 1)[0] !== this.id) throw new INVALID_TARGET(`target ${target} is not in session ${this.id}`)
    const ids = parseTarget(target)
    if (ids === undefined) throw new INVALID_TARGET(`${target} is not a target path (${this.id}[.<channel>[.<interaction>[.<conversation>]]])`)
    if (ids.scope !== scope) throw new INVALID_TARGET(`${command} targets a ${scope}, not ${target}`)
    if (ids.scope === 'session') return { target }
    if ((ids.scope === 'interaction' || ids.scope === 'conversation') && !this.model.hasInteraction(ids.channelId, ids.interactionId)) {
      throw new INVALID_TARGET(`no interaction ${formatTarget(this.id, { channelId: ids.channelId, interactionId: ids.interactionId })}`)
    }
    const { scope: _scope, sessionId: _session, ...parts } = ids
    return { target, ...parts }
  }

  /** The full target: the default channel when none was named; the channel and conversation exist. */
  #resolve (command: SessionCommand, parsed: Partial<ResolvedTarget>): ResolvedTarget {
    const { target, channelId, interactionId, conversationId } = parsed
    if (target === undefined) {
      if (SESSION_REQUESTS[command].target === 'session') return { target: this.id }
      const channel = this.model.defaultChannel()
      if (channel === undefined) throw new INVALID_TARGET(`${command} needs a channel target`)
      return { target: formatTarget(this.id, { channelId: channel }), channelId: channel }
    }
    if (channelId !== undefined && !this.model.hasChannel(channelId)) throw new INVALID_TARGET(`no channel ${formatTarget(this.id, { channelId })}`)
    if (interactionId !== undefined && conversationId !== undefined && !this.model.hasConversation(interactionId, conversationId)) {
      throw new INVALID_TARGET(`no conversation ${target}`)
    }
    return { ...parsed, target }
  }

  #onCtiEvent (event: CtiEvent): void {
    this.model.apply(event)
    this.#publish(this.#body(event))
    if (event.scope === 'session' && event.name === 'session.ended') {
      this.#endedSeen = true
      if (this.orphaned) this.#ended(this, event.data.reason)
    }
  }

  /** A CTI event as the client sees it: its target path, and the ids of its object in its data. */
  #body (event: CtiEvent): ResourceEventBody {
    return { name: event.name, target: event.scope === 'session' ? this.id : formatTarget(this.id, event), context: {}, data: wireData(event) }
  }

  #publish (event: ResourceEventBody): void {
    this.#deliver(event)
    this.workflow.handle(event)
  }

  /** To the bound client, or kept for the next one that binds (an orphaned session's are not: its next session adopts). */
  #deliver (event: ResourceEventBody): void {
    if (this.#emit(event) || this.orphaned) return
    this.#pending.push(event)
    if (this.#pending.length > PENDING_LIMIT) {
      this.#pending.shift()
      this.#log.warn({ sessionId: this.id }, 'undelivered session events overflowed; the oldest was dropped')
    }
  }
}

/** An event's data as clients see it: the ids of its object first (`interactionid`, `conversationid`), then its attributes. */
function wireData (event: CtiEvent): object {
  switch (event.scope) {
    case 'interaction': return { interactionid: event.interactionId, ...event.data }
    case 'conversation': return { interactionid: event.interactionId, conversationid: event.conversationId, ...event.data }
    default: return event.data
  }
}

function invalidData (command: SessionCommand, data: unknown): Error {
  return new INVALID_MESSAGE(fieldsProblem(command, data))
}
