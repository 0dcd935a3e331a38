// The client's event stream: EventSource first (resumes by itself with Last-Event-ID), the
// WebSocket face when EventSource keeps failing while the server answers REST (a proxy that
// buffers or blocks SSE). Events are delivered once, in order: the envelope's eventId is the
// client's outbox sequence number, so anything at or below the last one seen is a duplicate.

const SSE_FAILURES_BEFORE_WS = 3

/**
 * @param {object} options
 * @param {import('./api.js').Client} options.client
 * @param {(envelope: object) => void} options.onEvent every resourceEvent / serviceEvent
 * @param {(status: string, detail?: string) => void} options.onStatus connecting | live | reconnecting | offline
 * @param {() => void} options.onResync the events after our id are gone: re-read the snapshots
 * @param {(reason: string) => void} [options.onShutdown] the server said it is going away (`shutdown`'s reason)
 * @param {() => Promise<void>} options.onReattached a new WebSocket resumed the client: rebind
 * @param {(why: string) => void} options.onGone the client record is gone (server restarted, expired) or taken over
 * @param {() => Promise<'alive' | 'gone' | 'unreachable'>} options.probe asks the server over REST about the client
 */
export class EventLink {
  constructor (options) {
    this.options = options
    this.lastEventId = 0
    this.transport = 'sse'
    this.failures = 0
    this.stopped = false
    this.es = undefined
    this.ws = undefined
    this.retryTimer = undefined
  }

  start () {
    this.#openSse()
  }

  stop () {
    this.stopped = true
    clearTimeout(this.retryTimer)
    this.es?.close()
    this.es = undefined
    if (this.ws !== undefined) {
      this.ws.onclose = null
      this.ws.close(1000)
      this.ws = undefined
    }
  }

  #status (status, detail) {
    if (!this.stopped) this.options.onStatus(status, detail)
  }

  /** One envelope from either transport. */
  #deliver (envelope) {
    if (this.stopped) return
    if (envelope.messageType === 'coreEvent') {
      const { name, data } = envelope.event
      if (name === 'resync') {
        this.lastEventId = Math.max(this.lastEventId, data.latest ?? 0)
        this.options.onResync()
      } else if (name === 'shutdown') {
        if (/replaced/.test(data.reason ?? '')) {
          this.stop()
          this.options.onGone('replaced')
        } else {
          this.options.onShutdown?.(data.reason ?? 'shutdown')
          this.#status('reconnecting', 'the server is going away')
        }
      }
      return
    }
    if (typeof envelope.eventId === 'number') {
      if (envelope.eventId <= this.lastEventId) return
      this.lastEventId = envelope.eventId
    }
    this.options.onEvent(envelope)
  }

  #openSse () {
    if (this.stopped) return
    const { client } = this.options
    const query = new URLSearchParams({ token: client.token, names: 'false', lastEventId: String(this.lastEventId) })
    const es = new EventSource(`${client.base}/clients/${encodeURIComponent(client.id)}/events?${query}`)
    this.es = es
    this.transport = 'sse'
    this.#status(this.failures === 0 ? 'connecting' : 'reconnecting')
    es.onopen = () => {
      this.failures = 0
      this.#status('live', 'EventSource')
    }
    es.onmessage = (message) => {
      let envelope
      try { envelope = JSON.parse(message.data) } catch { return }
      this.#deliver(envelope)
    }
    es.onerror = () => {
      if (this.stopped || this.es !== es) return
      this.failures += 1
      const closed = es.readyState === EventSource.CLOSED
      if (closed) this.es = undefined
      this.#status('reconnecting', closed ? 'the stream was refused' : 'the stream dropped')
      if (closed || this.failures >= SSE_FAILURES_BEFORE_WS) void this.#afterFailures(es, closed)
    }
  }

  /** EventSource failed again: is the client still there, and is it only SSE that fails? */
  async #afterFailures (es, closed) {
    const state = await this.options.probe()
    if (this.stopped) return
    if (state === 'gone') {
      es.close()
      this.stop()
      this.options.onGone('lost')
      return
    }
    if (state === 'alive' && this.failures >= SSE_FAILURES_BEFORE_WS) {
      es.close()
      this.#openWs()
      return
    }
    if (closed) {
      // EventSource gave up (an HTTP error) and the server cannot say more: try again later.
      this.retryTimer = setTimeout(() => { this.#openSse() }, this.#backoff())
    }
    // Otherwise EventSource keeps retrying by itself (the server is unreachable for now).
  }

  #backoff () {
    return Math.min(10000, 250 * 2 ** Math.min(this.failures, 6))
  }

  #openWs () {
    if (this.stopped) return
    const { client } = this.options
    const base = client.base === '' ? location.origin : client.base
    const ws = new WebSocket(base.replace(/^http/, 'ws') + '/ws')
    this.ws = ws
    this.transport = 'ws'
    this.#status('reconnecting', 'switching to the WebSocket')
    const resumeId = `resume-${Date.now()}`
    ws.onopen = () => {
      ws.send(JSON.stringify({
        messageType: 'coreRequest',
        requestId: resumeId,
        command: 'resume',
        clientId: client.id,
        token: client.token,
        lastEventId: this.lastEventId
      }))
    }
    ws.onmessage = (message) => {
      let envelope
      try { envelope = JSON.parse(message.data) } catch { return }
      if (envelope.requestId === resumeId) {
        if (envelope.result === 'success') {
          this.failures = 0
          this.#status('live', 'WebSocket')
          void this.options.onReattached()
        } else {
          this.stop()
          this.options.onGone('lost')
        }
        return
      }
      if (envelope.messageType === 'resourceEvent' || envelope.messageType === 'serviceEvent' || envelope.messageType === 'coreEvent') {
        this.#deliver(envelope)
      }
    }
    ws.onclose = (event) => {
      if (this.stopped || this.ws !== ws) return
      this.ws = undefined
      if (event.code === 4001) {
        this.stop()
        this.options.onGone('replaced')
        return
      }
      if (event.code === 4002) {
        this.stop()
        this.options.onGone('lost')
        return
      }
      this.failures += 1
      this.#status('reconnecting', event.code === 1001 ? 'the server is going away' : 'the WebSocket dropped')
      this.retryTimer = setTimeout(() => { void this.#reopenWs() }, this.#backoff())
    }
  }

  async #reopenWs () {
    const state = await this.options.probe()
    if (this.stopped) return
    if (state === 'gone') {
      this.stop()
      this.options.onGone('lost')
    } else if (state === 'alive') {
      this.#openWs()
    } else {
      this.failures += 1
      this.retryTimer = setTimeout(() => { void this.#reopenWs() }, this.#backoff())
    }
  }
}
