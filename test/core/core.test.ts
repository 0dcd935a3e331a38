import t from 'tap'
import { ClientRecord, ClientRegistry, hashToken } from '../../src/core/client.js'
import { ManualClock } from '../../src/core/clock.js'
import { DeliveredTail } from '../../src/core/delivered-tail.js'
import { Outbox } from '../../src/core/outbox.js'
import { withoutSecrets } from '../../src/core/redact.js'
import { SourceLimits } from '../../src/core/sources.js'

/** Source limits no test here reaches. */
const WIDE = { maxClients: 1000, clientsPerMinute: 1000, maxStreams: 1000 }

t.test('outbox: sequence numbers, bounded replay, gaps', async t => {
  const outbox = new Outbox(4)
  t.same(outbox.read(0), { kind: 'events', entries: [] })
  for (let i = 1; i <= 6; i++) outbox.append('e', { i })
  t.equal(outbox.latest, 6)
  t.equal(outbox.oldest, 3)
  const after2 = outbox.read(2)
  t.same(after2.kind === 'events' && after2.entries.map(e => [e.seq, JSON.parse(e.json).i]), [[3, 3], [4, 4], [5, 5], [6, 6]])
  t.same(outbox.read(1), { kind: 'gap', oldest: 3, latest: 6 }, 'event 2 is gone')
  t.same(outbox.read(6), { kind: 'events', entries: [] })
  t.same(outbox.read(7), { kind: 'gap', oldest: 3, latest: 6 }, 'an id from the future')
  const limited = outbox.read(2, 2)
  t.same(limited.kind === 'events' && limited.entries.map(e => e.seq), [3, 4])
  let calls = 0
  const off = outbox.subscribe(() => { calls++ })
  outbox.append('e', {})
  off()
  outbox.append('e', {})
  t.equal(calls, 1)
})

t.test('outbox: of the delivered events only the last keepDelivered stay; undelivered ones stay up to capacity', async t => {
  const outbox = new Outbox(8, 2)
  for (let i = 1; i <= 6; i++) outbox.append('e', { i })
  t.equal(outbox.oldest, 1, 'nothing delivered: everything held')
  outbox.markDelivered(5)
  t.equal(outbox.delivered, 5)
  t.equal(outbox.oldest, 4, 'delivered 4 and 5 kept for a reconnect, 6 not yet delivered')
  t.equal(outbox.size, 3)
  const read = outbox.read(3)
  t.same(read.kind === 'events' && read.entries.map(e => e.seq), [4, 5, 6])
  t.same(outbox.read(2), { kind: 'gap', oldest: 4, latest: 6 })
  outbox.markDelivered(3)
  t.equal(outbox.delivered, 5, 'a reader behind the newest delivery changes nothing')
  outbox.markDelivered(99)
  t.equal(outbox.delivered, 6, 'never beyond the newest event')
  t.equal(outbox.oldest, 5)
  for (let i = 7; i <= 20; i++) outbox.append('e', { i })
  t.equal(outbox.oldest, 13, 'undelivered events are held up to the capacity')
  outbox.markDelivered(20)
  const tail = outbox.read(18)
  t.same(tail.kind === 'events' && tail.entries.map(e => e.seq), [19, 20])
  t.same(outbox.read(17).kind, 'gap')
})

t.test('outbox: delivered events come back from the tail byte for byte, whatever their size and characters', async t => {
  const outbox = new Outbox(64, 8)
  const sent: string[] = []
  for (let i = 1; i <= 200; i++) {
    // Sizes from a few bytes to more than the tail's first buffer, some not ASCII.
    const text = i % 7 === 0 ? 'é€😀'.repeat(i * 3) : 'x'.repeat((i * 37) % 900)
    sent[i] = outbox.append(i % 2 === 0 ? 'state.updated' : 'interaction.added', { i, text }).json
    if (i % 3 === 0) outbox.markDelivered(i)
  }
  outbox.markDelivered(200)
  const read = outbox.read(192)
  t.same(read.kind === 'events' && read.entries.map(e => [e.seq, e.name, e.json === sent[e.seq]]), [193, 194, 195, 196, 197, 198, 199, 200].map(seq => [seq, seq % 2 === 0 ? 'state.updated' : 'interaction.added', true]))
  t.same(outbox.read(191), { kind: 'gap', oldest: 193, latest: 200 })
  outbox.append('e', { i: 201 })
  const mixed = outbox.read(198)
  t.same(mixed.kind === 'events' && mixed.entries.map(e => e.seq), [199, 200, 201], 'delivered ones from the tail, the new one from the ring')
})

t.test('outbox: what it holds and reads back, against a model, for capacities that are and are not powers of two', async t => {
  for (const [capacity, keep] of [[5, 0], [5, 2], [8, 8], [100, 5], [1024, 32]] as const) {
    const outbox = new Outbox(capacity, keep)
    let latest = 0
    let delivered = 0
    let released = 0
    let seed = capacity + keep
    const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
    for (let step = 0; step < 3000; step++) {
      if (random(3) === 0) {
        // A delivery: up to what the reader has, often everything.
        const to = random(2) === 0 ? latest : delivered + random(latest - delivered + 1)
        outbox.markDelivered(to)
        if (to > delivered) delivered = Math.min(to, latest)
        released = Math.max(released, delivered - keep)
      } else {
        // Bursts: an agent away piles up more than the capacity now and then.
        for (let n = random(10) === 0 ? 1 + random(3 * capacity) : 1; n > 0; n--) outbox.append('e', { seq: ++latest })
      }
      const oldest = Math.max(1, latest - capacity + 1, released + 1)
      if (outbox.oldest !== oldest || outbox.latest !== latest || outbox.delivered !== delivered) t.fail(`${capacity}/${keep} step ${step}: oldest ${outbox.oldest}, expected ${oldest}`)
      const after = oldest - 1 + random(latest - oldest + 2)
      const read = outbox.read(after)
      const expected = Array.from({ length: latest - after }, (_, i) => after + 1 + i)
      if (read.kind !== 'events' || read.entries.map(e => e.seq).join() !== expected.join() || read.entries.some(e => JSON.parse(e.json).seq !== e.seq)) {
        t.fail(`${capacity}/${keep} step ${step}: read(${after}) gave ${read.kind === 'events' ? read.entries.map(e => e.seq).join() : read.kind}`)
      }
      if (oldest > 1 && outbox.read(oldest - 2).kind !== 'gap') t.fail(`${capacity}/${keep} step ${step}: no gap before ${oldest}`)
    }
    t.pass(`capacity ${capacity}, keep ${keep}: 3,000 steps as the model says`)
  }
})

t.test('delivered tail: the last keep events, against a model, through wraps and growth', async t => {
  for (const keep of [1, 3, 32]) {
    const tail = new DeliveredTail(keep)
    const model = new Map<number, string>()
    let seed = keep
    const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
    let seq = 0
    for (let step = 0; step < 2000; step++) {
      const what = random(20)
      if (what === 0) {
        // A jump (events dropped before delivery): the tail starts again.
        seq += 2 + random(5)
        model.clear()
      }
      if (what === 1 && model.size > 0) {
        const through = Math.min(...model.keys()) + random(model.size)
        tail.dropThrough(through)
        for (const k of [...model.keys()]) if (k <= through) model.delete(k)
        continue
      }
      seq++
      const json = JSON.stringify({ seq, pad: (random(4) === 0 ? 'ü' : 'a').repeat(random(4) === 0 ? 3000 + random(20000) : random(600)) })
      tail.push(seq, `n${seq % 5}`, json)
      model.set(seq, json)
      for (const k of [...model.keys()]) if (k <= seq - keep) model.delete(k)
      const first = Math.min(...model.keys())
      if (tail.first !== first || tail.last !== seq) t.fail(`keep ${keep}, step ${step}: holds ${tail.first}..${tail.last}, expected ${first}..${seq}`)
      for (const [k, v] of model) {
        const got = tail.get(k)
        if (got?.json !== v || got.name !== `n${k % 5}`) t.fail(`keep ${keep}, step ${step}: event ${k} differs`)
      }
      if (tail.get(first - 1) !== undefined || tail.get(seq + 1) !== undefined) t.fail(`keep ${keep}, step ${step}: holds an event it should not`)
    }
    t.pass(`keep ${keep}: 2,000 steps as the model says; buffer ${tail.capacity} bytes`)
  }
})

t.test('delivered tail: a buffer grown for a burst of large events is given back while the agent stays connected', async t => {
  const tail = new DeliveredTail(32)
  let seq = 0
  // As the outbox uses it: each event pushed when delivered, the ones beyond the last 32 dropped.
  const deliver = (json: string): void => { tail.push(++seq, 'e', json); tail.dropThrough(seq - 32) }
  for (let i = 0; i < 100; i++) deliver(JSON.stringify({ i }))
  t.equal(tail.capacity, 16384, 'the first buffer: room for 32 events of ~500 bytes')
  for (let i = 0; i < 40; i++) deliver(JSON.stringify({ i, big: 'x'.repeat(200_000) }))
  t.ok(tail.capacity >= 32 * 200_000, `grown to hold the 32 large ones (${tail.capacity} bytes)`)
  t.equal(tail.get(seq)?.json, JSON.stringify({ i: 39, big: 'x'.repeat(200_000) }))
  for (let i = 0; i < 1000; i++) deliver(JSON.stringify({ i, small: 'y'.repeat(80) }))
  t.equal(tail.capacity, 16384, 'back to the first size once the large ones are gone')
  t.same([tail.first, tail.last], [seq - 31, seq])
  t.equal(tail.get(seq - 31)?.json, JSON.stringify({ i: 968, small: 'y'.repeat(80) }))
})

t.test('manual clock: timers fire in due order, ties in the order set, cleared ones never', async t => {
  const clock = new ManualClock(0)
  const fired: string[] = []
  clock.setTimer(20, () => { fired.push(`b@${clock.now()}`) })
  clock.setTimer(10, () => {
    fired.push(`a@${clock.now()}`)
    clock.setTimer(5, () => { fired.push(`a2@${clock.now()}`) })
  })
  clock.setTimer(20, () => { fired.push(`c@${clock.now()}`) })
  const dropped = clock.setTimer(15, () => { fired.push('never') })
  clock.clear(dropped)
  clock.advance(12)
  t.same(fired, ['a@10'])
  t.equal(clock.now(), 12)
  clock.advance(100)
  t.same(fired, ['a@10', 'a2@15', 'b@20', 'c@20'])
  t.equal(clock.pending, 0)
})

t.test('a client\'s requests run strictly in arrival order, whatever each awaits', async t => {
  const client = new ClientRecord('x', '127.0.0.1', hashToken('t'), { size: 8, replay: 8 }, 0)
  const order: string[] = []
  const slow = client.run(async () => { await new Promise(resolve => setTimeout(resolve, 20)); order.push('slow') })
  const failing = client.run(async () => { order.push('failing'); throw new Error('boom') })
  const fast = client.run(() => { order.push('fast'); return 42 })
  await slow
  await t.rejects(failing, { message: 'boom' })
  t.equal(await fast, 42)
  t.same(order, ['slow', 'failing', 'fast'], 'a failure does not stop the queue')
})

t.test('client registry: tokens are checked, kept only as hashes, forgotten on close', async t => {
  const clock = new ManualClock(0)
  const clients = new ClientRegistry({ outbox: { size: 8, replay: 8 }, maxClients: 8, sources: new SourceLimits(WIDE, clock), clock })
  const { client, token } = clients.open('bar', '127.0.0.1')
  t.equal(clients.byToken(token), client)
  t.equal(clients.byToken(token + 'x'), undefined)
  t.notOk(JSON.stringify(client).includes(token), 'the record does not hold the token')
  clients.remove(client)
  t.equal(clients.byToken(token), undefined)
  t.equal(clients.get(client.id), undefined)
  t.equal(client.closed, true)
})

t.test('admission: records within MAX_CLIENTS, none once the instance stops, stamped by the instance clock; resume needs id and token', async t => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  const clients = new ClientRegistry({ outbox: { size: 8, replay: 8 }, maxClients: 2, sources: new SourceLimits(WIDE, clock), clock })
  const first = clients.open('a', '127.0.0.1')
  t.equal(first.client.createdAt, clock.now(), 'the injected clock, not Date.now()')
  clients.open('b', '127.0.0.1')
  t.throws(() => clients.open('c', '127.0.0.1'), { code: 'NOT_ACCEPTING_CLIENTS', message: /client limit/ })
  t.equal(clients.size, 2)
  clients.remove(first.client)
  const third = clients.open('c', '127.0.0.1')
  t.equal(clients.size, 2, 'a closed record frees its place')
  t.equal(clients.resume(third.client.id, third.token), third.client)
  t.throws(() => clients.resume(third.client.id, first.token), { code: 'AUTH_FAILED' }, 'another client\'s token')
  t.throws(() => clients.resume('nobody', third.token), { code: 'AUTH_FAILED' }, 'the token of another id')
  clients.remove(third.client)
  clients.stopAccepting()
  t.throws(() => clients.open('d', '127.0.0.1'), { code: 'NOT_ACCEPTING_CLIENTS', message: /shutting down/ })
})

t.test('withoutSecrets removes secret-named keys at any depth and leaves the input alone', async t => {
  const input = { agent: { id: 'a', password: 'p', Token: 't' }, list: [{ secret: 's', ok: 1 }], pwd: 'x', keep: 'y' }
  t.same(withoutSecrets(input), { agent: { id: 'a' }, list: [{ ok: 1 }], keep: 'y' })
  t.equal(input.agent.password, 'p')
  let deep: any = { password: 'p' }
  for (let i = 0; i < 20; i++) deep = { next: deep }
  t.notOk(JSON.stringify(withoutSecrets(deep)).includes('"p"'), 'deep nesting is cut, never echoed')
})
