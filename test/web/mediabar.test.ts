import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { browserTests, button, card, expectState, goReady, logIn, offered, openBar } from '../helpers/browser.js'
import { startServer, type ServerProcess } from '../helpers/process.js'
import { freePort } from '../../bench/lib.js'

// The media bar at / in a real Chromium, against real server processes. CI installs Debian's
// chromium (.ci/run); on a machine without it these tests are skipped with a message.

const ENV = { SIM_LOGIN_DELAY_MS: '50', SSE_RETRY_MS: '250' }

t.setTimeout(240_000)
const { browser, browserTest: anyCti } = browserTests(t, 'mediabar')
/** A test about the page and its servers, not the CTI: run in the embedded set-up only. */
const about = (what: 'the CTI' | 'the page') => what === 'the page' && process.env.TEST_CTI === 'bridge' ? { skip: 'about the page and its servers, not the CTI: run in the embedded set-up only' } : {}
function browserTest (name: string, fn: (t: Test, pages: Record<string, Page | undefined>) => Promise<void>, what: 'the CTI' | 'the page' = 'the CTI'): void {
  anyCti(name, fn, about(what))
}

browserTest('an agent\'s day: takeover, ready, a call answered, held, consulted and transferred, wrap-up, logout', async (t, pages) => {
  const server = await startServer(ENV)
  t.teardown(async () => { await server.stop() })

  // Desktop A, at 320 px: agent1 logs in with the keyboard only.
  const a = await openBar(browser(), server.base, 320)
  pages.a = a.page
  const pageA = a.page
  await pageA.locator('#connection[data-status="live"]').waitFor()
  t.match(await pageA.locator('#server').textContent(), /Simulator · \d+ clients?/, 'the chosen server and its load are shown')
  await pageA.locator('#server #load', { hasText: /^1 client$/ }).waitFor()
  t.pass('the load is the current one (this media bar\'s own client), not the count when the server was chosen')
  t.same(await pageA.locator('#model option').allTextContents(), ['RNA', 'default'], 'call models come from getCapabilities')
  t.equal(await pageA.locator('#model').inputValue(), 'default', 'the processor\'s default model is preselected')
  await pageA.getByLabel('Agent id').focus()
  await pageA.keyboard.type('agent1')
  await pageA.keyboard.press('Tab')
  await pageA.keyboard.type('demo-pass-1')
  await pageA.keyboard.press('Enter')
  await pageA.locator('#agent-title', { hasText: 'Ada Lovelace · ext. 1001' }).waitFor()
  t.pass('agent1 logged in from the keyboard')
  await goReady(t, pageA)
  t.equal(await offered(pageA, 'Ready'), false, 'Ready is not offered while ready (from state.updated)')
  t.equal(await pageA.locator('#agent button:disabled').count(), 0, 'no wall of disabled buttons: only what the agent can do now')
  const overflow = await pageA.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  t.equal(overflow, 0, 'nothing scrolls sideways at 320 px')

  // Desktop B: agent1 again. The server asks; B takes over; A is told.
  const b = await openBar(browser(), server.base)
  pages.b = b.page
  const pageB = b.page
  await logIn(pageB, 'agent1', 'demo-pass-1')
  await pageB.locator('#confirm-message', { hasText: /already has a session/ }).waitFor()
  t.pass('the confirm answer shows the server\'s message')
  await button(pageB, 'Take over the session').click()
  await pageB.locator('#agent-title', { hasText: 'Ada Lovelace' }).waitFor()
  await pageA.getByText('Your session was taken over by another media bar.').waitFor()
  await pageA.locator('#login:not([hidden])').waitFor()
  t.pass('A is told its session was taken over and sees the login form')
  t.equal(await pageB.locator('#password').inputValue(), '', 'the password field is cleared after login')

  // A becomes agent2 (with a wrong password first: a clear error, the form stays).
  await logIn(pageA, 'agent2', 'wrong')
  await pageA.getByText(/Login failed: .*\(AUTH_FAILED\)/).waitFor()
  await logIn(pageA, 'agent2', 'demo-pass-2')
  await pageA.locator('#agent-title', { hasText: 'Grace Hopper · ext. 1002' }).waitFor()
  await goReady(t, pageA)
  await expectState(t, pageB, 'Ready')
  t.pass('B took agent1 over as they were: still ready, no second login')

  // The simulator rings agent1 (B) with attached data.
  await button(pageB, 'Ring me').click()
  const callB = card(pageB, '+15551234567')
  await callB.waitFor()
  await callB.locator('.ix-state', { hasText: 'Ringing' }).waitFor()
  t.equal(await callB.locator('.udata dd').first().textContent(), '42', 'the attached data is shown')
  t.equal(await button(callB, 'Answer').isEnabled(), true, 'Answer is enabled while alerting')
  t.equal(await offered(callB, 'Hold'), false, 'Hold is not offered while ringing')
  await expectState(t, pageB, 'On a call')
  await button(callB, 'Answer').click()
  await callB.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  await button(callB, 'Hold').and(pageB.locator(':enabled')).waitFor()
  t.equal(await offered(callB, 'Answer'), false, 'Answer is gone once connected')
  t.match(await callB.locator('.timer').textContent(), /^\d\d:\d\d$/, 'a running timer')

  await button(callB, 'Hold').click()
  await callB.locator('.conversations li', { hasText: 'Caller: On hold' }).waitFor()
  await callB.locator('.ix-state', { hasText: 'On hold' }).waitFor()
  await button(callB, 'Retrieve').and(pageB.locator(':enabled')).waitFor()
  t.equal(await offered(callB, 'Hold'), false, 'Hold is not offered while held')
  await button(callB, 'Retrieve').click()
  await callB.locator('.conversations li', { hasText: 'Caller: Connected' }).waitFor()
  await button(callB, 'Hold').and(pageB.locator(':enabled')).waitFor()
  t.pass('hold and retrieve')

  // Consult agent2 (A), who answers; then complete the transfer.
  await callB.getByLabel('Transfer, consult or conference to').fill('1002')
  await button(callB, 'Consult').click()
  await callB.locator('.conversations li', { hasText: 'Consult call' }).waitFor()
  const callA = card(pageA, '1001')
  await callA.locator('.ix-state', { hasText: 'Ringing' }).waitFor()
  t.match(await callA.locator('.meta').textContent(), /^Consult call/, 'the consulted agent sees a consult call from agent1\'s extension')
  t.equal(await callA.locator('.udata dd').first().textContent(), '42', 'the consulted agent sees the caller\'s data')
  await button(callA, 'Answer').click()
  await button(callB, 'Complete transfer').and(pageB.locator(':enabled')).waitFor()
  await button(callB, 'Complete transfer').click()
  await callB.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
  await expectState(t, pageB, 'Wrap-up')
  t.equal(await button(callB, 'Complete wrap-up').isEnabled(), true, 'wrap-up can be completed')
  t.equal(await callB.locator('.conversations li').count(), 0, 'no conversations left after the transfer')
  await callA.locator('.conversations li', { hasText: 'Caller: Connected' }).waitFor()
  t.pass('agent2 talks to the caller after the transfer')

  await callB.getByLabel('Disposition').fill('transferred to sales')
  await button(callB, 'Complete wrap-up').click()
  await callB.waitFor({ state: 'detached' })
  await expectState(t, pageB, 'Ready')
  t.equal(await pageB.locator('#no-interactions').isVisible(), true, 'B has no calls')

  // The caller hangs up on agent2 from the simulator panel; A wraps up.
  await pageA.getByRole('button', { name: /^Caller hangs up \(\+1 555 123 4567/ }).click()
  await callA.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
  await button(callA, 'Complete wrap-up').click()
  await callA.waitFor({ state: 'detached' })
  await expectState(t, pageA, 'Ready')

  // B logs out with a reason; Log in again becomes the only enabled button.
  await pageB.getByLabel('Logout reason').fill('end of shift')
  await button(pageB, 'Log out').click()
  await expectState(t, pageB, 'Logged out')
  await pageB.getByText('Logged out (end of shift).').waitFor()
  await button(pageB, 'Log in again').and(pageB.locator(':enabled')).waitFor()
  t.same(await pageB.locator('#session-buttons button').allTextContents(), ['Log in again'], 'Log in again is the only action after logout')
  t.equal(await pageB.locator('#connection').getAttribute('data-status'), 'live', 'still connected')
  await a.context.close()
  await b.context.close()
})

browserTest('a reload mid-call: the bar takes the session back by itself (resume credential) and shows the call as it is, timer and all', async (t, pages) => {
  const server = await startServer(ENV)
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base)
  pages.bar = page
  await logIn(page, 'agent4', 'demo-pass-4')
  await goReady(t, page)
  await button(page, 'Ring me').click()
  const call = card(page, '+15551234567')
  await button(call, 'Answer').and(page.locator(':enabled')).waitFor()
  await button(call, 'Answer').click()
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  const answeredAt = Number(await call.locator('.timer').getAttribute('data-since'))

  await page.reload()
  const adopted = card(page, '+15551234567')
  await adopted.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  t.pass('the call card is back')
  await button(adopted, 'Hold').and(page.locator(':enabled')).waitFor()
  t.equal(await offered(adopted, 'Answer'), false, 'no Answer: the call is connected')
  t.equal(await adopted.locator('.udata dd').first().textContent(), '42', 'with its attached data')
  const since = Number(await adopted.locator('.timer').getAttribute('data-since'))
  t.ok(Math.abs(since - answeredAt) < 1000, `the timer counts from when the call was answered, not from the reload (${since - answeredAt} ms apart)`)
  await expectState(t, page, 'On a call')
  const calls = await (await fetch(`${server.base}/simulator/calls`)).json() as { calls: Array<{ state: string, parties: Array<{ agentId?: string, state: string }> }> }
  t.match(calls.calls, [{ state: 'connected', parties: [{ state: 'connected' }, { agentId: 'agent4', state: 'connected' }] }], 'the call is still up in the simulator')

  t.equal(await page.locator('#login').isHidden(), true, 'no login form: the tab kept its resume credential')
  t.equal(await page.locator('#confirm').isHidden(), true, 'and no takeover prompt')
  t.equal(await page.locator('#password').inputValue(), '', 'no password typed')

  await button(adopted, 'Hold').click()
  await button(adopted, 'Retrieve').and(page.locator(':enabled')).waitFor()
  t.pass('and the adopted call is worked like any other')

  // Another tab has no credential (sessionStorage is per tab): the password, and the server asks.
  const other = await context.newPage()
  pages.other = other
  other.setDefaultTimeout(10000)
  await other.goto(server.base + '/')
  await logIn(other, 'agent4', 'demo-pass-4')
  await other.locator('#confirm-message', { hasText: /already has a session/ }).waitFor()
  t.pass('a second tab is asked before it takes the session')
  await button(other, 'Take over the session').click()
  await card(other, '+15551234567').locator('.ix-state', { hasText: 'On hold' }).waitFor()
  await page.getByText('Your session was taken over by another media bar.').waitFor()
  t.equal(await page.evaluate(() => sessionStorage.getItem('mediabar.resume')), null, 'the tab taken over forgets its credential')
  await context.close()
})

browserTest('the page recovers after the server restarts', async (t, pages) => {
  const port = await freePort()
  let server: ServerProcess = await startServer({ ...ENV, PORT: String(port) })
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base)
  pages.bar = page
  await logIn(page, 'agent3', 'demo-pass-3')
  await goReady(t, page)
  const before = await page.evaluate(() => (window as unknown as { mediaBar: { lastEventId: number } }).mediaBar.lastEventId)
  t.ok(before > 0, 'events arrived')

  await server.stop()
  await page.locator('#connection:not([data-status="live"])').waitFor()
  t.pass('the indicator shows the connection is gone')

  server = await startServer({ ...ENV, PORT: String(port) })
  await page.getByText(/The server restarted and your session with it\. Log in again/).waitFor()
  await page.locator('#login:not([hidden])').waitFor()
  await page.locator('#connection[data-status="live"]').waitFor()
  t.equal(await page.getByLabel('Agent id').inputValue(), 'agent3', 'the agent id is kept for the new login')
  await page.getByLabel('Password').fill('demo-pass-3')
  await button(page, 'Log in').click()
  await goReady(t, page)
  t.pass('logged in again on the restarted server')
  await context.close()
}, 'the page')

browserTest('chooses the accepting server with the fewest clients, across origins', async (t, pages) => {
  const deadPort = await freePort()
  const servingPort = await freePort()
  const other = await startServer({ ...ENV, CORS_ORIGINS: `http://127.0.0.1:${servingPort}` })
  t.teardown(async () => { await other.stop() })
  const serving = await startServer({
    ...ENV,
    PORT: String(servingPort),
    MEDIA_BAR_SERVERS: `http://127.0.0.1:${servingPort},${other.base},http://127.0.0.1:${deadPort}`
  })
  t.teardown(async () => { await serving.stop() })
  // The serving instance already has two clients on its processor.
  for (let i = 0; i < 2; i++) {
    const opened = await (await fetch(`${serving.base}/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json() as { token: string }
    await fetch(`${serving.base}/services/6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f/binding`, { method: 'POST', headers: { authorization: `Bearer ${opened.token}` } })
  }
  const { page, context } = await openBar(browser(), serving.base)
  pages.bar = page
  await page.locator('#connection[data-status="live"]').waitFor()
  t.equal(await page.locator('#server').getAttribute('data-base'), other.base, 'the other instance (0 clients) is chosen')
  t.match(await page.locator('#server').textContent(), /fewest of 3/, 'the choice is explained')
  await logIn(page, 'agent4', 'demo-pass-4')
  await goReady(t, page)
  const agents = await (await fetch(`${other.base}/simulator/agents`)).json() as { agents: Array<{ id: string, state: string }> }
  t.equal(agents.agents.find(a => a.id === 'agent4')?.state, 'ready', 'the agent is ready on the chosen instance')
  await context.close()
}, 'the page')

browserTest('falls back to the WebSocket face when EventSource keeps failing', async (t, pages) => {
  const server = await startServer(ENV)
  t.teardown(async () => { await server.stop() })
  const context = await browser().newContext({ viewport: { width: 420, height: 900 } })
  const page = await context.newPage()
  pages.bar = page
  page.setDefaultTimeout(10000)
  await page.route(/\/clients\/[^/]+\/events/, async route => { await route.abort('connectionrefused') })
  await page.goto(server.base + '/')
  await page.locator('#connection[data-status="live"][data-transport="WebSocket"]').waitFor()
  t.pass('switched to the WebSocket face')
  await logIn(page, 'agent1', 'demo-pass-1')
  await goReady(t, page)
  await button(page, 'Ring me').click()
  const call = card(page, '+15551234567')
  await button(call, 'Answer').and(page.locator(':enabled')).waitFor()
  t.pass('events arrive over the WebSocket')
  await context.close()
}, 'the page')
