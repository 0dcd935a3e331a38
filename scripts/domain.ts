// `npm run domain`: a local instance domain to try — redis-server from the PATH, the simulator
// connector, and two server instances (3001 and 3002) in one domain; Ctrl-C stops all of it.
// Ports: DOMAIN_REDIS_PORT (6390), DOMAIN_CONNECTOR_PORT (3100), DOMAIN_PORTS (3001,3002).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { projectPath } from '../src/paths.js'

const redisPort = Number(process.env.DOMAIN_REDIS_PORT ?? 6390)
const connectorPort = Number(process.env.DOMAIN_CONNECTOR_PORT ?? 3100)
const ports = (process.env.DOMAIN_PORTS ?? '3001,3002').split(',').map(Number)
const token = process.env.CTI_BRIDGE_TOKEN ?? randomBytes(18).toString('base64url')
const children: Array<{ name: string, child: ChildProcess }> = []
let stopping = false

if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error !== undefined) {
  process.stderr.write('npm run domain needs redis-server on the PATH: on Debian or Ubuntu, apt-get install redis-server\n')
  process.exit(1)
}

/** Starts a child whose output lines are prefixed with its name; resolves once `ready` shows in it. */
async function start (name: string, command: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<void> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push({ name, child })
  let seen = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${name} did not start in 15 s:\n${seen}`)) }, 15000)
    const line = (chunk: string): void => {
      for (const text of chunk.split('\n').filter(l => l !== '')) process.stdout.write(`[${name}] ${text}\n`)
      seen += chunk
      if (ready.test(seen)) { clearTimeout(timer); resolve() }
    }
    child.stdout?.setEncoding('utf8').on('data', line)
    child.stderr?.setEncoding('utf8').on('data', line)
    child.once('exit', code => {
      clearTimeout(timer)
      if (!stopping) {
        process.stderr.write(`${name} exited (${String(code)}); stopping the domain\n`)
        void stop(1)
      }
      reject(new Error(`${name} exited`))
    })
  })
}

async function stop (code: number): Promise<void> {
  if (stopping) return
  stopping = true
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 6000))])
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.exit(code)
}

process.on('SIGINT', () => { void stop(0) })
process.on('SIGTERM', () => { void stop(0) })

try {
  await start('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {}, /Ready to accept connections/)
  await start('simulator', process.execPath, [projectPath('build/src/cti/simulator/main.js')], { PORT: String(connectorPort), CTI_BRIDGE_TOKEN: token, LOG_FORMAT: 'pretty' }, /simulator connector listening/)
  for (const [i, port] of ports.entries()) {
    const id = `instance-${i + 1}`
    await start(id, process.execPath, [projectPath('build/src/server.js')], {
      PORT: String(port),
      CTI_URL: `ws://127.0.0.1:${connectorPort}`,
      CTI_BRIDGE_TOKEN: token,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      INSTANCE_ID: id,
      LOG_FORMAT: 'pretty'
    }, /Server listening/)
  }
  process.stdout.write([
    '',
    `A domain of ${ports.length} instances is running (Redis on ${redisPort}, the simulator connector on ${connectorPort}):`,
    ...ports.map(port => `  http://127.0.0.1:${port}/`),
    'Open either one: the media bar picks the least-loaded instance, and fails over when you stop it.',
    'Ctrl-C stops everything.',
    ''
  ].join('\n'))
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  await stop(1)
}
