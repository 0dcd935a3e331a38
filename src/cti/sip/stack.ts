import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { createSocket } from 'node:dgram'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { projectPath } from '../../paths.js'
import type { PhoneAddress } from './sip-cti.js'

/** Where Debian's packages put what the SIP set-up runs. */
const KAMAILIO = '/usr/sbin/kamailio'
const BARESIP = '/usr/bin/baresip'
const BARESIP_MODULES = '/usr/lib/baresip/modules'
const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules'
/** The db_text table definitions kamailio ships (the location table keeps registrations). */
const DBTEXT_SCHEMA = '/usr/share/kamailio/dbtext/kamailio'

/** The Debian packages the SIP set-up needs, for messages. */
export const SIP_PACKAGES = 'kamailio kamailio-extra-modules baresip-core'

/** What is missing for the SIP set-up (empty: everything is there), each naming its Debian package. */
export function missingSipPackages (): string[] {
  const missing: string[] = []
  if (!existsSync(KAMAILIO)) missing.push('kamailio (Debian package kamailio)')
  else if (spawnSync(KAMAILIO, ['-v'], { stdio: 'ignore' }).status !== 0) missing.push('a working kamailio (Debian package kamailio)')
  if (!existsSync(join(KAMAILIO_MODULES, 'evapi.so')) && !existsSync('/usr/lib/aarch64-linux-gnu/kamailio/modules/evapi.so')) missing.push('kamailio\'s evapi and jansson modules (Debian package kamailio-extra-modules)')
  if (!existsSync(BARESIP)) missing.push('baresip (Debian package baresip-core)')
  else if (!existsSync(join(BARESIP_MODULES, 'ctrl_tcp.so'))) missing.push('baresip\'s ctrl_tcp module (Debian package baresip-core)')
  return missing
}

/** A phone's baresip configuration (its `config` and `accounts` files). */
export function phoneConfig (phone: { user: string, sipPort: number, ctrlPort: number, rtpPorts: [number, number], domain: string, maxCalls?: number }): { config: string, accounts: string } {
  // Headless: a sine tone as the microphone (48 kHz stereo, or answered calls stay half-open),
  // a silent bridge as the speaker; G.711; commands and events over ctrl_tcp.
  const config = [
    'poll_method\tepoll',
    `sip_listen\t127.0.0.1:${phone.sipPort}`,
    'call_local_timeout\t120',
    `call_max_calls\t${phone.maxCalls ?? 4}`,
    'audio_player\taubridge,silent',
    'audio_source\tausine,440',
    'audio_alert\taubridge,silent',
    'ausrc_srate\t48000',
    'auplay_srate\t48000',
    'ausrc_channels\t2',
    'auplay_channels\t2',
    `rtp_ports\t${phone.rtpPorts[0]}-${phone.rtpPorts[1]}`,
    `module_path\t${BARESIP_MODULES}`,
    'module\tg711.so',
    'module\tausine.so',
    'module\taubridge.so',
    'module_tmp\taccount.so',
    'module_app\tmenu.so',
    'module_app\tctrl_tcp.so',
    `ctrl_tcp_listen\t127.0.0.1:${phone.ctrlPort}`,
    ''
  ].join('\n')
  const accounts = `<sip:${phone.user}@${phone.domain}>;regint=600;answermode=manual\n`
  return { config, accounts }
}

export interface SipStackOptions {
  /** The agents' extensions: one phone each. */
  agents: readonly string[]
  /** The caller phone's number (the control face places calls from it); none when absent. */
  caller?: string
  /** Where the configuration goes (default: a new folder under the system's temp dir). */
  dir?: string
  /** Called with each process's output lines (tests keep them for failures). */
  onOutput?: (who: string, line: string) => void
}

export interface SipStack {
  readonly dir: string
  /** kamailio's SIP address (`host:port`, UDP): the phones' domain. */
  readonly domain: string
  readonly evapi: { host: string, port: number }
  readonly phones: readonly PhoneAddress[]
  readonly caller: PhoneAddress | undefined
  /** Kills a phone at once (SIGKILL), as a crash would. */
  killPhone: (extension: string) => Promise<void>
  /** Stops kamailio (SIGTERM) and starts it again on the same ports; the registrations are kept (db_text). */
  restartKamailio: () => Promise<void>
  /** Phones first, then kamailio: SIGTERM, then SIGKILL after `graceMs`. */
  stop: (graceMs?: number) => Promise<void>
}

interface Proc {
  who: string
  child: ChildProcess
  exited: Promise<void>
  output: () => string
}

async function bindable (port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
  if (!tcp) return false
  return await new Promise<boolean>(resolve => {
    const socket = createSocket('udp4')
    socket.once('error', () => { socket.close(); resolve(false) })
    socket.bind(port, '127.0.0.1', () => { socket.close(() => { resolve(true) }) })
  })
}

/** `count` consecutive ports free for TCP and UDP on loopback, from a random start. */
async function freePorts (count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const start = 20000 + Math.floor(Math.random() * 30000)
    let ok = true
    for (let p = start; p < start + count && ok; p++) ok = await bindable(p)
    if (ok) return start
  }
  throw new Error('no free ports on loopback')
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}

function run (who: string, command: string, args: string[], cwd: string, onOutput?: (who: string, line: string) => void): Proc {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const take = (chunk: string): void => {
    output = (output + chunk).slice(-64_000)
    for (const line of chunk.split('\n')) if (line.trim() !== '') onOutput?.(who, line)
  }
  child.stdout?.setEncoding('utf8').on('data', take)
  child.stderr?.setEncoding('utf8').on('data', take)
  // Whatever ends this process (a crash, a test runner giving up) takes the phones and kamailio with it.
  const orphan = (): void => { child.kill('SIGKILL') }
  process.once('exit', orphan)
  const exited = new Promise<void>(resolve => {
    child.once('exit', () => { process.removeListener('exit', orphan); resolve() })
    child.once('error', err => { take(`${err.message}\n`); process.removeListener('exit', orphan); resolve() })
  })
  return { who, child, exited, output: () => output }
}

async function until (what: string, probe: () => boolean | Promise<boolean>, proc: Proc, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await probe()) return
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.who} ended before ${what}: ${proc.output().slice(-2000)}`)
    if (Date.now() > deadline) throw new Error(`${proc.who}: no ${what} in ${ms} ms: ${proc.output().slice(-2000)}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

async function stopProc (proc: Proc, graceMs: number): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return
  proc.child.kill('SIGTERM')
  const timer = setTimeout(() => { proc.child.kill('SIGKILL') }, graceMs)
  await proc.exited
  clearTimeout(timer)
}

/**
 * Starts kamailio (sip/kamailio.cfg) and one baresip phone per agent extension (and the caller
 * phone), all on free loopback ports, each phone registered before it resolves. Whatever was
 * started is stopped again when a later step fails.
 */
export async function startSipStack (options: SipStackOptions): Promise<SipStack> {
  const missing = missingSipPackages()
  if (missing.length > 0) throw new Error(`the SIP set-up needs ${missing.join(', ')}: apt-get install ${SIP_PACKAGES}`)
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'his-sip-'))
  mkdirSync(dir, { recursive: true })
  const ownDir = options.dir === undefined
  const sipPort = await freePorts(1)
  const evapiPort = await freePorts(1)
  const domain = `127.0.0.1:${sipPort}`
  const procs: Proc[] = []
  let kamailio: Proc | undefined

  // Registrations in db_text files: a restarted kamailio still knows every phone.
  const db = join(dir, 'db')
  mkdirSync(db, { recursive: true })
  copyFileSync(join(DBTEXT_SCHEMA, 'version'), join(db, 'version'))
  copyFileSync(join(DBTEXT_SCHEMA, 'location'), join(db, 'location'))
  const startKamailio = async (): Promise<Proc> => {
    const k = run('kamailio', KAMAILIO, ['-DD', '-E', '-f', projectPath('sip/kamailio.cfg'), '-A', `SIP_PORT=${sipPort}`, '-A', `EVAPI_ADDR="127.0.0.1:${evapiPort}"`, '-A', `LOCATION_DB="text://${db}"`, '-w', dir, '-Y', dir, '-P', join(dir, 'kamailio.pid')], dir, options.onOutput)
    await until('evapi listening', async () => await accepts(evapiPort), k)
    return k
  }
  const stop = async (graceMs = 3000): Promise<void> => {
    await Promise.all(procs.map(async p => { await stopProc(p, graceMs) }))
    if (kamailio !== undefined) await stopProc(kamailio, graceMs)
    if (ownDir) rmSync(dir, { recursive: true, force: true })
  }
  try {
    kamailio = await startKamailio()
    const startPhone = async (user: string, maxCalls: number): Promise<PhoneAddress> => {
      const base = await freePorts(3)
      const rtp = await freePorts(1)
      const phoneDir = join(dir, `phone-${user}`)
      mkdirSync(phoneDir, { recursive: true })
      // baresip takes sip_listen and the next port (TLS); ctrl_tcp after them.
      const files = phoneConfig({ user, sipPort: base, ctrlPort: base + 2, rtpPorts: [rtp, rtp + 40], domain, maxCalls })
      writeFileSync(join(phoneDir, 'config'), files.config)
      writeFileSync(join(phoneDir, 'accounts'), files.accounts)
      const p = run(`phone ${user}`, BARESIP, ['-f', phoneDir], phoneDir, options.onOutput)
      procs.push(p)
      await until('registration', () => / 200 OK /.test(p.output()), p)
      await until('ctrl_tcp listening', async () => await accepts(base + 2), p)
      return { extension: user, host: '127.0.0.1', port: base + 2 }
    }
    const phones: PhoneAddress[] = []
    for (const agent of options.agents) phones.push(await startPhone(agent, 4))
    const caller = options.caller === undefined ? undefined : await startPhone(options.caller, 32)
    const byUser = new Map(procs.map((p, i) => [options.agents[i] ?? options.caller ?? '', p]))
    return {
      dir,
      domain,
      evapi: { host: '127.0.0.1', port: evapiPort },
      phones,
      caller,
      async killPhone (extension) {
        const p = byUser.get(extension)
        if (p === undefined) throw new Error(`no phone ${extension}`)
        p.child.kill('SIGKILL')
        await p.exited
      },
      async restartKamailio () {
        if (kamailio !== undefined) await stopProc(kamailio, 3000)
        kamailio = await startKamailio()
      },
      stop
    }
  } catch (err) {
    await stop(1000)
    throw err
  }
}
