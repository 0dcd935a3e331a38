// What the page knows about its agent session: the processor's picture (agent state,
// interactions, conversations) and the workflow's capability lists per target. It is built from
// the resource snapshots and then from events only; it decides nothing about call control.

export class SessionPicture {
  constructor (sessionId) {
    this.sessionId = sessionId
    this.reset()
  }

  reset () {
    this.agent = { state: 'logged_out', reason: null, loggedIn: false, since: Date.now(), name: '', extension: '', pendingLogout: null }
    this.reasonCodes = []
    /** @type {Map<string, object>} interaction target → interaction */
    this.interactions = new Map()
    /** @type {Map<string, object>} chat target → chat (the interactions of a chat channel; never calls) */
    this.chats = new Map()
    /** @type {Map<string, object>} channel id → `{ id, media, target, state, reason, chats, max }` */
    this.channels = new Map()
    /** @type {Map<string, Array<{name: string, type: string}>>} target → capabilities */
    this.capabilities = new Map()
    this.ended = undefined
  }

  /** The processor's snapshot (GET the processor resource). */
  applyProcessorSnapshot (data) {
    const previous = this.interactions
    const { session } = data
    this.#setAgentState(session.state, session.reason)
    this.agent.loggedIn = session.loggedIn
    this.agent.name = session.agentName
    this.agent.extension = session.extension
    this.reasonCodes = data.reasonCodes ?? []
    if (session.since !== undefined) this.agent.since = Date.parse(session.since)
    this.agent.pendingLogout = session.pendingLogout ?? null
    this.interactions = new Map()
    this.channels = new Map((data.channels ?? []).map(c => [c.id ?? c.channelId, {
      id: c.id ?? c.channelId,
      media: c.media,
      target: c.target ?? `${this.sessionId}.${c.id ?? c.channelId}`,
      state: c.state ?? null,
      reason: c.reason ?? null,
      chats: typeof c.chats === 'number' ? c.chats : null,
      max: typeof c.max === 'number' ? c.max : null
    }]))
    const previousChats = this.chats
    this.chats = new Map()
    for (const ix of data.interactions) {
      if (this.isChatChannel(ix.channelId ?? ix.target.slice(this.sessionId.length + 1).split('.')[0])) {
        this.chats.set(ix.target, snapshotChat(ix, previousChats.get(ix.target)))
        continue
      }
      const known = previous.get(ix.target)
      this.interactions.set(ix.target, {
        ...ix,
        conversations: ix.conversations.map(c => ({ ...c })),
        // When the call was answered, and when its wrap-up ends by itself (null: it does not).
        startedAt: typeof ix.startedAt === 'string' ? Date.parse(ix.startedAt) : null,
        wrapUpUntil: typeof ix.wrapUpUntil === 'string' ? Date.parse(ix.wrapUpUntil) : null,
        // The server says since when (a call adopted after a reload counts from its real start).
        since: ix.since !== undefined ? Date.parse(ix.since) : known !== undefined && known.state === ix.state ? known.since : Date.now()
      })
    }
  }

  /** Whether a channel carries chats (its media says so; `chat` is the chat channel's id). */
  isChatChannel (channelId) {
    const channel = this.channels.get(channelId)
    return channel === undefined ? channelId === 'chat' : channel.media === 'chat'
  }

  /** The chat channel, when the session has one. */
  get chatChannel () {
    for (const channel of this.channels.values()) if (channel.media === 'chat') return channel
    return undefined
  }

  /** The workflow's snapshot (GET the workflow resource): every view's capabilities. */
  applyWorkflowSnapshot (data) {
    this.capabilities = new Map(data.views.map(v => [v.target, v.capabilities]))
  }

  #setAgentState (state, reason) {
    if (state !== this.agent.state || reason !== this.agent.reason) this.agent.since = Date.now()
    this.agent.state = state
    this.agent.reason = reason ?? null
  }

  /** One workflow `state.updated`: the whole capability list of its target. */
  applyWorkflowEvent (event) {
    if (event.name === 'state.updated' && Array.isArray(event.data)) this.capabilities.set(event.target, event.data)
  }

  /** One processor event. Returns true when the picture changed. */
  applyProcessorEvent (event) {
    const data = (event.data !== null && typeof event.data === 'object') ? event.data : {}
    const parts = event.target === this.sessionId ? [] : event.target.slice(this.sessionId.length + 1).split('.')
    if (parts.length === 0) return this.#sessionEvent(event.name, data)
    if (parts.length === 1) return this.#channelEvent(event.name, parts[0], event.target, data)
    const ixTarget = `${this.sessionId}.${parts[0]}.${parts[1]}`
    if (this.isChatChannel(parts[0])) return parts.length === 2 ? this.#chatEvent(event.name, ixTarget, parts[0], parts[1], data) : false
    if (parts.length === 2) return this.#interactionEvent(event.name, ixTarget, parts[1], data)
    return this.#conversationEvent(event.name, ixTarget, event.target, parts[2], data)
  }

  #sessionEvent (name, data) {
    switch (name) {
      case 'session.started':
        this.agent.loggedIn = true
        this.ended = undefined
        return true
      case 'session.ended':
        this.agent.loggedIn = false
        this.ended = data.reason ?? 'logout'
        for (const target of [...this.interactions.keys(), ...this.chats.keys()]) this.capabilities.delete(target)
        this.interactions.clear()
        this.chats.clear()
        return true
      case 'state.updated':
        this.#setAgentState(data.state ?? this.agent.state, data.reason)
        return true
      case 'session.pendinglogout':
        this.agent.pendingLogout = data.reason ?? null
        return true
      default:
        return false
    }
  }

  #channelEvent (name, id, target, data) {
    switch (name) {
      case 'channel.activated': {
        const known = this.channels.get(id)
        this.channels.set(id, { id, target, state: null, reason: null, chats: null, max: null, ...known, media: data.media ?? known?.media ?? 'voice' })
        return true
      }
      case 'channel.deactivated':
        this.channels.delete(id)
        this.capabilities.delete(target)
        return true
      case 'state.updated': {
        const channel = this.channels.get(id)
        if (channel === undefined) return false
        if (data.state !== undefined) channel.state = data.state
        if (data.reason !== undefined) channel.reason = data.reason
        if (typeof data.chats === 'number') channel.chats = data.chats
        if (typeof data.max === 'number') channel.max = data.max
        return true
      }
      default:
        return false
    }
  }

  /**
   * One event of a chat: its state (offered, chatting, wrap-up), its transcript (each message
   * once, by messageId) and whether the customer is typing.
   */
  #chatEvent (name, target, channelId, id, data) {
    if (name === 'interaction.added' || name === 'interaction.restored') {
      const known = this.chats.get(target)
      this.chats.set(target, {
        id,
        target,
        channelId,
        state: data.state ?? 'ALERTING',
        direction: data.direction ?? 'inbound',
        from: data.from ?? '',
        to: data.to ?? '',
        queue: data.queue ?? null,
        udata: { ...(data.udata ?? {}) },
        since: typeof data.since === 'string' ? Date.parse(data.since) : Date.now(),
        startedAt: typeof data.startedAt === 'string' ? Date.parse(data.startedAt) : data.state === 'STARTED' ? Date.now() : null,
        wrapUpUntil: typeof data.wrapUpUntil === 'string' ? Date.parse(data.wrapUpUntil) : null,
        reason: data.reason ?? null,
        // Sent again whole (restored): what it said so far stays, and its transcript comes along.
        transcript: known?.transcript ?? [],
        typing: false,
        // Offered now (added), or found as it was (restored, as a snapshot): its messages so far are not news.
        adopted: known?.adopted ?? name === 'interaction.restored'
      })
      if (Array.isArray(data.transcript)) addMessages(this.chats.get(target), data.transcript)
      return true
    }
    const chat = this.chats.get(target)
    if (chat === undefined) return false
    switch (name) {
      case 'state.updated':
        if (data.state !== undefined && data.state !== chat.state) {
          chat.state = data.state
          chat.since = Date.now()
          if (data.state === 'STARTED' && chat.startedAt === null) chat.startedAt = chat.since
          chat.wrapUpUntil = data.state === 'ENDED' ? undefined : null
          if (data.state !== 'STARTED') chat.typing = false
        }
        if (data.reason !== undefined) chat.reason = data.reason
        return true
      case 'chat.message':
        addMessages(chat, [data])
        if (data.from === 'customer') chat.typing = false
        return true
      case 'chat.typing':
        if ((data.from ?? 'customer') !== 'customer') return false
        chat.typing = data.typing === true && chat.state === 'STARTED'
        return true
      case 'interaction.udata.changed':
        if (data.udata !== null && typeof data.udata === 'object') chat.udata = { ...data.udata }
        return true
      case 'interaction.deleted':
        this.chats.delete(target)
        this.capabilities.delete(target)
        return true
      default:
        return false
    }
  }

  #interactionEvent (name, target, id, data) {
    if (name === 'interaction.added' || name === 'interaction.restored') {
      this.interactions.set(target, {
        id,
        target,
        state: data.state ?? 'ALERTING',
        direction: data.direction ?? 'inbound',
        from: data.from ?? '',
        to: data.to ?? '',
        queue: data.queue ?? null,
        recording: data.recording ?? 'off',
        udata: { ...(data.udata ?? {}) },
        conversations: [],
        since: typeof data.since === 'string' ? Date.parse(data.since) : Date.now(),
        startedAt: typeof data.startedAt === 'string' ? Date.parse(data.startedAt) : data.state === 'STARTED' ? Date.now() : null,
        wrapUpUntil: typeof data.wrapUpUntil === 'string' ? Date.parse(data.wrapUpUntil) : null
      })
    }
    const ix = this.interactions.get(target)
    if (ix === undefined) return false
    switch (name) {
      case 'interaction.added':
      case 'interaction.restored':
      case 'state.updated':
        if (data.state !== undefined && data.state !== ix.state) {
          ix.state = data.state
          ix.since = Date.now()
          if (data.state === 'STARTED' && ix.startedAt === null) ix.startedAt = ix.since
          // Entering wrap-up: its deadline is unknown until the snapshot says it (wrapUpUntil).
          ix.wrapUpUntil = data.state === 'ENDED' ? undefined : null
        }
        if (data.recording !== undefined) ix.recording = data.recording
        if (Array.isArray(data.conversations)) {
          ix.conversations = data.conversations.map(c => ({
            id: c.conversationid,
            target: `${target}.${c.conversationid}`,
            role: c.role ?? 'primary',
            state: c.state ?? 'dialing'
          }))
        }
        return true
      case 'interaction.deleted':
        this.interactions.delete(target)
        this.capabilities.delete(target)
        return true
      case 'interaction.udata.changed':
        if (data.udata !== null && typeof data.udata === 'object') ix.udata = { ...data.udata }
        return true
      default:
        return false
    }
  }

  #conversationEvent (name, ixTarget, target, id, data) {
    const ix = this.interactions.get(ixTarget)
    if (ix === undefined) return false
    const conversation = ix.conversations.find(c => c.id === id)
    switch (name) {
      case 'conversation.created':
        if (conversation === undefined) ix.conversations.push({ id, target, role: data.role ?? 'consult', state: data.state ?? 'dialing' })
        return true
      case 'state.updated':
        if (conversation !== undefined && data.state !== undefined) conversation.state = data.state
        return true
      case 'conversation.disposed':
        ix.conversations = ix.conversations.filter(c => c.id !== id)
        return true
      default:
        return false
    }
  }
}

/** A chat as the snapshot has it; what the page already knew of its transcript is kept. */
function snapshotChat (ix, known) {
  const chat = {
    id: ix.id,
    target: ix.target,
    channelId: ix.channelId,
    state: ix.state,
    direction: ix.direction ?? 'inbound',
    from: ix.from ?? '',
    to: ix.to ?? '',
    queue: ix.queue ?? null,
    udata: { ...(ix.udata ?? {}) },
    startedAt: typeof ix.startedAt === 'string' ? Date.parse(ix.startedAt) : null,
    wrapUpUntil: typeof ix.wrapUpUntil === 'string' ? Date.parse(ix.wrapUpUntil) : null,
    since: ix.since !== undefined ? Date.parse(ix.since) : known !== undefined && known.state === ix.state ? known.since : Date.now(),
    reason: ix.reason ?? known?.reason ?? null,
    transcript: [...(known?.transcript ?? [])],
    typing: known !== undefined && known.state === 'STARTED' && ix.state === 'STARTED' ? known.typing : false,
    // Found in a snapshot (a reload, an adoption, missed events): its messages so far are not news.
    adopted: known?.adopted ?? true
  }
  addMessages(chat, Array.isArray(ix.transcript) ? ix.transcript : [])
  return chat
}

/** Adds messages to a chat's transcript: each once (by messageId), in the order of their time. */
function addMessages (chat, messages) {
  let added = false
  for (const m of messages) {
    if (m === null || typeof m !== 'object' || typeof m.text !== 'string') continue
    const messageId = String(m.messageId ?? `${m.at}-${m.from}-${m.text}`)
    if (chat.transcript.some(x => x.messageId === messageId)) continue
    const at = typeof m.at === 'string' ? Date.parse(m.at) : Date.now()
    chat.transcript.push({ messageId, from: m.from === 'agent' || m.from === 'system' ? m.from : 'customer', text: m.text, at: Number.isNaN(at) ? Date.now() : at })
    added = true
  }
  // Array.prototype.sort is stable: messages of the same instant keep their order of arrival.
  if (added) chat.transcript.sort((a, b) => a.at - b.at)
  // A very long chat keeps its last lines only (the server's snapshot keeps fewer: CHAT_TRANSCRIPT_KEEP).
  if (chat.transcript.length > MAX_LINES) chat.transcript.splice(0, chat.transcript.length - MAX_LINES)
}

/** The most transcript lines the page keeps per chat. */
const MAX_LINES = 1000
