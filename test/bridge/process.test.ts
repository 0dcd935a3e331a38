// The CTI bridge with real processes: the simulator connector (`npm run simulator`) and the
// server (`npm start` with CTI_URL), each started by the test on a free port and stopped by it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { freePort } from '../../bench/lib.js'
import { projectPath } from '../../src/paths.js'
import { PROCESSOR_ID } from '../helpers/app.js'
import { processes, startConnector, startServer } from '../helpers/process.js'
import { Desk, http, logged, until } from './desk.js'

// Server and connector processes: more than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)

const TOKEN = 'bridge-process-test-token'
const AGENT1 = { id: 'agent1', password: 'demo-pass-1' }

/** The processor's status as getServices says it. */
async function processorStatus (base: string): Promise<Record<string, unknown> | undefined> {
  const services = await http(base, 'GET', '/services')
  return (services.json.data.services as Array<{ id: string, serviceStatus: Record<string, unknown> }>).find(s => s.id === PROCESSOR_ID)?.serviceStatus
}

/** An agent on a connected call: logged in, ready, rung at 1001 by the operator, answered. */
async function onACall (base: string): Promise<{ desk: Desk, ix: string }> {
  const desk = await Desk.open(base)
  const prepared = await desk.login(AGENT1)
  if (prepared.status !== 201) throw new Error(`prepareSession: ${prepared.status} ${JSON.stringify(prepared.json)}`)
  await until('logged in', async () => (await desk.picture()).session.loggedIn === true ? true : undefined)
  await desk.request('session.ready')
  const placed = await http(base, 'POST', '/simulator/calls', { from: '+15551234567', to: '1001', data: { account: '42' } })
  if (placed.status !== 201) throw new Error(`place a call: ${placed.status} ${JSON.stringify(placed.json)}`)
  const ix = await until('the call rings', async () => (await desk.picture()).interactions[0] as Record<string, any> | undefined)
  const primary = (ix.conversations as Array<{ role: string, target: string }>).find(c => c.role === 'primary')
  const answered = await desk.request('conversation.answer', primary?.target)
  if (answered.status !== 200) throw new Error(`answer: ${answered.status} ${JSON.stringify(answered.json)}`)
  return { desk, ix: String(ix.target) }
}

t.test('server restart with a remote CTI: the agent stays logged in, the call stays up, the media bar adopts it with its buttons', async t => {
  const keep = processes(t)
  const connector = await keep(startConnector({ CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  const env = { CTI_URL: connector.base, CTI_BRIDGE_TOKEN: TOKEN }
  const first = await keep(startServer(env))
  const { ix } = await onACall(first.base)
  t.equal(await first.stop(), 0, 'the server stops gracefully on SIGTERM')
  t.notMatch(first.stdout(), /"msg":"session ended"[^\n]*"reason":"(client_lost|client_closed)"/, 'no agent was logged out on the way down')

  const second = await keep(startServer(env))
  const calls = (await http(second.base, 'GET', '/simulator/calls')).json.calls as Array<{ state: string }>
  t.match(calls, [{ state: 'connected' }], 'the call is still connected at the connector')
  const bar = await Desk.open(second.base)
  const adopted = await bar.login(AGENT1)
  t.equal(adopted.status, 201, 'the media bar logs in again')
  const picture = await bar.picture()
  t.match(picture.session, { loggedIn: true, state: 'busy' }, 'the agent was never logged out')
  t.match(picture.interactions, [{ target: ix, state: 'STARTED', conversations: [{ role: 'primary', state: 'connected' }] }], 'it sees the call, connected')
  t.same((await bar.buttons(ix)).sort(), ['conversation.conference', 'conversation.dtmf', 'conversation.hold', 'conversation.release', 'conversation.transfer',
    'interaction.consult', 'interaction.request.recording.start', 'interaction.setdata'].sort(), 'with the buttons of a call in talk')
  const released = await bar.request('conversation.release', `${ix}.${String(picture.interactions[0].conversations[0].id)}`)
  t.equal(released.status, 200, 'and can hang it up')
  t.match(second.stdout(), /"msg":"CTI connector connected"/)
  t.notMatch(second.stdout() + connector.stdout(), new RegExp(TOKEN), 'the bridge token is never logged')
})

t.test('a model without chat views, behind a connector that offers chat: the server starts, and a prepareSession asking for it is refused, naming what to do', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'models-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const model = JSON.parse(readFileSync(projectPath('models/default.json'), 'utf8'))
  writeFileSync(join(dir, 'default.json'), JSON.stringify(model))
  delete model.views.chat
  delete model.views.chatChannel
  writeFileSync(join(dir, 'voice.json'), JSON.stringify(model))
  const keep = processes(t)
  const connector = await keep(startConnector({ CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  // The connector's capabilities (chat among them) come after start-up: nothing to refuse yet.
  const server = await keep(startServer({ CTI_URL: connector.base, CTI_BRIDGE_TOKEN: TOKEN, MODELS_DIR: dir }))
  await until('InService', async () => (await processorStatus(server.base))?.status === 'InService' ? true : undefined)
  const desk = await Desk.open(server.base)
  const refused = await desk.login(AGENT1, 'voice')
  t.match(refused, { status: 422, json: { failure: { code: 'UNSUPPORTED', message: /call model voice has no chat views \(chat and chatChannel\).*add them to models\/voice\.json or extend the default model/ } } })
  t.equal((await desk.login(AGENT1)).status, 201, 'the default model, with its chat views, takes the session')
})

t.test('connector unreachable at start: the server starts OutOfService, says why, and goes InService when the connector comes up', async t => {
  const port = await freePort()
  const keep = processes(t)
  const server = await keep(startServer({ CTI_URL: `ws://127.0.0.1:${port}`, CTI_BRIDGE_TOKEN: TOKEN, CTI_RECONNECT_MAX_MS: '300' }))
  const health = await http(server.base, 'GET', '/health')
  t.equal(health.status, 503)
  t.match(health.json, { status: 'degraded', cti: { ok: false, detail: /unavailable/ } }, '/health says why')
  t.match(await processorStatus(server.base), { status: 'OutOfService', acceptingClients: false })
  const desk = await Desk.open(server.base)
  const refused = await desk.call('POST', `/services/${PROCESSOR_ID}/binding`)
  t.match(refused, { status: 503, json: { failure: { code: 'NOT_ACCEPTING_CLIENTS', message: /OutOfService: its CTI is unavailable/ } } }, 'the processor takes no clients, and says why')
  const panel = await http(server.base, 'GET', '/simulator/calls')
  t.match(panel, { status: 422, json: { failure: { code: 'UNSUPPORTED' } } }, 'the simulator panel has nothing to forward to')

  await keep(startConnector({ PORT: String(port), CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  await until('InService', async () => (await processorStatus(server.base))?.status === 'InService' ? true : undefined)
  t.match((await http(server.base, 'GET', '/health')).json, { status: 'ok', cti: { ok: true } })
  t.equal((await desk.login(AGENT1)).status, 201, 'and takes sessions')
})

t.test('connector lost mid-session: requests fail fast with CTI_UNAVAILABLE; a fresh connector no longer has the agent, the session ends saying so', async t => {
  const port = await freePort()
  const keep = processes(t)
  const connector = await keep(startConnector({ PORT: String(port), CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  const server = await keep(startServer({ CTI_URL: connector.base, CTI_BRIDGE_TOKEN: TOKEN, CTI_RECONNECT_MAX_MS: '300' }))
  const { desk, ix } = await onACall(server.base)
  connector.child.kill('SIGKILL')
  await connector.exited
  await until('OutOfService', async () => (await processorStatus(server.base))?.status === 'OutOfService' ? true : undefined)
  t.match((await desk.picture()).session, { loggedIn: true }, 'the session stays')
  const primary = ((await desk.picture()).interactions[0].conversations as Array<{ id: string }>)[0]?.id ?? ''
  const hold = await desk.request('conversation.hold', `${ix}.${primary}`)
  t.match(hold, { status: 503, json: { failure: { code: 'CTI_UNAVAILABLE' } } }, 'a request fails at once')
  t.match(server.stdout(), /"msg":"CTI connector connection lost"/)

  await keep(startConnector({ PORT: String(port), CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  await until('the session ends', async () => (await desk.call('GET', `/services/${PROCESSOR_ID}/resources/${desk.rid}`)).status === 404 ? true : undefined)
  await logged(t, server, /"reason":"cti_logged_out","msg":"session ended"/, 'ended with a clear reason')
  t.equal((await desk.login(AGENT1)).status, 201, 'and the agent logs in again')
})
