import type { CtiEventData, CtiEventName } from '../schemas/events.schema.js'
import type { RequestFields, SessionCommand } from '../schemas/session-requests.schema.js'
import type { AgentSnapshot } from '../schemas/snapshot.schema.js'
import type { TargetScope } from '../schemas/target.js'

/**
 * The CTI adapter port: the only way the Interaction Processor talks to a telephony platform.
 * The built-in simulator implements it in process; the bridge client (src/cti/bridge-client.ts)
 * implements it over the CTI bridge protocol (docs/cti-bridge.md) to a connector process. What a
 * network CTI cannot answer at once is asynchronous; `capabilities`, `reasonCodes` and `health`
 * read what the CTI last said (fetched at connect, refreshed when it changes).
 *
 * Events are already normalized to the protocol's vocabulary (docs/protocol.md, Events): their
 * names and data are those of the catalogue (`CTI_EVENTS`, src/schemas/events.schema.ts), and
 * they name the object they concern by its scope and its ids below the session; the processor
 * turns ids into target paths.
 */
interface ScopeIds {
  session: Record<never, never>
  channel: { channelId: string }
  interaction: { channelId: string, interactionId: string }
  conversation: { channelId: string, interactionId: string, conversationId: string }
}

/** One event about an object of scope `S` without its object: a name of the catalogue, and its data. */
export type CtiEventBody<S extends TargetScope> = {
  [N in CtiEventName<S>]: { name: N, data: CtiEventData<S, N> }
}[CtiEventName<S>]

/** One CTI event about an object of scope `S`: the agent, the object's ids, the name and data. */
export type CtiEventOf<S extends TargetScope> = { agentId: string, scope: S } & ScopeIds[S] & CtiEventBody<S>

export type CtiEvent = { [S in TargetScope]: CtiEventOf<S> }[TargetScope]

/** One request as the CTI receives it: a session command with its checked data. */
export type CtiRequest = {
  [C in SessionCommand]: {
    command: C
    channelId?: string
    interactionId?: string
    conversationId?: string
    data: RequestFields<C>
    /** The protocol requestId, echoed in the interaction result events. */
    requestId?: string
  }
}[SessionCommand]

export interface ReasonCode {
  code: string
  label: string
  /** Set by the platform only (e.g. RNA); an agent cannot choose it. */
  system?: boolean
}

export interface CtiAgent {
  id: string
  name: string
  extension: string
}

export type AuthResult =
  | { ok: true, agent: CtiAgent }
  | { ok: false, code: 'AUTH_FAILED' | 'LOCKED_OUT', message: string }

export type CtiListener = (event: CtiEvent) => void

/** What the call model of an agent's session tells the CTI (ring timeout, wrap-up). */
export interface CtiSessionSettings {
  ringNoAnswerMs: number
  /** null: wrap-up lasts until interaction.complete. */
  wrapUpMs: number | null
  afterWrapUp: 'ready' | 'not_ready'
  afterWrapUpReason: string | null
}

/** What a request produced, when it made something new (channel.dial: the interaction). */
export interface CtiResult {
  interactionId?: string
  /** interaction.clear: the party cleared (its id). */
  resource?: string
}

export interface CtiHealth {
  ok: boolean
  detail: string
}

export interface CtiPort {
  /** The platform's name and version (the processor's `cti-vendor`, `cti-version`). */
  readonly vendor: string
  readonly version: string
  /** String key/values for getCapabilities (docs/protocol.md, getCapabilities). */
  capabilities: () => Record<string, string>
  reasonCodes: () => readonly ReasonCode[]
  authenticate: (agentId: string, password: string) => Promise<AuthResult>
  /**
   * Receives the agent's events until the returned function is called. One listener per agent.
   * `generation` (a session of a shared domain: its claim's) fences off older sessions at a
   * CTI that several servers share: their requests about the agent are refused (ALREADY_BOUND).
   */
  attach: (agentId: string, listener: CtiListener, generation?: number) => () => void
  /** Starts the agent's login; `session.started` follows when it completes. */
  login: (agentId: string, settings: CtiSessionSettings) => Promise<void>
  /** The agent's own logout: refused (INVALID_STATE) while the agent has calls. */
  logout: (agentId: string, reason: string) => Promise<void>
  /**
   * The session must end (its client is gone, or it was disposed): logs the agent out now when
   * they have no call (`done`), else marks them pending logout (`session.pendinglogout`), routes
   * them no new call, and logs them out when the last call and its wrap-up end (`pending`).
   * Never ends a call.
   */
  logoutWhenIdle: (agentId: string, reason: string) => Promise<'done' | 'pending'>
  /** A new session takes the agent back: a pending logout is called off. */
  cancelLogout: (agentId: string) => Promise<void>
  /** The agent's life at the CTI now, whole (adoption): logged in or not, state, calls. */
  snapshot: (agentId: string) => Promise<AgentSnapshot>
  /** A session that adopted the agent brings its call model's settings (wrap-up, ring timeout). */
  configure: (agentId: string, settings: CtiSessionSettings) => Promise<void>
  /** Carries out a request (throws a catalogued error when it cannot); effects arrive as events. */
  execute: (agentId: string, request: CtiRequest) => Promise<CtiResult | undefined>
  health: () => CtiHealth
  /**
   * Calls `listener` whenever the CTI's health or info changes (a connector lost, back, or with
   * new reason codes); returns the function that stops it.
   */
  watch: (listener: (health: CtiHealth) => void) => () => void
  close: () => void
}
