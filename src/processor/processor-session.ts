import { randomUUID } from 'node:crypto'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { TSchema } from '@sinclair/typebox'
import { INVALID_MESSAGE, INVALID_STATE, INVALID_TARGET, UNKNOWN_COMMAND, UNSUPPORTED, toFailure } from '../errors.js'
import type { ClientRecord } from '../core/client.js'
import type { Logger } from '../core/logger.js'
import type { RequestContext, Resource, ResourceEventSink, ResourceResult } from '../core/service.js'
import type { CtiAgent, CtiEvent, CtiPort, CtiSessionSettings, ReasonCode } from '../cti/port.js'
import type { ResourceEventBody } from '../schemas/protocol.schema.js'
import { SESSION_REQUESTS, type SessionRequestSpec, type TargetKind } from '../schemas/session-requests.schema.js'
import type { WorkflowSession } from '../workflow/workflow-session.js'
import { SessionModel, type SessionSnapshot } from './session-model.js'

export const PROCESSOR_SESSION_TYPE = 'com.openmethods.iserver.processor.session'

/** Events kept for a session nobody is bound to yet, delivered to the next client that binds. */
const PENDING_LIMIT = 256

const DEPTH: Record<TargetKind, number> = { session: 1, channel: 2, interaction: 3, conversation: 4 }

/**
 * The action name of a request's result events: `conversation.hold` → `hold`,
 * `interaction.request.recording.start` → `recording.start`, `channel.dial` → `dial`.
 */
export function actionOf (command: string): string {
  return command.slice(command.indexOf('.') + 1).replace(/^request\./, '')
}

/** Requests that get an `interaction.<action>.done` / `error.interaction.<action>` event. */
function hasResultEvent (command: string, spec: SessionRequestSpec): boolean {
  return spec.target === 'interaction' || spec.target === 'conversation' || command === 'channel.dial'
}

const dataChecks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(SESSION_REQUESTS).map(([command, spec]) => [command, TypeCompiler.Compile(spec.data)])
)

export interface ResolvedTarget {
  target: string
  channelId?: string
  interactionId?: string
  conversationId?: string
}

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
 * The agent session resource: takes the session requests of PROTOCOL.md §5, checks their data,
 * target and the workflow's capabilities, hands them to the CTI, and turns the CTI's events into
 * resource events (then feeds them to the workflow session).
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
    const spec = SESSION_REQUESTS[command]
    if (spec === undefined) {
      if (/^[a-z]+\.request\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(command) && !command.startsWith('interaction.request.recording.')) {
        throw new UNSUPPORTED(`vendor request ${command} is not supported by ${this.#cti.vendor}`)
      }
      throw new UNKNOWN_COMMAND(`unknown session request ${JSON.stringify(command)}`)
    }
    checkData(command, data)
    const parsed = this.#parse(command, spec, target)
    const fields = (data !== null && typeof data === 'object') ? data as Record<string, unknown> : {}
    // The view governing the target decides first (even when a conversation named is gone),
    // then the channel and conversation must exist.
    const governing = parsed.target ?? this.id
    if (!hasResultEvent(command, spec)) {
      this.#checkAllowed(governing, command)
      const resolved = this.#resolve(command, spec, parsed)
      await this.#run(command, resolved, fields, ctx.requestId)
      return { target: resolved.target }
    }
    // Interaction requests: one result event each, after the events the action caused.
    const requestid = ctx.requestId ?? randomUUID()
    const action = actionOf(command)
    const ixTarget = parsed.interactionId === undefined ? governing : `${this.id}.${parsed.channelId ?? ''}.${parsed.interactionId}`
    try {
      this.#checkAllowed(governing, command)
      const resolved = this.#resolve(command, spec, parsed)
      const interactionId = await this.#run(command, resolved, fields, requestid)
      const doneTarget = interactionId === undefined ? ixTarget : `${this.id}.${resolved.channelId ?? ''}.${interactionId}`
      this.#publish({ name: `interaction.${action}.done`, target: doneTarget, context: {}, data: { requestid, interactionid: interactionId ?? resolved.interactionId ?? null } })
      return { target: resolved.target, ...(interactionId !== undefined && command === 'channel.dial' && { data: { interactionid: interactionId, target: doneTarget } }) }
    } catch (err) {
      const failure = toFailure(err)
      this.#publish({
        name: `error.interaction.${action}`,
        target: ixTarget,
        context: {},
        data: { requestid, interactionid: parsed.interactionId ?? null, error: failure.code, description: failure.message }
      })
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
  async #run (command: string, resolved: ResolvedTarget, fields: Record<string, unknown>, requestId: string | undefined): Promise<string | undefined> {
    switch (command) {
      case 'session.login':
        if (this.model.loggedIn || this.model.loggingIn) throw new INVALID_STATE('the agent is already logged in')
        await this.login()
        return undefined
      case 'session.logout':
        if (!this.model.loggedIn && !this.model.loggingIn) throw new INVALID_STATE('the agent is not logged in')
        await this.end(typeof fields.reason === 'string' ? fields.reason : 'logout')
        return undefined
      case 'session.dispose':
        await this.#dispose(this, 'disposed')
        return undefined
      default: {
        const result = await this.#cti.execute(this.agent.id, {
          command,
          ...(resolved.channelId !== undefined && { channelId: resolved.channelId }),
          ...(resolved.interactionId !== undefined && { interactionId: resolved.interactionId }),
          ...(resolved.conversationId !== undefined && { conversationId: resolved.conversationId }),
          data: fields,
          ...(requestId !== undefined && { requestId })
        })
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
  #parse (command: string, spec: SessionRequestSpec, target: string | undefined): Partial<ResolvedTarget> {
    if (target === undefined || target === '') {
      if (spec.target === 'session' || spec.target === 'channel') return {}
      throw new INVALID_TARGET(`${command} needs a ${spec.target} target`)
    }
    const parts = target.split('.')
    if (parts[0] !== this.id) throw new INVALID_TARGET(`target ${target} is not in session ${this.id}`)
    if (parts.length !== DEPTH[spec.target]) throw new INVALID_TARGET(`${command} targets a ${spec.target}, not ${target}`)
    const [, channelId, interactionId, conversationId] = parts
    if (interactionId !== undefined && !this.model.hasInteraction(channelId as string, interactionId)) {
      throw new INVALID_TARGET(`no interaction ${parts.slice(0, 3).join('.')}`)
    }
    return {
      target,
      ...(channelId !== undefined && { channelId }),
      ...(interactionId !== undefined && { interactionId }),
      ...(conversationId !== undefined && { conversationId })
    }
  }

  /** The full target: the default channel when none was named; the channel and conversation exist. */
  #resolve (command: string, spec: SessionRequestSpec, parsed: Partial<ResolvedTarget>): ResolvedTarget {
    if (parsed.target === undefined) {
      if (spec.target === 'session') return { target: this.id }
      const channel = this.model.onlyChannel()
      if (channel === undefined) throw new INVALID_TARGET(`${command} needs a channel target`)
      return { target: `${this.id}.${channel}`, channelId: channel }
    }
    const { channelId, interactionId, conversationId } = parsed
    if (channelId !== undefined && !this.model.hasChannel(channelId)) throw new INVALID_TARGET(`no channel ${this.id}.${channelId}`)
    if (conversationId !== undefined && !this.model.hasConversation(interactionId as string, conversationId)) {
      throw new INVALID_TARGET(`no conversation ${parsed.target}`)
    }
    return parsed as ResolvedTarget
  }

  #onCtiEvent (event: CtiEvent): void {
    const target = this.model.apply(event)
    if (event.name === 'session.ended') this.#endedSeen = true
    this.#publish({ name: event.name, target, context: {}, data: event.data })
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

function checkData (command: string, data: unknown): void {
  const check = dataChecks.get(command)
  if (check === undefined || data === undefined || check.Check(data)) return
  const first = check.Errors(data).First()
  throw new INVALID_MESSAGE(`${command} data${first === undefined || first.path === '' ? '' : first.path}: ${first?.message ?? 'invalid'}`)
}
