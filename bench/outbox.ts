// Outbox memory. A client's outbox holds what it has not been sent, up to OUTBOX_SIZE events, and
// of what it was sent the last OUTBOX_REPLAY. The event-path runs, a minute long, never fill
// either; this fills outboxes with the frames our server sent for a call (recorded by the SSE
// run), each a fresh string as in the server, twice over, and measures the memory they hold:
// the heap and the delivered tails' buffers (needs --expose-gc), for a connected agent (every
// event delivered as it comes) and for an agent that is away or reads too slowly (nothing
// delivered: the outbox is full).
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Outbox } from '../src/core/outbox.js'
import type { OutboxLimits } from '../src/core/client.js'
import { round, table } from './lib.js'

export interface OutboxCase {
  agent: 'connected' | 'away'
  outboxSize: number
  replay: number
  /** average length of the recorded events' JSON */
  eventBytes: number
  /** events each outbox holds at the end */
  held: number
  /** memory held by one outbox: its heap and its buffers (the delivered tail's bytes) */
  kb: number
  /** of which on the JS heap (what a full collection marks) */
  heapKb: number
}

export function runOutboxBench (templatesFile: string, limits: OutboxLimits, outboxes = 100): OutboxCase[] {
  const gc = (globalThis as { gc?: () => void }).gc ?? exposeGc()
  const templates = JSON.parse(readFileSync(templatesFile, 'utf8')) as { offer: string[], hangup: string[] }
  // The envelopes without their eventId (appendJson adds it), named as the server names them.
  const events = [...templates.offer, ...templates.hangup].map(json => ({
    body: json.replace(/,"eventId":\d+}$/, '}'),
    name: (JSON.parse(json) as { event?: { name?: string, eventType?: string } }).event?.name ?? 'event'
  }))
  const eventBytes = round(events.reduce((n, e) => n + e.body.length, 0) / events.length, 0)
  return (['connected', 'away'] as const).map(agent => {
    gc()
    const before = process.memoryUsage()
    const held: Outbox[] = []
    let call = 0
    for (let i = 0; i < outboxes; i++) {
      const outbox = new Outbox(limits.size, limits.replay)
      for (let n = 0; n < limits.size * 2; n++) {
        const e = events[n % events.length] as { body: string, name: string }
        if (n % events.length === 0) call++
        // A fresh string per event (the server serializes each one), with this call's id.
        const entry = outbox.appendJson(e.name, e.body.replace(/ix-\d+/g, `ix-${call}`))
        if (agent === 'connected') outbox.markDelivered(entry.seq)
      }
      held.push(outbox)
    }
    gc()
    const after = process.memoryUsage()
    if (held.some(o => o.latest !== limits.size * 2)) throw new Error('outbox not filled')
    return {
      agent,
      outboxSize: limits.size,
      replay: limits.replay,
      eventBytes,
      held: (held[0] as Outbox).size,
      kb: round((after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / outboxes / 1024, 0),
      heapKb: round((after.heapUsed - before.heapUsed) / outboxes / 1024, 0)
    }
  })
}

/** gc() when node was started without --expose-gc (the smoke run under tap). */
function exposeGc (): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

export function outboxTable (cases: OutboxCase[]): string {
  return table(
    ['agent', 'OUTBOX_SIZE', 'OUTBOX_REPLAY', 'event JSON bytes (avg)', 'events held', 'outbox KB', 'of which on the JS heap KB', '5,000 such agents: outboxes MB'],
    cases.map(c => [c.agent === 'connected' ? 'connected (events delivered)' : 'away or slow (nothing delivered)', c.outboxSize, c.replay, c.eventBytes, c.held, c.kb, c.heapKb, round(c.kb * 5000 / 1024, 0)])
  )
}
