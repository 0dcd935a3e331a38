import t from 'tap'
import { browserTests, button, card, expectState, goReady, logIn, offered, openBar } from '../helpers/browser.js'
import { haveSip, startSip } from '../helpers/sip.js'
import { http, until } from '../bridge/desk.js'

// The README's SIP set-up in a real Chromium: the media bar against a server whose CTI is the SIP
// connector, kamailio and baresip phones (docs/connectors/sip.md). Every step is a click; what the
// phones did is read from the connector's log of their events.

t.setTimeout(180_000)
const { browser, browserTest } = browserTests(t, 'sip')

if (haveSip(t)) {
  browserTest('a real SIP call from the media bar: ring me, answer, hold, retrieve, digits, transfer, hang up; the caller gives up from the panel', async (t, pages) => {
    const sip = await startSip(t, ['1001', '1002'])
    const a = await openBar(browser(), sip.base)
    const b = await openBar(browser(), sip.base)
    pages.a = a.page
    pages.b = b.page
    const pageA = a.page
    const pageB = b.page
    t.teardown(async () => { await a.context.close(); await b.context.close() })
    await logIn(pageA, 'agent1', 'demo-pass-1')
    await pageA.locator('#agent-title', { hasText: 'Ada Lovelace · ext. 1001' }).waitFor()
    await logIn(pageB, 'agent2', 'demo-pass-2')
    await pageB.locator('#agent-title', { hasText: 'Grace Hopper · ext. 1002' }).waitFor()
    await goReady(t, pageA)
    await goReady(t, pageB)

    // "Ring me": the caller phone (5550100) calls extension 1001 through kamailio.
    await button(pageA, 'Ring me').click()
    const callA = card(pageA, '5550100')
    await callA.locator('.ix-state', { hasText: 'Ringing' }).waitFor()
    await until('phone 1001 rings', async () => sip.saw(/"phone":"1001","type":"CALL_INCOMING"/) ? true : undefined)
    t.pass('the bar shows the real call ringing, and phone 1001 rings')
    t.equal(await offered(callA, 'Consult'), false, 'Consult is never offered (the phones cannot)')
    await button(callA, 'Answer').click()
    await callA.locator('.ix-state', { hasText: 'Connected' }).waitFor()
    await until('media flows', async () => sip.saw(/"phone":"1001","type":"CALL_RTPESTAB"/) ? true : undefined)
    t.pass('answered on the phone: connected, RTP established')
    t.equal(await offered(callA, 'Conference'), false, 'Conference is never offered')

    await button(callA, 'Hold').and(pageA.locator(':enabled')).waitFor()
    await button(callA, 'Hold').click()
    await callA.locator('.ix-state', { hasText: 'On hold' }).waitFor()
    await button(callA, 'Retrieve').click()
    await callA.locator('.conversations li', { hasText: 'Caller: Connected' }).waitFor()
    t.pass('hold and retrieve')

    await callA.locator('summary', { hasText: 'Digits and attached data' }).click()
    await callA.locator('[data-field="digits"]').fill('7')
    await button(callA, 'Send digits').click()
    await until('the caller\'s phone hears 7', async () => sip.saw(/"phone":"5550100","type":"CALL_DTMF_START"[^\n]*"param":"7"/) ? true : undefined)
    t.pass('the digits reach the caller\'s phone')

    await callA.getByLabel('Transfer, consult or conference to').fill('1002')
    await button(callA, 'Transfer').click()
    await callA.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
    const callB = card(pageB, '5550100')
    await callB.locator('.ix-state', { hasText: 'Ringing' }).waitFor()
    await until('phone 1002 rings', async () => sip.saw(/"phone":"1002","type":"CALL_INCOMING"/) ? true : undefined)
    await button(callB, 'Answer').click()
    await callB.locator('.ix-state', { hasText: 'Connected' }).waitFor()
    t.pass('transferred by REFER: agent2 answered the same caller')
    await button(callA, 'Complete wrap-up').click()
    await callA.waitFor({ state: 'detached' })

    await button(callB, 'Hang up').click()
    await callB.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
    await until('the caller\'s phone hung up too', async () => (await http(sip.base, 'GET', '/simulator/calls')).json.calls.length === 0 ? true : undefined)
    t.pass('agent2 hung up: wrap-up, and the caller\'s phone is hung up (BYE)')
    await button(callB, 'Complete wrap-up').click()
    await callB.waitFor({ state: 'detached' })
    await expectState(t, pageB, 'Ready')

    // Ring me again; the caller gives up from the panel while it rings.
    await expectState(t, pageA, 'Ready')
    await button(pageA, 'Ring me').click()
    const again = card(pageA, '5550100')
    await again.locator('.ix-state', { hasText: 'Ringing' }).waitFor()
    await pageA.getByRole('button', { name: /^Caller hangs up \(5550100/ }).click()
    await again.waitFor({ state: 'detached' })
    t.pass('the caller hung up from the panel while it rang: the card goes')
    await expectState(t, pageA, 'Ready')
    t.same((await http(sip.base, 'GET', '/simulator/calls')).json.calls, [], 'no call is left')
  })
}
