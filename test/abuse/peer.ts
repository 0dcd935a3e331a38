import { Agent, request } from 'node:http'
import { WebSocket } from 'ws'

/** An answer as a peer sees it: status, headers, and the body parsed when it is JSON. */
export interface PeerAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: Record<string, any>
}

/**
 * A peer at one loopback address (127.0.0.0/8: every such address reaches a server listening on
 * 127.0.0.1, and the server sees each as its own source). Its connections are kept alive and
 * limited, so a flood from it is bounded by the test, not by the machine.
 */
export class Peer {
  readonly address: string
  readonly base: string
  readonly #agent: Agent

  constructor (base: string, address: string, maxSockets = 16) {
    this.base = base
    this.address = address
    this.#agent = new Agent({ keepAlive: true, maxSockets, localAddress: address })
  }

  async send (method: string, path: string, options: { body?: unknown, headers?: Record<string, string>, raw?: string } = {}): Promise<PeerAnswer> {
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    const url = new URL(path, this.base)
    return await new Promise<PeerAnswer>((resolve, reject) => {
      const req = request(url, {
        method,
        agent: this.#agent,
        headers: { ...(payload !== undefined && { 'content-type': 'application/json' }), ...options.headers },
        timeout: 10_000
      }, res => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
        res.on('end', () => {
          let json: Record<string, any> = {}
          try { json = JSON.parse(text) } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
      })
      req.on('timeout', () => { req.destroy(new Error(`${method} ${path}: no answer in 10 s`)) })
      req.on('error', reject)
      req.end(payload)
    })
  }

  /** Opens a response that does not end (an event stream): its status, and how to close it. */
  async stream (path: string, headers: Record<string, string> = {}): Promise<{ status: number, close: () => void }> {
    return await new Promise((resolve, reject) => {
      const req = request(new URL(path, this.base), { agent: this.#agent, headers }, res => {
        res.resume()
        resolve({ status: res.statusCode ?? 0, close: () => { req.destroy() } })
      })
      req.on('error', err => { if (!req.destroyed) reject(err) })
      req.end()
    })
  }

  /** A WebSocket from this address: resolves when it opened, or with the HTTP status that refused it. */
  async websocket (headers: Record<string, string> = {}): Promise<{ socket?: WebSocket, refused?: number }> {
    const socket = new WebSocket(this.base.replace(/^http/, 'ws') + '/ws', { localAddress: this.address, headers })
    return await new Promise(resolve => {
      socket.once('open', () => { resolve({ socket }) })
      socket.once('unexpected-response', (_req, res) => {
        resolve({ refused: res.statusCode ?? 0 })
        socket.terminate()
      })
      socket.once('error', () => { resolve({ refused: 0 }) })
    })
  }

  close (): void {
    this.#agent.destroy()
  }
}

/** How long GET /health takes from `peer`, in ms, and its status. */
export async function healthTime (peer: Peer): Promise<{ ms: number, status: number }> {
  const started = performance.now()
  const res = await peer.send('GET', '/health')
  return { ms: performance.now() - started, status: res.status }
}

/**
 * Probes /health from `peer` every 50 ms while `attack` runs: the attack must not take the
 * server down for anyone else. Returns the attack's result and the probes' times.
 */
export async function whileProbing<T> (peer: Peer, attack: () => Promise<T>): Promise<{ result: T, probes: Array<{ ms: number, status: number }> }> {
  const probes: Array<{ ms: number, status: number }> = []
  const state = { running: true }
  const probing = (async () => {
    while (state.running) {
      probes.push(await healthTime(peer))
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  })()
  try {
    return { result: await attack(), probes }
  } finally {
    state.running = false
    await probing
  }
}

/** Runs `count` tasks, `concurrency` at a time. */
export async function flood<T> (count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = []
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++
      results[i] = await task(i)
    }
  }))
  return results
}

/** The slowest of the probes, for the test's report. */
export function slowest (probes: Array<{ ms: number }>): string {
  return `${probes.length} /health probes, slowest ${Math.round(Math.max(0, ...probes.map(p => p.ms)))} ms`
}

/**
 * The three parties of an attack: the attacker at 127.0.0.2 (with `attackerSockets` connections),
 * an agent's desk at 127.0.0.3 and the operator at 127.0.0.1; closed when the test ends.
 */
export function parties (t: { teardown: (fn: () => void) => void }, base: string, attackerSockets = 16): { attacker: Peer, desk: Peer, operator: Peer } {
  const attacker = new Peer(base, '127.0.0.2', attackerSockets)
  const desk = new Peer(base, '127.0.0.3')
  const operator = new Peer(base, '127.0.0.1')
  t.teardown(() => { attacker.close(); desk.close(); operator.close() })
  return { attacker, desk, operator }
}
