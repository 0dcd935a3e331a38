// The instance domain measured (npm run bench -- --only domain, or npm run bench:domain):
// one instance against two on this machine, in the same run, with redis-server and the simulator
// connector as processes: logins per second, takeover latency across instances, and failover time
// (SIGKILL of the instance holding an agent on a call → the agent's session live on another
// instance, through the resume credential) as min/median/max of repeated kills.
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import { PROCESSOR_ID, freePort, generatedDirectory, json, percentile, pool, round, startProcess, table, type Child } from './lib.js'

const TOKEN = 'bench-domain-bridge-token'
const WM = 'WorkflowManager'

interface Redis { url: string, stop: () => Promise<void> }

async function startRedis (): Promise<Redis> {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.once('error', () => { reject(new Error('redis-server is not installed (apt-get install redis-server)')) })
    child.stdout?.setEncoding('utf8').on('data', (c: string) => { out += c; if (out.includes('Ready to accept connections')) resolve() })
    setTimeout(() => { reject(new Error(`redis-server did not start: ${out}`)) }, 10000).unref()
  })
  const exited = new Promise(resolve => child.once('exit', resolve))
  return { url: `redis://127.0.0.1:${port}`, async stop () { child.kill('SIGTERM'); await exited } }
}

/** A client opened and bound to both services, and what it takes to prepare a session from it. */
class Bar {
  constructor (readonly base: string, readonly token: string) {}

  static async open (base: string): Promise<Bar> {
    const opened = await json(`${base}/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    const bar = new Bar(base, String(opened.token))
    await bar.post(`/services/${PROCESSOR_ID}/binding`)
    await bar.post(`/services/${WM}/binding`)
    return bar
  }

  async post (path: string, body?: unknown): Promise<any> {
    const auth = { authorization: `Bearer ${this.token}` }
    return await json(this.base + path, {
      method: 'POST',
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) })
    })
  }

  async get (path: string): Promise<any> {
    return await json(this.base + path, { headers: { authorization: `Bearer ${this.token}` } })
  }

  /** prepareSession, then both resource bindings; returns the answer. */
  async prepare (agent: Record<string, string>, override = false): Promise<any> {
    const answer = await this.post(`/services/${PROCESSOR_ID}/sessions`, { agent, ...(override && { override: true }) })
    if (answer.result !== 'success') return answer
    const rid = String(answer.resource.id)
    await this.post(`/services/${PROCESSOR_ID}/resources/${rid}/binding`)
    await this.post(`/services/${WM}/resources/${rid}/binding`)
    return answer
  }
}

async function until<T> (probe: () => Promise<T | undefined>, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

interface Setup { redis?: Redis, connector: Child, instances: Child[], stop: () => Promise<void> }

async function setup (count: number, agents: number, redis: boolean): Promise<Setup> {
  const directory = generatedDirectory(agents)
  const r = redis ? await startRedis() : undefined
  const connector = await startProcess('build/src/cti/simulator/main.js', { CTI_BRIDGE_TOKEN: TOKEN, SIM_DIRECTORY_FILE: directory, SIM_LOGIN_DELAY_MS: '0', LOG_LEVEL: 'warn', SIM_MAX_CALLS: '5000' }, [], [])
  const ws = connector.base.replace('http', 'ws')
  const instances: Child[] = []
  for (let i = 0; i < count; i++) {
    instances.push(await startProcess('build/src/server.js', {
      CTI_URL: ws,
      CTI_BRIDGE_TOKEN: TOKEN,
      SIM_DIRECTORY_FILE: directory,
      LOG_LEVEL: 'warn',
      INSTANCE_ID: `i${i + 1}`,
      ...(r === undefined ? {} : { REDIS_URL: r.url, INSTANCE_DOMAIN: 'bench' })
    }))
  }
  return {
    redis: r,
    connector,
    instances,
    async stop () {
      for (const i of instances) await i.stop()
      await connector.stop()
      await r?.stop()
    }
  }
}

/** Logins of `agents` distinct agents, `concurrency` at a time, spread round-robin over the instances. */
async function loginRate (s: Setup, agents: number, concurrency: number): Promise<number> {
  const started = Date.now()
  await pool(Array.from({ length: agents }, (_, i) => i), concurrency, async i => {
    const bar = await Bar.open((s.instances[i % s.instances.length] as Child).base)
    const answer = await bar.prepare({ id: `bench-${i + 1}`, password: 'bench-pass' })
    if (answer.result !== 'success') throw new Error(`login bench-${i + 1}: ${JSON.stringify(answer)}`)
  })
  return agents / ((Date.now() - started) / 1000)
}

/** An agent logged in, ready, on a connected call at `base`; returns its bar and prepare answer. */
async function onACall (base: string, connectorBase: string, agent: string): Promise<{ bar: Bar, answer: any }> {
  const bar = await Bar.open(base)
  const answer = await bar.prepare({ id: agent, password: 'bench-pass' })
  const rid = String(answer.resource.id)
  await until(async () => (await bar.get(`/services/${PROCESSOR_ID}/resources/${rid}`)).data.session.loggedIn === true ? true : undefined)
  await bar.post(`/services/${PROCESSOR_ID}/resources/${rid}/requests`, { command: 'session.ready' })
  const ext = String(2000 + Number(agent.replace('bench-', '')) - 1)
  await json(`${base}/simulator/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '+15550001111', to: ext }) })
  const ix = await until(async () => (await bar.get(`/services/${PROCESSOR_ID}/resources/${rid}`)).data.interactions[0])
  await bar.post(`/services/${PROCESSOR_ID}/resources/${rid}/requests`, { command: 'conversation.answer', target: ix.conversations[0].target })
  await until(async () => (await bar.get(`/services/${PROCESSOR_ID}/resources/${rid}`)).data.interactions[0]?.conversations[0]?.state === 'connected' ? true : undefined)
  void connectorBase
  return { bar, answer }
}

function stats (ms: number[]): string[] {
  const sorted = [...ms].sort((a, b) => a - b)
  return [String(round(sorted[0] ?? 0)), String(round(percentile(sorted, 50))), String(round(sorted.at(-1) ?? 0))]
}

export async function runDomainBench (options: { agents: number, rounds: number }): Promise<string> {
  const lines: string[] = []
  const rate: Array<[string, number]> = []
  for (const [label, count, redis] of [['one instance, no Redis', 1, false], ['one instance, on Redis', 1, true], ['two instances, one domain', 2, true]] as const) {
    const s = await setup(count, options.agents, redis)
    try {
      rate.push([label, await loginRate(s, options.agents, 16)])
    } finally {
      await s.stop()
    }
  }
  lines.push(`### Logins per second (${options.agents} agents, 16 at a time, round-robin over the instances)`, '',
    table(['set-up', 'logins/s'], rate.map(([l, r]) => [l, round(r)])), '')

  // Takeover across instances (confirmed override on B of a session on A, with a call) and failover.
  const s = await setup(2, Math.max(options.rounds * 2 + 2, 10), true)
  const takeovers: number[] = []
  const failovers: number[] = []
  try {
    for (let i = 0; i < options.rounds; i++) {
      const [a, b] = s.instances as [Child, Child]
      const agent = `bench-${i + 1}`
      await onACall(a.base, s.connector.base, agent)
      const bar = await Bar.open(b.base)
      const started = performance.now()
      const answer = await bar.prepare({ id: agent, password: 'bench-pass' }, true)
      takeovers.push(performance.now() - started)
      if (answer.result !== 'success') throw new Error(`takeover: ${JSON.stringify(answer)}`)
    }
    for (let i = 0; i < options.rounds; i++) {
      const victim = s.instances[0] as Child
      const survivor = s.instances[1] as Child
      const agent = `bench-${options.rounds + i + 1}`
      const { answer } = await onACall(victim.base, s.connector.base, agent)
      const killed = performance.now()
      victim.child.kill('SIGKILL')
      // What a media bar does: its stream drops at once (the socket is reset); it opens a client on
      // another instance of GET /domain and prepares with the resume credential.
      const bar = await Bar.open(survivor.base)
      const resumed = await bar.prepare({ id: agent, resumeToken: String(answer.resumeToken) })
      if (resumed.result !== 'success') throw new Error(`failover: ${JSON.stringify(resumed)}`)
      const rid = String(resumed.resource.id)
      await until(async () => (await bar.get(`/services/${PROCESSOR_ID}/resources/${rid}`)).data.interactions[0]?.conversations[0]?.state === 'connected' ? true : undefined)
      failovers.push(performance.now() - killed)
      // The killed instance comes back under the same id for the next round.
      const restarted = await startProcess('build/src/server.js', { CTI_URL: s.connector.base.replace('http', 'ws'), CTI_BRIDGE_TOKEN: TOKEN, SIM_DIRECTORY_FILE: '', LOG_LEVEL: 'warn', INSTANCE_ID: 'i1', REDIS_URL: s.redis?.url ?? '', INSTANCE_DOMAIN: 'bench' })
      s.instances[0] = survivor
      s.instances[1] = restarted
    }
  } finally {
    await s.stop()
  }
  lines.push(`### Takeover and failover across two instances (${options.rounds} rounds each, an agent on a connected call)`, '',
    table(['measure', 'min ms', 'median ms', 'max ms'], [
      ['takeover: prepareSession with override on B while A holds the agent, to B\'s bindings done', ...stats(takeovers)],
      ['failover: SIGKILL of A → B\'s session live with the call (resume credential)', ...stats(failovers)]
    ]), '')
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { values } = parseArgs({ options: { agents: { type: 'string', default: '500' }, rounds: { type: 'string', default: '5' } } })
  process.stdout.write(await runDomainBench({ agents: Number(values.agents), rounds: Number(values.rounds) }) + '\n')
}
