import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { projectPath } from '../../src/paths.js'
import { SIP_PACKAGES, missingSipPackages, startSipStack, type SipStack } from '../../src/cti/sip/stack.js'
import { startServer, startSipConnector, type ServerProcess } from './process.js'

/**
 * Whether the SIP set-up can run here (kamailio, its extra modules, baresip). Without it the SIP
 * tests are skipped with a message, except under CI (`CI` set: .ci/run installs them), where
 * they fail.
 */
export function haveSip (t: Test): boolean {
  const missing = missingSipPackages()
  if (missing.length === 0) return true
  if (process.env.CI !== undefined) t.fail(`the SIP set-up is missing ${missing.join(', ')}: .ci/run installs ${SIP_PACKAGES}`)
  else t.comment(`SIP tests skipped: ${missing.join(', ')} (apt-get install ${SIP_PACKAGES})`)
  return false
}

export interface SipSetup {
  stack: SipStack
  connector: ServerProcess
  server: ServerProcess
  /** The server's base URL. */
  base: string
  token: string
  /** Whether the connector's log has a line matching `pattern` (its phones' events are logged at debug). */
  saw: (pattern: RegExp) => boolean
  /** Stops the server and starts a new one against the same connector; resolves with its base URL. */
  restartServer: () => Promise<string>
  /** Kills the connector (SIGKILL, as a crash) and starts a new one on the same port and state file. */
  crashConnector: () => Promise<void>
}

/**
 * kamailio, a phone per extension and a caller phone (5550100) on free loopback ports, the SIP
 * connector as its own process (LOG_LEVEL debug: the phones' events in its log) and a server
 * against it, with the shipped call models plus `quick` (the RNA model ringing 6 s). Everything
 * is stopped when `t` ends, passed or not, and what the processes said is printed on a failure.
 */
export async function startSip (t: Test, extensions: readonly string[], serverEnv: Record<string, string> = {}): Promise<SipSetup> {
  const output: string[] = []
  const running: { stack?: SipStack, connector?: ServerProcess, server?: ServerProcess } = {}
  const models = mkdtempSync(join(tmpdir(), 'his-sip-models-'))
  t.teardown(async () => {
    if (!t.passing()) {
      t.comment(`SIP processes said:\n${output.slice(-60).join('\n')}\nconnector:\n${running.connector?.stdout().slice(-5000) ?? ''}${running.connector?.stderr() ?? ''}\nserver:\n${running.server?.stdout().slice(-3000) ?? ''}${running.server?.stderr() ?? ''}`)
    }
    await running.server?.stop()
    await running.connector?.stop()
    await running.stack?.stop()
    rmSync(models, { recursive: true, force: true })
  })
  cpSync(projectPath('models'), models, { recursive: true })
  writeFileSync(join(models, 'quick.json'), JSON.stringify({ extends: 'RNA', description: 'RNA after 6 s (tests)', settings: { ringNoAnswerSeconds: 6 } }))
  const stack = running.stack = await startSipStack({ agents: extensions, caller: '5550100', onOutput: (who, line) => { output.push(`${who}: ${line}`); if (output.length > 500) output.shift() } })
  const token = 'sip-test-token'
  const connectorEnv = {
    LOG_LEVEL: 'debug',
    SIP_STATE_FILE: join(stack.dir, 'sip-state.json'),
    CTI_BRIDGE_TOKEN: token,
    SIP_EVAPI: `${stack.evapi.host}:${stack.evapi.port}`,
    SIP_DOMAIN: stack.domain,
    SIP_PHONES: stack.phones.map(p => `${p.extension}=${p.host}:${p.port}`).join(','),
    SIP_CALLER: `${stack.caller?.extension ?? ''}=${stack.caller?.host ?? ''}:${stack.caller?.port ?? 0}`
  }
  const connector = running.connector = await startSipConnector(connectorEnv)
  const env = { CTI_URL: connector.base, CTI_BRIDGE_TOKEN: token, MODELS_DIR: models, ...serverEnv }
  const server = running.server = await startServer(env)
  return {
    stack,
    connector,
    server,
    base: server.base,
    token,
    saw: pattern => pattern.test(running.connector?.stdout() ?? ''),
    async crashConnector () {
      const old = running.connector
      if (old === undefined) throw new Error('no connector')
      old.child.kill('SIGKILL')
      await old.exited
      running.connector = await startSipConnector({ ...connectorEnv, PORT: new URL(old.base).port })
    },
    async restartServer () {
      await running.server?.stop()
      running.server = undefined
      running.server = await startServer(env)
      return running.server.base
    }
  }
}
