import { INVALID_MESSAGE, INVALID_STATE, UNKNOWN_RESOURCE, rateLimited } from '../../errors.js'
import { CHAT_TEXT_MAX, type ChatMessage } from '../../schemas/chat.schema.js'
import type { CtiEventData } from '../../schemas/events.schema.js'
import type { CtiEventBody } from '../port.js'
import type { ChatAuthor } from '../../schemas/vocabulary.js'
import type { AttachedData, SimAgent, SimChat, SimChatInteraction } from './model.js'
import { CHAT_CHANNEL_ID as CHAT_CHANNEL, type World } from './world.js'

export interface ChatSettings {
  /** CHAT_MAX_PER_AGENT: chats an agent holds at once (offered, live or in wrap-up); 0: no chat. */
  maxPerAgent: number
  /** CHAT_TRANSCRIPT_KEEP: messages a transcript keeps. */
  transcriptKeep: number
  /** SIM_MAX_CHATS: chats the simulator holds at once. */
  maxChats: number
  /** SIM_MAX_QUEUE_MS: a customer waits this long in a queue, then leaves. */
  maxQueueMs: number
}

/** What a customer starting a chat sends (POST /simulator/chats). */
export interface StartChat {
  from: string
  queue?: string | undefined
  to?: string | undefined
  text: string
  data?: AttachedData | undefined
}

/**
 * The simulator's chat: customers' chats, their routing to agents' chat channels (the
 * longest-idle agent whose chat channel is ready and below CHAT_MAX_PER_AGENT, with ring-no-answer
 * re-offer as for calls), and each agent's chat interactions from the offer to the end of
 * wrap-up. Independent of voice: an agent can be ready for chat while on a call. Messages are
 * plain text; nothing here reads them.
 */
export class Chats {
  readonly chats = new Map<string, SimChat>()
  readonly #w: World
  readonly #settings: ChatSettings
  #seq = 0
  /**
   * Whether routing may find a taker it did not find last time: a chat came to wait, an agent
   * became ready for chat, freed a slot, or came (back) within reach. Routing runs after every
   * operation of the simulator, messages included; without this it would search again each time.
   */
  #changed = false

  constructor (world: World, settings: ChatSettings) {
    this.#w = world
    this.#settings = settings
  }

  get enabled (): boolean {
    return this.#settings.maxPerAgent > 0
  }

  get maxPerAgent (): number {
    return this.#settings.maxPerAgent
  }

  // ---- speaking to agents ---------------------------------------------------------------------

  #ixEvent (ix: SimChatInteraction, event: CtiEventBody<'interaction'>): void {
    ix.agent.listener?.({ agentId: ix.agent.profile.id, scope: 'interaction', channelId: CHAT_CHANNEL, interactionId: ix.id, ...event })
  }

  /** The chat channel's readiness and load (channel `state.updated`). */
  channelState (agent: SimAgent): void {
    const { state, reason } = agent.chat
    agent.listener?.({
      agentId: agent.profile.id, scope: 'channel', channelId: CHAT_CHANNEL, name: 'state.updated', data: { state, reason, chats: agent.chats.size, max: this.#settings.maxPerAgent }
    })
  }

  /** Something outside (an agent attached, a pending logout called off) may let a waiting chat be offered. */
  wake (): void {
    this.#changed = true
  }

  /** At login: the chat channel comes up, not ready. */
  activate (agent: SimAgent): void {
    if (!this.enabled) return
    agent.chat = { state: 'not_ready', reason: null, idleSince: agent.chat.idleSince }
    agent.listener?.({ agentId: agent.profile.id, scope: 'channel', channelId: CHAT_CHANNEL, name: 'channel.activated', data: { media: 'chat' } })
    this.channelState(agent)
  }

  /** channel.ready / channel.notready on the chat channel. */
  setReadiness (agent: SimAgent, state: 'ready' | 'not_ready', reason: string | null): void {
    if (agent.chat.state === state && agent.chat.reason === reason) return
    agent.chat.state = state
    agent.chat.reason = reason
    if (state === 'ready') {
      agent.chat.idleSince = this.#w.clock.now()
      this.#changed = true
    }
    this.channelState(agent)
  }

  #picture (ix: SimChatInteraction): { state: SimChatInteraction['state'], direction: SimChatInteraction['direction'], from: string, to: string, queue: string | null, recording: 'off', conversations: [] } {
    return { state: ix.state, direction: ix.direction, from: ix.chat.from, to: ix.to, queue: ix.queueId ?? null, recording: 'off', conversations: [] }
  }

  #stateUpdated (ix: SimChatInteraction, extra: { reason?: string, completedBy?: 'agent' | 'timeout', disposition?: string } = {}): void {
    this.#ixEvent(ix, { name: 'state.updated', data: { ...this.#picture(ix), ...extra } })
  }

  /** A chat interaction as the snapshot and `interaction.restored` show it (with its transcript). */
  picture (ix: SimChatInteraction): CtiEventData<'interaction', 'interaction.restored'> {
    const iso = (ms: number): string => new Date(ms).toISOString()
    return {
      ...this.#picture(ix),
      udata: { ...ix.chat.data },
      parties: ix.customerHere && (ix.state === 'ALERTING' || ix.state === 'STARTED') ? [{ partyid: ix.partyId, focusresource: ix.chat.from, partystate: 'connected' }] : [],
      startedAt: ix.startedAt === null ? null : iso(ix.startedAt),
      since: iso(ix.stateSince),
      wrapUpUntil: ix.wrapUpUntil === undefined ? null : iso(ix.wrapUpUntil),
      transcript: ix.chat.messages.map(m => ({ ...m }))
    }
  }

  // ---- the customer's side (the control face) -------------------------------------------------

  /** A customer starts a chat: into a queue (routing picks an agent) or straight to an agent. */
  start (request: StartChat): SimChat {
    if (!this.enabled) throw new INVALID_STATE('the simulator offers no chat (CHAT_MAX_PER_AGENT=0)')
    const w = this.#w
    checkText(request.text)
    let agent: SimAgent | undefined
    if (request.to !== undefined) {
      agent = w.agentByExtension(request.to) ?? w.agents.get(request.to)
      if (agent === undefined) throw new INVALID_MESSAGE(`no agent with extension ${request.to}`)
      if (!this.#canTake(agent, false)) throw new INVALID_STATE(`extension ${agent.profile.extension} (${agent.profile.id}) cannot take a chat now`)
    }
    const queueId = request.to !== undefined ? request.queue : (request.queue ?? w.queues.keys().next().value)
    if (queueId !== undefined && !w.queues.has(queueId)) throw new INVALID_MESSAGE(`no queue ${queueId}; queues: ${[...w.queues.keys()].join(', ')}`)
    if (this.chats.size >= this.#settings.maxChats) this.#evictOneEnded()
    if (this.chats.size >= this.#settings.maxChats) throw rateLimited(`the simulator holds ${this.chats.size} chats, its limit (SIM_MAX_CHATS)`, 1000)
    const chat: SimChat = {
      id: `chat-${++this.#seq}`,
      from: request.from,
      queueId,
      to: request.to,
      state: 'queued',
      queuedAt: w.clock.now(),
      data: { ...request.data },
      messages: [],
      interaction: undefined,
      agentTyping: false,
      left: false,
      transferred: false,
      declinedBy: new Set(),
      messageSeq: 0
    }
    this.chats.set(chat.id, chat)
    this.#write(chat, 'customer', request.text)
    if (agent !== undefined) this.#offer(chat, agent, 'inbound')
    else this.#enqueue(chat)
    w.log.info({ chatId: chat.id, queue: queueId }, 'chat started')
    return chat
  }

  /** The customer writes. */
  customerWrites (chatId: string, text: string): ChatMessage {
    const chat = this.#chat(chatId)
    checkText(text)
    if (chat.state === 'ended') throw new INVALID_STATE(`chat ${chatId} has ended`)
    const message = this.#write(chat, 'customer', text)
    const ix = chat.interaction
    if (ix !== undefined) this.#ixEvent(ix, { name: 'chat.message', data: { ...message } })
    return message
  }

  customerTyping (chatId: string, typing: boolean): void {
    const chat = this.#chat(chatId)
    if (chat.state === 'ended') throw new INVALID_STATE(`chat ${chatId} has ended`)
    const ix = chat.interaction
    if (ix !== undefined) this.#ixEvent(ix, { name: 'chat.typing', data: { from: 'customer', typing } })
  }

  /** The customer leaves (closes the chat): while it rings it is abandoned, while live it ends (wrap-up follows). */
  customerLeaves (chatId: string): void {
    const chat = this.#chat(chatId)
    chat.left = true
    if (chat.state === 'ended') {
      this.#forget(chat)
      return
    }
    this.#dequeue(chat)
    chat.state = 'ended'
    const ix = chat.interaction
    const message = this.#write(chat, 'system', 'The customer left the chat.')
    if (ix !== undefined) {
      ix.customerHere = false
      if (ix.state === 'ALERTING') {
        this.#ixEvent(ix, { name: 'interaction.abandoned', data: { focusresource: chat.from, reason: 'customer_left', hints: {} } })
        this.#drop(ix, 'abandoned')
      } else {
        this.#ixEvent(ix, { name: 'interaction.partydeleted', data: { focusresource: chat.from, partyid: ix.partyId, partystate: 'disconnected' } })
        this.#ixEvent(ix, { name: 'chat.message', data: { ...message } })
        this.#end(ix, 'customer_left')
      }
    }
    this.#forget(chat)
  }

  /**
   * What the control face shows of the chats (GET /simulator/chats): each with its last message
   * only, so that the list stays small whatever the transcripts hold (one chat, whole: `view`).
   */
  views (): Array<ReturnType<Chats['view']>> {
    return [...this.chats.values()].map(c => this.view(c, 1))
  }

  /** One chat as its customer sees it: its last `last` messages (all it keeps by default). */
  view (chat: SimChat, last = chat.messages.length): { id: string, from: string, queue: string | null, state: SimChat['state'], agentId: string | null, agentTyping: boolean, messageCount: number, messages: ChatMessage[] } {
    return {
      id: chat.id,
      from: chat.from,
      queue: chat.queueId ?? null,
      state: chat.state,
      agentId: chat.interaction?.agent.profile.id ?? null,
      agentTyping: chat.agentTyping,
      messageCount: chat.messageSeq,
      messages: (last === 0 ? [] : chat.messages.slice(-last)).map(m => ({ ...m }))
    }
  }

  find (chatId: string): SimChat {
    return this.#chat(chatId)
  }

  // ---- routing --------------------------------------------------------------------------------

  /** Whether an agent can be offered a chat now: chat channel up (and ready, unless `readyOnly` is false), below the limit. */
  #canTake (agent: SimAgent, readyOnly: boolean): boolean {
    if (!this.enabled || agent.listener === undefined || agent.loggingIn !== undefined || agent.pendingLogout !== null || agent.state === 'logged_out') return false
    if (agent.chats.size >= this.#settings.maxPerAgent) return false
    return !readyOnly || agent.chat.state === 'ready'
  }

  /** Offers waiting chats, oldest first, to the longest chat-idle ready agent of their queue; declining agents last. */
  dispatch (): void {
    if (!this.enabled || !this.#changed) return
    this.#changed = false
    for (;;) {
      const waiting = [...this.#w.queues.values()].flatMap(q => q.chats).sort((a, b) => a.queuedAt - b.queuedAt)
      if (waiting.length === 0) return
      const ready = [...this.#w.agents.values()].filter(a => this.#canTake(a, true))
      if (ready.length === 0) return
      let offered = false
      for (const chat of waiting) {
        // An agent who rejected it, let it ring out or passed it on is not offered it again: it
        // waits for another agent of its queue (or until the customer gives up).
        const pool = ready.filter(a => chat.queueId !== undefined && (a.profile.queues ?? []).includes(chat.queueId) && chat.interaction === undefined &&
          !chat.declinedBy.has(a.profile.id))
        let best: SimAgent | undefined
        for (const a of pool) {
          if (best === undefined || a.chat.idleSince < best.chat.idleSince || (a.chat.idleSince === best.chat.idleSince && a.profile.id < best.profile.id)) best = a
        }
        if (best === undefined) continue
        this.#dequeue(chat)
        // The agent who took it is the last to have been given one.
        best.chat.idleSince = this.#w.clock.now()
        this.#offer(chat, best, chat.transferred ? 'transfer' : 'inbound')
        offered = true
        break
      }
      if (!offered) return
    }
  }

  #enqueue (chat: SimChat, head = false): void {
    const queue = chat.queueId === undefined ? undefined : this.#w.queues.get(chat.queueId)
    if (queue === undefined) {
      // Started to an extension (no queue) and now without an agent: the customer is told.
      chat.state = 'ended'
      this.#write(chat, 'system', 'No agent is available; please try again later.')
      return
    }
    chat.state = 'queued'
    this.#changed = true
    if (head) queue.chats.unshift(chat)
    else {
      chat.queuedAt = this.#w.clock.now()
      queue.chats.push(chat)
    }
    this.#w.clock.clear(chat.patience)
    const left = Math.max(0, chat.queuedAt + this.#settings.maxQueueMs - this.#w.clock.now())
    chat.patience = this.#w.timer(left, () => {
      chat.patience = undefined
      if (chat.state !== 'queued') return
      this.#w.log.info({ chatId: chat.id }, 'customer gave up waiting in the chat queue')
      this.customerLeaves(chat.id)
    })
  }

  #dequeue (chat: SimChat): void {
    this.#w.clock.clear(chat.patience)
    chat.patience = undefined
    for (const queue of this.#w.queues.values()) {
      const i = queue.chats.indexOf(chat)
      if (i !== -1) queue.chats.splice(i, 1)
    }
  }

  /** Rings an agent with a chat: a new ALERTING interaction of the chat channel, with the transcript so far. */
  #offer (chat: SimChat, agent: SimAgent, direction: 'inbound' | 'transfer'): SimChatInteraction {
    const w = this.#w
    const id = w.nextId('ix')
    const ix: SimChatInteraction = {
      id,
      agent,
      chat,
      state: 'ALERTING',
      direction,
      origin: 'offered',
      to: chat.queueId ?? agent.profile.extension,
      queueId: chat.queueId,
      stateSince: w.clock.now(),
      startedAt: null,
      partyId: `${chat.id}-customer`,
      agentPartyId: `${id}-agent`,
      customerHere: true
    }
    chat.state = 'offered'
    chat.interaction = ix
    agent.chats.set(ix.id, ix)
    ix.ring = w.timer(agent.settings.ringNoAnswerMs, () => {
      ix.ring = undefined
      this.#ringNoAnswer(ix)
    })
    this.#ixEvent(ix, { name: 'interaction.added', data: { ...this.#picture(ix), udata: { ...chat.data } } })
    this.#ixEvent(ix, { name: 'interaction.partyadded', data: { focusresource: chat.from, partyid: ix.partyId, partystate: 'connected' } })
    for (const message of chat.messages) this.#ixEvent(ix, { name: 'chat.message', data: { ...message } })
    this.#ixEvent(ix, { name: 'interaction.present', data: {} })
    this.channelState(agent)
    return ix
  }

  // ---- the agent's requests -------------------------------------------------------------------

  accept (ix: SimChatInteraction): void {
    if (ix.state !== 'ALERTING') throw new INVALID_STATE(`the chat is ${ix.state}, not offered`)
    this.#w.clock.clear(ix.ring)
    ix.ring = undefined
    this.#move(ix, 'STARTED')
    ix.startedAt = this.#w.clock.now()
    ix.chat.state = 'connected'
    ix.chat.declinedBy.clear()
    this.#stateUpdated(ix)
  }

  reject (ix: SimChatInteraction): void {
    if (ix.state !== 'ALERTING') throw new INVALID_STATE('only an offered chat can be rejected')
    ix.chat.declinedBy.add(ix.agent.profile.id)
    this.#back(ix, 'rejected')
  }

  #ringNoAnswer (ix: SimChatInteraction): void {
    if (ix.state !== 'ALERTING') return
    const chat = ix.chat
    chat.declinedBy.add(ix.agent.profile.id)
    this.#w.log.info({ agentId: ix.agent.profile.id, chatId: chat.id }, 'chat ring no answer')
    ix.agent.chat.state = 'not_ready'
    ix.agent.chat.reason = 'RNA'
    // As for a call: a queue chat goes back to its queue, for the agent it is diverted there (the
    // diverting party is the agent's own); one sent straight to the agent just ends.
    if (chat.queueId !== undefined) {
      this.#ixEvent(ix, {
        name: 'interaction.ondivert',
        data: { divertingpartyid: ix.agentPartyId, divertingresource: ix.agent.profile.extension, divertingpartystate: 'alerting', newdestination: chat.queueId, hints: { reason: 'ring_no_answer' } }
      })
    }
    this.#back(ix, 'ring_no_answer')
  }

  /** An offer that went unanswered: the agent's interaction goes, the chat waits at the head of its queue again. */
  #back (ix: SimChatInteraction, reason: string): void {
    const chat = ix.chat
    this.#drop(ix, reason)
    this.#enqueue(chat, true)
  }

  send (ix: SimChatInteraction, text: string): ChatMessage {
    if (ix.state !== 'STARTED') throw new INVALID_STATE(`the chat is ${ix.state}; messages go only in a live chat`)
    if (!ix.customerHere) throw new INVALID_STATE('the customer left the chat')
    checkText(text)
    const message = this.#write(ix.chat, 'agent', text)
    ix.chat.agentTyping = false
    this.#ixEvent(ix, { name: 'chat.message', data: { ...message } })
    return message
  }

  typing (ix: SimChatInteraction, typing: boolean): void {
    if (ix.state !== 'STARTED') throw new INVALID_STATE(`the chat is ${ix.state}, not live`)
    ix.chat.agentTyping = typing
  }

  setData (ix: SimChatInteraction, data: AttachedData): void {
    if (ix.state === 'COMPLETED') throw new INVALID_STATE('the chat is completed')
    Object.assign(ix.chat.data, data)
    this.#ixEvent(ix, { name: 'interaction.udata.changed', data: { udata: { ...ix.chat.data } } })
  }

  /** interaction.terminate: the agent ends the chat (or, while offered, declines it); wrap-up follows. */
  terminate (ix: SimChatInteraction): void {
    if (ix.state === 'ALERTING') {
      this.reject(ix)
      return
    }
    if (ix.state !== 'STARTED') throw new INVALID_STATE(`the chat is ${ix.state}; complete it instead`)
    const chat = ix.chat
    chat.state = 'ended'
    chat.agentTyping = false
    const message = this.#write(chat, 'system', 'The agent ended the chat.')
    this.#ixEvent(ix, { name: 'chat.message', data: { ...message } })
    this.#end(ix, 'terminated')
  }

  /**
   * interaction.singlesteptransfer: the chat goes, transcript and all, to another agent (their
   * extension or id: offered at once, ready or not, if their chat channel has room) or to a queue
   * (it waits there); this agent's part ends (wrap-up follows).
   */
  transfer (ix: SimChatInteraction, destination: string): void {
    if (ix.state !== 'STARTED') throw new INVALID_STATE(`the chat is ${ix.state}; only a live chat can be transferred`)
    if (!ix.customerHere) throw new INVALID_STATE('the customer left the chat')
    const w = this.#w
    const chat = ix.chat
    const target = w.agentByExtension(destination) ?? w.agents.get(destination)
    const queue = target === undefined ? w.queues.get(destination) : undefined
    if (target === undefined && queue === undefined) throw new INVALID_MESSAGE(`no agent extension or queue ${destination}; queues: ${[...w.queues.keys()].join(', ')}`)
    if (target === ix.agent) throw new INVALID_MESSAGE('a chat cannot be transferred to its own agent')
    if (target !== undefined && !this.#canTake(target, false)) throw new INVALID_STATE(`extension ${target.profile.extension} (${target.profile.id}) cannot take a chat now`)
    this.#ixEvent(ix, {
      name: 'interaction.onsinglesteptransfer',
      data: { transferringpartyid: ix.agentPartyId, transferringresource: ix.agent.profile.extension, transferringpartystate: 'connected', newdestination: destination, hints: { media: 'chat' } }
    })
    const message = this.#write(chat, 'system', target !== undefined ? `Transferred to ${target.profile.name}.` : `Transferred to the ${queue?.name ?? destination} queue.`)
    this.#ixEvent(ix, { name: 'chat.message', data: { ...message } })
    chat.interaction = undefined
    chat.agentTyping = false
    chat.transferred = true
    this.#end(ix, 'transferred')
    // Whoever it goes to next, it never comes back to the agent who passed it on; the
    // customer's patience starts again (they were being served until now).
    chat.declinedBy.clear()
    chat.declinedBy.add(ix.agent.profile.id)
    chat.queuedAt = w.clock.now()
    if (target !== undefined) this.#offer(chat, target, 'transfer')
    else {
      chat.queueId = destination
      this.#enqueue(chat)
    }
  }

  /** interaction.complete, or the model's wrap-up time. */
  complete (ix: SimChatInteraction, disposition: string | null, by: 'agent' | 'timeout'): void {
    if (ix.state !== 'ENDED') throw new INVALID_STATE(`the chat is ${ix.state}; only an ended one can be completed`)
    this.#w.clock.clear(ix.wrapUp)
    ix.wrapUp = undefined
    ix.wrapUpUntil = undefined
    this.#move(ix, 'COMPLETED')
    this.#stateUpdated(ix, { completedBy: by, ...(disposition !== null && { disposition }) })
    this.#gone(ix, 'completed')
    this.#w.refreshAgent(ix.agent)
  }

  /** The agent's untimed wrap-ups end now (a pending logout: nobody is left to complete them). */
  completeUntimed (agent: SimAgent): void {
    for (const ix of [...agent.chats.values()]) if (ix.state === 'ENDED' && ix.wrapUp === undefined) this.complete(ix, null, 'timeout')
  }

  // ---- the interaction's life -----------------------------------------------------------------

  #move (ix: SimChatInteraction, state: SimChatInteraction['state']): void {
    ix.state = state
    ix.stateSince = this.#w.clock.now()
  }

  /** A chat the agent had: ENDED, wrap-up armed (the call model's wrap-up time). */
  #end (ix: SimChatInteraction, reason: string): void {
    const w = this.#w
    if (ix.chat.interaction === ix) ix.chat.interaction = undefined
    this.#move(ix, 'ENDED')
    this.#stateUpdated(ix, { reason })
    const wrapUpMs = ix.agent.settings.wrapUpMs
    if (wrapUpMs !== null) {
      ix.wrapUp = w.timer(wrapUpMs, () => { this.complete(ix, null, 'timeout') })
      ix.wrapUpUntil = w.clock.now() + wrapUpMs
    }
    if (ix.wrapUp === undefined && ix.agent.pendingLogout !== null) this.complete(ix, null, 'timeout')
  }

  /** An offer that never started: COMPLETED and gone at once (no wrap-up). */
  #drop (ix: SimChatInteraction, reason: string): void {
    this.#w.clock.clear(ix.ring)
    ix.ring = undefined
    if (ix.chat.interaction === ix) ix.chat.interaction = undefined
    this.#move(ix, 'COMPLETED')
    this.#stateUpdated(ix, { reason })
    this.#gone(ix, reason)
    this.#w.refreshAgent(ix.agent)
  }

  #gone (ix: SimChatInteraction, reason: string): void {
    this.#ixEvent(ix, { name: 'interaction.notcontrolled', data: {} })
    ix.agent.chats.delete(ix.id)
    this.#changed = true
    this.#ixEvent(ix, { name: 'interaction.deleted', data: { reason } })
    if (ix.agent.state !== 'logged_out') this.channelState(ix.agent)
    if (ix.chat.left && ix.chat.interaction === undefined) this.#forget(ix.chat)
  }

  /** Whether an agent holds the chat: offered, live or in wrap-up. */
  #held (chat: SimChat): boolean {
    if (chat.interaction !== undefined) return true
    for (const agent of this.#w.agents.values()) for (const ix of agent.chats.values()) if (ix.chat === chat) return true
    return false
  }

  /** A chat the customer left and no agent holds any more is gone. */
  #forget (chat: SimChat): void {
    if (!chat.left || this.#held(chat)) return
    this.#dequeue(chat)
    this.chats.delete(chat.id)
  }

  /**
   * At the limit: the oldest chat that ended and that no agent holds goes (its customer never
   * came back). Chats still in an agent's wrap-up are not touched: they stay for their customer.
   */
  #evictOneEnded (): void {
    for (const chat of this.chats.values()) {
      if (chat.state !== 'ended' || this.#held(chat)) continue
      chat.left = true
      this.#forget(chat)
      return
    }
  }

  #write (chat: SimChat, from: ChatAuthor, text: string): ChatMessage {
    const message: ChatMessage = { messageId: `${chat.id}-m${++chat.messageSeq}`, from, text, at: new Date(this.#w.clock.now()).toISOString() }
    chat.messages.push(message)
    if (chat.messages.length > this.#settings.transcriptKeep) chat.messages.splice(0, chat.messages.length - this.#settings.transcriptKeep)
    return message
  }

  #chat (chatId: string): SimChat {
    const chat = this.chats.get(chatId)
    if (chat === undefined) throw new UNKNOWN_RESOURCE(`no chat ${chatId}`)
    return chat
  }

  /** Stops every timer (the simulator closes). */
  close (): void {
    for (const chat of this.chats.values()) this.#w.clock.clear(chat.patience)
    for (const agent of this.#w.agents.values()) {
      for (const ix of agent.chats.values()) {
        this.#w.clock.clear(ix.ring)
        this.#w.clock.clear(ix.wrapUp)
      }
    }
  }
}

/** A message's text, counted as the schemas count it (UTF-16 code units, CHAT_TEXT_MAX at most; not only white space). */
function checkText (text: string): void {
  if (text.length > CHAT_TEXT_MAX) throw new INVALID_MESSAGE(`a chat message has at most ${CHAT_TEXT_MAX} characters (UTF-16 code units); this one has ${text.length}`)
  if (text.trim() === '') throw new INVALID_MESSAGE('a chat message needs some text')
}
