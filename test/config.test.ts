import t from 'tap'
import { configWith, loadConfig } from '../src/config.js'
import { createLogger, redactUrl } from '../src/logger.js'
import { redactJsonLine } from '../src/core/redact.js'
import { LogCapture } from './helpers/app.js'

t.test('defaults: the README promise of npm start', async t => {
  const config = loadConfig({})
  t.equal(config.PORT, 3000)
  t.equal(config.HOST, '127.0.0.1')
  t.equal(config.PROCESSOR_NAME, 'Simulator')
  t.equal(config.SIM_CLOCK, 'real')
  t.same([config.OUTBOX_SIZE, config.OUTBOX_REPLAY, config.HEAP_GROWTH_PERCENT, config.V8_PRETENURING], [1024, 32, 50, 'off'])
  t.ok(Object.isFrozen(config))
})

t.test('values are read, typed and checked; unknown variables are ignored', async t => {
  const config = loadConfig({ PORT: '8080', LOG_LEVEL: 'debug', OUTBOX_SIZE: '64', PATH: '/bin', HOME: '/root' })
  t.equal(config.PORT, 8080)
  t.equal(config.LOG_LEVEL, 'debug')
  t.equal(config.OUTBOX_SIZE, 64)
  t.notOk('PATH' in config)
  t.equal(configWith({ PORT: 0 }).PORT, 0)
})

t.test('a bad value stops start-up with a message naming it', async t => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), { message: /invalid configuration: .*PORT must be integer/ })
  t.throws(() => loadConfig({ PORT: '70000' }), { message: /PORT must be <= 65535/ })
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), { message: /LOG_LEVEL/ })
  t.throws(() => loadConfig({ PROCESSOR_NAME: 'My.Name' }), { message: /PROCESSOR_NAME/ })
  t.throws(() => loadConfig({ PROCESSOR_ID: 'not-a-uuid' }), { message: /PROCESSOR_ID/ })
  t.throws(() => loadConfig({ HEAP_GROWTH_PERCENT: '-5' }), { message: /HEAP_GROWTH_PERCENT/ })
  t.throws(() => loadConfig({ V8_PRETENURING: 'maybe' }), { message: /V8_PRETENURING/ })
  t.throws(() => loadConfig({ OUTBOX_REPLAY: 'all' }), { message: /OUTBOX_REPLAY/ })
  t.throws(() => loadConfig({ SOURCE_MAX_STREAMS: '600' }), { message: /SOURCE_MAX_CONNECTIONS \(600\) must be more than SOURCE_MAX_STREAMS \(600\)/ },
    'every stream is a connection: a source must be able to hold more connections than streams')
  t.equal(loadConfig({ SOURCE_MAX_STREAMS: '2000', SOURCE_MAX_CONNECTIONS: '0' }).SOURCE_MAX_CONNECTIONS, 0, '0: no limit')
  t.same([loadConfig({}).HTTP_IDLE_TIMEOUT_MS, loadConfig({}).SOURCE_MAX_CONNECTIONS, loadConfig({}).WS_MESSAGES_PER_MIN], [30000, 600, 6000])
})

t.test('logs: JSON lines off a terminal, secrets redacted', async t => {
  const capture = new LogCapture()
  const log = createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'auto' }, capture)
  log.info({ password: 'p1', agent: { password: 'p2' }, data: { agent: { password: 'p3' } }, token: 't1' }, 'hello')
  const line = JSON.parse(capture.lines[0] ?? '{}')
  t.equal(line.msg, 'hello')
  t.notMatch(capture.text, /p1|p2|p3|t1/)
  t.equal(redactUrl('/clients/x/events?token=abc&lastEventId=3'), '/clients/x/events?token=[redacted]&lastEventId=3')
  t.equal(redactUrl('/x?a=1&access_token=abc'), '/x?a=1&access_token=[redacted]')
})

t.test('logs: a secret is redacted at any depth, of any type, from any source', async t => {
  const capture = new LogCapture()
  const log = createLogger({ LOG_LEVEL: 'debug', LOG_FORMAT: 'auto' }, capture)
  class Credentials {
    constructor (readonly user: string, readonly password: string) {}
  }
  const deep = { a: { b: { c: { d: { e: { f: { password: 's-deep', keep: 'k1' } } } } } } }
  const error = Object.assign(new Error('login failed'), { token: 's-error', code: 'AUTH_FAILED' })
  log.info({ deep, list: [{ token: 's-list' }, { Password: 's-case' }], creds: new Credentials('u1', 's-class') }, 'one')
  log.warn({ err: error }, 'two')
  log.child({ session: { authorization: 'Bearer s-binding' }, keep: 'k2' }).error({ apiKey: 's-apikey' }, 'three')
  log.info({ token: 12345678, secret: { nested: ['s-object', { x: '}' }] }, pwd: ['s-array'], cookie: null, after: 'k3' }, 'four')
  log.info({ note: 'a "password": "in text" stays text', passwordHint: 's-hint', agentPassword: 's-agent', passive: 'k4', pinned: 'k5', pin: 1234 }, 'five')

  t.equal(capture.lines.length, 5)
  const lines = capture.lines.map(l => JSON.parse(l))
  t.notMatch(capture.text, /s-deep|s-error|s-list|s-case|s-class|s-binding|s-apikey|12345678|s-object|s-array/)
  t.equal(lines[0].deep.a.b.c.d.e.f.password, '[redacted]', 'seven levels down')
  t.equal(lines[0].deep.a.b.c.d.e.f.keep, 'k1')
  t.same(lines[0].list, [{ token: '[redacted]' }, { Password: '[redacted]' }])
  t.same(lines[0].creds, { user: 'u1', password: '[redacted]' }, 'a class instance')
  t.equal(lines[1].err.token, '[redacted]', 'a property of an error')
  t.equal(lines[1].err.code, 'AUTH_FAILED')
  t.same(lines[2].session, { authorization: '[redacted]' }, 'a child logger binding')
  t.equal(lines[2].keep, 'k2')
  t.same([lines[3].token, lines[3].secret, lines[3].pwd, lines[3].cookie, lines[3].after],
    ['[redacted]', '[redacted]', '[redacted]', '[redacted]', 'k3'], 'numbers, objects, arrays and null')
  t.same([lines[4].note, lines[4].passwordHint, lines[4].agentPassword, lines[4].passive, lines[4].pinned, lines[4].pin],
    ['a "password": "in text" stays text', '[redacted]', '[redacted]', 'k4', 'k5', '[redacted]'],
    'members named as a secret, or with a secret word in their name; not text, not names that only look alike')
})

t.test('redactJsonLine: values end where JSON says they end', async t => {
  t.equal(redactJsonLine('{"a":1}\n'), '{"a":1}\n', 'nothing to do')
  t.equal(redactJsonLine('{"token":"a\\"b\\\\","x":2}\n'), '{"token":"[redacted]","x":2}\n', 'escaped quotes and backslashes')
  t.equal(redactJsonLine('{"x":{"token":[1,{"y":"]"}],"z":3}}'), '{"x":{"token":"[redacted]","z":3}}')
  t.equal(redactJsonLine('{"x":{"token":true}}'), '{"x":{"token":"[redacted]"}}')
  t.equal(redactJsonLine('{"password":"a","token":"b"}'), '{"password":"[redacted]","token":"[redacted]"}')
})
