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
  const server = [process.execPath, projectPath('build/src/server.js')]
  const [command = '', ...args] = options.maxFiles === undefined
    ? server
    : ['/bin/sh', '-c', `ulimit -n ${options.maxFiles} && exec "$0" "$@"`, ...server]
  const child = spawn(command, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
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
    const timer = setTimeout(() => { reject(new Error(`server did not start: ${out}${err}`)) }, timeoutMs)
    const check = (): void => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', check)
    void exited.then(code => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}: ${err}`))
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
