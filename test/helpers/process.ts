import { spawn, type ChildProcess } from 'node:child_process'
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
 * Starts `node build/src/server.js` the way `npm start` does (after the build), on a free port,
 * and waits for fastify's "Server listening" log line. Tests stop it themselves. `maxFiles`
 * starts it with that many file descriptors at most (`ulimit -n`, through sh).
 */
export async function startServer (env: Record<string, string> = {}, timeoutMs = 10000, options: { maxFiles?: number } = {}): Promise<ServerProcess> {
  if (process.env.TEST_CTI !== 'bridge' || env.CTI_URL !== undefined) {
    return await startNode('build/src/server.js', env, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs, options.maxFiles)
  }
  // TEST_CTI=bridge: the server's contact center is a connector process of its own, stopped with it.
  const sim = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('SIM_') || key.startsWith('LOG_')))
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
export async function startConnector (env: Record<string, string> = {}, timeoutMs = 10000): Promise<ServerProcess> {
  return await startNode('build/src/cti/simulator/main.js', { PORT: '0', ...env }, /"url":"(ws:\/\/127\.0\.0\.1:\d+)"[^\n]*simulator connector listening/, timeoutMs)
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
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  const exited = new Promise<number | string>(resolve => {
    child.once('exit', (code, signal) => { resolve(code ?? signal ?? -1) })
  })
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${script} did not start: ${out}${err}`)) }, timeoutMs)
    const check = (): void => {
      const match = ready.exec(out)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', check)
    void exited.then(code => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code}: ${err}`))
    })
  })
  return {
    child,
    base,
    stdout: () => out,
    stderr: () => err,
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
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  const code = await new Promise<number | string>(resolve => {
    child.once('exit', (c, signal) => { resolve(c ?? signal ?? -1) })
  })
  return { code, stderr: err, stdout: out }
}
