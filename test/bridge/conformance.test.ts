// The conformance suite (npm run conformance) against the simulator connector's process, and
// against a connector that breaks one rule: it must pass the first, and fail the second naming the check.
import { spawn } from 'node:child_process'
import t from 'tap'
import { serveBridge } from '../../src/bridge/connector.js'
import { report, runConformance } from '../../src/bridge/conformance.js'
import { configWith } from '../../src/config.js'
import { SystemClock } from '../../src/core/clock.js'
import { silentLogger } from '../../src/core/logger.js'
import { createSimulator } from '../../src/cti/simulator/connector.js'
import { projectPath } from '../../src/paths.js'
import { startConnector } from '../helpers/process.js'

// Server and connector processes: more than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)

async function conformance (args: string[]): Promise<{ code: number | null, out: string }> {
  const child = spawn(process.execPath, [projectPath('build/src/bridge/conformance-main.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c })
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  return { code, out }
}

t.test('the simulator connector passes every check of npm run conformance', async t => {
  const connector = await startConnector({ CTI_BRIDGE_TOKEN: 'conformance-token', SIM_LOGIN_DELAY_MS: '0' })
  t.teardown(async () => { await connector.stop() })
  const { code, out } = await conformance(['--url', connector.base, '--token', 'conformance-token', '--agent', 'agent2:demo-pass-2'])
  t.equal(code, 0, 'exit code 0')
  t.match(out, /all \d+ checks pass/)
  t.notMatch(out, /^FAIL/m)
  t.comment(out.split('\n').filter(l => l.startsWith('PASS')).length, 'checks passed')
})

t.test('a connector that takes any token fails the suite, naming the check it breaks', async t => {
  const clock = new SystemClock()
  const sim = createSimulator({ ...configWith(), SIM_LOGIN_DELAY_MS: 0 }, clock, silentLogger)
  // The rule it breaks: no token is set, so a server with a wrong one is taken too.
  const listener = await serveBridge({ cti: sim, token: '', connector: { vendor: 'careless', version: '1' }, log: silentLogger })
  t.teardown(async () => { await listener.close(); sim.close(); clock.clearAll() })
  const results = await runConformance({ url: `ws://127.0.0.1:${listener.port}`, token: 'expected-token', agent: { id: 'agent1', password: 'demo-pass-1' } })
  const failed = results.filter(r => !r.ok).map(r => r.name)
  t.same(failed, ['a wrong token is refused with AUTH_FAILED, and the socket closed'], 'exactly the broken rule fails')
  t.match(report(results), /FAIL {2}a wrong token is refused with AUTH_FAILED, and the socket closed\n {6}answered .*welcome/)
  const cli = await conformance(['--url', `ws://127.0.0.1:${listener.port}`, '--token', 'expected-token'])
  t.equal(cli.code, 1, 'npm run conformance exits 1')
  t.match(cli.out, /1 of \d+ checks fail/)
})
