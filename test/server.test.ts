import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { projectPath } from '../src/paths.js'
import { SseReader } from './helpers/sse.js'
import { failedStart, startServer } from './helpers/process.js'

t.test('the server process: serves, and on SIGTERM tells open streams, ends them and exits 0', async t => {
  const server = await startServer()
  t.teardown(async () => { await server.stop() })
  const health = await fetch(`${server.base}/health`)
  t.equal(health.status, 200)
  t.equal((await health.json() as { status: string }).status, 'ok')

  const open = await (await fetch(`${server.base}/clients`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"sigterm"}'
  })).json() as { clientId: string, token: string }
  const sse = await SseReader.connect(`${server.base}/clients/${open.clientId}/events?token=${open.token}`)
  await sse.until(f => f.retry !== undefined)

  server.child.kill('SIGTERM')
  const bye = await sse.next(5000)
  t.equal(bye.event, 'shutdown')
  await sse.untilEnded(5000)
  t.equal(await server.exited, 0)
  t.match(server.stdout(), /"msg":"closing"/)
  t.match(server.stdout(), /"heapGrowthPercent":50,"pretenuring":"off","msg":"garbage collection settings"/, 'the heap growth limit and pretenuring are applied at start')
  const lines = server.stdout().split('\n').filter(l => l.startsWith('{'))
  t.ok(lines.every(l => { try { JSON.parse(l); return true } catch { return false } }), 'every log line is JSON off a terminal')
  t.notOk(server.stdout().includes(open.token), 'the token is not logged')
})

t.test('a broken call model stops start-up with the file and the path', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'models-'))
  const model = JSON.parse(readFileSync(projectPath('models/default.json'), 'utf8'))
  model.views.session.states.initial.on[0].target = 'limbo'
  writeFileSync(join(dir, 'default.json'), JSON.stringify(model))
  const result = await failedStart({ MODELS_DIR: dir })
  t.equal(result.code, 1)
  t.match(result.stderr, `call model ${join(dir, 'default.json')}: /views/session/states/initial/on/0/target: state limbo is not defined`)
})

t.test('a model without chat views stops start-up while the simulator offers chat, and names what to do', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'models-'))
  const model = JSON.parse(readFileSync(projectPath('models/default.json'), 'utf8'))
  delete model.views.chat
  delete model.views.chatChannel
  writeFileSync(join(dir, 'default.json'), JSON.stringify(model))
  const result = await failedStart({ MODELS_DIR: dir })
  t.equal(result.code, 1)
  t.match(result.stderr, `call model ${join(dir, 'default.json')}: /views: the simulator offers chat (CHAT_MAX_PER_AGENT > 0) but this model has no chat views (chat and chatChannel)`)
  const voice = await startServer({ MODELS_DIR: dir, CHAT_MAX_PER_AGENT: '0' })
  t.teardown(async () => { await voice.stop() })
  t.equal((await fetch(`${voice.base}/health`)).status, 200, 'with CHAT_MAX_PER_AGENT=0 the same model runs')
})

t.test('a bad environment variable stops start-up and names it', async t => {
  const result = await failedStart({ PORT: 'http' })
  t.equal(result.code, 1)
  t.match(result.stderr, /invalid configuration: .*PORT/)
})
