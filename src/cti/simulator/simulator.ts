import { INVALID_MESSAGE, INVALID_STATE, UNSUPPORTED } from '../../errors.js'
import type { Clock, TimerHandle } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { AuthResult, CtiEvent, CtiHealth, CtiListener, CtiPort, CtiRequest, ReasonCode } from '../port.js'
import { Directory, type DirectoryAgent, type DirectoryFile } from './directory.js'

export const VOICE_CHANNEL = 'voice'

export const AGENT_STATES = ['logged_out', 'not_ready', 'ready', 'busy', 'wrap_up'] as const
export type AgentState = typeof AGENT_STATES[number]

/** One simulated agent: the platform's truth about them. */
export interface SimAgent {
  readonly profile: DirectoryAgent
  state: AgentState
  reason: string | null
  loggingIn: TimerHandle | undefined
  /** When the agent last became ready (longest-idle routing). */
  idleSince: number
  listener: CtiListener | undefined
}

export interface SimulatorOptions {
  clock: Clock
  directory: DirectoryFile
  loginDelayMs: number
  log: Logger
}

/** What GET /simulator/agents shows of an agent (never the password). */
export interface AgentView {
  id: string
  name: string
  extension: string
  queues: string[]
  state: AgentState
  reason: string | null
  loggingIn: boolean
  attached: boolean
}

/**
 * The built-in contact-center simulator: an in-process CTI with an agent directory, agent
 * states and reason codes, on an injected clock. It implements the CTI adapter port.
 */
export class Simulator implements CtiPort {
  readonly vendor = 'his-cti-server simulator'
  readonly version = '1.0'
  readonly directory: Directory
  readonly clock: Clock
  readonly #agents = new Map<string, SimAgent>()
  readonly #loginDelayMs: number
  readonly #log: Logger

  constructor (options: SimulatorOptions) {
    this.clock = options.clock
    this.directory = new Directory(options.directory, options.clock)
    this.#loginDelayMs = options.loginDelayMs
    this.#log = options.log
    for (const profile of options.directory.agents) {
      this.#agents.set(profile.id, { profile, state: 'logged_out', reason: null, loggingIn: undefined, idleSince: 0, listener: undefined })
    }
  }

  capabilities (): Record<string, string> {
    return {
      'channel-groups-supported': 'false',
      'channel-groups-max-per-agent': '0',
      'channel-groups-media-types': '',
      'single-channels-supported': 'true',
      'single-channels-media-types': 'voice',
      'channel-actions': 'first'
    }
  }

  reasonCodes (): readonly ReasonCode[] {
    return this.directory.reasonCodes
  }

  authenticate (agentId: string, password: string): AuthResult {
    return this.directory.authenticate(agentId, password)
  }

  health (): CtiHealth {
    return { ok: true, detail: `simulator with ${this.#agents.size} agents` }
  }

  attach (agentId: string, listener: CtiListener): () => void {
    const agent = this.#agent(agentId)
    agent.listener = listener
    return () => {
      if (agent.listener === listener) agent.listener = undefined
    }
  }

  async login (agentId: string): Promise<void> {
    const agent = this.#agent(agentId)
    if (agent.state !== 'logged_out' || agent.loggingIn !== undefined) {
      throw new INVALID_STATE(`agent ${agentId} is already logged in`)
    }
    agent.loggingIn = this.clock.setTimer(this.#loginDelayMs, () => {
      agent.loggingIn = undefined
      this.#log.info({ agentId }, 'simulated agent logged in')
      this.#emit(agent, { name: 'session.started', data: { agentId, extension: agent.profile.extension } })
      this.#emit(agent, { name: 'channel.activated', channelId: VOICE_CHANNEL, data: { media: 'voice', extension: agent.profile.extension } })
      this.#setState(agent, 'not_ready', null)
    })
  }

  async logout (agentId: string, reason: string): Promise<void> {
    const agent = this.#agent(agentId)
    if (agent.loggingIn !== undefined) {
      this.clock.clear(agent.loggingIn)
      agent.loggingIn = undefined
      return
    }
    if (agent.state === 'logged_out') throw new INVALID_STATE(`agent ${agentId} is not logged in`)
    if (agent.state === 'busy') throw new INVALID_STATE('the agent is on a call; release it first')
    this.#setState(agent, 'logged_out', null)
    this.#emit(agent, { name: 'channel.deactivated', channelId: VOICE_CHANNEL, data: {} })
    this.#emit(agent, { name: 'session.ended', data: { reason } })
    this.#log.info({ agentId, reason }, 'simulated agent logged out')
  }

  async execute (agentId: string, request: CtiRequest): Promise<void> {
    const agent = this.#agent(agentId)
    switch (request.command) {
      case 'session.ready':
      case 'channel.ready':
        this.#needLoggedIn(agent)
        if (agent.state === 'busy' || agent.state === 'wrap_up') throw new INVALID_STATE(`the agent is ${agent.state}`)
        if (agent.state !== 'ready') this.#setState(agent, 'ready', null)
        return
      case 'session.notready':
      case 'channel.notready': {
        this.#needLoggedIn(agent)
        if (agent.state === 'busy' || agent.state === 'wrap_up') throw new INVALID_STATE(`the agent is ${agent.state}`)
        const reason = typeof request.data.reason === 'string' ? request.data.reason : null
        if (reason !== null && !this.directory.reasonCodes.some(r => r.code === reason && r.system !== true)) {
          throw new INVALID_MESSAGE(`unknown not-ready reason ${JSON.stringify(reason)}; known: ${this.#agentReasons().join(', ')}`)
        }
        if (agent.state !== 'not_ready' || agent.reason !== reason) this.#setState(agent, 'not_ready', reason)
        return
      }
      default:
        throw new UNSUPPORTED(`the simulator does not support ${request.command}`)
    }
  }

  close (): void {
    for (const agent of this.#agents.values()) {
      this.clock.clear(agent.loggingIn)
      agent.loggingIn = undefined
    }
  }

  /** What the simulator control routes show of every agent. */
  agents (): AgentView[] {
    return [...this.#agents.values()].map(a => ({
      id: a.profile.id,
      name: a.profile.name,
      extension: a.profile.extension,
      queues: a.profile.queues ?? [],
      state: a.state,
      reason: a.reason,
      loggingIn: a.loggingIn !== undefined,
      attached: a.listener !== undefined
    }))
  }

  #agentReasons (): string[] {
    return this.directory.reasonCodes.filter(r => r.system !== true).map(r => r.code)
  }

  #agent (agentId: string): SimAgent {
    const agent = this.#agents.get(agentId)
    if (agent === undefined) throw new INVALID_MESSAGE(`unknown agent ${agentId}`)
    return agent
  }

  #needLoggedIn (agent: SimAgent): void {
    if (agent.state === 'logged_out') throw new INVALID_STATE('the agent is not logged in')
  }

  #setState (agent: SimAgent, state: AgentState, reason: string | null): void {
    agent.state = state
    agent.reason = reason
    if (state === 'ready') agent.idleSince = this.clock.now()
    this.#emit(agent, { name: 'state.updated', data: { state, reason } })
  }

  #emit (agent: SimAgent, event: Omit<CtiEvent, 'agentId'>): void {
    agent.listener?.({ agentId: agent.profile.id, ...event })
  }
}
