// Faults of the CTI bridge, caused in process: a connector that does not answer in time, a
// connection cut while the agent is on a call, a connector that is gone, and a connector that
// sends what it must not. The server is the real app; the connectors listen on loopback.
import t, { type Test } from 'tap'
import { WebSocketServer, type WebSocket } from 'ws'
import { serveBridge, type ConnectorCti } from '../../src/bridge/connector.js'
import { SystemClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { createSimulator } from '../../src/cti/simulator/connector.js'
import { SIMULATOR_CONTROLS, localControl, runControl } from '../../src/cti/simulator/control.js'
import type { Simulator } from '../../src/cti/simulator/simulator.js'
import { configWith } from '../../src/config.js'
import { AGENT1, PROCESSOR_ID, RestClient, build, type TestApp } from '../helpers/app.js'
import { waitFor } from '../helpers/wait.js'
import { until } from './desk.js'

// Server and connector processes: more than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)

const TOKEN = 'faults-bridge-token'

/** A simulator connector in this process; `wrap` may stand between the simulator and the bridge. */
async function connector (t: Test, wrap: (sim: Simulator) => ConnectorCti = sim => sim): Promise<{ sim: Simulator, listener: Awaited<ReturnType<typeof serveBridge>> }> {
  const clock = new SystemClock()
  const sim = createSimulator({ ...configWith(), SIM_LOGIN_DELAY_MS: 0 }, clock, silentLogger)
  const control = localControl(sim, clock)
  const listener = await serveBridge({ cti: wrap(sim), token: TOKEN, connector: { vendor: 'test', version: '1' }, controls: { names: SIMULATOR_CONTROLS, run: async (n, a) => await runControl(control, n, a) }, log: silentLogger })
  t.teardown(async () => { await listener.close(); sim.close(); clock.clearAll() })
  return { sim, listener }
}

async function serverFor (t: Test, port: number, overrides: Record<string, string | number> = {}): Promise<TestApp> {
  return await build(t, { CTI_URL: `ws://127.0.0.1:${port}`, CTI_BRIDGE_TOKEN: TOKEN, CTI_RECONNECT_MAX_MS: 200, ...overrides }, { realClock: true })
}

/** agent1 logged in and ready over REST (inject). */
async function ready (test: TestApp): Promise<{ bar: RestClient, rid: string }> {
  const bar = await RestClient.open(test.app, 'bar')
  const rid = await bar.login(AGENT1)
  await until('it happens', async () => (await bar.snapshot(PROCESSOR_ID, rid)).data?.session?.loggedIn === true ? true : undefined)
  await bar.request(rid, 'session.ready')
  return { bar, rid }
}

function names (test: TestApp, bar: RestClient): Array<{ name: string, data: any }> {
  const read = test.app.his.clients.get(bar.clientId)?.outbox.read(0)
  return read?.kind === 'events' ? read.entries.map(e => ({ name: e.name, data: JSON.parse(e.json).event?.data })) : []
}

t.test('a request past CTI_REQUEST_TIMEOUT_MS fails with TIMEOUT and its error event; the late answer is logged and dropped', async t => {
  let release: () => void = () => {}
  const { listener } = await connector(t, sim => new Proxy(sim, {
    get (target, prop) {
      if (prop === 'execute') {
        return async (agentId: string, request: Parameters<Simulator['execute']>[1]) => {
          if (request.command !== 'channel.dial') return await target.execute(agentId, request)
          await new Promise<void>(resolve => { release = resolve })
          return undefined
        }
      }
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  }))
  const test = await serverFor(t, listener.port, { CTI_REQUEST_TIMEOUT_MS: 300 })
  const { bar, rid } = await ready(test)
  const dial = await bar.request(rid, 'channel.dial', { destination: '+15550001111' })
  t.equal(dial.statusCode, 504)
  t.match(JSON.parse(dial.body), { failure: { code: 'TIMEOUT', message: /did not answer execute within 300 ms/ } })
  t.match(names(test, bar).filter(e => e.name === 'error.interaction.dial'), [{ data: { error: 'TIMEOUT' } }], 'the error event of the request')
  release()
  await waitFor(() => test.logs.text.includes('late or unknown answer from the CTI connector; dropped'))
  t.pass('the late answer was logged and dropped')
  t.equal((await bar.request(rid, 'session.notready')).statusCode, 200, 'the bridge carries on')
})

t.test('a cut connection: the server reconnects and resyncs the session from the snapshot, the call kept', async t => {
  const { sim, listener } = await connector(t)
  const test = await serverFor(t, listener.port)
  const { bar, rid } = await ready(test)
  sim.placeCall({ from: '+15551234567', to: '1001' })
  await until('it happens', async () => (await bar.snapshot(PROCESSOR_ID, rid)).data.interactions.length === 1 ? true : undefined)
  const [ix] = (await bar.snapshot(PROCESSOR_ID, rid)).data.interactions
  await bar.request(rid, 'conversation.answer', undefined, ix.conversations[0].target)
  const before = names(test, bar).length

  // The connection drops; meanwhile the caller hangs up (the server never hears it live), and a second call rings.
  listener.dropConnections()
  const call = sim.calls()[0]
  if (call !== undefined) sim.hangup(call.id)
  await waitFor(() => test.logs.text.includes('session resynced from the CTI'))
  const picture = (await bar.snapshot(PROCESSOR_ID, rid)).data
  t.match(picture.session, { loggedIn: true, state: 'wrap_up' }, 'the session stayed, its state from the snapshot')
  t.match(picture.interactions, [{ id: ix.id, state: 'ENDED' }], 'the call as the CTI has it')
  const after = names(test, bar).slice(before)
  t.match(after.filter(e => e.name === 'interaction.restored'), [{ data: { interactionid: ix.id, state: 'ENDED' } }], 'the client heard interaction.restored')
  const views = (await bar.snapshot('WorkflowManager', rid)).data.views as Array<{ target: string, capabilities: Array<{ name: string, type: string }> }>
  const view = views.find(v => v.target === ix.target)
  t.same((view?.capabilities ?? []).filter(c => c.type === 'enable').map(c => c.name).sort(), ['interaction.complete', 'interaction.setdata'], 'the buttons of a call in wrap-up')
  t.equal(listener.connections, 1, 'one connection again')
})

t.test('the connector gone: requests fail at once with CTI_UNAVAILABLE and their error events, clients hear the service go OutOfService', async t => {
  const { listener } = await connector(t)
  const test = await serverFor(t, listener.port)
  const { bar, rid } = await ready(test)
  await listener.close()
  await waitFor(() => test.app.his.processor.availability().status === 'OutOfService')
  const dial = await bar.request(rid, 'channel.dial', { destination: '+15550001111' })
  t.equal(dial.statusCode, 503)
  t.match(JSON.parse(dial.body), { failure: { code: 'CTI_UNAVAILABLE' } })
  const seen = names(test, bar)
  t.match(seen.filter(e => e.name === 'error.interaction.dial'), [{ data: { error: 'CTI_UNAVAILABLE' } }], 'the error event of the request')
  t.ok(seen.some(e => e.name === 'serviceUpdated'), 'the processor\'s clients heard its status change')
  t.match(test.app.his.registry.list().find(s => s.id === test.app.his.processor.id)?.serviceStatus, { status: 'OutOfService', acceptingClients: false })
})

/** A connector that says hello right, then sends what `misbehave` sends. */
async function rogue (t: Test, misbehave: (ws: WebSocket, connection: number) => void): Promise<{ port: number, connections: () => number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise(resolve => wss.once('listening', resolve))
  let count = 0
  wss.on('connection', ws => {
    count++
    const n = count
    ws.on('message', raw => {
      const message = JSON.parse(raw.toString())
      if (message.type === 'hello') {
        ws.send(JSON.stringify({ type: 'welcome', version: 1, heartbeatMs: 1000, connector: { vendor: 'rogue', version: '0', ctiVendor: 'rogue', ctiVersion: '0', capabilities: {}, reasonCodes: [], controls: [], health: { ok: true, detail: 'rogue' } } }))
        misbehave(ws, n)
      }
    })
  })
  t.teardown(async () => {
    for (const c of wss.clients) c.terminate()
    await new Promise(resolve => wss.close(resolve))
  })
  const address = wss.address()
  return { port: typeof address === 'object' && address !== null ? address.port : 0, connections: () => count }
}

t.test('a connector that sends malformed, foreign, oversized or out-of-sequence messages: each is logged with its reason, none crashes the server or reaches a client', async t => {
  const cases: Array<[string, (ws: WebSocket) => void, string, boolean]> = [
    ['not JSON', ws => { ws.send('{"type": "event", ') }, 'CTI connector sent something that is not JSON text; ignored', false],
    ['a message of no type', ws => { ws.send(JSON.stringify({ type: 'surprise' })) }, 'unexpected message from the CTI connector; ignored', false],
    ['a malformed event', ws => { ws.send(JSON.stringify({ type: 'event', seq: 1, event: { agentId: 'agent1' } })) }, 'malformed event from the CTI connector; dropped', false],
    ['an event not in the catalogue', ws => { ws.send(JSON.stringify({ type: 'event', seq: 1, event: { agentId: 'agent1', scope: 'session', name: 'session.exploded', data: {} } })) }, 'CTI connector event not in the catalogue; dropped', false],
    ['a response to nothing', ws => { ws.send(JSON.stringify({ type: 'response', id: 999, ok: true, result: null })) }, 'late or unknown answer from the CTI connector; dropped', false],
    ['a gap in the event sequence', ws => {
      ws.send(JSON.stringify({ type: 'event', seq: 1, event: { agentId: 'agent1', scope: 'session', name: 'state.updated', data: { state: 'ready', reason: null } } }))
      ws.send(JSON.stringify({ type: 'event', seq: 3, event: { agentId: 'agent1', scope: 'session', name: 'state.updated', data: { state: 'ready', reason: null } } }))
    }, 'CTI connector event sequence gap; reconnecting to resync', true],
    ['a message over CTI_MAX_MESSAGE_BYTES', ws => { ws.send(JSON.stringify({ type: 'info', pad: 'x'.repeat(70_000) })) }, 'connector sent a message too large; reconnecting', true]
  ]
  for (const [what, send, logged, reconnects] of cases) {
    await t.test(what, async t => {
      // Right after the welcome, on the first connection: nothing can come between.
      const fake = await rogue(t, (ws, n) => { if (n === 1) send(ws) })
      const test = await serverFor(t, fake.port, { CTI_MAX_MESSAGE_BYTES: 65536 })
      const bar = await RestClient.open(test.app, 'bar')
      await bar.bindService(test.app.his.processor.id)
      // Said when it fails (it did twice in CI, not reproduced): how often the server
      // connected, and what it logged about the connector.
      await waitFor(() => test.logs.lines.some(l => l.includes(logged))).catch((err: unknown) => {
        t.comment(`connections: ${fake.connections()}; connector lines logged:\n${test.logs.lines.filter(l => /connector|CTI/.test(l)).slice(-20).join('\n')}`)
        throw err
      })
      t.pass(`logged: ${logged}`)
      if (reconnects) await waitFor(() => fake.connections() === 2 && test.app.his.processor.availability().status === 'InService')
      t.equal(fake.connections(), reconnects ? 2 : 1, reconnects ? 'it reconnected (and would resync)' : 'the connection stays')
      t.equal((await test.app.inject('/health')).statusCode, 200, 'the server serves on')
      t.notOk(names(test, bar).some(e => /exploded|surprise/.test(e.name)), 'nothing of it reached the client')
    })
  }
})
