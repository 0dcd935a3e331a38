import { parseArgs } from 'node:util'
import { report, runConformance } from './conformance.js'

/**
 * `npm run conformance -- --url ws://127.0.0.1:3100 --token <CTI_BRIDGE_TOKEN> --agent agent1:demo-pass-1`:
 * the CTI bridge conformance suite against a running connector. Exit code 0 when every check passes.
 */
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://127.0.0.1:3100' },
    token: { type: 'string', default: process.env.CTI_BRIDGE_TOKEN ?? '' },
    agent: { type: 'string', default: 'agent1:demo-pass-1' },
    wait: { type: 'string', default: '3000' }
  }
})
const at = values.agent.indexOf(':')
if (at < 1) {
  process.stderr.write('--agent must be <id>:<password>\n')
  process.exit(2)
}
const results = await runConformance({
  url: values.url,
  token: values.token,
  agent: { id: values.agent.slice(0, at), password: values.agent.slice(at + 1) },
  waitMs: Number(values.wait)
})
process.stdout.write(`CTI bridge conformance: ${values.url}\n\n${report(results)}\n`)
process.exitCode = results.every(r => r.ok) ? 0 : 1
