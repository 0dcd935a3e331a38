// A session on a bench process's inspector (node --inspect=127.0.0.1:<port>): the Chrome DevTools
// protocol over its WebSocket, one call at a time. The benches use it to read a server's heap
// after a full collection (heap per agent) and for V8's sampling heap profiler (promoted.ts).
import WebSocket from 'ws'

export class Inspector {
  readonly #ws: WebSocket
  readonly #pending = new Map<number, { resolve: (result: unknown) => void, reject: (err: Error) => void }>()
  #id = 0

  private constructor (ws: WebSocket) {
    this.#ws = ws
    ws.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { id?: number, result?: unknown, error?: { message: string } }
      const waiting = message.id === undefined ? undefined : this.#pending.get(message.id)
      if (waiting === undefined || message.id === undefined) return
      this.#pending.delete(message.id)
      if (message.error !== undefined) waiting.reject(new Error(message.error.message))
      else waiting.resolve(message.result)
    })
    ws.on('close', () => {
      for (const waiting of this.#pending.values()) waiting.reject(new Error('the inspector closed'))
      this.#pending.clear()
    })
  }

  /** Opens a session on the process whose inspector listens on `port` (127.0.0.1). */
  static async connect (port: number): Promise<Inspector> {
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Array<{ webSocketDebuggerUrl: string }>
    const url = targets[0]?.webSocketDebuggerUrl
    if (url === undefined) throw new Error(`no inspector target on port ${port}`)
    const ws = new WebSocket(url)
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
    return new Inspector(ws)
  }

  async call<T = unknown> (method: string, params: object = {}): Promise<T> {
    return await new Promise<T>((resolve, reject) => {
      this.#pending.set(++this.#id, { resolve: resolve as (result: unknown) => void, reject })
      this.#ws.send(JSON.stringify({ id: this.#id, method, params }))
    })
  }

  close (): void {
    this.#ws.close()
  }
}

/** What a process holds after a full collection: the JS heap and the ArrayBuffers' memory (Buffers), bytes. */
export interface HeapReading {
  heapUsed: number
  arrayBuffers: number
}

/**
 * The collection heapAfterCollection asks for: node's own `gc()` (a full, blocking mark-compact),
 * made available at run time, twice so that what the first one's finalizers let go is counted too.
 * Not the inspector's `HeapProfiler.collectGarbage`: that one is V8's memory-reducing collection,
 * which also shrinks the young generation to its minimum (32 MB to 1 MB, measured), and a server
 * under load right after it scavenges every few hundred kilobytes and promotes more until the
 * young generation has grown back: at 5,000 agents it tripled the p99 of the ten seconds the
 * event bench measures next (BENCHMARKS.md, Performance, fourth step).
 */
const COLLECT_AND_READ = `(() => {
  require('v8').setFlagsFromString('--expose-gc')
  const gc = require('vm').runInNewContext('gc')
  gc()
  gc()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return { heapUsed, arrayBuffers }
})()`

/**
 * Collects the garbage of the process on `port` (a full, blocking collection) and reads
 * process.memoryUsage() there: what the live objects take, without the garbage RSS also counts.
 */
export async function heapAfterCollection (port: number): Promise<HeapReading> {
  const inspector = await Inspector.connect(port)
  try {
    // includeCommandLineAPI: node's inspector gives the expression `require`.
    const { result } = await inspector.call<{ result: { value?: HeapReading } }>('Runtime.evaluate', {
      expression: COLLECT_AND_READ,
      includeCommandLineAPI: true,
      returnByValue: true
    })
    if (result.value === undefined) throw new Error('process.memoryUsage() gave nothing through the inspector')
    return result.value
  } finally {
    inspector.close()
  }
}
