import { request, type ClientRequest, type IncomingMessage } from 'node:http'

export interface SseFrame {
  id?: string
  event?: string
  data?: string
  comment?: string
  retry?: string
}

/**
 * A minimal SSE reader over a real socket: parses frames as they arrive and lets a test wait
 * for the next one, or for one that matches. Waiting has a time limit so a broken server fails
 * the test instead of hanging it.
 */
export class SseReader {
  readonly frames: SseFrame[] = []
  status = 0
  headers: IncomingMessage['headers'] = {}
  ended = false
  #buffer = ''
  #cursor = 0
  #waiters: Array<() => void> = []
  #req: ClientRequest | undefined
  #res: IncomingMessage | undefined

  static async connect (url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader()
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, res => {
        reader.#res = res
        reader.status = res.statusCode ?? 0
        reader.headers = res.headers
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => { reader.#feed(chunk) })
        res.on('end', () => { reader.ended = true; reader.#notify() })
        res.on('close', () => { reader.ended = true; reader.#notify() })
        resolve()
      })
      req.on('error', err => {
        reader.ended = true
        reader.#notify()
        reject(err)
      })
      req.end()
      reader.#req = req
    })
    return reader
  }

  /** The body text, when the answer was not a stream (an error). */
  async text (): Promise<string> {
    await this.untilEnded()
    return this.#buffer
  }

  #feed (chunk: string): void {
    this.#buffer += chunk
    if (this.status !== 200) return
    let end: number
    while ((end = this.#buffer.indexOf('\n\n')) !== -1) {
      const block = this.#buffer.slice(0, end)
      this.#buffer = this.#buffer.slice(end + 2)
      const frame: SseFrame = {}
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) { frame.comment = line.slice(1); continue }
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'data') frame.data = frame.data === undefined ? value : frame.data + '\n' + value
        else if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value
      }
      this.frames.push(frame)
    }
    this.#notify()
  }

  #notify (): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w()
  }

  async #change (timeoutMs: number, what: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`timed out waiting for ${what}; frames so far: ${JSON.stringify(this.frames.slice(-5))}`)) }, timeoutMs)
      this.#waiters.push(() => { clearTimeout(timer); resolve() })
    })
  }

  /** The next event frame (comments and the retry frame are skipped). */
  async next (timeoutMs = 2000): Promise<SseFrame> {
    for (;;) {
      for (let frame = this.frames[this.#cursor]; frame !== undefined; frame = this.frames[this.#cursor]) {
        this.#cursor++
        if (frame.event !== undefined || frame.data !== undefined) return frame
      }
      if (this.ended) throw new Error('stream ended')
      await this.#change(timeoutMs, 'the next event')
    }
  }

  /** The next event frame's envelope, parsed. */
  async nextEvent (timeoutMs = 2000): Promise<{ frame: SseFrame, envelope: any }> {
    const frame = await this.next(timeoutMs)
    return { frame, envelope: JSON.parse(frame.data ?? 'null') }
  }

  /** Collects the next `n` event frames. */
  async take (n: number, timeoutMs = 2000): Promise<SseFrame[]> {
    const out: SseFrame[] = []
    for (let i = 0; i < n; i++) out.push(await this.next(timeoutMs))
    return out
  }

  /** Waits until some frame (events and comments) satisfies `predicate`. */
  async until (predicate: (frame: SseFrame) => boolean, timeoutMs = 2000): Promise<SseFrame> {
    let seen = 0
    for (;;) {
      for (let frame = this.frames[seen]; frame !== undefined; frame = this.frames[++seen]) {
        if (predicate(frame)) return frame
      }
      if (this.ended) throw new Error('stream ended')
      await this.#change(timeoutMs, 'a matching frame')
    }
  }

  async untilEnded (timeoutMs = 2000): Promise<void> {
    while (!this.ended) await this.#change(timeoutMs, 'the end of the stream')
  }

  /** Events received so far and not yet read with next(). */
  get unread (): SseFrame[] {
    return this.frames.slice(this.#cursor).filter(f => f.event !== undefined || f.data !== undefined)
  }

  close (): void {
    this.#req?.destroy()
    this.#res?.destroy()
  }
}
