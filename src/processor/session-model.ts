import type { CtiAgent, CtiEvent } from '../cti/port.js'

export interface ChannelRecord {
  id: string
  media: string
  extension?: string
}

export interface ConversationRecord {
  id: string
  target: string
  role: string
  state: string
}

export interface PartyRecord {
  partyid: string
  focusresource: string
  partystate: string
}

export interface InteractionRecord {
  id: string
  target: string
  channelId: string
  state: string
  direction: string
  from: string
  to: string
  queue: string | null
  recording: string
  udata: Record<string, unknown>
  parties: PartyRecord[]
  conversations: Map<string, ConversationRecord>
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
  interactions: Array<Omit<InteractionRecord, 'conversations'> & { conversations: ConversationRecord[] }>
}

type Data = Record<string, unknown>

function str (value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback
}

/**
 * The processor's picture of one agent session, built only from the CTI's events: which target
 * paths exist (for INVALID_TARGET) and what the resource snapshot shows. It decides nothing.
 *
 * An interaction's conversations come from `interaction.added` and the interaction's
 * `state.updated` (both carry the list), so after every event the picture keeps the rules of
 * PROTOCOL.md §6; conversation events update a conversation's state, or add and remove a consult.
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
    if (event.conversationId !== undefined) this.#conversationEvent(event, data)
    else if (event.interactionId !== undefined) this.#interactionEvent(event, target, data)
    else if (event.channelId !== undefined) this.#channelEvent(event, data)
    else this.#sessionEvent(event, data)
    return target
  }

  #sessionEvent (event: CtiEvent, data: Data): void {
    switch (event.name) {
      case 'session.started':
        this.loggedIn = true
        this.loggingIn = false
        break
      case 'session.ended':
        this.loggedIn = false
        this.loggingIn = false
        this.interactions.clear()
        break
      case 'state.updated':
        this.state = str(data.state, this.state)
        this.reason = typeof data.reason === 'string' ? data.reason : null
        break
    }
  }

  #channelEvent (event: CtiEvent, data: Data): void {
    const id = event.channelId as string
    if (event.name === 'channel.activated') {
      this.channels.set(id, { id, media: str(data.media, 'voice'), ...(typeof data.extension === 'string' && { extension: data.extension }) })
    } else if (event.name === 'channel.deactivated') {
      this.channels.delete(id)
    }
  }

  #interactionEvent (event: CtiEvent, target: string, data: Data): void {
    const id = event.interactionId as string
    if (event.name === 'interaction.added') {
      this.interactions.set(id, {
        id,
        target,
        channelId: event.channelId ?? '',
        state: str(data.state, 'ALERTING'),
        direction: str(data.direction, 'inbound'),
        from: str(data.from, ''),
        to: str(data.to, ''),
        queue: typeof data.queue === 'string' ? data.queue : null,
        recording: str(data.recording, 'off'),
        udata: isObject(data.udata) ? { ...data.udata } : {},
        parties: [],
        conversations: new Map()
      })
    }
    const ix = this.interactions.get(id)
    if (ix === undefined) return
    switch (event.name) {
      case 'interaction.added':
      case 'state.updated':
        ix.state = str(data.state, ix.state)
        ix.recording = str(data.recording, ix.recording)
        if (Array.isArray(data.conversations)) this.#setConversations(ix, data.conversations as Data[])
        if (ix.state === 'ENDED' || ix.state === 'COMPLETED') ix.parties = []
        break
      case 'interaction.deleted':
        this.interactions.delete(id)
        break
      case 'interaction.udata.changed':
        if (isObject(data.udata)) ix.udata = { ...data.udata }
        break
      case 'interaction.partyadded':
      case 'interaction.partystatechanged': {
        const party = { partyid: str(data.partyid, ''), focusresource: str(data.focusresource, ''), partystate: str(data.partystate, '') }
        const existing = ix.parties.find(p => p.partyid === party.partyid)
        if (existing === undefined) ix.parties.push(party)
        else Object.assign(existing, party.focusresource === '' ? { partystate: party.partystate } : party)
        break
      }
      case 'interaction.partydeleted':
        ix.parties = ix.parties.filter(p => p.partyid !== data.partyid)
        break
    }
  }

  #setConversations (ix: InteractionRecord, list: Data[]): void {
    const next = new Map<string, ConversationRecord>()
    for (const c of list) {
      const id = str(c.conversationid, '')
      if (id === '') continue
      next.set(id, { id, target: `${ix.target}.${id}`, role: str(c.role, 'primary'), state: str(c.state, 'dialing') })
    }
    ix.conversations = next
  }

  #conversationEvent (event: CtiEvent, data: Data): void {
    const ix = this.interactions.get(event.interactionId as string)
    if (ix === undefined) return
    const id = event.conversationId as string
    switch (event.name) {
      case 'conversation.created':
        if (!ix.conversations.has(id)) {
          ix.conversations.set(id, { id, target: `${ix.target}.${id}`, role: str(data.role, 'consult'), state: str(data.state, 'dialing') })
        }
        break
      case 'state.updated': {
        const c = ix.conversations.get(id)
        if (c !== undefined) c.state = str(data.state, c.state)
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
      interactions: [...this.interactions.values()].map(ix => ({
        ...ix,
        parties: ix.parties.map(p => ({ ...p })),
        udata: { ...ix.udata },
        conversations: [...ix.conversations.values()].map(c => ({ ...c }))
      }))
    }
  }
}

function isObject (value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
