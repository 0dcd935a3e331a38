// test/web/mediabar.test.ts again, in the README's second set-up: each server the test starts
// gets a simulator connector process of its own (npm run simulator) and uses it over CTI_URL.
process.env.TEST_CTI = 'bridge'
await import('../web/mediabar.test.js')
