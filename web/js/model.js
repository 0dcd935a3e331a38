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
    for (const ix of data.interactions) {
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
    if (parts.length === 1) return false
    const ixTarget = `${this.sessionId}.${parts[0]}.${parts[1]}`
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
        for (const target of this.interactions.keys()) this.capabilities.delete(target)
        this.interactions.clear()
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
