import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { ConfigSchema } from '../src/config.js'
import { FAILURE_CODE_LIST, FAILURE_MEANING, FAILURE_STATUS } from '../src/schemas/failures.js'
import { projectPath } from '../src/paths.js'
import { generateOpenApi, OPENAPI_FILE } from '../scripts/openapi.js'
import { startConnector, startServer } from './helpers/process.js'

// Five walk-throughs against live server processes (two with a connector process too).
t.setTimeout(120_000)

const README = readFileSync(projectPath('README.md'), 'utf8')

/** The text between `<!-- name:start -->` and `<!-- name:end -->` in the README. */
function section (name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(README)
  if (match?.[1] === undefined) throw new Error(`README has no ${name} section`)
  return match[1]
}

/** The body rows of a markdown table, as arrays of trimmed cells. */
function rows (table: string): string[][] {
  return table.split('\n').filter(l => l.startsWith('|')).slice(2)
    .map(l => l.split('|').slice(1, -1).map(c => c.trim().replace(/^`|`$/g, '')))
}

t.test('the README failure table is the catalogue: every code, its HTTP status and meaning, nothing else', async t => {
  const table = rows(section('failures')).map(([code, status, meaning]) => [code, Number(status), meaning])
  t.same(table, FAILURE_CODE_LIST.map(code => [code, FAILURE_STATUS[code], FAILURE_MEANING[code]]))
})

t.test('the README configuration table lists every variable with its default', async t => {
  const table = new Map(rows(section('config')).map(([name, def]) => [name, def]))
  t.same([...table.keys()], Object.keys(ConfigSchema.properties))
  for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
    const def = String(schema.default)
    const cell = table.get(name) ?? ''
    if (def.startsWith('/')) t.ok(cell !== '' && def.endsWith(cell.replace(/\/$/, '')), `${name}: path default ends with the README's ${JSON.stringify(cell)}`)
    else t.equal(cell, def, `${name}: default`)
  }
})

t.test('the README demo agents are the simulator directory', async t => {
  const directory = JSON.parse(readFileSync(projectPath('src/cti/simulator/directory.json'), 'utf8')) as {
    agents: Array<{ id: string, password: string, name: string, extension: string, queues?: string[] }>
  }
  t.same(rows(section('agents')), directory.agents.map(a => [a.id, a.password, a.name, a.extension, (a.queues ?? []).join(', ')]))
})

t.test('every curl example of the README is in a section a test runs', async t => {
  const tested = ['walkthrough', 'walkthrough-call', 'walkthrough-chat'].map(section)
  const blocks = [...README.matchAll(/```bash\n([\s\S]*?)```/g)].map(m => m[1] ?? '').filter(b => b.includes('curl'))
  t.ok(blocks.length >= 2)
  for (const block of blocks) t.ok(tested.some(s => s.includes(block)), `tested: ${block.split('\n')[0] ?? ''}`)
})

/** The agent ids a README bash block logs in. */
function loggedIn (name: string): string[] {
  return [...section(name).matchAll(/"agent":\{"id":"([^"]+)"/g)].map(m => m[1] ?? '')
}

t.test('the walk-throughs log in other agents than the one the README suggests for the media bar', async t => {
  const mediaBar = /## The media bar[\s\S]*?Log in as a demo agent \(`([^`]+)`/.exec(README)?.[1]
  t.ok(mediaBar, 'the media bar section names its agent')
  for (const name of ['walkthrough', 'walkthrough-call', 'walkthrough-chat']) {
    const agents = loggedIn(name)
    t.ok(agents.length > 0, `${name} logs an agent in`)
    t.notOk(agents.includes(mediaBar ?? ''), `${name} does not log in ${mediaBar ?? ''}`)
  }
})

t.test('openapi.yaml is what the route schemas generate (run npm run openapi after changing a route)', async t => {
  t.equal(readFileSync(OPENAPI_FILE, 'utf8'), await generateOpenApi())
})

/** Runs a README bash block against a live server (BASE replaced); returns its output. */
async function runBlock (t: Test, name: string, env: Record<string, string> = {}, bridge = false): Promise<string> {
  if (bridge) {
    // The README's second set-up: npm run simulator, then CTI_URL=… npm start.
    const connector = await startConnector({ CTI_BRIDGE_TOKEN: 'docs-bridge-token', ...env })
    t.teardown(async () => { await connector.stop() })
    env = { ...env, CTI_URL: connector.base, CTI_BRIDGE_TOKEN: 'docs-bridge-token' }
  }
  const server = await startServer(env)
  t.teardown(async () => { await server.stop() })
  const script = /```bash\n([\s\S]*?)```/.exec(section(name))?.[1] ?? ''
  t.match(script, /^BASE=http:\/\/localhost:3000$/m, 'the block uses the README\'s address')
  const cwd = mkdtempSync(join(tmpdir(), 'walkthrough-'))
  const tmp = mkdtempSync(join(tmpdir(), 'walkthrough-tmp-'))
  t.teardown(() => { rmSync(cwd, { recursive: true, force: true }); rmSync(tmp, { recursive: true, force: true }) })
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script.replace(/^BASE=.*$/m, `BASE=${server.base}`)],
    { cwd, timeout: 20000, env: { ...process.env, TMPDIR: tmp } }).catch((error: unknown) => {
    // Say what the server was doing when the block failed (exited? its last log lines).
    const log = `${server.stdout()}${server.stderr()}`.trimEnd().split('\n').slice(-5).join('\n')
    throw new Error(`the ${name} block failed (server exit code ${String(server.child.exitCode)}, signal ${String(server.child.signalCode)}; its last lines:\n${log})`, { cause: error })
  })
  // The block writes into its own mktemp -d folder (under TMPDIR), and removes it.
  t.same(readdirSync(cwd), [], 'nothing written into the current folder')
  t.same(readdirSync(tmp), [], 'the temporary folder is removed')
  return stdout
}

for (const bridge of [false, true]) {
  t.test(`the README call walk-through: ring your own agent, answer, hold, retrieve, release, complete${bridge ? ' (the simulator as a connector process)' : ''}`, async t => {
    checkCall(t, await runBlock(t, 'walkthrough-call', {}, bridge))
  })
}

function checkCall (t: Test, stdout: string): void {
  const answers = stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, any>)
  t.match(answers.find(a => a.callId !== undefined), { result: 'success', callId: /^call-\d+$/ })
  t.same(loggedIn('walkthrough-call'), ['agent2'], 'the README block logs in agent2, as checked here')
  t.match(stdout, /interaction Simulator-agent2\.voice\.ix-\d+, conversation Simulator-agent2\.voice\.ix-\d+\.leg-\d+/)
  for (const command of ['conversation.answer', 'conversation.hold', 'conversation.retrieve', 'conversation.release', 'interaction.complete']) {
    t.match(answers.find(a => a.command === command), { result: 'success' }, command)
  }
  t.match(answers.find(a => a.calls !== undefined), { result: 'success', calls: [] }, 'the call is gone')
  t.match(stdout, /^ready$/m, 'agent2 is ready again')
  t.match(answers.find(a => a.command === 'session.logout'), { command: 'session.logout', target: 'Simulator-agent2', result: 'success' }, 'agent2 logs out')
  for (const event of ['interaction.added', 'interaction.answer.done', 'interaction.hold.done', 'interaction.retrieve.done', 'interaction.release.done', 'interaction.deleted']) {
    t.match(stdout, new RegExp(`event: ${event.replace(/\./g, '\\.')}$`, 'm'), `the stream carried ${event}`)
  }
}

// Once, embedded: over the bridge the chat controls are the same routes, forwarded (test/bridge/chat.test.ts).
t.test('the README chat walk-through: ready for chat, a customer writes, accept, answer, end, complete, the transcript', async t => {
  const stdout = await runBlock(t, 'walkthrough-chat')
  const answers = stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, any>)
  t.same(loggedIn('walkthrough-chat'), ['agent4'], 'the README block logs in agent4, as checked here')
  t.match(stdout, /^customer chat chat-\d+$/m)
  t.match(stdout, /^chat Simulator-agent4\.chat\.ix-\d+$/m)
  for (const command of ['channel.ready', 'interaction.accept', 'chat.send', 'interaction.terminate', 'interaction.complete', 'session.logout']) {
    t.match(answers.find(a => a.command === command), { result: 'success' }, command)
  }
  t.match(answers.find(a => a.messageId !== undefined), { result: 'success', messageId: /^chat-\d+-m\d+$/ }, 'the customer\'s message')
  const transcript = /^```\n(customer: [\s\S]*?)```/m.exec(README.slice(README.indexOf('<!-- walkthrough-chat:end -->')))?.[1] ?? ''
  t.ok(transcript !== '' && stdout.includes(transcript), 'the transcript is the one the README shows')
  for (const event of ['interaction.added', 'chat.message', 'interaction.accept.done', 'interaction.chat.send.done', 'interaction.terminate.done', 'interaction.complete.done', 'interaction.deleted']) {
    t.match(stdout, new RegExp(`event: ${event.replace(/\./g, '\\.')}$`, 'm'), `the stream carried ${event}`)
  }
})

for (const [delay, bridge] of [['300', false], ['0', false], ['300', true]] as const) {
  t.test(`the README walk-through works as written against a live server (login ${delay} ms${bridge ? ', the simulator as a connector process' : ''})`, async t => {
    checkLogin(t, await runBlock(t, 'walkthrough', { SIM_LOGIN_DELAY_MS: delay }, bridge), delay)
  })
}

/** The README table of the login walk-through's events, one `event from` per id, in id order. */
function readmeEvents (): string[] {
  const table = /^`\$WORK\/events\.txt`[^\n]*holds, in order[^\n]*\n\n((?:\|.*\n)+)/m.exec(README)?.[1] ?? ''
  const from = { processor: 'p', WorkflowManager: 'wf' } as Record<string, string>
  const events: Array<[number, string]> = []
  for (const [ids = '', names = '', services = ''] of rows(table)) {
    const [first = '', last = first] = ids.split(/\s*(?:,|…)\s*/)
    const count = Number(last) - Number(first) + 1
    const eventList = names.split(', ').map(n => n.replace(/^`|`$/g, ''))
    const serviceList = services.split(', ')
    for (let i = 0; i < count; i++) {
      events.push([Number(first) + i, `${eventList[eventList.length === 1 ? 0 : i] ?? '?'} ${from[serviceList[serviceList.length === 1 ? 0 : i] ?? ''] ?? '?'}`])
    }
  }
  return events.sort(([a], [b]) => a - b).map(([, e]) => e)
}

function checkLogin (t: Test, stdout: string, delay: string): void {
  const answers = stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, any>)
  const find = (match: (a: Record<string, any>) => boolean): Record<string, any> | undefined => answers.find(match)
  t.ok(find(a => a.command === 'getServices' && a.data.services.some((s: { name: string }) => s.name === 'Simulator')), 'getServices lists the simulator')
  t.same(loggedIn('walkthrough'), ['agent3'], 'the README block logs in agent3, as checked here')
  t.match(stdout, /session: Simulator-agent3/)
  t.match(find(a => a.command === 'bindResource' && a.serviceId === 'WorkflowManager'), { result: 'success', resourceType: 'com.openmethods.iserver.workflow.session' })
  t.match(find(a => a.command === 'session.ready'), { command: 'session.ready', target: 'Simulator-agent3', result: 'success' })
  t.match(find(a => a.command === 'session.login'), { result: 'failure', failure: { code: 'INVALID_STATE' } }, 'the disabled button is refused')
  t.match(find(a => a.resource?.type === 'com.openmethods.iserver.processor.session'), { data: { session: { state: 'not_ready', reason: 'LUNCH' } } })
  t.match(find(a => a.command === 'session.logout'), { command: 'session.logout', target: 'Simulator-agent3', result: 'success' })

  // events.txt holds what the README's table says, in that order.
  const frames = stdout.split('\n\n').map(block => {
    const event = /^event: (.*)$/m.exec(block)?.[1]
    const id = /^id: (.*)$/m.exec(block)?.[1]
    const data = /^data: (.*)$/m.exec(block)?.[1]
    return { id, event, from: data === undefined ? undefined : JSON.parse(data).serviceId === 'WorkflowManager' ? 'wf' : 'p' }
  }).filter(f => f.event !== undefined)
  // The login runs on real time: it completes after the binds (the usual case) or, on a slow
  // machine, before them. The README documents both; nothing else may differ.
  const loginAfterBind = ['state.updated wf', 'session.started p', 'state.updated wf', 'channel.activated p', 'state.updated p', 'channel.activated p', 'state.updated wf', 'state.updated p']
  const loginBeforeBind = ['session.started p', 'channel.activated p', 'state.updated p', 'channel.activated p', 'state.updated p', 'state.updated wf', 'state.updated wf']
  const rest = ['state.updated p', 'state.updated wf', 'state.updated p', 'state.updated wf',
    'state.updated p', 'channel.deactivated p', 'channel.deactivated p', 'session.ended p', 'state.updated wf']
  const seen = frames.map(f => `${f.event} ${f.from}`)
  const login = seen[0] === 'state.updated wf' ? loginAfterBind : loginBeforeBind
  if (delay === '0') t.same(login, loginBeforeBind, 'an instant login completes before the binds')
  t.same(seen, [...login, ...rest])
  t.same(readmeEvents(), [...loginAfterBind, ...rest], 'the README table lists these events, from these services')
  t.same(frames.map(f => f.id), seen.map((_, i) => String(i + 1)), 'ids are 1, 2, 3 … without a gap')
}
