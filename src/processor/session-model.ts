import type { CtiAgent, CtiEvent } from '../cti/port.js'

export interface ChannelRecord {
  id: string
  media: string
  extension?: string
}

export interface ConversationRecord {
  id: string
  role: string
  state: string
  target: string
  [key: string]: unknown
}

export interface InteractionRecord {
  id: string
  channelId: string
  target: string
  state: string
  data: Record<string, unknown>
  conversations: Map<string, ConversationRecord>
  [key: string]: unknown
}

export interface SessionSnapshot {
  session: {
    id: string
    agentId: string
    agentName: string
    extension: string
    model: string
    loggedIn: boolean
    loggingIn: boolean
    state: string
    reason: string | null
  }
  channels: Array<ChannelRecord & { target: string }>
  interactions: Array<Omit<InteractionRecord, 'conversations'>>
  conversations: Array<ConversationRecord & { interactionId: string }>
}

/**
 * The processor's picture of one agent session, built only from the CTI's events: what target
 * paths exist (for INVALID_TARGET) and what the resource snapshot shows. It never decides
 * anything; the CTI is the truth.
 */
export class SessionModel {
  readonly sessionId: string
  readonly agent: CtiAgent
  readonly modelName: string
  loggedIn = false
  loggingIn = false
  state = 'logged_out'
  reason: string | null = null
  readonly channels = new Map<string, ChannelRecord>()
  readonly interactions = new Map<string, InteractionRecord>()

  constructor (sessionId: string, agent: CtiAgent, modelName: string) {
    this.sessionId = sessionId
    this.agent = agent
    this.modelName = modelName
  }

  /** The target path of an event's object. */
  targetOf (event: Pick<CtiEvent, 'channelId' | 'interactionId' | 'conversationId'>): string {
    let target = this.sessionId
    if (event.channelId !== undefined) target += '.' + event.channelId
    if (event.interactionId !== undefined) target += '.' + event.interactionId
    if (event.conversationId !== undefined) target += '.' + event.conversationId
    return target
  }

  /** Updates the picture from one CTI event; returns the event's target path. */
  apply (event: CtiEvent): string {
    const target = this.targetOf(event)
    const data = event.data
    switch (event.name) {
      case 'session.started':
        this.loggedIn = true
        this.loggingIn = false
        break
      case 'session.ended':
        this.loggedIn = false
        this.loggingIn = false
        break
      case 'channel.activated':
        if (event.channelId !== undefined) {
          this.channels.set(event.channelId, {
            id: event.channelId,
            media: String(data.media ?? 'voice'),
            ...(typeof data.extension === 'string' && { extension: data.extension })
          })
        }
        break
      case 'channel.deactivated':
        if (event.channelId !== undefined) this.channels.delete(event.channelId)
        break
      case 'state.updated':
        this.#stateUpdated(event, target)
        break
      case 'interaction.added':
        if (event.channelId !== undefined && event.interactionId !== undefined) {
          this.interactions.set(event.interactionId, {
            id: event.interactionId,
            channelId: event.channelId,
            target,
            state: String(data.state ?? 'ALERTING'),
            data: {},
            conversations: new Map()
          })
        }
        break
      case 'interaction.deleted':
        if (event.interactionId !== undefined) this.interactions.delete(event.interactionId)
        break
      case 'interaction.udata.changed': {
        const ix = this.#interaction(event)
        if (ix !== undefined && data.udata !== null && typeof data.udata === 'object') ix.data = { ...data.udata as Record<string, unknown> }
        break
      }
      case 'conversation.created': {
        const ix = this.#interaction(event)
        if (ix !== undefined && event.conversationId !== undefined) {
          ix.conversations.set(event.conversationId, { ...data, id: event.conversationId, role: String(data.role ?? 'primary'), state: String(data.state ?? 'dialing'), target })
        }
        break
      }
      case 'conversation.disposed':
        if (event.conversationId !== undefined) this.#interaction(event)?.conversations.delete(event.conversationId)
        break
    }
    return target
  }

  #stateUpdated (event: CtiEvent, target: string): void {
    const data = event.data
    if (event.conversationId !== undefined) {
      const conversation = this.#interaction(event)?.conversations.get(event.conversationId)
      if (conversation !== undefined) Object.assign(conversation, data, { id: conversation.id, target })
    } else if (event.interactionId !== undefined) {
      const ix = this.#interaction(event)
      if (ix !== undefined) {
        const { conversations, ...rest } = data as Record<string, unknown>
        void conversations
        Object.assign(ix, rest, { id: ix.id, target, channelId: ix.channelId })
      }
    } else if (event.channelId === undefined) {
      this.state = String(data.state ?? this.state)
      this.reason = typeof data.reason === 'string' ? data.reason : null
    }
  }

  #interaction (event: CtiEvent): InteractionRecord | undefined {
    return event.interactionId === undefined ? undefined : this.interactions.get(event.interactionId)
  }

  hasChannel (id: string): boolean {
    return this.channels.has(id)
  }

  /** The channel id when the session has exactly one (the default channel target). */
  onlyChannel (): string | undefined {
    if (this.channels.size !== 1) return undefined
    return this.channels.keys().next().value
  }

  hasInteraction (channelId: string, interactionId: string): boolean {
    return this.interactions.get(interactionId)?.channelId === channelId
  }

  hasConversation (interactionId: string, conversationId: string): boolean {
    return this.interactions.get(interactionId)?.conversations.has(conversationId) ?? false
  }

  snapshot (): SessionSnapshot {
    const interactions: SessionSnapshot['interactions'] = []
    const conversations: SessionSnapshot['conversations'] = []
    for (const ix of this.interactions.values()) {
      const { conversations: legs, ...rest } = ix
      interactions.push(rest)
      for (const c of legs.values()) conversations.push({ ...c, interactionId: ix.id })
    }
    return {
      session: {
        id: this.sessionId,
        agentId: this.agent.id,
        agentName: this.agent.name,
        extension: this.agent.extension,
        model: this.modelName,
        loggedIn: this.loggedIn,
        loggingIn: this.loggingIn,
        state: this.state,
        reason: this.reason
      },
      channels: [...this.channels.values()].map(c => ({ ...c, target: `${this.sessionId}.${c.id}` })),
      interactions,
      conversations
    }
  }
}
