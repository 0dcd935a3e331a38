import t from 'tap'
import { configWith, loadConfig } from '../src/config.js'
import { createLogger, redactUrl } from '../src/logger.js'
import { LogCapture } from './helpers/app.js'

t.test('defaults: the README promise of npm start', async t => {
  const config = loadConfig({})
  t.equal(config.PORT, 3000)
  t.equal(config.HOST, '127.0.0.1')
  t.equal(config.PROCESSOR_NAME, 'Simulator')
  t.equal(config.SIM_CLOCK, 'real')
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
