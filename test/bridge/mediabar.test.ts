// test/web/mediabar.test.ts again, in the README's second set-up: each server the test starts
// gets a simulator connector process of its own (npm run simulator) and uses it over CTI_URL.
import t from 'tap'

process.env.TEST_CTI = 'bridge'
// Over the bridge the same scenarios take longer than tap's 30 s per file on a slow machine.
t.setTimeout(180_000)
await import('../web/mediabar.test.js')
