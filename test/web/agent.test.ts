import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { axeViolations, browserTests, logIn, openBar } from '../helpers/browser.js'
import { processes, startConnector, startServer, type ServerProcess } from '../helpers/process.js'
import { freePort } from '../../bench/lib.js'
import { http } from '../bridge/desk.js'

// The media bar as an agent meets it, in a real Chromium against real server processes: a
// ringing call that cannot be missed (at the top, in view at 320×640, Answer focused, a ring, a
// spoken announcement, a desktop notification when the page is hidden), keyboard shortcuts,
// human words, notices that clear, honest buttons when the server is gone, and axe-core's scan
// of every screen.

t.setTimeout(240_000)
const { browser, browserTest } = browserTests(t, 'agent')
const ENV = { SIM_LOGIN_DELAY_MS: '50', SSE_RETRY_MS: '250' }
const CALLER = '+15551234567'
const SHOWN = '+1 555 123 4567'

const button = (scope: Page | ReturnType<Page['locator']>, name: string) => scope.getByRole('button', { name, exact: true })
const card = (page: Page) => page.locator('article.card', { has: page.locator('.caller', { hasText: SHOWN }) })
const enabled = (page: Page) => page.locator(':enabled')

/** axe-core finds nothing serious or critical on the screen as it is now. */
async function accessible (t: Test, page: Page, screen: string): Promise<void> {
  const violations = await axeViolations(page)
  t.same(violations, [], `axe-core: no serious or critical violation on the ${screen} screen`)
}

async function readyAs (t: Test, page: Page, agent: string, password: string): Promise<void> {
  await page.locator('#connection[data-status="live"]').waitFor()
  await logIn(page, agent, password)
  await button(page, 'Ready').and(enabled(page)).waitFor()
  await button(page, 'Ready').click()
  await page.locator('#agent-state', { hasText: /^Ready$/ }).waitFor()
}

const bar = async <T>(page: Page, read: string): Promise<T> => await page.evaluate(`window.mediaBar.${read}`) as T

browserTest('a ringing call at 320×640: on top and in view, Answer focused, rung and announced; the keyboard answers, holds and hangs up; axe-clean screens', async (t, pages) => {
  const server = await startServer(ENV)
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base, 320, 640)
  pages.bar = page
  await page.locator('#connection[data-status="live"]').waitFor()
  t.equal(await page.locator('#ring-toggle').textContent(), 'Ring: on (click to allow sound)', 'before any click or key the header says the browser keeps the page silent')
  await accessible(t, page, 'login')

  // The keyboard logs in; the first key press also lets the page make sound.
  await page.getByLabel('Agent id').focus()
  await page.keyboard.type('agent1')
  await page.locator('#ring-toggle', { hasText: /^Ring: on$/ }).waitFor()
  t.pass('after the first key, sound is allowed')
  await page.keyboard.press('Tab')
  await page.keyboard.type('demo-pass-1')
  await page.keyboard.press('Enter')
  await button(page, 'Ready').and(enabled(page)).waitFor()
  t.same(await page.locator('#session-buttons button').allTextContents(), ['Ready', 'Not ready', 'Dial', 'Log out'], 'the agent\'s actions, in their fixed order, and nothing disabled')
  await button(page, 'Ready').click()
  await page.locator('#agent-state', { hasText: /^Ready$/ }).waitFor()
  t.same(await page.locator('#session-buttons button').allTextContents(), ['Not ready', 'Dial', 'Log out'], 'once ready, Ready is no longer offered')
  t.equal(await page.locator('button:disabled').count(), 0, 'no disabled button anywhere: what cannot be done is not drawn')
  t.equal(await page.getByRole('button', { name: 'Log in again' }).count(), 0, 'no Log in again during a live session')
  t.match(await page.locator('footer.shortcuts').textContent(), /A\s*answer.*H\s*hang up.*K\s*hold \/ retrieve/s, 'the shortcuts are listed on the page')
  await accessible(t, page, 'ready')

  // A caller in the sales queue; agent1 is the only one ready.
  t.equal((await http(server.base, 'POST', '/simulator/calls', { from: CALLER, queue: 'sales', data: { account: '42', customer_tier: 'gold' } })).status, 201)
  const ringing = page.locator('#ringing article.card')
  await ringing.waitFor()
  const answer = button(ringing, 'Answer')
  await answer.waitFor()
  const box = await answer.boundingBox()
  t.ok(box !== null && box.y >= 0 && box.y + box.height <= 640 && box.x + box.width <= 320, `Answer is in view at 320×640 (${JSON.stringify(box)})`)
  t.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.command), 'conversation.answer', 'Answer has the focus: one key (Enter, or A) answers')
  t.ok(await page.evaluate(() => {
    const ringingTop = document.querySelector('#ringing')?.getBoundingClientRect().top ?? Infinity
    const agentTop = document.querySelector('#agent')?.getBoundingClientRect().top ?? -Infinity
    return ringingTop < agentTop
  }), 'the ringing card is above the agent panel')
  t.equal(await ringing.locator('.ix-state').textContent(), 'Ringing', 'the badge says Ringing')
  t.same(await ringing.locator('button:visible').allTextContents(), ['Answer', 'Reject'], 'while ringing: Answer first, then Reject, nothing else')
  t.equal(await answer.evaluate(el => el.className), 'primary answer', 'Answer is the one filled (green) button')
  t.equal(await button(ringing, 'Reject').evaluate(el => el.className), 'secondary danger', 'Reject is an outlined red one')
  t.same(await ringing.locator('.udata dt').allTextContents(), ['Account', 'Customer tier'], 'attached data with readable keys')
  t.equal(await page.locator('#announcer').textContent(), `Incoming call from ${SHOWN}, queue sales`, 'an assertive live region announces the caller and the queue')
  t.equal(await page.locator('#announcer').getAttribute('aria-live'), 'assertive')
  const ring = await bar<{ playing: boolean, bursts: number, audio: string, muted: boolean }>(page, 'ring')
  t.match(ring, { playing: true, muted: false, audio: 'running' }, 'the ring sounds (Web Audio, generated)')
  t.ok(ring.bursts >= 1, 'at least one ring burst started')
  await accessible(t, page, 'ringing')

  // A answers (the focus is on Answer; the key works from anywhere but a text field).
  await page.keyboard.press('a')
  const call = card(page)
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  t.equal(await page.locator('#ringing').isHidden(), true, 'the ringing area is gone once answered')
  t.equal((await bar<{ playing: boolean }>(page, 'ring')).playing, false, 'the ring stops')
  t.same((await call.locator('button:visible').allTextContents()).slice(0, 2), ['Hang up', 'Hold'], 'while talking: Hang up first, then Hold')
  t.equal(await button(call, 'Hang up').evaluate(el => el.className), 'primary danger', 'Hang up is the filled red button')
  t.equal(await page.locator('#agent-state').textContent(), 'On a call', 'the agent\'s state in words')
  t.match(await call.locator('.meta').textContent(), /^Incoming call · queue sales/, 'the call\'s kind and queue in words')
  await accessible(t, page, 'talking')

  await page.keyboard.press('k')
  await call.locator('.ix-state', { hasText: 'On hold' }).waitFor()
  t.pass('K holds')
  await page.keyboard.press('k')
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  t.pass('K retrieves')
  // In a text field the key types; with Alt it acts.
  const destination = call.getByLabel(/Transfer, consult or conference to/)
  await destination.focus()
  await page.keyboard.press('k')
  t.equal(await destination.inputValue(), 'k', 'K alone types into a text field')
  await page.keyboard.press('Alt+k')
  await call.locator('.ix-state', { hasText: 'On hold' }).waitFor()
  t.pass('Alt+K holds from inside the text field')
  await destination.fill('')
  await page.keyboard.press('Alt+k')
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur() })
  await page.keyboard.press('h')
  await call.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
  t.pass('H hangs up')
  await call.locator('.deadline[data-until]').waitFor()
  t.match(await call.locator('.deadline').textContent(), /^Wrap-up ends by itself in 00:(5\d|60)\.$/, 'the default model\'s 60-s wrap-up shows its deadline')
  t.equal(await page.locator('#agent-state').textContent(), 'Wrap-up')
  t.same(await call.locator('button:visible').allTextContents(), ['Complete wrap-up'], 'in wrap-up: Complete wrap-up only')
  await accessible(t, page, 'wrap-up')

  // While consulting, H hangs up the consult call, not the held customer.
  await button(call, 'Complete wrap-up').click()
  await call.waitFor({ state: 'detached' })
  t.equal((await http(server.base, 'POST', '/simulator/calls', { from: CALLER, to: '1001' })).status, 201)
  await page.locator('#ringing article.card').waitFor()
  await page.keyboard.press('a')
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  await call.getByLabel(/Transfer, consult or conference to/).fill('+15550100200')
  await button(call, 'Consult').click()
  await call.locator('.conversations li[data-role="consult"][data-state="connected"]').waitFor({ timeout: 15000 })
  await call.locator('.conversations li[data-role="primary"][data-state="held"]').waitFor()
  await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur() })
  await page.keyboard.press('h')
  await call.locator('.conversations li[data-role="consult"]').waitFor({ state: 'detached' })
  t.equal(await call.locator('.conversations li[data-role="primary"]').count(), 1, 'H ended the consult call: the customer is still there, held')
  await page.keyboard.press('k')
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  t.pass('K retrieves the held customer')
  await page.keyboard.press('h')
  await call.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()

  // The ring can be muted, and stays muted.
  await button(page, 'Ring: on').click()
  t.equal(await page.locator('#ring-toggle').getAttribute('aria-pressed'), 'false', 'the ring is off')
  t.equal(await page.evaluate(() => localStorage.getItem('mediabar.ringMuted')), 'true', 'and remembered')
  await button(call, 'Complete wrap-up').click()
  await call.waitFor({ state: 'detached' })
  t.equal((await http(server.base, 'POST', '/simulator/calls', { from: CALLER, to: '1001' })).status, 201)
  await page.locator('#ringing article.card').waitFor()
  t.match(await bar(page, 'ring'), { ringing: true, playing: false, muted: true }, 'muted: the call rings on screen, not aloud')
  await context.close()
})

browserTest('a desktop notification when the page is hidden and the agent allowed it', async (t, pages) => {
  const server = await startServer(ENV)
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base)
  pages.bar = page
  // The page believes the agent allowed notifications and is looking at another window.
  await page.addInitScript(() => {
    const shown: Array<{ title: string, body: string }> = []
    class FakeNotification {
      static permission = 'granted'
      static requestPermission = async (): Promise<string> => 'granted'
      onclick: (() => void) | null = null
      constructor (title: string, options: { body: string }) { shown.push({ title, body: options.body }) }
      close (): void {}
    }
    Object.assign(window, { Notification: FakeNotification, shownNotifications: shown })
    // Hidden as a browser hides a page: no animation frames either.
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' })
    Object.defineProperty(document, 'hidden', { get: () => true })
    window.requestAnimationFrame = () => 0
  })
  await page.reload()
  await readyAs(t, page, 'agent2', 'demo-pass-2')
  t.equal(await page.locator('#alerts-toggle').isHidden(), true, 'no "Desktop alerts" button once they are allowed')
  await http(server.base, 'POST', '/simulator/calls', { from: CALLER, to: '1002' })
  await page.locator('#ringing article.card').waitFor()
  t.same(await page.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications), [{ title: 'Incoming call', body: `Incoming call from ${SHOWN}` }], 'one notification, with the caller, though the hidden page gets no animation frames')
  await context.close()
})

browserTest('notices that belong to an action clear when it is over', async (t, pages) => {
  const server = await startServer(ENV)
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base)
  pages.bar = page
  await page.locator('#connection[data-status="live"]').waitFor()
  await logIn(page, 'agent3', 'wrong')
  const failed = page.getByText(/Login failed: .*\(AUTH_FAILED\)/)
  await failed.waitFor()
  await readyAs(t, page, 'agent3', 'demo-pass-3')
  t.equal(await failed.count(), 0, 'the failed login is no longer shown once logged in')

  // A request that fails on a call: its notice goes with the call.
  await http(server.base, 'POST', '/simulator/calls', { from: CALLER, to: '1003' })
  await button(page, 'Answer').click()
  const call = card(page)
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  await button(call, 'Transfer').click()
  const refused = page.locator('.notice.error', { hasText: /^Transfer: / })
  await refused.waitFor()
  t.pass(`a transfer with no destination is refused: ${await refused.textContent() ?? ''}`)
  await button(call, 'Hang up').click()
  await button(call, 'Complete wrap-up').click()
  await call.waitFor({ state: 'detached' })
  t.equal(await refused.count(), 0, 'the refused transfer\'s notice went with the call')

  // A logout's notice does not follow the agent into the next session.
  await page.getByLabel(/Logout reason/).fill('end of shift')
  await button(page, 'Log out').click()
  const loggedOut = page.getByText('Logged out (end of shift).')
  await loggedOut.waitFor()
  await button(page, 'Log in again').click()
  await button(page, 'Ready').and(enabled(page)).waitFor()
  t.equal(await loggedOut.count(), 0, 'the logout notice is gone when the agent logs in again')
  await context.close()
})

browserTest('the server stopped mid-call: every button off and a banner at once, the clocks stopped; after the restart the call is back with its buttons', async (t, pages) => {
  const keep = processes(t)
  const connector = await keep(startConnector({ CTI_BRIDGE_TOKEN: 'agent-test-token', SIM_LOGIN_DELAY_MS: '50' }))
  const port = await freePort()
  const env = { ...ENV, PORT: String(port), CTI_URL: connector.base, CTI_BRIDGE_TOKEN: 'agent-test-token' }
  let server: ServerProcess = await startServer(env)
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base)
  pages.bar = page
  await readyAs(t, page, 'agent4', 'demo-pass-4')
  await http(server.base, 'POST', '/simulator/calls', { from: CALLER, to: '1004', data: { account: '42' } })
  await button(page, 'Answer').click()
  const call = card(page)
  await button(call, 'Hold').and(enabled(page)).waitFor()

  const stoppedAt = Date.now()
  const stopped = server.stop()
  await page.locator('#banner:not([hidden])').waitFor({ timeout: 2000 })
  await page.locator('#connection:not([data-status="live"])').waitFor({ timeout: 2000 })
  t.comment(`banner shown ${Date.now() - stoppedAt} ms after SIGTERM`)
  for (const name of ['Hang up', 'Hold', 'Transfer']) t.equal(await button(call, name).isDisabled(), true, `${name} is off while the server is gone`)
  t.equal(await page.locator('#agent button:enabled, .card button:enabled').count(), 0, 'no call or agent button can be pressed')
  t.match(await page.locator('#banner').textContent(), /^The server is shutting down \(it said “server shutting down”\)\. Reconnecting… The buttons are off until the media bar is connected again\.$/, 'the banner says what the server said and what happens now')
  await stopped
  const frozen = await call.locator('.timer').textContent()
  await new Promise(resolve => setTimeout(resolve, 1500))
  t.equal(await call.locator('.timer').textContent(), frozen, 'the call\'s clock stopped with the connection')
  await accessible(t, page, 'offline')

  server = await startServer(env)
  await page.getByText(/The server restarted and your session with it/).waitFor()
  await page.locator('#login:not([hidden])').waitFor()
  t.equal(await page.locator('#banner').isHidden(), true, 'the banner goes when the bar is connected again')
  await page.getByLabel('Password').fill('demo-pass-4')
  await button(page, 'Log in').click()
  const back = card(page)
  await back.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  await button(back, 'Hold').and(enabled(page)).waitFor()
  t.pass('logged in again: the call is there, connected, with its buttons')
  await button(back, 'Hold').click()
  await back.locator('.ix-state', { hasText: 'On hold' }).waitFor()
  t.pass('and it is worked as before')
  await context.close()
})
