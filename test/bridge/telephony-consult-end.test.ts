// test/telephony/consult-end.test.ts again, over the CTI bridge: the same scenarios against a simulator
// connector (test/helpers/app.ts, TEST_CTI=bridge) instead of the embedded simulator.
process.env.TEST_CTI = 'bridge'
await import('../telephony/consult-end.test.js')
