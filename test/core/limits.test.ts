import t from 'tap'
import { ManualClock } from '../../src/core/clock.js'
import { LoginThrottle } from '../../src/core/login-throttle.js'
import { isSecretName, redactJsonLine } from '../../src/core/redact.js'
import { SourceLimits, isLoopback, sourceOf } from '../../src/core/sources.js'
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
    logins.check('attacker', 'agent1')
    logins.failed('attacker', 'agent1')
  }
  t.throws(() => logins.check('attacker', 'agent1'), { code: 'LOCKED_OUT', retryAfter: 300 })
  t.doesNotThrow(() => logins.check('desk', 'agent1'), 'the real agent, elsewhere, may still try')
  t.throws(() => logins.check('attacker', 'agent1'), { code: 'LOCKED_OUT' })
  t.doesNotThrow(() => logins.check('attacker', 'nobody-1'), 'the source may try another id (its own budget is not spent)')
  clock.advance(299_000)
  t.throws(() => logins.check('attacker', 'agent1'), { code: 'LOCKED_OUT', retryAfter: 1 }, 'refused attempts do not extend the lock')
  clock.advance(1000)
  t.doesNotThrow(() => logins.check('attacker', 'agent1'), 'the lock ends LOGIN_LOCKOUT_MS after the last failure')
})

t.test('login throttle: unknown and known ids are counted alike', async t => {
  const clock = new ManualClock(0)
  const logins = new LoginThrottle({ perAgent: 2, perSource: 100, lockoutMs: 60_000 }, clock, silent)
  for (const id of ['agent1', 'no-such-agent']) {
    logins.failed('s', id)
    logins.failed('s', id)
    t.throws(() => logins.check('s', id), { code: 'LOCKED_OUT', message: 'too many failed logins; try again later' }, id)
  }
})

t.test('login throttle: past its budget a source waits a doubling delay, up to the lockout time', async t => {
  const clock = new ManualClock(0)
  const logins = new LoginThrottle({ perAgent: 1000, perSource: 3, lockoutMs: 10_000 }, clock, silent)
  for (let i = 0; i < 3; i++) logins.failed('s', `id${i}`)
  t.throws(() => logins.check('s', 'id9'), { code: 'RATE_LIMITED', retryAfter: 1 })
  t.doesNotThrow(() => logins.check('other', 'id9'), 'another source is not held back')
  clock.advance(1000)
  logins.check('s', 'id9')
  logins.failed('s', 'id9')
  t.throws(() => logins.check('s', 'id9'), { code: 'RATE_LIMITED', retryAfter: 2 })
  clock.advance(2000)
  logins.failed('s', 'id9')
  t.throws(() => logins.check('s', 'x'), { code: 'RATE_LIMITED', retryAfter: 4 })
  for (let i = 0; i < 10; i++) {
    clock.advance(9_000)
    logins.failed('s', 'id9')
  }
  t.throws(() => logins.check('s', 'x'), { code: 'RATE_LIMITED', retryAfter: 10 }, 'a source that keeps guessing waits LOGIN_LOCKOUT_MS, never more')
  logins.succeeded('s', 'id9')
  t.throws(() => logins.check('s', 'x'), { code: 'RATE_LIMITED' }, 'one success does not clear a source that guesses')
})

t.test('login throttle: many sources on one id slow those that failed for it, not a new desk', async t => {
  const clock = new ManualClock(0)
  const logins = new LoginThrottle({ perAgent: 2, perSource: 100, lockoutMs: 60_000 }, clock, silent)
  // Four times the per-agent budget, from sources that each stay under it.
  for (let i = 0; i < 8; i++) logins.failed(`bot${i}`, 'agent1')
  t.throws(() => logins.check('bot1', 'agent1'), { code: 'RATE_LIMITED', message: /this agent/ })
  t.doesNotThrow(() => logins.check('desk', 'agent1'), 'a source that never failed for the id')
  clock.advance(1000)
  t.doesNotThrow(() => logins.check('bot1', 'agent1'))
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

t.test('URLs in logs: secret query values replaced, keys decoded first', async t => {
  t.equal(redactUrl('/clients/1/events?token=abc&names=false'), '/clients/1/events?token=[redacted]&names=false')
  t.equal(redactUrl('/x?to%6Ben=abc'), '/x?to%6Ben=[redacted]')
  t.equal(redactUrl('/x?%TOKEN=abc&a=1'), '/x?%TOKEN=[redacted]&a=1', 'a key that does not decode is taken for a secret')
  t.equal(redactUrl('/x?agentPassword=p&PIN=1'), '/x?agentPassword=[redacted]&PIN=[redacted]')
  t.equal(redactUrl('/x?a=1#token=2'), '/x?a=1#token=2')
  t.equal(redactUrl('/plain'), '/plain')
})
