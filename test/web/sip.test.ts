import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { browserTests, logIn, openBar } from '../helpers/browser.js'
import { haveSip, startSip } from '../helpers/sip.js'
import { http, until } from '../bridge/desk.js'

// The README's SIP set-up in a real Chromium: the media bar against a server whose CTI is the SIP
// connector, kamailio and baresip phones (docs/connectors/sip.md). Every step is a click; what the
// phones did is read from the connector's log of their events.

t.setTimeout(180_000)
const { browser, browserTest } = browserTests(t, 'sip')

const button = (scope: Page | ReturnType<Page['locator']>, name: string) => scope.getByRole('button', { name, exact: true })
const card = (page: Page, caller: string) => page.locator('article.card', { has: page.locator('.caller', { hasText: caller }) })
const offered = async (scope: Page | ReturnType<Page['locator']>, name: string): Promise<boolean> => await button(scope, name).count() > 0

async function expectState (t: Test, page: Page, text: string): Promise<void> {
  await page.locator('#agent-state', { hasText: new RegExp(`^${text}$`) }).waitFor()
  t.pass(`agent state shows ${text}`)
}

async function goReady (t: Test, page: Page): Promise<void> {
  const ready = button(page, 'Ready')
  await ready.and(page.locator(':enabled')).waitFor()
  await ready.click()
  await expectState(t, page, 'Ready')
}

if (haveSip(t)) {
  browserTest('a real SIP call from the media bar: ring me, answer, hold, retrieve, digits, transfer, the caller hangs up', async (t, pages) => {
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

    await pageB.getByRole('button', { name: /^Caller hangs up \(5550100/ }).click()
    await callB.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
    t.pass('the caller hung up from the panel: agent2 wraps up')
    await button(callB, 'Complete wrap-up').click()
    await callB.waitFor({ state: 'detached' })
    await expectState(t, pageB, 'Ready')
    t.same((await http(sip.base, 'GET', '/simulator/calls')).json.calls, [], 'no call is left')
  })
}
