import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { CTI_UNAVAILABLE, INVALID_MESSAGE, INVALID_STATE, INVALID_TARGET, TIMEOUT, UNKNOWN_RESOURCE, UNSUPPORTED, messageOf, toFailure } from '../../errors.js'
import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { AgentSnapshot } from '../../schemas/snapshot.schema.js'
import type { SimAgent as SimAgentView, SimCall as SimCallView, SimPlaceCall, SimQueue as SimQueueView } from '../../schemas/simulator.schema.js'
import type { ConnectorCti } from '../../bridge/connector.js'
import type { AuthResult, CtiHealth, CtiListener, CtiRequest, CtiResult, CtiSessionSettings, ReasonCode } from '../port.js'
import type { DirectoryFile } from '../simulator/directory.js'
import type { AgentLeg, SimAgent, SimCall } from '../simulator/model.js'
import type { SavedCenter } from '../simulator/restore.js'
import { Simulator, type SimulatorLimits } from '../simulator/simulator.js'
import type { World } from '../simulator/world.js'
import { Kamailio, type KamailioEvent, type Parked } from './kamailio.js'
import { Phone, type PhoneEvent } from './phone.js'

/** Where a phone's ctrl_tcp listens. */
export interface PhoneAddress {
  extension: string
  host: string
  port: number
}

export interface SipCtiOptions {
  directory: DirectoryFile
  clock: Clock
  log: Logger
  /** kamailio's evapi (sip/kamailio.cfg). */
  kamailio: { host: string, port: number }
  /** The SIP domain the phones register in (`host:port` of kamailio): dial and transfer URIs use it. */
  sipDomain: string
  /** The agents' phones, by extension. */
  phones: readonly PhoneAddress[]
  /** The demo's caller phone (the control face places calls from it), if any. */
  caller?: PhoneAddress
  limits?: Partial<SimulatorLimits>
  /** How long an answer on the phone may take before the request fails with TIMEOUT. */
  answerTimeoutMs?: number
  /** How long a phone's control connection may stay down before its calls end for the agent. */
  phoneLostMs?: number
  /**
   * SIP_STATE_FILE: where the connector keeps the agents logged in and the calls that are up,
   * written after every change, read at start-up: a restarted connector carries on with them.
   */
  stateFile?: string
}

/** What SIP_STATE_FILE holds. */
interface SavedState {
  version: 1
  center: SavedCenter
  calls: Array<{ simId: string, callId: string, dialedBy: string | null }>
}

/**
 * What baresip 1.0.0 phones cannot do (docs/connectors/sip.md): no attended transfer (no
 * Replaces), no conference, no recording, and a pick would answer before the phone did. The
 * views disable these (the processor reads `unsupported-requests`); the connector refuses them.
 */
export const SIP_UNSUPPORTED = [
  'interaction.consult', 'interaction.alternate', 'interaction.consulttransfer', 'interaction.consultconference',
  'interaction.singlestepconference', 'conversation.conference', 'interaction.pick',
  'interaction.request.recording.start', 'interaction.request.recording.stop',
  'interaction.request.recording.pause', 'interaction.request.recording.resume'
] as const

/** One call of the contact center as SIP carries it: the caller's dialog through kamailio. */
interface SipCall {
  /** The model's call (the simulator's SimCall id). */
  readonly simId: string
  /** The SIP Call-ID of the caller's dialog now (a blind transfer makes a new one). */
  callId: string | undefined
  /** The INVITE kamailio holds for us, while nobody's phone rings with it. */
  parked: Parked | undefined
  /** The extension or number the INVITE rings at now. */
  routedTo: string | undefined
  /** Whether someone answered the INVITE (the caller's dialog is up). */
  answered: boolean
  /** The agent's extension, when an agent dialled it. */
  readonly dialedBy: string | undefined
  /** The last failure kamailio reported (the caller hears it when the call ends unanswered). */
  failCode: number
}

const QUEUED_REPLY = { code: 480, reason: 'Temporarily Unavailable' }

/**
 * The SIP connector's contact center: the simulator's model of agents, queues, calls and
 * interactions (so its events, snapshots and adoption are those the server knows), with real
 * SIP under it. The model decides who gets a call (the ACD) and what a request means;
 * kamailio and the agents' baresip phones carry it out, and what happens on the wire (an
 * answer on the phone, a caller hanging up, a phone that is gone) is fed back as operations.
 * `#sync` runs after every operation and makes SIP follow the model: it routes a parked call to
 * the agent the ACD chose, stops a phone ringing when the model moved the call on, and hangs up
 * a phone whose agent left the call.
 */
export class SipCti implements ConnectorCti {
  readonly vendor = 'his-cti-server SIP connector (kamailio, baresip)'
  readonly version = '1.0'
  readonly #sim: Simulator
  readonly #kamailio: Kamailio
  readonly #phones = new Map<string, Phone>()
  readonly #caller: Phone | undefined
  readonly #log: Logger
  readonly #domain: string
  readonly #answerTimeoutMs: number
  /** By the model's call id, and by every SIP Call-ID one had. */
  readonly #calls = new Map<string, SipCall>()
  readonly #byCallId = new Map<string, SipCall>()
  /** Phone calls the connector hung up and that have not closed yet (`ext|callId`). */
  readonly #hangingUp = new Set<string>()
  /** Blind transfers under way: the transferee's next INVITE (from, to) continues the call. */
  readonly #transfers: Array<{ from: string, to: string, call: SipCall, until: number }> = []
  /** Calls an agent dialled from the bar, until their INVITE arrives. */
  readonly #dials = new Map<string, SipCall>()
  /** Calls the control face placed from the caller phone, until their INVITE arrives. */
  readonly #placing: Array<{ to: string, data: Record<string, string | number | boolean>, done: (call: SimCall | Error) => void }> = []
  readonly #watchers = new Set<(health: CtiHealth) => void>()
  /** Phones whose control connection is down: the timer after which they count as gone. */
  readonly #lost = new Map<string, NodeJS.Timeout>()
  readonly #phoneLostMs: number
  readonly #stateFile: string | undefined
  #saving = false
  #syncing = false

  constructor (options: SipCtiOptions) {
    this.#log = options.log
    this.#domain = options.sipDomain
    this.#answerTimeoutMs = options.answerTimeoutMs ?? 5000
    this.#phoneLostMs = options.phoneLostMs ?? 5000
    this.#sim = new Simulator({
      clock: options.clock,
      directory: options.directory,
      loginDelayMs: 0,
      log: options.log,
      ...(options.limits !== undefined && { limits: options.limits }),
      chat: { maxPerAgent: 0 },
      media: { sync: world => { this.#sync(world) } }
    })
    const health = (): void => {
      const h = this.health()
      for (const w of this.#watchers) w(h)
    }
    let kamailioSeen = false
    this.#kamailio = new Kamailio({
      ...options.kamailio,
      log: options.log,
      onEvent: event => { this.#guard('kamailio event', () => { this.#onKamailio(event) }) },
      onState: up => {
        health()
        if (up && kamailioSeen) this.#guard('kamailio back', () => { this.#kamailioBack() })
        if (up) kamailioSeen = true
      }
    })
    for (const address of options.phones) {
      this.#phones.set(address.extension, new Phone({
        ...address,
        log: options.log,
        onEvent: (phone, event) => { this.#guard('phone event', () => { this.#onPhone(phone, event) }) },
        onState: (phone, up) => {
          health()
          this.#phoneState(phone, up)
        }
      }))
    }
    if (options.caller !== undefined) {
      this.#caller = new Phone({ ...options.caller, log: options.log, onEvent: () => {} })
    }
    this.#stateFile = options.stateFile
    if (this.#stateFile !== undefined) this.#restore(this.#stateFile)
  }

  // ---- surviving a restart (SIP_STATE_FILE) ---------------------------------------------------

  /**
   * Rebuilds what the connector had before it stopped: the agents logged in (their state and
   * settings) and the calls that were up, on the phones that had them. Each phone is asked,
   * once reachable, whether it still has its calls (`callfind`): a call it lost meanwhile ends
   * for the agent; a phone that stays unreachable counts as gone after `phoneLostMs`.
   */
  #restore (file: string): void {
    let saved: SavedState
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as SavedState
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#log.warn({ file, err: messageOf(err) }, 'the state file cannot be read; starting empty')
      return
    }
    if (saved.version !== 1) return
    const calls = new Map(this.#sim.restore(saved.center).map(c => [c.id, c]))
    for (const s of saved.calls) {
      const call = calls.get(s.simId)
      if (call === undefined) continue
      const sip = this.#track(s.simId, s.callId, undefined, s.dialedBy ?? undefined)
      sip.answered = true
      for (const leg of call.legs) {
        const phone = leg.kind === 'agent' ? this.#phones.get(leg.number) : leg.number === this.#caller?.extension ? this.#caller : undefined
        phone?.expect(s.callId, leg.kind === 'agent' && leg.interaction.direction === 'outbound' ? 'outgoing' : 'incoming')
      }
    }
    for (const phone of this.#phones.values()) if (phone.calls.size > 0) this.#phoneState(phone, false)
    this.#log.info({ file, agents: saved.center.agents.length, calls: calls.size }, 'restored the agents and calls of before the restart')
  }

  /** Writes the state file soon (once for all that changes in one turn), atomically. */
  #save (): void {
    if (this.#stateFile === undefined || this.#saving) return
    this.#saving = true
    setImmediate(() => {
      this.#saving = false
      this.#writeState()
    })
  }

  #writeState (): void {
    const file = this.#stateFile
    if (file === undefined) return
    const state: SavedState = {
      version: 1,
      center: this.#sim.save(),
      calls: [...this.#calls.values()].filter(s => s.answered && s.callId !== undefined).map(s => ({ simId: s.simId, callId: s.callId ?? '', dialedBy: s.dialedBy ?? null }))
    }
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(state))
      renameSync(`${file}.tmp`, file)
    } catch (err) {
      this.#log.warn({ file, err: messageOf(err) }, 'the state file cannot be written')
    }
  }

  // ---- the port ---------------------------------------------------------------------------------

  capabilities (): Record<string, string> {
    return { ...this.#sim.capabilities(), 'unsupported-requests': SIP_UNSUPPORTED.join(',') }
  }

  reasonCodes (): readonly ReasonCode[] {
    return this.#sim.reasonCodes()
  }

  async authenticate (agentId: string, password: string): Promise<AuthResult> {
    return await this.#sim.authenticate(agentId, password)
  }

  attach (agentId: string, listener: CtiListener): () => void {
    return this.#sim.attach(agentId, listener)
  }

  /** An agent logs in only with their phone reachable: without it no call could ring. */
  async login (agentId: string, settings: CtiSessionSettings): Promise<void> {
    const agent = this.#agent(agentId)
    const phone = this.#phones.get(agent.profile.extension)
    if (phone === undefined) throw new CTI_UNAVAILABLE(`extension ${agent.profile.extension} has no phone configured at the SIP connector`)
    if (!phone.up) throw new CTI_UNAVAILABLE(`the phone of extension ${agent.profile.extension} cannot be reached`)
    await this.#sim.login(agentId, settings)
  }

  async logout (agentId: string, reason: string): Promise<void> {
    await this.#sim.logout(agentId, reason)
  }

  async logoutWhenIdle (agentId: string, reason: string): Promise<'done' | 'pending'> {
    return await this.#sim.logoutWhenIdle(agentId, reason)
  }

  async cancelLogout (agentId: string): Promise<void> {
    await this.#sim.cancelLogout(agentId)
  }

  async snapshot (agentId: string): Promise<AgentSnapshot> {
    return await this.#sim.snapshot(agentId)
  }

  async configure (agentId: string, settings: CtiSessionSettings): Promise<void> {
    await this.#sim.configure(agentId, settings)
  }

  health (): CtiHealth {
    const phones = [...this.#phones.values()]
    const up = phones.filter(p => p.up).length
    const detail = `kamailio ${this.#kamailio.up ? 'connected' : 'not connected'}; ${up} of ${phones.length} agents' phones reachable; ${this.#sim.world.calls.size} calls`
    return { ok: this.#kamailio.up, detail }
  }

  watch (listener: (health: CtiHealth) => void): () => void {
    this.#watchers.add(listener)
    return () => { this.#watchers.delete(listener) }
  }

  async execute (agentId: string, request: CtiRequest): Promise<CtiResult | undefined> {
    if ((SIP_UNSUPPORTED as readonly string[]).includes(request.command)) {
      throw new UNSUPPORTED(`${request.command} cannot be done with the SIP phones (docs/connectors/sip.md)`)
    }
    const agent = this.#agent(agentId)
    switch (request.command) {
      case 'interaction.accept':
      case 'conversation.answer':
        return await this.#answer(agent, request)
      case 'conversation.hold':
      case 'conversation.retrieve':
      case 'conversation.dtmf': {
        const { leg, sip } = this.#legOf(agent, request)
        const wanted = request.command === 'conversation.retrieve' ? 'held' : 'connected'
        if (leg.state !== wanted) throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not ${wanted}`)
        const phone = this.#phoneOf(agent)
        if (request.command === 'conversation.dtmf') await phone.onCall(sip, 'sndcode', request.data.digits)
        else await phone.onCall(sip, request.command === 'conversation.hold' ? 'hold' : 'resume')
        return await this.#sim.execute(agentId, request)
      }
      case 'interaction.singlesteptransfer':
      case 'conversation.transfer':
        return await this.#transfer(agent, request)
      case 'channel.dial':
        return await this.#dial(agent, request)
      default:
        // The model decides; #sync makes the phones follow (a rejected call stops ringing, a
        // released one is hung up, a redirected one rings elsewhere).
        return await this.#sim.execute(agentId, request)
    }
  }

  close (): void {
    this.#writeState()
    for (const timer of this.#lost.values()) clearTimeout(timer)
    this.#sim.close()
    this.#kamailio.close()
    for (const phone of this.#phones.values()) phone.close()
    this.#caller?.close()
  }

  // ---- requests that the phone carries out first --------------------------------------------------

  /** The phone answers; the model follows when the phone says the call is up (CALL_ESTABLISHED). */
  async #answer (agent: SimAgent, request: CtiRequest): Promise<CtiResult> {
    const ix = request.interactionId === undefined ? undefined : agent.interactions.get(request.interactionId)
    if (ix === undefined) throw new INVALID_TARGET(`no interaction ${request.interactionId ?? ''}`)
    const leg = request.command === 'conversation.answer' ? [ix.primary, ix.consult].find(l => l?.id === request.conversationId) : ix.primary
    if (leg === undefined) throw new INVALID_TARGET(`no conversation ${request.conversationId ?? ''} in ${ix.id}`)
    if (leg.state !== 'alerting') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}, not alerting`)
    const sip = this.#calls.get(leg.call.id)
    const callId = sip?.callId
    const phone = this.#phoneOf(agent)
    // The bar may see the offer before the phone rings (kamailio is relaying the INVITE): a moment's grace.
    if (callId === undefined) throw new INVALID_STATE('the call has not reached kamailio yet')
    for (let i = 0; i < 100 && !phone.calls.has(callId); i++) await new Promise(resolve => setTimeout(resolve, 20))
    if (!phone.calls.has(callId)) throw new INVALID_STATE('the call is not ringing at the agent\'s phone')
    await phone.onCall(callId, 'accept')
    const deadline = Date.now() + this.#answerTimeoutMs
    while (leg.state === 'alerting' && leg.interaction.state === 'ALERTING') {
      if (Date.now() > deadline) throw new TIMEOUT(`the phone of extension ${agent.profile.extension} did not answer within ${this.#answerTimeoutMs} ms`)
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    if (leg.state === 'alerting' || leg.interaction.state !== 'STARTED') throw new INVALID_STATE(`the call went before it was answered (${leg.interaction.state})`)
    return { interactionId: ix.id }
  }

  /** A blind transfer (REFER): the far party calls the destination, and the call goes on there. */
  async #transfer (agent: SimAgent, request: CtiRequest & { command: 'interaction.singlesteptransfer' | 'conversation.transfer' }): Promise<CtiResult | undefined> {
    const ix = request.interactionId === undefined ? undefined : agent.interactions.get(request.interactionId)
    const leg = request.command === 'interaction.singlesteptransfer' ? ix?.primary : [ix?.primary, ix?.consult].find(l => l?.id === request.conversationId)
    if (ix === undefined || leg === undefined) throw new INVALID_TARGET(`no conversation to transfer in ${request.interactionId ?? ''}`)
    if (leg.state !== 'connected' && leg.state !== 'held') throw new INVALID_STATE(`conversation ${leg.id} is ${leg.state}: only a call that is up can be transferred`)
    const sip = this.#calls.get(leg.call.id)
    if (sip?.callId === undefined || !sip.answered) throw new INVALID_STATE('the call is not up on the SIP side')
    const destination = request.data.destination
    const world = this.#sim.world
    const target = world.agentByExtension(destination) ?? world.agents.get(destination)
    if (target === undefined && !world.queues.has(destination)) {
      throw new UNSUPPORTED(`the SIP connector transfers to an agent or a queue; ${destination} is neither`)
    }
    const far = leg.call.legs.find(l => l !== leg)
    if (far === undefined) throw new INVALID_STATE('nobody else is on the call')
    const user = target?.profile.extension ?? destination
    const phone = this.#phoneOf(agent)
    const callId = sip.callId
    // The agent's phone leaves the call by the transfer itself (baresip ends it once the far
    // party's new call is up), never by #sync.
    const key = `${phone.extension}|${callId}`
    this.#hangingUp.add(key)
    // The model first: it refuses a transfer that cannot happen (an agent who is not available)
    // before the far party is sent anywhere.
    let result
    try {
      result = await this.#sim.execute(agent.profile.id, request)
    } catch (err) {
      this.#hangingUp.delete(key)
      throw err
    }
    this.#transfers.push({ from: far.number, to: user, call: sip, until: Date.now() + 30_000 })
    phone.onCall(callId, 'transfer', `sip:${user}@${this.#domain}`).catch(err => {
      this.#log.warn({ err: messageOf(err), callId: sip.callId }, 'the phone could not transfer the call')
    })
    return result
  }

  /** channel.dial: the model's interaction first (it checks the destination), then the phone dials. */
  async #dial (agent: SimAgent, request: CtiRequest & { command: 'channel.dial' }): Promise<CtiResult | undefined> {
    const phone = this.#phoneOf(agent)
    if (this.#dials.has(agent.profile.extension)) throw new INVALID_STATE('the agent\'s phone is dialling already')
    const result = await this.#sim.execute(agent.profile.id, request)
    const ix = result?.interactionId === undefined ? undefined : agent.interactions.get(result.interactionId)
    const call = ix?.primary?.call
    if (call === undefined) return result
    const sip = this.#track(call.id, undefined, undefined, agent.profile.extension)
    this.#dials.set(agent.profile.extension, sip)
    const world = this.#sim.world
    const destination = request.data.destination
    const user = (world.agentByExtension(destination) ?? world.agents.get(destination))?.profile.extension ?? destination
    const giveUp = (): void => {
      if (this.#dials.get(agent.profile.extension) !== sip) return
      this.#dials.delete(agent.profile.extension)
      if (ix !== undefined) this.#inner(agent.profile.id, { command: 'interaction.terminate', interactionId: ix.id, data: {} })
    }
    try {
      await phone.command('dial', `sip:${user}@${this.#domain}`)
    } catch (err) {
      giveUp()
      throw err
    }
    // A dial whose INVITE never reaches kamailio (the phone could not send it) ends, and never
    // blocks the agent's next one.
    setTimeout(() => { if (sip.callId === undefined) giveUp() }, 10_000).unref()
    return result
  }

  // ---- what kamailio says ----------------------------------------------------------------------

  #onKamailio (event: KamailioEvent): void {
    const world = this.#sim.world
    if (event.event === 'cancel') {
      const sip = this.#current(event.callId)
      if (sip === undefined) return
      const call = world.calls.get(sip.simId)
      if (call === undefined || call.ended) return
      if (sip.dialedBy !== undefined) this.#leave(sip.dialedBy, call)
      else this.#sim.hangup(sip.simId)
      return
    }
    const parked: Parked = { tindex: event.tindex, tlabel: event.tlabel }
    if (event.event === 'parked') {
      const sip = this.#current(event.callId)
      if (sip === undefined) {
        this.#kamailio.reply(parked, event.code >= 300 ? event.code : 404, 'Not Found')
        return
      }
      const failedAt = sip.routedTo
      sip.parked = parked
      sip.routedTo = undefined
      sip.failCode = event.code
      const call = world.calls.get(sip.simId)
      const leg = call?.legs.find(l => l.number === failedAt && l.state === 'alerting')
      if (leg?.kind === 'agent') {
        const agentId = leg.interaction.agent.profile.id
        this.#log.info({ callId: event.callId, extension: failedAt, code: event.code }, 'the call did not ring at the agent\'s phone; offered again')
        // Busy or declined on the phone itself: the agent rejected it. Anything else (not
        // registered, gone, no answer from the phone): as a ring-no-answer, the agent goes not
        // ready, so a call never goes round phones that cannot ring.
        if (event.code === 486 || event.code === 603) this.#inner(agentId, { command: 'interaction.reject', interactionId: leg.interaction.id, data: {} })
        else this.#sim.unreachable(agentId, leg.interaction.id)
      } else if (leg?.kind === 'external' && call !== undefined) {
        // The outside number did not answer: it leaves the call.
        this.#sim.hangup(call.id)
      } else {
        this.#sync(world)
      }
      return
    }
    this.#invite(event, parked)
  }

  /** A new call reached kamailio: who it is for decides what it is. */
  #invite (event: KamailioEvent & { event: 'invite' }, parked: Parked): void {
    const world = this.#sim.world
    const now = Date.now()
    for (let i = this.#transfers.length - 1; i >= 0; i--) if ((this.#transfers[i]?.until ?? 0) < now) this.#transfers.splice(i, 1)
    // A transferred caller calling where they were sent: the same call, on a new dialog.
    const t = this.#transfers.findIndex(x => x.from === event.from && x.to === event.to)
    const transfer = this.#transfers[t]
    if (transfer !== undefined) {
      this.#transfers.splice(t, 1)
      const sip = transfer.call
      sip.callId = event.callId
      sip.parked = parked
      sip.routedTo = undefined
      sip.answered = false
      this.#byCallId.set(event.callId, sip)
      this.#sync(world)
      return
    }
    const caller = world.agentByExtension(event.from)
    if (caller !== undefined && caller.state !== 'logged_out') {
      const dial = this.#dials.get(event.from)
      if (dial !== undefined && dial.callId === undefined) {
        this.#dials.delete(event.from)
        dial.callId = event.callId
        dial.parked = parked
        this.#byCallId.set(event.callId, dial)
        this.#sync(world)
        return
      }
      // Dialled on the phone itself: the model makes it the agent's call as if the bar had.
      this.#sim.execute(caller.profile.id, { command: 'channel.dial', data: { destination: event.to } }).then(result => {
        const ix = result?.interactionId === undefined ? undefined : caller.interactions.get(result.interactionId)
        if (ix?.primary === undefined) throw new INVALID_STATE('the dial made no call')
        const sip = this.#track(ix.primary.call.id, event.callId, parked, caller.profile.extension)
        this.#sync(world)
        return sip
      }).catch(err => {
        const failure = toFailure(err)
        this.#kamailio.reply(parked, failure.code === 'INVALID_STATE' ? 486 : 404, failure.message.slice(0, 100).replace(/[\r\n"\\]/g, ' '))
      })
      return
    }
    const target = world.agentByExtension(event.to)
    if (world.queues.has(event.to) || target !== undefined) {
      const placing = event.from === this.#caller?.extension ? this.#placing.findIndex(p => p.to === event.to) : -1
      const placed = placing === -1 ? undefined : this.#placing.splice(placing, 1)[0]
      let call: SimCall
      try {
        call = this.#sim.placeCall({ from: event.from, ...(target === undefined ? { queue: event.to } : { to: event.to }), ...(placed !== undefined && { data: placed.data }) })
      } catch (err) {
        const failure = toFailure(err)
        const code = failure.code === 'INVALID_STATE' ? 486 : failure.code === 'RATE_LIMITED' ? 503 : 480
        this.#kamailio.reply(parked, code, code === 486 ? 'Busy Here' : code === 503 ? 'Service Unavailable' : 'Temporarily Unavailable')
        placed?.done(err instanceof Error ? err : new Error(messageOf(err)))
        return
      }
      this.#track(call.id, event.callId, parked, undefined)
      this.#log.info({ callId: event.callId, call: call.id, from: event.from, to: event.to }, 'call in')
      placed?.done(call)
      this.#sync(world)
      return
    }
    // Anyone else registered (an outside number): plain proxying; a failure comes back parked, unknown.
    this.#kamailio.route(parked, event.to)
  }

  // ---- what the phones say -------------------------------------------------------------------

  #onPhone (phone: Phone, event: PhoneEvent): void {
    const callId = event.id
    if (callId === undefined) return
    if (event.type === 'CALL_CLOSED') this.#hangingUp.delete(`${phone.extension}|${callId}`)
    const sip = this.#current(callId)
    if (sip === undefined) return
    const world = this.#sim.world
    const call = world.calls.get(sip.simId)
    if (call === undefined || call.ended) {
      // Over in the model: the phones are hung up, and a call no phone holds is forgotten.
      this.#sync(world)
      return
    }
    const leg = call.legs.find((l): l is AgentLeg => l.kind === 'agent' && l.number === phone.extension)
    switch (event.type) {
      case 'CALL_ESTABLISHED': {
        sip.answered = true
        if (leg?.state === 'alerting') {
          this.#inner(leg.interaction.agent.profile.id, { command: 'conversation.answer', interactionId: leg.interaction.id, conversationId: leg.id, data: {} })
        } else if (leg?.state === 'dialing' && call.legs.some(l => l.kind === 'external' && l.state === 'alerting')) {
          this.#sim.outsideAnswered(call.id)
        }
        return
      }
      case 'CALL_CLOSED': {
        if (leg === undefined || leg.state === 'alerting') return
        // Not the connector's doing: the far party hung up, or the agent did, on the phone itself.
        const byPeer = /by peer/i.test(event.param ?? '')
        if (byPeer && call.legs.some(l => l.kind === 'external')) this.#sim.hangup(call.id)
        else this.#leave(phone.extension, call)
      }
    }
  }

  /**
   * A phone's control connection went down or came back. Back: the calls it had are checked
   * (events were missed meanwhile), and those it no longer has are over. Down for longer than
   * `phoneLostMs`: the phone is gone (killed, crashed, unplugged), and so are the agent's calls.
   */
  #phoneState (phone: Phone, up: boolean): void {
    const ext = phone.extension
    if (!up) {
      if (this.#lost.has(ext)) return
      const timer = setTimeout(() => {
        this.#lost.delete(ext)
        this.#guard('lost phone', () => { this.#phoneLost(phone) })
      }, this.#phoneLostMs)
      timer.unref()
      this.#lost.set(ext, timer)
      return
    }
    clearTimeout(this.#lost.get(ext))
    this.#lost.delete(ext)
    void this.#recheck(phone)
  }

  async #recheck (phone: Phone): Promise<void> {
    for (const callId of [...phone.calls.keys()]) {
      const still = await phone.command('callfind', callId).then(() => true, () => false)
      if (!still && phone.forget(callId)) this.#guard('phone recheck', () => { this.#onPhone(phone, { type: 'CALL_CLOSED', id: callId, param: 'gone while the connector could not reach the phone' }) })
    }
  }

  #phoneLost (phone: Phone): void {
    if (phone.up) return
    const agent = this.#sim.world.agentByExtension(phone.extension)
    const callIds = [...phone.calls.keys()]
    phone.calls.clear()
    if (agent === undefined) return
    this.#log.warn({ extension: phone.extension, agentId: agent.profile.id, calls: callIds.length }, 'the agent\'s phone is gone: its calls end for the agent')
    for (const ix of [...agent.interactions.values()]) {
      if (ix.state === 'ALERTING') this.#guard('lost phone', () => { this.#sim.unreachable(agent.profile.id, ix.id) })
      else if (ix.state === 'DIALING' || ix.state === 'STARTED') this.#inner(agent.profile.id, { command: 'interaction.terminate', interactionId: ix.id, data: {} })
    }
  }

  /**
   * kamailio is back after it was lost (restarted): the calls it held parked or was still
   * ringing somewhere went with its transactions, their callers with them. Calls that are up
   * go on (in-dialog requests route by their Route set; the registrations were kept).
   */
  #kamailioBack (): void {
    const world = this.#sim.world
    for (const sip of [...this.#calls.values()]) {
      if (sip.answered) continue
      const call = world.calls.get(sip.simId)
      sip.parked = undefined
      if (call === undefined || call.ended) continue
      this.#log.warn({ call: sip.simId, callId: sip.callId }, 'kamailio restarted before the call was answered: its caller is gone')
      if (sip.dialedBy !== undefined) this.#leave(sip.dialedBy, call)
      else this.#sim.hangup(call.id)
    }
  }

  /** The agent at `extension` leaves `call` (their interaction ends). */
  #leave (extension: string, call: SimCall): void {
    const leg = call.legs.find((l): l is AgentLeg => l.kind === 'agent' && l.number === extension)
    if (leg === undefined) return
    this.#inner(leg.interaction.agent.profile.id, { command: 'interaction.terminate', interactionId: leg.interaction.id, data: {} })
  }

  // ---- making SIP follow the model ---------------------------------------------------------------

  #sync (world: World): void {
    if (this.#syncing) return
    this.#syncing = true
    try {
      for (const sip of [...this.#calls.values()]) this.#syncCall(world, sip)
    } finally {
      this.#syncing = false
      this.#save()
    }
  }

  #syncCall (world: World, sip: SipCall): void {
    const call = world.calls.get(sip.simId)
    const live = call !== undefined && !call.ended
    const ringing = live ? call.legs.find(l => l.state === 'alerting' && (l.kind === 'agent' || sip.dialedBy !== undefined)) : undefined
    // The parked INVITE goes where the model rings it, or gets its final answer.
    if (sip.parked !== undefined) {
      if (!live) {
        const code = sip.failCode >= 400 ? sip.failCode : QUEUED_REPLY.code
        this.#kamailio.reply(sip.parked, code, code === 486 ? 'Busy Here' : QUEUED_REPLY.reason)
        sip.parked = undefined
      } else if (ringing !== undefined && this.#kamailio.route(sip.parked, ringing.number)) {
        sip.parked = undefined
        sip.routedTo = ringing.number
      }
    }
    // A phone ringing with it where the model no longer rings it: it stops (kamailio parks the call again).
    if (sip.routedTo !== undefined && !sip.answered && sip.callId !== undefined && ringing?.number !== sip.routedTo) {
      this.#hangUp(sip.routedTo, sip.callId)
    }
    // Agents' phones on the call whom the model has left it: hung up.
    if (sip.callId !== undefined) {
      for (const phone of this.#phones.values()) {
        if (!phone.calls.has(sip.callId)) continue
        const on = live && call.legs.some(l => l.kind === 'agent' && l.number === phone.extension)
        if (!on && !(phone.extension === sip.routedTo && !sip.answered && ringing?.number === sip.routedTo)) this.#hangUp(phone.extension, sip.callId)
      }
    }
    if (!live && sip.parked === undefined && ![...this.#phones.values()].some(p => sip.callId !== undefined && p.calls.has(sip.callId))) {
      this.#calls.delete(sip.simId)
      for (const [id, s] of this.#byCallId) if (s === sip) this.#byCallId.delete(id)
      if (sip.dialedBy !== undefined && this.#dials.get(sip.dialedBy) === sip) this.#dials.delete(sip.dialedBy)
    }
  }

  #hangUp (extension: string, callId: string): void {
    const key = `${extension}|${callId}`
    if (this.#hangingUp.has(key)) return
    const phone = this.#phones.get(extension)
    if (phone === undefined || !phone.calls.has(callId)) return
    this.#hangingUp.add(key)
    phone.onCall(callId, 'hangup').catch(err => {
      this.#hangingUp.delete(key)
      this.#log.warn({ extension, callId, err: messageOf(err) }, 'the phone could not hang up')
    })
  }

  #track (simId: string, callId: string | undefined, parked: Parked | undefined, dialedBy: string | undefined): SipCall {
    const sip: SipCall = { simId, callId, parked, routedTo: undefined, answered: false, dialedBy, failCode: 0 }
    this.#calls.set(simId, sip)
    if (callId !== undefined) this.#byCallId.set(callId, sip)
    return sip
  }

  /** The call whose current dialog is `callId` (an old dialog of a transferred call is not). */
  #current (callId: string): SipCall | undefined {
    const sip = this.#byCallId.get(callId)
    return sip?.callId === callId ? sip : undefined
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** A request of the connector's own to the model (what the wire said); a refusal is logged. */
  #inner (agentId: string, request: CtiRequest): void {
    this.#sim.execute(agentId, request).catch(err => {
      this.#log.warn({ agentId, command: request.command, err: messageOf(err) }, 'the model refused what the phone did')
    })
  }

  #guard (what: string, work: () => void): void {
    try {
      work()
    } catch (err) {
      this.#log.warn({ err: messageOf(err) }, `${what} not handled`)
    }
  }

  #agent (agentId: string): SimAgent {
    const agent = this.#sim.world.agents.get(agentId)
    if (agent === undefined) throw new INVALID_MESSAGE(`unknown agent ${agentId}`)
    return agent
  }

  #phoneOf (agent: SimAgent): Phone {
    const phone = this.#phones.get(agent.profile.extension)
    if (phone === undefined || !phone.up) throw new CTI_UNAVAILABLE(`the phone of extension ${agent.profile.extension} cannot be reached`)
    return phone
  }

  #legOf (agent: SimAgent, request: CtiRequest): { leg: AgentLeg, sip: string } {
    const ix = request.interactionId === undefined ? undefined : agent.interactions.get(request.interactionId)
    const leg = ix === undefined ? undefined : [ix.primary, ix.consult].find(l => l?.id === request.conversationId)
    if (leg === undefined) throw new INVALID_TARGET(`no conversation ${request.conversationId ?? ''} in ${request.interactionId ?? ''}`)
    const callId = this.#calls.get(leg.call.id)?.callId
    if (callId === undefined) throw new INVALID_STATE('the call is not up on the SIP side')
    return { leg, sip: callId }
  }

  // ---- the control face (the /simulator/* routes, over the bridge) ---------------------------------

  /** The caller phone calls a queue or an extension; resolves with the call once kamailio brought it in. */
  async placeCall (request: SimPlaceCall): Promise<SimCall> {
    const caller = this.#caller
    if (caller === undefined || !caller.up) throw new CTI_UNAVAILABLE('the SIP connector has no caller phone to place calls from (SIP_CALLER)')
    const world = this.#sim.world
    const to = request.to ?? request.queue ?? world.queues.keys().next().value
    if (to === undefined) throw new INVALID_MESSAGE('no queue to call')
    const agent = request.to === undefined ? undefined : world.agentByExtension(request.to) ?? world.agents.get(request.to)
    if (request.to !== undefined && agent === undefined) throw new INVALID_MESSAGE(`no agent with extension ${request.to}`)
    if (request.to === undefined && !world.queues.has(to)) throw new INVALID_MESSAGE(`no queue ${to}; queues: ${[...world.queues.keys()].join(', ')}`)
    const user = agent?.profile.extension ?? to
    const placed = new Promise<SimCall>((resolve, reject) => {
      const entry = {
        to: user,
        data: request.data ?? {},
        done: (call: SimCall | Error) => {
          clearTimeout(timer)
          if (call instanceof Error) reject(call)
          else resolve(call)
        }
      }
      const timer = setTimeout(() => {
        const i = this.#placing.indexOf(entry)
        if (i !== -1) this.#placing.splice(i, 1)
        reject(new TIMEOUT(`the call to ${user} did not reach kamailio in 5 s`))
      }, 5000)
      this.#placing.push(entry)
    })
    await caller.command('dial', `sip:${user}@${this.#domain}`)
    return await placed
  }

  /** The caller hangs up (their phone sends CANCEL or BYE; the model follows what kamailio and the phones say). */
  async hangup (callId: string): Promise<void> {
    const sip = this.#calls.get(callId)
    const caller = this.#caller
    if (sip?.callId === undefined || caller === undefined || !caller.calls.has(sip.callId)) {
      if (this.#sim.world.calls.has(callId)) {
        this.#sim.hangup(callId)
        return
      }
      throw new UNKNOWN_RESOURCE(`no call ${callId}`)
    }
    await caller.onCall(sip.callId, 'hangup')
  }

  agents (): SimAgentView[] {
    return this.#sim.agents()
  }

  calls (): SimCallView[] {
    return this.#sim.calls()
  }

  queues (): SimQueueView[] {
    return this.#sim.queues()
  }

  /** The model's invariants (tests). */
  violations (): string[] {
    return [...this.#sim.violations(), ...this.#sim.agentStateViolations()]
  }
}
