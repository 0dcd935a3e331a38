import t from 'tap'
import { ClientRecord, ClientRegistry, hashToken } from '../../src/core/client.js'
import { ManualClock } from '../../src/core/clock.js'
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
