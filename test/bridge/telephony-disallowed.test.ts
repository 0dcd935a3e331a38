// test/telephony/disallowed.test.ts again, over the CTI bridge: the same scenarios against a simulator
// connector (test/helpers/app.ts, TEST_CTI=bridge) instead of the embedded simulator.
import t from 'tap'

process.env.TEST_CTI = 'bridge'
// Over the bridge the same scenarios take longer than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)
await import('../telephony/disallowed.test.js')
