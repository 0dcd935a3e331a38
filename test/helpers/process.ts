import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import type { Test } from 'tap'
import { projectPath } from '../../src/paths.js'

export interface ServerProcess {
  child: ChildProcess
  base: string
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>
  stop: () => Promise<number | string>
}

/**
 * How long a process may take to say it is up: a bound, not a measurement. Generous, because
 * two test files run at once (package.json, tap jobs) and a browser test beside a start-up on
 * a 2-core machine can hold the CPU for seconds.
 */
const START_TIMEOUT_MS = 30_000

/**
 * Starts `node build/src/server.js` the way `npm start` does (after the build), on a free port,
 * and waits for fastify's "Server listening" log line. Tests stop it themselves. `maxFiles`
 * starts it with that many file descriptors at most (`ulimit -n`, through sh).
 */
export async function startServer (env: Record<string, string> = {}, timeoutMs = START_TIMEOUT_MS, options: { maxFiles?: number } = {}): Promise<ServerProcess> {
  if (process.env.TEST_CTI !== 'bridge' || env.CTI_URL !== undefined) {
    return await startNode('build/src/server.js', env, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs, options.maxFiles)
  }
  // TEST_CTI=bridge: the server's contact center is a connector process of its own, stopped with it.
  const sim = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('SIM_') || key.startsWith('CHAT_') || key.startsWith('LOG_')))
  const connector = await startConnector({ ...sim, CTI_BRIDGE_TOKEN: 'test-bridge-token' }, timeoutMs)
  try {
    const server = await startNode('build/src/server.js', { ...env, CTI_URL: connector.base, CTI_BRIDGE_TOKEN: 'test-bridge-token' }, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs)
    return {
      ...server,
      async stop () {
        const code = await server.stop()
        await connector.stop()
        return code
      }
    }
  } catch (err) {
    await connector.stop()
    throw err
  }
}

/**
 * Starts `npm run simulator`'s process (the simulator connector) on `port` (0: a free one) and
 * waits for its "listening" line; `base` is its ws:// URL.
 */
export async function startConnector (env: Record<string, string> = {}, timeoutMs = START_TIMEOUT_MS): Promise<ServerProcess> {
  return await startNode('build/src/cti/simulator/main.js', { PORT: '0', ...env }, /"url":"(ws:\/\/127\.0\.0\.1:\d+)"[^\n]*simulator connector listening/, timeoutMs)
}

/** Starts `npm run sip-connector`'s process (the SIP connector) on a free port; `base` is its ws:// URL. */
export async function startSipConnector (env: Record<string, string>, timeoutMs = START_TIMEOUT_MS): Promise<ServerProcess> {
  return await startNode('build/src/cti/sip/main.js', { PORT: '0', ...env }, /"url":"(ws:\/\/127\.0\.0\.1:\d+)"[^\n]*SIP connector listening/, timeoutMs)
}

/** A child's output as it comes, and its end (the exit code or signal; -1 when it could not start). */
function output (child: ChildProcess): { out: () => string, err: () => string, exited: Promise<number | string> } {
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  const exited = new Promise<number | string>(resolve => {
    child.once('exit', (code, signal) => { resolve(code ?? signal ?? -1) })
    child.once('error', () => { resolve(-1) })
  })
  return { out: () => out, err: () => err, exited }
}

/** Starts a node script of the build, waiting for `ready` (its first group: the base URL) in its output. */
async function startNode (script: string, env: Record<string, string>, ready: RegExp, timeoutMs: number, maxFiles?: number): Promise<ServerProcess> {
  const node = [process.execPath, projectPath(script)]
  // `maxFiles`: at most that many file descriptors (`ulimit -n`, through sh).
  const [command = '', ...args] = maxFiles === undefined ? node : ['/bin/sh', '-c', `ulimit -n ${maxFiles} && exec "$0" "$@"`, ...node]
  const child = spawn(command, args, {
    // As in build(): no shedding on event-loop delay unless the test sets it (a busy CI machine stalls processes).
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', LOAD_SHED_EVENT_LOOP_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const { out, err, exited } = output(child)
  const base = await new Promise<string>((resolve, reject) => {
    // A process that never said it is up is killed: nothing a test started outlives it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} did not start: ${out()}${err()}`))
    }, timeoutMs)
    const check = (): void => {
      const match = ready.exec(out())
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', check)
    void exited.then(code => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code}: ${err()}`))
    })
  })
  return {
    child,
    base,
    stdout: out,
    stderr: err,
    exited,
    async stop () {
      if (child.exitCode === null) child.kill('SIGTERM')
      return await exited
    }
  }
}

/** Runs the server expecting it to fail at start-up; returns its exit code and output. */
export async function failedStart (env: Record<string, string>): Promise<{ code: number | string, stderr: string, stdout: string }> {
  const child = spawn(process.execPath, [projectPath('build/src/server.js')], {
    env: { ...process.env, PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const { out, err, exited } = output(child)
  const code = await exited
  return { code, stderr: err(), stdout: out() }
}

/** Keeps the processes a test starts, to stop them (the newest first) when it ends, passed or not. */
export function processes (t: Test): <P extends ServerProcess>(started: Promise<P>) => Promise<P> {
  const running: ServerProcess[] = []
  t.teardown(async () => { for (const p of running.reverse()) await p.stop() })
  return async started => {
    const p = await started
    running.push(p)
    return p
  }
}

/**
 * Whether Debian's `redis-server` is on the PATH. Without it the domain's tests are skipped with a
 * message, except under CI (`CI` set: .ci/run installs it), where they fail.
 */
export function haveRedis (t: Test): boolean {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error === undefined) return true
  if (process.env.CI !== undefined) t.fail('redis-server is missing: .ci/run installs it with apt-get')
  else t.comment('domain tests skipped: no redis-server on the PATH (apt-get install redis-server)')
  return false
}

/**
 * Starts Debian's `redis-server` on `port` with nothing saved to disk, and waits until it takes
 * connections. Throws naming the package when it is not installed (.ci/run installs it).
 */
export async function startRedis (port: number, timeoutMs = START_TIMEOUT_MS): Promise<ServerProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const { out, err, exited } = output(child)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`redis-server did not start: ${out()}${err()}`)) }, timeoutMs)
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(new Error(e.code === 'ENOENT' ? 'redis-server is not installed (Debian: apt-get install redis-server)' : e.message))
    })
    child.stdout?.on('data', () => {
      if (!out().includes('Ready to accept connections')) return
      clearTimeout(timer)
      resolve()
    })
    void exited.then(code => { clearTimeout(timer); reject(new Error(`redis-server exited with ${code}: ${out()}${err()}`)) })
  })
  return {
    child,
    base: `redis://127.0.0.1:${port}`,
    stdout: out,
    stderr: err,
    exited,
    async stop () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return await exited
    }
  }
}
