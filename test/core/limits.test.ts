import t from 'tap'
import { ManualClock } from '../../src/core/clock.js'
import { LoginThrottle } from '../../src/core/login-throttle.js'
import { MessageRate } from '../../src/core/rate.js'
import { isSecretName, redactJsonLine, type RedactStats } from '../../src/core/redact.js'
import { ConnectionLimits, SourceLimits, isLoopback, sourceOf, trustedPeers } from '../../src/core/sources.js'
import { redactUrl } from '../../src/logger.js'

const silent = { info () {}, warn () {}, error () {}, debug () {}, child () { return silent } }

t.test('a source is an IPv4 address or an IPv6 /64; loopback is 127.0.0.0/8 and ::1', async t => {
  t.equal(sourceOf('203.0.113.7'), '203.0.113.7')
  t.equal(sourceOf('::ffff:203.0.113.7'), '203.0.113.7', 'IPv4 mapped into IPv6 is the IPv4 address')
  t.equal(sourceOf('2001:db8:0:1:aaaa::1'), '2001:db8:0:1::/64')
  t.equal(sourceOf('2001:db8:0:1:bbbb:cccc:dddd:eeee'), '2001:db8:0:1::/64', 'one /64, one source')
  t.equal(sourceOf('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(sourceOf('::1'), '0:0:0:0::/64')
  t.equal(sourceOf(undefined), 'unknown')
  for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) t.ok(isLoopback(a), a)
  for (const a of ['10.0.0.1', '128.0.0.1', '::2', '2001:db8::1', undefined]) t.notOk(isLoopback(a), String(a))
})

t.test('source limits: records held, records per minute, streams; another source is not affected', async t => {
  const clock = new ManualClock(0)
  const limits = new SourceLimits({ maxClients: 3, clientsPerMinute: 5, maxStreams: 2 }, clock)
  for (let i = 0; i < 3; i++) limits.openClient('a')
  t.throws(() => limits.openClient('a'), { code: 'RATE_LIMITED', message: /SOURCE_MAX_CLIENTS/, retryAfter: 60 })
  limits.openClient('b')
  limits.closeClient('a')
  limits.openClient('a')
  limits.closeClient('a')
  limits.openClient('a')
  t.throws(() => limits.openClient('a'), { code: 'RATE_LIMITED' }, 'held three again')
  limits.closeClient('a')
  limits.closeClient('a')
  clock.advance(30_000)
  t.throws(() => limits.openClient('a'), { code: 'RATE_LIMITED', message: /SOURCE_CLIENTS_PER_MIN/, retryAfter: 30 }, 'five opened this minute')
  clock.advance(30_000)
  limits.openClient('a')
  t.same(limits.held('a'), { clients: 2, streams: 0 })

  const one = limits.openStream('c')
  const two = limits.openStream('c')
  t.throws(() => limits.openStream('c'), { code: 'RATE_LIMITED', message: /SOURCE_MAX_STREAMS/ })
  one()
  one()
  t.same(limits.held('c'), { clients: 0, streams: 1 }, 'a release counts once')
  two()
  t.same(limits.held('c'), { clients: 0, streams: 0 })
})

t.test('source limits forget sources that hold nothing', async t => {
  const clock = new ManualClock(0)
  const limits = new SourceLimits({ maxClients: 3, clientsPerMinute: 5, maxStreams: 2 }, clock)
  for (let i = 0; i < 3000; i++) {
    limits.openClient(`10.0.${i >> 8}.${i & 255}`)
    limits.closeClient(`10.0.${i >> 8}.${i & 255}`)
    if (i % 1000 === 999) clock.advance(61_000)
  }
  t.ok(limits.size <= 2048, `${limits.size} sources tracked after 3,000 that came and went`)
  limits.openStream('x')()
  t.equal(limits.held('x').streams, 0)
})

t.test('login throttle: a source that guesses is locked out of that id; another source is not', async t => {
  const clock = new ManualClock(0)
  const logins = new LoginThrottle({ perAgent: 5, perSource: 10, lockoutMs: 300_000 }, clock, silent)
  for (let i = 0; i < 5; i++) {
    await logins.check('attacker', 'agent1')
    await logins.failed('attacker', 'agent1')
  }
  await t.rejects(logins.check('attacker', 'agent1'), { code: 'LOCKED_OUT', retryAfter: 300 })
  await t.resolves(logins.check('desk', 'agent1'), 'the real agent, elsewhere, may still try')
  await t.rejects(logins.check('attacker', 'agent1'), { code: 'LOCKED_OUT' })
  await t.resolves(logins.check('attacker', 'nobody-1'), 'the source may try another id (its own budget is not spent)')
  clock.advance(299_000)
  await t.rejects(logins.check('attacker', 'agent1'), { code: 'LOCKED_OUT', retryAfter: 1 }, 'refused attempts do not extend the lock')
  clock.advance(1000)
  await t.resolves(logins.check('attacker', 'agent1'), 'the lock ends LOGIN_LOCKOUT_MS after the last failure')
})

t.test('login throttle: unknown and known ids are counted alike', async t => {
  const clock = new ManualClock(0)
  const logins = new LoginThrottle({ perAgent: 2, perSource: 100, lockoutMs: 60_000 }, clock, silent)
  for (const id of ['agent1', 'no-such-agent']) {
    await logins.failed('s', id)
    await logins.failed('s', id)
    await t.rejects(logins.check('s', id), { code: 'LOCKED_OUT', message: 'too many failed logins; try again later' }, id)
  }
})

t.test('login throttle: past its budget a source waits a doubling delay, up to the lockout time', async t => {
  const clock = new ManualClock(0)
  const logins = new LoginThrottle({ perAgent: 1000, perSource: 3, lockoutMs: 10_000 }, clock, silent)
  for (let i = 0; i < 3; i++) await logins.failed('s', `id${i}`)
  await t.rejects(logins.check('s', 'id9'), { code: 'RATE_LIMITED', retryAfter: 1 })
  await t.resolves(logins.check('other', 'id9'), 'another source is not held back')
  clock.advance(1000)
  await logins.check('s', 'id9')
  await logins.failed('s', 'id9')
  await t.rejects(logins.check('s', 'id9'), { code: 'RATE_LIMITED', retryAfter: 2 })
  clock.advance(2000)
  await logins.failed('s', 'id9')
  await t.rejects(logins.check('s', 'x'), { code: 'RATE_LIMITED', retryAfter: 4 })
  for (let i = 0; i < 10; i++) {
    clock.advance(9_000)
    await logins.failed('s', 'id9')
  }
  await t.rejects(logins.check('s', 'x'), { code: 'RATE_LIMITED', retryAfter: 10 }, 'a source that keeps guessing waits LOGIN_LOCKOUT_MS, never more')
  await logins.succeeded('s', 'id9')
  await t.rejects(logins.check('s', 'x'), { code: 'RATE_LIMITED' }, 'one success does not clear a source that guesses')
})

t.test('login throttle: many sources on one id slow those that failed for it, not a new desk', async t => {
  const clock = new ManualClock(0)
  const logins = new LoginThrottle({ perAgent: 2, perSource: 100, lockoutMs: 60_000 }, clock, silent)
  // Four times the per-agent budget, from sources that each stay under it.
  for (let i = 0; i < 8; i++) await logins.failed(`bot${i}`, 'agent1')
  await t.rejects(logins.check('bot1', 'agent1'), { code: 'RATE_LIMITED', message: /this agent/ })
  await t.resolves(logins.check('desk', 'agent1'), 'a source that never failed for the id')
  clock.advance(1000)
  await t.resolves(logins.check('bot1', 'agent1'))
})

t.test('secret names: exact names and names that contain a secret word, any case', async t => {
  for (const name of ['password', 'agentPassword', 'PIN', 'pin', 'passcode', 'accessToken', 'token', 'clientSecret', 'x"password', 'Authorization', 'cookie']) {
    t.ok(isSecretName(name), name)
  }
  for (const name of ['pinned', 'shipping', 'agent', 'id', 'passive', 'data']) t.notOk(isSecretName(name), name)
  t.equal(redactJsonLine('{"a":1,"agentPassword":"p","b":{"pin":1234,"x\\"token":"t"},"c":"pin"}'),
    '{"a":1,"agentPassword":"[redacted]","b":{"pin":"[redacted]","x\\"token":"[redacted]"},"c":"pin"}')
  const line = '{"msg":"' + 'token'.repeat(20_000) + '"}'
  t.equal(redactJsonLine(line), line, 'a long value full of secret words is no member, and costs a linear scan')
})

t.test('login throttle: a source that guesses as fast as it may gets one check per LOGIN_LOCKOUT_MS, and its count is not reset', async t => {
  const clock = new ManualClock(0)
  const lockoutMs = 300_000
  const logins = new LoginThrottle({ perAgent: 5, perSource: 10, lockoutMs }, clock, silent)
  // A new agent id each time (no id is ever locked), each attempt as soon as the source may.
  let checked = 0
  while (clock.now() < 3_600_000) {
    try {
      await logins.check('guesser', `id${checked}`)
    } catch (err) {
      clock.advance(1000 * Number(Reflect.get(err as object, 'retryAfter')))
      continue
    }
    checked++
    await logins.failed('guesser', `id${checked}`)
  }
  // Ten free, the doubling waits (1 s … 256 s: nine), then one per LOGIN_LOCKOUT_MS.
  const bound = 10 + 9 + Math.ceil(3_600_000 / lockoutMs) + 1
  t.ok(checked <= bound, `${checked} passwords checked in an hour (at most ${bound})`)
  await t.rejects(async () => {
    await logins.check('guesser', 'another')
    await logins.failed('guesser', 'another')
    await logins.check('guesser', 'yet-another')
  }, { code: 'RATE_LIMITED', retryAfter: lockoutMs / 1000 }, 'still held off for the longest wait after each attempt')

  // Quiet for the whole wait and a LOGIN_LOCKOUT_MS after it: forgotten.
  clock.advance(2 * lockoutMs)
  await t.resolves(logins.check('guesser', 'another'))
  await logins.failed('guesser', 'another')
  await t.resolves(logins.check('guesser', 'another'), 'a fresh count: one failure waits nothing')
})

t.test('redaction of a hostile line: 64 KB of quotes, backslashes and colons after a secret word, secrets still removed at any depth', async t => {
  const hostile = (n: number): string => JSON.stringify({
    level: 30,
    host: 'token' + '"'.repeat(n),
    origin: 'token' + '\\'.repeat(n),
    url: 'token' + '":'.repeat(n),
    password: 's-top',
    deep: { a: [{ b: { token: 's-deep', keep: 'k' } }], 'x":"token': 's-quoted-name' },
    msg: 'token":"s-not-a-member'
  }) + '\n'
  const line = hostile(16_000)
  t.ok(line.length > 64_000, `${line.length} characters`)
  const started = performance.now()
  const out = redactJsonLine(line)
  t.comment(`redacted in ${(performance.now() - started).toFixed(1)} ms`)
  t.notMatch(out, /s-top|s-deep|s-quoted-name/)
  const parsed = JSON.parse(out)
  t.equal(parsed.password, '[redacted]')
  t.equal(parsed.deep.a[0].b.token, '[redacted]')
  t.equal(parsed.deep.a[0].b.keep, 'k')
  t.equal(parsed.deep['x":"token'], '[redacted]', 'a name with quotes in it is one name')
  t.equal(parsed.host, 'token' + '"'.repeat(16_000), 'text full of quotes is text')
  t.equal(parsed.origin, 'token' + '\\'.repeat(16_000))
  t.equal(parsed.url, 'token' + '":'.repeat(16_000))
  t.equal(parsed.msg, 'token":"s-not-a-member', 'a value that looks like a member stays as it is')

  // The work grows with the line, not with its square.
  const steps = (n: number): number => {
    const stats: RedactStats = { steps: 0 }
    redactJsonLine(hostile(n), stats)
    return stats.steps
  }
  const [small, large] = [steps(8_000), steps(16_000)]
  t.comment(`steps: ${small} for n = 8,000, ${large} for n = 16,000`)
  t.ok(large <= 2.1 * small, 'twice the line, at most about twice the work')
  t.ok(large <= 1.1 * hostile(16_000).length, 'about one step a character')
})

t.test('redaction: random members full of quotes, escapes and secret words never leak and keep the line\'s members', async t => {
  const alphabet = ['"', '\\', ':', ',', '{', '}', 'a', 'token', '[', ']', ' ', '\n', 'u0022']
  let seed = 7
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  }
  let leaks = 0
  let broken = 0
  for (let i = 0; i < 20_000; i++) {
    let text = ''
    for (let j = 1 + random(8); j > 0; j--) text += alphabet[random(alphabet.length)] ?? ''
    const value = random(2) === 0 ? { msg: text, password: 'SECRETX' } : { [text]: 'v', token: 'SECRETX', z: text }
    const out = redactJsonLine(JSON.stringify(value))
    if (out.includes('SECRETX')) leaks++
    try {
      if (Object.keys(JSON.parse(out)).length !== Object.keys(value).length) broken++
    } catch {
      broken++
    }
  }
  t.same({ leaks, broken }, { leaks: 0, broken: 0 })
})

t.test('a per-source message budget: shared by the source, refilled over the minute, another source untouched', async t => {
  const clock = new ManualClock(0)
  const rate = new MessageRate(60, clock)
  for (let i = 0; i < 60; i++) t.equal(rate.take('a'), 0)
  t.equal(rate.take('a'), 1000, 'empty: the next token in a second')
  t.equal(rate.take('b'), 0, 'another source has its own')
  clock.advance(500)
  t.equal(rate.take('a'), 500)
  clock.advance(500)
  t.equal(rate.take('a'), 0, 'one token a second comes back')
  clock.advance(120_000)
  for (let i = 0; i < 60; i++) t.equal(rate.take('a'), 0, 'never more than a minute\'s budget')
  t.ok(rate.take('a') > 0)
  const off = new MessageRate(0, clock)
  for (let i = 0; i < 1000; i++) t.equal(off.take('a'), 0)
  for (let i = 0; i < 3000; i++) {
    rate.take(`10.1.${i >> 8}.${i & 255}`)
    if (i % 1000 === 999) clock.advance(61_000)
  }
  t.ok(rate.size <= 2048, `${rate.size} sources tracked after 3,000 that sent a message and went`)
})

t.test('connections per source; the proxies TRUST_PROXY names', async t => {
  const connections = new ConnectionLimits(2)
  const one = connections.open('a')
  const two = connections.open('a')
  t.equal(connections.open('a'), undefined, 'a third is refused')
  t.ok(connections.open('b'), 'another source')
  one?.()
  one?.()
  t.equal(connections.held('a'), 1, 'a release counts once')
  t.ok(connections.open('a'))
  two?.()
  t.ok(new ConnectionLimits(0).open('a'), '0: no limit')

  const listed = trustedPeers('10.0.0.0/8, 192.0.2.7,2001:db8::/32')
  for (const a of ['10.1.2.3', '::ffff:10.9.9.9', '192.0.2.7', '2001:db8:1::5']) t.ok(listed(a), a)
  for (const a of ['11.0.0.1', '192.0.2.8', '2001:db9::1', '127.0.0.1', undefined]) t.notOk(listed(a), String(a))
  t.notOk(trustedPeers('')('10.0.0.1'), 'no TRUST_PROXY: nobody')
  t.ok(trustedPeers('true')('203.0.113.9'), 'true: every peer is a proxy')
  t.ok(trustedPeers('1')('203.0.113.9'), 'a hop count: the peer is the proxy')
  t.notOk(trustedPeers('0')('203.0.113.9'))
})

t.test('URLs in logs: secret query values replaced, keys decoded first', async t => {
  t.equal(redactUrl('/clients/1/events?token=abc&names=false'), '/clients/1/events?token=[redacted]&names=false')
  t.equal(redactUrl('/x?to%6Ben=abc'), '/x?to%6Ben=[redacted]')
  t.equal(redactUrl('/x?%TOKEN=abc&a=1'), '/x?%TOKEN=[redacted]&a=1', 'a key that does not decode is taken for a secret')
  t.equal(redactUrl('/x?agentPassword=p&PIN=1'), '/x?agentPassword=[redacted]&PIN=[redacted]')
  t.equal(redactUrl('/x?a=1#token=2'), '/x?a=1#token=2')
  t.equal(redactUrl('/plain'), '/plain')
  t.equal(redactUrl('/x?token=ab;cd&names=false'), '/x?token=[redacted]&names=false', 'only & separates parameters: the whole value goes')
  t.equal(redactUrl('/x?a=1;token=b&token=c'), '/x?a=1;token=b&token=[redacted]', 'a ; is part of a value, as fastify reads it')
})
