import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { browserTests, logIn, openBar } from '../helpers/browser.js'
import { processes, startConnector, startRedis, startServer, type ServerProcess } from '../helpers/process.js'
import { freePort } from '../../bench/lib.js'
import { http, until } from '../bridge/desk.js'

// The media bar in a shared domain, in a real Chromium: redis-server, the simulator connector
// and two instances, each a process started on a free port and stopped when the test ends,
// passed or not. The bar chooses an instance from GET /domain, takes its session back after a
// reload (the resume credential), and fails over by itself when its instance is killed.

t.setTimeout(240_000)
/** What the pages wrote on their consoles: a resume credential must never be there. */
const consoled: string[] = []
const { browser, browserTest } = browserTests(t, 'domain', {
  onPage: (_label, page) => { page.on('console', message => { consoled.push(message.text()) }) },
  after: (t) => {
    const tokens = [...new Set(seenTokens)]
    t.notOk(consoled.some(line => tokens.some(token => line.includes(token))), 'no resume credential on the console')
  }
})

const TOKEN = 'web-domain-test-bridge-token'
const CALLER = '+15551234567'

interface Domain {
  a: ServerProcess
  b: ServerProcess
  byBase: (base: string) => ServerProcess
}

/** redis-server, the connector and instances a and b, each with PUBLIC_URL = its own http://127.0.0.1:PORT. */
async function domain (t: Test, env: Record<string, string> = {}): Promise<Domain> {
  const keep = processes(t)
  const redisPort = await freePort()
  await keep(startRedis(redisPort))
  const connector = await keep(startConnector({ CTI_BRIDGE_TOKEN: TOKEN, SIM_LOGIN_DELAY_MS: '0' }))
  const instance = async (id: string): Promise<ServerProcess> => {
    const port = await freePort()
    return await keep(startServer({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      CTI_URL: connector.base,
      CTI_BRIDGE_TOKEN: TOKEN,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      INSTANCE_DOMAIN: 'web',
      INSTANCE_ID: id,
      SSE_RETRY_MS: '250',
      ...env
    }))
  }
  const a = await instance('a')
  const b = await instance('b')
  // The page's CSP (connect-src) and the peers' CORS name the instances each one has seen.
  for (const x of [a, b]) {
    // … and both accepting (each instance's CTI connection is up): the bar picks by load.
    await until('both instances listed and accepting', async () => {
      const instances = (await http(x.base, 'GET', '/domain')).json.instances as Array<{ acceptingClients?: boolean }>
      return instances.length === 2 && instances.every(i => i.acceptingClients === true) ? true : undefined
    }, 10000)
  }
  return { a, b, byBase: (base) => [a, b].find(x => x.base === base) ?? a }
}

const button = (scope: Page | ReturnType<Page['locator']>, name: string) => scope.getByRole('button', { name, exact: true })
const card = (page: Page) => page.locator('article.card', { has: page.locator('.caller', { hasText: '+1 555 123 4567' }) })
const enabled = (page: Page) => page.locator(':enabled')

/** Every resume credential a test saw in a page's sessionStorage (to look for it on screen and the console). */
const seenTokens: string[] = []
async function credential (page: Page): Promise<{ agentId: string, resumeToken: string, url: string } | null> {
  const stored = await page.evaluate(() => sessionStorage.getItem('mediabar.resume'))
  if (stored === null) return null
  const parsed = JSON.parse(stored) as { agentId: string, resumeToken: string, url: string }
  seenTokens.push(parsed.resumeToken)
  return parsed
}

async function noTokenOnScreen (t: Test, page: Page, token: string): Promise<void> {
  const html = await page.content()
  t.notOk(html.includes(token), 'the resume credential is nowhere in the page')
}

/** agent1 logs in at the bar, goes ready; a call to 1001 is placed on `base` and answered in the bar. */
async function agentOnACall (t: Test, page: Page, base: string): Promise<ReturnType<typeof card>> {
  await logIn(page, 'agent1', 'demo-pass-1')
  await page.locator('#agent-title', { hasText: 'Ada Lovelace · ext. 1001' }).waitFor()
  await button(page, 'Ready').and(enabled(page)).waitFor()
  await button(page, 'Ready').click()
  await page.locator('#agent-state', { hasText: /^Ready$/ }).waitFor()
  const placed = await http(base, 'POST', '/simulator/calls', { from: CALLER, to: '1001' })
  t.equal(placed.status, 201, 'a call to agent1 is placed')
  const call = card(page)
  await button(call, 'Answer').and(enabled(page)).waitFor()
  await button(call, 'Answer').click()
  await call.locator('.conversations li', { hasText: 'Caller: Connected' }).waitFor()
  await button(call, 'Hold').and(enabled(page)).waitFor()
  t.pass('agent1 is on a connected call, in the bar')
  return call
}

/** Records, in the page, every change of the connection indicator with whether any call button was usable then. */
async function recordButtons (page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { samples: Array<{ status: string, usable: string[], notices: string }> }
    w.samples = []
    const connection = document.getElementById('connection') as HTMLElement
    const notices = document.getElementById('notices') as HTMLElement
    const sample = (): void => {
      const usable = [...document.querySelectorAll<HTMLButtonElement>('.card button, #session-buttons button')].filter(b => !b.disabled).map(b => b.textContent ?? '')
      w.samples.push({ status: connection.dataset.status ?? '', usable, notices: notices.textContent ?? '' })
    }
    new MutationObserver(sample).observe(connection, { attributes: true, attributeFilter: ['data-status'] })
    new MutationObserver(sample).observe(notices, { childList: true })
    new MutationObserver(sample).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['disabled'] })
  })
}

browserTest('failover: the instance the bar is on is killed mid-call; the bar moves the session to the other one by itself', async (t, pages) => {
  const d = await domain(t)
  const { page, context } = await openBar(browser(), d.a.base)
  pages.bar = page
  await page.locator('#connection[data-status="live"]').waitFor()
  const header = await page.locator('#server').textContent() ?? ''
  t.match(header, /^Instance [ab] \(http:\/\/127\.0\.0\.1:\d+\) · Simulator · \d+ clients? \(fewest clients of 2 accepting in domain web; [ab]: 0 clients\)/, 'the header names the instance chosen from GET /domain, and why')
  const first = d.byBase(await page.locator('#server').getAttribute('data-base') ?? '')
  const other = first === d.a ? d.b : d.a
  t.equal(first, d.a, 'a tie goes to the page\'s own instance')

  const call = await agentOnACall(t, page, first.base)
  const kept = await credential(page)
  t.match(kept, { agentId: 'agent1', url: first.base, resumeToken: /^[A-Za-z0-9_-]{43}$/ }, 'the resume credential is kept in sessionStorage, with the instance')
  await noTokenOnScreen(t, page, kept?.resumeToken ?? '')

  await recordButtons(page)
  const killedAt = Date.now()
  first.child.kill('SIGKILL')
  await first.exited
  await page.locator('#connection:not([data-status="live"])').waitFor()
  t.equal(await button(call, 'Hold').isDisabled(), true, 'while the instance is gone, Hold is off')
  t.equal(await button(call, 'Hang up').isDisabled(), true, 'and so is Hang up')

  // By itself, within 10 s: the call, connected, on the other instance, with its buttons.
  const moved = page.locator(`#server[data-base="${other.base}"]`)
  await moved.waitFor({ timeout: 10000 })
  await call.locator('.conversations li', { hasText: 'Caller: Connected' }).waitFor({ timeout: Math.max(1, 10000 - (Date.now() - killedAt)) })
  await button(call, 'Hold').and(enabled(page)).waitFor({ timeout: Math.max(1, 10000 - (Date.now() - killedAt)) })
  await button(call, 'Hang up').and(enabled(page)).waitFor({ timeout: Math.max(1, 10000 - (Date.now() - killedAt)) })
  await page.locator('#connection[data-status="live"]').waitFor({ timeout: Math.max(1, 10000 - (Date.now() - killedAt)) })
  const took = Date.now() - killedAt
  t.ok(took <= 10000, `the bar is live on the other instance ${took} ms after the kill`)
  t.comment(`failover: SIGKILL → the bar live on the other instance, Hold and Hang up enabled: ${took} ms`)
  const failedOver = await page.evaluate(() => (window as unknown as { mediaBar: { failedOver: { ms: number } } }).mediaBar.failedOver)
  t.comment(`failover: the bar's own count, loss noticed → session back: ${failedOver.ms} ms`)

  const samples = await page.evaluate(() => (window as unknown as { samples: Array<{ status: string, usable: string[], notices: string }> }).samples)
  const offline = samples.filter(s => s.status !== 'live')
  t.ok(offline.length > 0, `the indicator left live (${[...new Set(offline.map(s => s.status))].join(', ')})`)
  t.same(offline.filter(s => s.usable.length > 0), [], 'no call or agent button was usable while the bar was not live')
  t.match(await page.locator('#server').textContent(), new RegExp(`^Failed over from ${first === d.a ? 'a' : 'b'} \\(${first.base}\\) to ${first === d.a ? 'b' : 'a'} \\(${other.base}\\) in \\d+\\.\\d s \\([ab] stopped answering\\)`), 'the header says it failed over, from which to which')
  await page.getByText(/Your session is back, on/).waitFor()
  t.pass('the bar said the session is back')
  t.ok(samples.some(s => /stopped answering\. Moving your session to another instance/.test(s.notices)), 'while it moved, a notice said the instance stopped answering and the session was moving')
  t.equal(await page.getByText(/Moving your session to another instance/).count(), 0, 'that notice is gone once the session is back: that is over')
  t.equal(await page.locator('#login').isHidden(), true, 'no login form')
  t.equal(await page.locator('#confirm').isHidden(), true, 'no takeover prompt')

  await button(call, 'Hold').click()
  await call.locator('.conversations li', { hasText: 'Caller: On hold' }).waitFor()
  await button(call, 'Retrieve').and(enabled(page)).waitFor()
  t.pass('Hold works on the new instance')
  const calls = (await http(other.base, 'GET', '/simulator/calls')).json.calls as Array<{ state: string }>
  t.match(calls, [{ state: 'connected', parties: [{ kind: 'external', state: 'connected' }, { agentId: 'agent1', state: 'held' }] }], 'the connector has the call, agent1\'s leg held')
  const rotated = await credential(page)
  t.match(rotated, { agentId: 'agent1', url: other.base }, 'the credential now names the new instance')
  t.not(rotated?.resumeToken, kept?.resumeToken, 'with a new token')

  await button(call, 'Retrieve').click()
  await call.locator('.conversations li', { hasText: 'Caller: Connected' }).waitFor()
  await button(call, 'Hang up').and(enabled(page)).waitFor()
  await button(call, 'Hang up').click()
  await call.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
  t.pass('and so does Hang up')

  // The page's origin is the dead instance's: b keeps allowing it (CORS, cross-origin writes)
  // after a's lease, for as long as a's resume credentials last.
  await until('a has left b\'s GET /domain', async () => ((await http(other.base, 'GET', '/domain')).json.instances as unknown[]).length === 1 ? true : undefined, 15000)
  await new Promise(resolve => setTimeout(resolve, 2500)) // b re-reads its peers every DOMAIN_LEASE_MS/3
  const stillAllowed = await page.evaluate(async (base) => await fetch(`${base}/domain`).then(r => r.ok, () => false), other.base)
  t.ok(stillAllowed, 'after the dead instance\'s lease, a page it served still calls the instance it failed over to')
  await context.close()
})

browserTest('reload mid-call: the bar takes its session back without a password or a prompt; a void credential brings the login form', async (t, pages) => {
  const d = await domain(t)
  const { page, context } = await openBar(browser(), d.a.base)
  pages.bar = page
  // Whether the login form is ever shown, from the first moment of each load.
  await context.addInitScript(() => {
    const w = window as unknown as { loginShown: boolean }
    w.loginShown = false
    new MutationObserver(() => {
      const login = document.getElementById('login')
      if (login !== null && !login.hidden) w.loginShown = true
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] })
  })
  await page.locator('#connection[data-status="live"]').waitFor()
  const home = d.byBase(await page.locator('#server').getAttribute('data-base') ?? '')
  const call = await agentOnACall(t, page, home.base)
  const answeredAt = Number(await call.locator('.timer').getAttribute('data-since'))
  const before = await credential(page)

  await page.reload()
  await call.locator('.conversations li', { hasText: 'Caller: Connected' }).waitFor()
  await button(call, 'Hold').and(enabled(page)).waitFor()
  t.equal(await page.evaluate(() => (window as unknown as { loginShown: boolean }).loginShown), false, 'the login form never showed')
  t.equal(await page.locator('#confirm').isHidden(), true, 'no takeover prompt')
  t.equal(await page.locator('#password').inputValue(), '', 'no password typed')
  t.equal(await page.locator('#server').getAttribute('data-base'), home.base, 'back on the instance that holds the session')
  t.match(await page.locator('#server').textContent(), /where your session is/, 'and the header says why')
  const since = Number(await call.locator('.timer').getAttribute('data-since'))
  t.ok(Math.abs(since - answeredAt) < 1000, 'the timer counts from the answer, not the reload')
  const after = await credential(page)
  t.not(after?.resumeToken, before?.resumeToken, 'the credential was used and replaced')
  await noTokenOnScreen(t, page, after?.resumeToken ?? '')
  await button(call, 'Hold').click()
  await button(call, 'Retrieve').and(enabled(page)).waitFor()
  t.pass('the call is worked as before')

  // The used credential, put back: refused (one use), the login form with the agent id.
  await page.evaluate((stale) => { sessionStorage.setItem('mediabar.resume', JSON.stringify(stale)) }, before)
  await page.reload()
  await page.getByText(/Your session could not be taken back: .*resume credential.*\(AUTH_FAILED\)/).waitFor()
  await page.locator('#login:not([hidden])').waitFor()
  t.equal(await page.getByLabel('Agent id').inputValue(), 'agent1', 'the login form has the agent id filled in')
  t.equal(await credential(page), null, 'the void credential is forgotten')

  await logIn(page, 'agent1', 'demo-pass-1')
  await page.locator('#confirm-message', { hasText: /already has a session/ }).waitFor()
  await button(page, 'Take over the session').click()
  await call.locator('.conversations li', { hasText: 'Caller: On hold' }).waitFor()
  t.pass('with the password (and the prompt: the bar before the reload is away, not gone) the call is back')
  t.match(await credential(page), { agentId: 'agent1' }, 'and a new credential is kept')

  // The agent's own logout forgets it.
  await button(call, 'Retrieve').and(enabled(page)).waitFor()
  await button(call, 'Retrieve').click()
  await button(call, 'Hang up').and(enabled(page)).waitFor()
  await button(call, 'Hang up').click()
  await button(call, 'Complete wrap-up').and(enabled(page)).waitFor()
  await button(call, 'Complete wrap-up').click()
  await button(page, 'Log out').and(enabled(page)).waitFor()
  await button(page, 'Log out').click()
  await page.getByText('Logged out (logout).').waitFor()
  t.equal(await credential(page), null, 'logging out forgets the credential')
  await context.close()
})
