import { randomUUID } from 'node:crypto'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { INVALID_MESSAGE, INVALID_STATE, INVALID_TARGET, UNKNOWN_COMMAND, UNSUPPORTED, toFailure } from '../errors.js'
import type { ClientRecord } from '../core/client.js'
import type { Logger } from '../core/logger.js'
import type { RequestContext, Resource, ResourceEventSink, ResourceResult } from '../core/service.js'
import type { CtiAgent, CtiEvent, CtiPort, CtiRequest, CtiSessionSettings, ReasonCode } from '../cti/port.js'
import type { RequestDoneData, RequestErrorData } from '../schemas/events.schema.js'
import type { ResourceEventBody } from '../schemas/protocol.schema.js'
import {
  SESSION_COMMANDS, SESSION_REQUESTS, actionOf, hasResultEvent, isSessionCommand, type SessionCommand
} from '../schemas/session-requests.schema.js'
import { formatTarget, parseTarget, type TargetParts } from '../schemas/target.js'
import type { WorkflowSession } from '../workflow/workflow-session.js'
import { SessionModel, type SessionSnapshot } from './session-model.js'

export const PROCESSOR_SESSION_TYPE = 'com.openmethods.iserver.processor.session'

/** Events kept for a session nobody is bound to yet, delivered to the next client that binds. */
const PENDING_LIMIT = 256

const FIELD_CHECKS = new Map(SESSION_COMMANDS.map(command => [command, TypeCompiler.Compile(SESSION_REQUESTS[command].fields)]))

/** Whether a request's data are what its command takes: the one check of session request data. */
function isCtiRequest (request: { command: SessionCommand, data: unknown }): request is CtiRequest {
  return FIELD_CHECKS.get(request.command)?.Check(request.data) === true
}

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
  /** Called when the session has ended and must be removed (dispose). */
  dispose: (session: ProcessorSession, reason: string) => Promise<void>
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
  readonly #detach: () => void
  #pending: ResourceEventBody[] = []
  #endedSeen = false
  /** Set while the owner's client is away: when the session ends unless it comes back. */
  ownerAwayUntil: number | undefined

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
    this.model = new SessionModel(options.id, options.agent, options.workflow.model.name)
    this.#detach = this.#cti.attach(this.agent.id, event => { this.#onCtiEvent(event) })
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
    if (!isCtiRequest(unchecked)) throw invalidData(command, fields)
    const parsed = this.#parse(command, target)
    // The view governing the target decides first (even when a conversation named is gone),
    // then the channel and conversation must exist.
    const governing = parsed.target ?? this.id
    if (!hasResultEvent(command)) {
      this.#checkAllowed(governing, command)
      const resolved = this.#resolve(command, parsed)
      await this.#run(unchecked, resolved, ctx.requestId)
      return { target: resolved.target }
    }
    // Interaction requests: one result event each, after the events the action caused.
    const requestid = ctx.requestId ?? randomUUID()
    const action = actionOf(command)
    const ixTarget = parsed.interactionId === undefined ? governing : formatTarget(this.id, { channelId: parsed.channelId, interactionId: parsed.interactionId })
    try {
      this.#checkAllowed(governing, command)
      const resolved = this.#resolve(command, parsed)
      const interactionId = await this.#run(unchecked, resolved, requestid)
      const doneTarget = interactionId === undefined ? ixTarget : formatTarget(this.id, { channelId: resolved.channelId, interactionId })
      const done: RequestDoneData = { requestid, interactionid: interactionId ?? resolved.interactionId ?? null }
      this.#publish({ name: `interaction.${action}.done`, target: doneTarget, context: {}, data: done })
      return { target: resolved.target, ...(interactionId !== undefined && command === 'channel.dial' && { data: { interactionid: interactionId, target: doneTarget } }) }
    } catch (err) {
      const failure = toFailure(err)
      const error: RequestErrorData = { requestid, interactionid: parsed.interactionId ?? null, error: failure.code, description: failure.message }
      this.#publish({ name: `error.interaction.${action}`, target: ixTarget, context: {}, data: error })
      throw err
    }
  }

  /** INVALID_STATE when the view governing `target` disables `command`. */
  #checkAllowed (target: string, command: string): void {
    if (this.workflow.allows(target, command) === false) {
      const view = this.workflow.viewOf(target)
      throw new INVALID_STATE(`${command} is not enabled now (view state ${view?.state ?? 'unknown'})`)
    }
  }

  /** The request itself. Returns the interaction it made or acted on. */
  async #run (request: CtiRequest, resolved: ResolvedTarget, requestId: string | undefined): Promise<string | undefined> {
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
        await this.#dispose(this, 'disposed')
        return undefined
      default: {
        const { target: _target, ...ids } = resolved
        const result = await this.#cti.execute(this.agent.id, { ...request, ...ids, ...(requestId !== undefined && { requestId }) })
        return result?.interactionId
      }
    }
  }

  /**
   * Ends the agent's CTI session (logout), making sure the client hears `session.ended` with
   * `reason` even when the CTI had nothing to log out. `force` releases the agent's calls first
   * (the session is being replaced or disposed); without it a logout with calls is refused.
   */
  async end (reason: string, force = false): Promise<void> {
    this.#endedSeen = false
    if (this.model.loggedIn || this.model.loggingIn) await this.#cti.logout(this.agent.id, reason, force)
    this.model.loggingIn = false
    if (!this.#endedSeen) this.#publish({ name: 'session.ended', target: this.id, context: {}, data: { reason } })
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
      const channel = this.model.onlyChannel()
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
    if (event.scope === 'session' && event.name === 'session.ended') this.#endedSeen = true
    this.#publish({ name: event.name, target: event.scope === 'session' ? this.id : formatTarget(this.id, event), context: {}, data: wireData(event) })
  }

  #publish (event: ResourceEventBody): void {
    if (!this.#emit(event)) {
      this.#pending.push(event)
      if (this.#pending.length > PENDING_LIMIT) {
        this.#pending.shift()
        this.#log.warn({ sessionId: this.id }, 'undelivered session events overflowed; the oldest was dropped')
      }
    }
    this.workflow.handle(event)
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
  const first = FIELD_CHECKS.get(command)?.Errors(data).First()
  return new INVALID_MESSAGE(`${command} data${first === undefined || first.path === '' ? '' : first.path}: ${first?.message ?? 'invalid'}`)
}
