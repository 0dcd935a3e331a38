import type { CtiAgent, CtiEvent, CtiEventOf } from '../cti/port.js'
import type { ChatMessage } from '../schemas/chat.schema.js'
import type { CtiEventData } from '../schemas/events.schema.js'
import { formatTarget } from '../schemas/target.js'
import { isoTime } from '../core/clock.js'
import type {
  AgentState, ChannelState, ConversationRole, ConversationState, Direction, InteractionState, RecordingState
} from '../schemas/vocabulary.js'

export interface ChannelRecord {
  id: string
  media: string
  extension?: string
  /** A chat channel: its own readiness, its chats now and how many it takes (its `state.updated`). */
  state?: ChannelState
  reason?: string | null
  chats?: number
  max?: number
}

export interface ConversationRecord {
  id: string
  target: string
  role: ConversationRole
  state: ConversationState
}

export interface PartyRecord {
  partyid: string
  focusresource: string
  partystate: ConversationState
}

export interface InteractionRecord {
  id: string
  target: string
  channelId: string
  state: InteractionState
  direction: Direction
  from: string
  to: string
  queue: string | null
  recording: RecordingState
  udata: Record<string, unknown>
  parties: PartyRecord[]
  conversations: Map<string, ConversationRecord>
  /** When it entered its state, and when it was answered (null: never), ISO 8601. */
  since: string
  startedAt: string | null
  /** ENDED: when the wrap-up ends by itself (the call model's wrap-up time), or null when only interaction.complete ends it. */
  wrapUpUntil: string | null
  /** A chat: its last messages (CHAT_TRANSCRIPT_KEEP), oldest first. */
  transcript?: ChatMessage[]
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
    state: AgentState
    reason: string | null
    /** When the agent entered this state (ISO 8601). */
    since: string
    /** The reason of a logout that waits for the last call and its wrap-up (docs/protocol.md, Pending logout), or null. */
    pendingLogout: string | null
  }
  channels: Array<ChannelRecord & { target: string }>
  interactions: Array<Omit<InteractionRecord, 'conversations'> & { conversations: ConversationRecord[] }>
}

/**
 * The processor's picture of one agent session, built only from the CTI's events: which target
 * paths exist (for INVALID_TARGET) and what the resource snapshot shows. It decides nothing.
 *
 * An interaction's conversations come from `interaction.added` and the interaction's
 * `state.updated` (both carry the list), so after every event the picture keeps the rules of
 * docs/protocol.md (Interactions); conversation events update a conversation's state, or add and
 * remove a consult.
 */
export class SessionModel {
  readonly sessionId: string
  readonly agent: CtiAgent
  readonly modelName: string
  loggedIn = false
  loggingIn = false
  state: AgentState = 'logged_out'
  reason: string | null = null
  since: string
  pendingLogout: string | null = null
  readonly #now: () => number
  readonly channels = new Map<string, ChannelRecord>()
  readonly interactions = new Map<string, InteractionRecord>()

  readonly #wrapUpMs: number | null
  readonly #transcriptKeep: number

  /**
   * `now`: the instance clock (records say since when they are in their state). `wrapUpMs`: the
   * call model's wrap-up time, which the CTI keeps (an ENDED interaction says when it ends).
   * `transcriptKeep`: the messages a chat's record keeps (CHAT_TRANSCRIPT_KEEP).
   */
  constructor (sessionId: string, agent: CtiAgent, modelName: string, now: () => number, wrapUpMs: number | null = null, transcriptKeep = 100) {
    this.sessionId = sessionId
    this.agent = agent
    this.modelName = modelName
    this.#now = now
    this.#wrapUpMs = wrapUpMs
    this.#transcriptKeep = transcriptKeep
    this.since = this.#stamp()
  }

  #stamp (): string {
    return isoTime(this.#now())
  }

  /** Updates the picture from one CTI event. */
  apply (event: CtiEvent): void {
    switch (event.scope) {
      case 'session': this.#sessionEvent(event); break
      case 'channel': this.#channelEvent(event); break
      case 'interaction': this.#interactionEvent(event); break
      case 'conversation': this.#conversationEvent(event); break
    }
  }

  #sessionEvent (event: CtiEventOf<'session'>): void {
    switch (event.name) {
      case 'session.started':
        this.loggedIn = true
        this.loggingIn = false
        break
      case 'session.ended':
        this.loggedIn = false
        this.loggingIn = false
        this.pendingLogout = null
        this.interactions.clear()
        break
      case 'state.updated':
        if (event.data.state !== this.state || event.data.reason !== this.reason) this.since = this.#stamp()
        this.state = event.data.state
        this.reason = event.data.reason
        break
      case 'session.pendinglogout':
        this.pendingLogout = event.data.reason
        break
    }
  }

  #channelEvent (event: CtiEventOf<'channel'>): void {
    switch (event.name) {
      case 'channel.activated': {
        const { media, extension } = event.data
        this.channels.set(event.channelId, { id: event.channelId, media, ...(extension !== undefined && { extension }) })
        break
      }
      case 'channel.deactivated':
        this.channels.delete(event.channelId)
        break
      case 'state.updated': {
        const channel = this.channels.get(event.channelId)
        if (channel !== undefined) Object.assign(channel, event.data)
        break
      }
    }
  }

  #interactionEvent (event: CtiEventOf<'interaction'>): void {
    const id = event.interactionId
    if (event.name === 'interaction.added' || event.name === 'interaction.restored') {
      const { data } = event
      const restored = event.name === 'interaction.restored' ? event.data : undefined
      this.interactions.set(id, {
        id,
        target: formatTarget(this.sessionId, event),
        channelId: event.channelId,
        state: data.state,
        direction: data.direction,
        from: data.from,
        to: data.to,
        queue: data.queue,
        recording: data.recording,
        udata: { ...data.udata },
        parties: restored?.parties.map(p => ({ ...p })) ?? [],
        conversations: new Map(),
        since: restored?.since ?? this.#stamp(),
        startedAt: restored?.startedAt ?? (data.state === 'STARTED' ? this.#stamp() : null),
        wrapUpUntil: restored?.wrapUpUntil ?? null,
        ...(this.channels.get(event.channelId)?.media === 'chat' || restored?.transcript !== undefined
          ? { transcript: (restored?.transcript ?? []).slice(-this.#transcriptKeep).map(m => ({ ...m })) }
          : {})
      })
    }
    const ix = this.interactions.get(id)
    if (ix === undefined) return
    switch (event.name) {
      case 'interaction.added':
      case 'interaction.restored':
        this.#setConversations(ix, event.data.conversations)
        break
      case 'state.updated':
        if (event.data.state !== ix.state) {
          ix.since = this.#stamp()
          if (event.data.state === 'STARTED') ix.startedAt ??= ix.since
          ix.wrapUpUntil = event.data.state === 'ENDED' && this.#wrapUpMs !== null ? new Date(Date.parse(ix.since) + this.#wrapUpMs).toISOString() : null
        }
        ix.state = event.data.state
        ix.recording = event.data.recording
        this.#setConversations(ix, event.data.conversations)
        if (ix.state === 'ENDED' || ix.state === 'COMPLETED') ix.parties = []
        break
      case 'interaction.deleted':
        this.interactions.delete(id)
        break
      case 'interaction.udata.changed':
        ix.udata = { ...event.data.udata }
        break
      case 'interaction.partyadded':
      case 'interaction.partystatechanged': {
        const { partyid, focusresource, partystate } = event.data
        const existing = ix.parties.find(p => p.partyid === partyid)
        if (existing === undefined) ix.parties.push({ partyid, focusresource, partystate })
        else Object.assign(existing, focusresource === '' ? { partystate } : { focusresource, partystate })
        break
      }
      case 'interaction.partydeleted':
        ix.parties = ix.parties.filter(p => p.partyid !== event.data.partyid)
        break
      case 'chat.message': {
        const { messageId, from, text, at } = event.data
        const transcript = ix.transcript ??= []
        transcript.push({ messageId, from, text, at })
        if (transcript.length > this.#transcriptKeep) transcript.splice(0, transcript.length - this.#transcriptKeep)
        break
      }
    }
  }

  #setConversations (ix: InteractionRecord, list: CtiEventData<'interaction', 'state.updated'>['conversations']): void {
    ix.conversations = new Map(list.map(c => [c.conversationid, { id: c.conversationid, target: `${ix.target}.${c.conversationid}`, role: c.role, state: c.state }]))
  }

  #conversationEvent (event: CtiEventOf<'conversation'>): void {
    const ix = this.interactions.get(event.interactionId)
    if (ix === undefined) return
    const id = event.conversationId
    switch (event.name) {
      case 'conversation.created':
        if (!ix.conversations.has(id)) ix.conversations.set(id, { id, target: `${ix.target}.${id}`, role: event.data.role, state: event.data.state })
        break
      case 'state.updated': {
        const c = ix.conversations.get(id)
        if (c !== undefined) c.state = event.data.state
        break
      }
      case 'conversation.disposed':
        ix.conversations.delete(id)
        break
    }
  }

  hasChannel (id: string): boolean {
    return this.channels.has(id)
  }

  /**
   * The channel a channel request that names none acts on: the only channel, or with several
   * (voice and chat) the voice channel.
   */
  defaultChannel (): string | undefined {
    if (this.channels.size === 1) return this.channels.keys().next().value
    for (const channel of this.channels.values()) if (channel.media === 'voice') return channel.id
    return undefined
  }

  hasInteraction (channelId: string, interactionId: string): boolean {
    return this.interactions.get(interactionId)?.channelId === channelId
  }

  hasConversation (interactionId: string, conversationId: string): boolean {
    return this.interactions.get(interactionId)?.conversations.has(conversationId) ?? false
  }

  snapshot (): SessionSnapshot {
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
        reason: this.reason,
        since: this.since,
        pendingLogout: this.pendingLogout
      },
      channels: [...this.channels.values()].map(c => ({ ...c, target: formatTarget(this.sessionId, { channelId: c.id }) })),
      interactions: [...this.interactions.values()].map(ix => ({
        ...ix,
        parties: ix.parties.map(p => ({ ...p })),
        udata: { ...ix.udata },
        conversations: [...ix.conversations.values()].map(c => ({ ...c })),
        ...(ix.transcript !== undefined && { transcript: ix.transcript.map(m => ({ ...m })) })
      }))
    }
  }
}
