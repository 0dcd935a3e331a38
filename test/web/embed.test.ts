import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import type { Frame, FrameLocator, Page } from 'playwright-core'
import { browserTests, shown } from '../helpers/browser.js'
import { processes, startServer } from '../helpers/process.js'
import { http, until } from '../bridge/desk.js'
import { projectPath } from '../../src/paths.js'

// The media bar embedded in a CRM page, in a real Chromium: examples/crm-host.html served from
// an origin of its own (a node:http server on 127.0.0.1), the bar's server a process whose
// FRAME_ANCESTORS names that origin. The page frames the bar, the agent logs in inside the frame,
// the page's click-to-dial places a call, an incoming call pops up on the page with its caller
// and attached data; messages from any other frame or origin are ignored; and with the default
// FRAME_ANCESTORS (or another origin named) the bar refuses to be framed.

const { browser, browserTest } = browserTests(t, 'embed')

const ENV = { SIM_LOGIN_DELAY_MS: '50', SSE_RETRY_MS: '250' }
const HOST_PAGE = readFileSync(projectPath('examples/crm-host.html'), 'utf8')
const BLANK = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>another frame</title></head><body>another frame</body></html>'
const CALLER = '+15551234567'
const OUTSIDE = '+15550100200'

t.setTimeout(240_000)

/** Serves `pages` (path → HTML) on a free port of 127.0.0.1 until the test ends; returns its origin. */
async function serve (t: Test, pages: Record<string, string>): Promise<string> {
  const server = createServer((request, response) => {
    const page = pages[new URL(request.url ?? '/', 'http://localhost').pathname]
    if (page === undefined) response.writeHead(404).end()
    else response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page)
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise(resolve => { server.close(resolve) })
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

type Message = Record<string, unknown>

/** The host page's log of the bar's messages (window.crmHost.messages). */
async function hostMessages (page: Page): Promise<Message[]> {
  return await page.evaluate(() => (window as unknown as { crmHost: { messages: Message[] } }).crmHost.messages)
}

/** Waits until the host page has a message of the bar that has (at least) `like`'s fields; returns it. */
async function hostGot (page: Page, like: Message, timeout = 10000): Promise<Message> {
  const handle = await page.waitForFunction((like) => {
    const matches = (value: unknown, pattern: unknown): boolean => {
      if (pattern === null || typeof pattern !== 'object') return value === pattern
      if (value === null || typeof value !== 'object') return false
      return Object.entries(pattern).every(([key, p]) => matches((value as Record<string, unknown>)[key], p))
    }
    return (window as unknown as { crmHost: { messages: unknown[] } }).crmHost.messages.find(m => matches(m, like))
  }, like, { timeout })
  return await handle.jsonValue() as Message
}

/** Posts `message` to the bar's frame from the host page, naming the bar's origin. */
async function hostPosts (page: Page, message: unknown): Promise<void> {
  await page.evaluate((message) => {
    const frame = document.getElementById('bar') as HTMLIFrameElement
    frame.contentWindow?.postMessage(message, new URL(frame.src).origin)
  }, message)
}

/** Adds an iframe of `url` to the host page; returns its frame once loaded. */
async function addFrame (page: Page, url: string): Promise<Frame> {
  await page.evaluate(async (url) => {
    const frame = document.createElement('iframe')
    frame.src = url
    frame.title = url
    await new Promise(resolve => { frame.addEventListener('load', resolve, { once: true }); document.body.append(frame) })
  }, url)
  const frame = page.frames().find(f => f.url() === url)
  if (frame === undefined) throw new Error(`no frame at ${url}`)
  return frame
}

function barFrame (page: Page, base: string): Frame {
  const frame = page.frames().find(f => f.url().startsWith(base))
  if (frame === undefined) throw new Error(`no frame of the bar at ${base}`)
  return frame
}

const ignored = async (frame: Frame): Promise<number> => await frame.evaluate(() => (window as unknown as { mediaBarEmbed: { ignored: number } }).mediaBarEmbed.ignored)
const button = (scope: FrameLocator | ReturnType<FrameLocator['locator']>, name: string) => scope.getByRole('button', { name, exact: true })
const card = (bar: FrameLocator, caller: string) => bar.locator('article.card', { has: bar.locator('.caller', { hasText: shown(caller) }) })

browserTest('a CRM page on an origin FRAME_ANCESTORS names frames the bar: login in the frame, click-to-dial, a screen pop; other frames and origins are ignored', async (t, pages) => {
  const keep = processes(t)
  const host = await serve(t, { '/': HOST_PAGE, '/widget.html': BLANK })
  const foreign = await serve(t, { '/': BLANK })
  const server = await keep(startServer({ ...ENV, FRAME_ANCESTORS: host }))
  const context = await browser().newContext({ viewport: { width: 1280, height: 900 } })
  t.teardown(async () => { await context.close() })
  const page = await context.newPage()
  pages.crm = page
  page.setDefaultTimeout(10000)
  const consoled: string[] = []
  const consoleErrors: string[] = []
  page.on('console', message => {
    consoled.push(message.text())
    // Every frame's console: the bar's errors too. The host's server has no favicon.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${message.location().url}: ${message.text()}`)
  })
  await page.goto(`${host}/?bar=${encodeURIComponent(server.base + '/')}`)

  // The bar loads in the frame and says it is ready, to the host's origin only.
  const bar = page.frameLocator('#bar')
  await bar.locator('#connection[data-status="live"]').waitFor()
  t.pass('the bar loads in the CRM page\'s frame and connects')
  t.same(await hostGot(page, { type: 'his.ready' }), { type: 'his.ready', version: 1, agent: null, calls: [] }, 'his.ready: no agent, no call yet')
  const frame = barFrame(page, server.base)
  t.equal(await frame.evaluate(() => (window as unknown as { mediaBarEmbed: { host: string } }).mediaBarEmbed.host), host, 'the bar talks to the host\'s origin')

  // Before login the bar cannot dial for the page.
  await hostPosts(page, { type: 'his.dial', destination: '1004', requestId: 'early' })
  t.same(await hostGot(page, { type: 'his.dial.result', requestId: 'early' }),
    { type: 'his.dial.result', requestId: 'early', ok: false, code: 'NOT_LOGGED_IN', message: 'the agent is not logged in' }, 'a dial before login: NOT_LOGGED_IN')

  // agent3 logs in inside the frame.
  await bar.getByLabel('Agent id').fill('agent3')
  await bar.getByLabel('Password').fill('demo-pass-3')
  await button(bar, 'Log in').click()
  await bar.locator('#agent-title', { hasText: 'Alan Turing · ext. 1003' }).waitFor()
  const agent = await hostGot(page, { type: 'his.agent', state: 'not_ready', agent: { name: 'Alan Turing' } })
  t.same(agent.agent, { name: 'Alan Turing', extension: '1003', state: 'not_ready', reason: null, loggedIn: true }, 'his.agent: the agent logged in, not ready')
  await page.locator('#bar-status', { hasText: 'Agent Alan Turing (ext. 1003): not_ready' }).waitFor()
  await button(bar, 'Dial').and(bar.locator(':enabled')).waitFor()

  // Messages from a frame of another origin, and from a sibling frame of the host's own origin
  // (not the bar's parent), are ignored: no dial, no answer. The bar could dial now.
  const before = await ignored(frame)
  const seen = (await hostMessages(page)).length
  for (const other of [await addFrame(page, `${foreign}/`), await addFrame(page, `${host}/widget.html`)]) {
    await other.evaluate(() => {
      const bar = window.parent.frames[0] as Window
      bar.postMessage({ type: 'his.dial', destination: '1004', requestId: 'foreign' }, '*')
      bar.postMessage({ type: 'his.hello' }, '*')
      bar.postMessage({ type: 'his.dial', destination: 42 }, '*')
    })
  }
  await until('the bar ignored the six messages', async () => await ignored(frame) >= before + 6 ? true : undefined)
  await page.waitForTimeout(500)
  t.equal(await ignored(frame) - before, 6, 'six messages ignored: three from another origin, three from a frame that is not the bar\'s parent')
  t.same((await hostMessages(page)).slice(seen), [], 'no answer to them, not even an error')
  t.equal(await bar.locator('article.card').count(), 0, 'and no call')
  t.same((await http(server.base, 'GET', '/simulator/calls')).json.calls, [], 'the simulator has no call')
  t.equal(await frame.evaluate(() => (window as unknown as { mediaBarEmbed: { host: string } }).mediaBarEmbed.host), host, 'the bar still talks to the host only')

  // Malformed messages from the host get his.error, never an exception.
  const refusals: Array<[unknown, Message, string]> = [
    [{ type: 'his.dial', destination: 42, requestId: 'm1' }, { code: 'INVALID_MESSAGE', requestId: 'm1' }, 'a destination that is not a string'],
    [{ type: 'his.dial', destination: '1'.repeat(65), requestId: 'm2' }, { code: 'INVALID_MESSAGE', requestId: 'm2' }, 'a destination of 65 characters'],
    [{ type: 'his.dial', destination: '   ', requestId: 'm3' }, { code: 'INVALID_MESSAGE', requestId: 'm3' }, 'a blank destination'],
    [{ type: 'his.dial', destination: '1004', requestId: 7 }, { code: 'INVALID_MESSAGE', requestId: null }, 'a requestId that is not a string'],
    [{ type: 'his.hangup', requestId: 'm5' }, { code: 'UNKNOWN_COMMAND', requestId: 'm5' }, 'an unknown type'],
    ['his.hello', { code: 'INVALID_MESSAGE', requestId: null }, 'a string, not an object'],
    [{ type: ['his.hello'] }, { code: 'INVALID_MESSAGE', requestId: null }, 'a type that is not a string']
  ]
  for (const [message, expected, why] of refusals) {
    const count = (await hostMessages(page)).length
    await hostPosts(page, message)
    await page.waitForFunction((count) => (window as unknown as { crmHost: { messages: unknown[] } }).crmHost.messages.length > count, count)
    const answer = (await hostMessages(page))[count] ?? {}
    t.match(answer, { type: 'his.error', ...expected, message: String }, `${why}: his.error ${String(expected.code)}`)
  }
  t.equal(await bar.locator('article.card').count(), 0, 'none of them dialled')

  // Click-to-dial on the CRM page: the bar dials, shows the outbound call, and tells the page.
  await page.getByRole('link', { name: 'Call +1 555 010 0200' }).click()
  t.same(await hostGot(page, { type: 'his.dial.result', requestId: 'dial-1' }), { type: 'his.dial.result', requestId: 'dial-1', ok: true }, 'his.dial.result ok')
  const outbound = card(bar, OUTSIDE)
  await outbound.waitFor()
  t.pass('the bar shows the outbound call')
  t.equal(await bar.locator('#dial-destination').inputValue(), OUTSIDE, 'the number is in the bar\'s dial field')
  const ringing = await hostGot(page, { type: 'his.call', event: 'ringing', call: { direction: 'outbound' } })
  t.match(ringing.call, { direction: 'outbound', ani: '1003', dnis: OUTSIDE, state: 'DIALING', queue: null, udata: {} }, 'his.call ringing: the outbound call')
  await hostGot(page, { type: 'his.call', event: 'connected', call: { dnis: OUTSIDE } })
  t.pass('his.call connected when the outside number answers')
  await page.getByRole('link', { name: 'Call +1 555 010 0200' }).click()
  const again = await hostGot(page, { type: 'his.dial.result', requestId: 'dial-2' })
  t.match(again, { ok: false, code: 'NOT_ENABLED' }, 'a second dial while on the call: NOT_ENABLED (Dial is off)')
  await button(outbound, 'Hang up').and(bar.locator(':enabled')).waitFor()
  await button(outbound, 'Hang up').click()
  await hostGot(page, { type: 'his.call', event: 'ended', call: { dnis: OUTSIDE } })
  t.pass('his.call ended when the agent hangs up')
  await button(outbound, 'Complete wrap-up').and(bar.locator(':enabled')).waitFor()
  await button(outbound, 'Complete wrap-up').click()
  await outbound.waitFor({ state: 'detached' })

  // An incoming call with attached data: the page pops it up.
  const placed = await http(server.base, 'POST', '/simulator/calls', { from: CALLER, to: '1003', data: { account: '42' } })
  t.equal(placed.status, 201, 'a call to agent3 is placed')
  const incoming = await hostGot(page, { type: 'his.call', event: 'ringing', call: { direction: 'inbound' } })
  t.match(incoming.call, { direction: 'inbound', ani: CALLER, dnis: '1003', udata: { account: '42' }, state: 'ALERTING' }, 'his.call ringing: ANI and attached data')
  await page.locator('#screen-pop:not([hidden])').waitFor()
  t.match(await page.locator('#pop-caller').textContent(), new RegExp(`^\\${CALLER} is calling 1003`), 'the screen pop shows the caller')
  t.same(await page.locator('#pop-data dt, #pop-data dd').allTextContents(), ['account', '42'], 'and the attached data')
  const inbound = card(bar, CALLER)
  await button(inbound, 'Answer').and(bar.locator(':enabled')).waitFor()
  await button(inbound, 'Answer').click()
  await hostGot(page, { type: 'his.call', event: 'connected', call: { ani: CALLER } })
  await button(inbound, 'Hold').and(bar.locator(':enabled')).waitFor()
  await button(inbound, 'Hold').click()
  await hostGot(page, { type: 'his.call', event: 'held', call: { ani: CALLER } })
  t.pass('his.call connected, then held')
  const { callId } = placed.json as { callId: string }
  t.equal((await http(server.base, 'DELETE', `/simulator/calls/${encodeURIComponent(callId)}`)).status, 200, 'the caller hangs up')
  await hostGot(page, { type: 'his.call', event: 'ended', call: { ani: CALLER } })
  await page.locator('#screen-pop[hidden]').waitFor({ state: 'attached' })
  t.pass('his.call ended; the screen pop goes')
  await button(inbound, 'Complete wrap-up').and(bar.locator(':enabled')).waitFor()
  await button(inbound, 'Complete wrap-up').click()
  await inbound.waitFor({ state: 'detached' })

  // The agent logs out: the page hears it. Nothing secret ever reached the page.
  const credential = await frame.evaluate(() => sessionStorage.getItem('mediabar.resume'))
  t.ok(credential !== null, 'the bar keeps its resume credential in the frame\'s sessionStorage')
  const { resumeToken } = JSON.parse(credential ?? '{}') as { resumeToken: string }
  await button(bar, 'Log out').and(bar.locator(':enabled')).waitFor()
  await button(bar, 'Log out').click()
  await hostGot(page, { type: 'his.agent', state: 'logged_out' })
  const all = JSON.stringify(await hostMessages(page))
  t.notOk(all.includes(resumeToken), 'no resume credential in any message')
  t.notOk(all.includes('demo-pass-3'), 'no password in any message')
  t.notOk(/token/i.test(all), 'no token of any kind')
  t.same([...new Set((await hostMessages(page)).map(m => m.type))].sort(), ['his.agent', 'his.call', 'his.dial.result', 'his.error', 'his.ready'], 'only the documented messages')
  t.notOk(consoled.some(line => line.includes(resumeToken)), 'no resume credential on the console')
  t.same(consoleErrors, [], 'no error on the console of any frame (the bar\'s included)')
})

browserTest('the bar refuses to be framed by a page FRAME_ANCESTORS does not name (the default: none)', async (t, pages) => {
  const keep = processes(t)
  const host = await serve(t, { '/': HOST_PAGE })
  const settings: Array<[Record<string, string>, RegExp, string]> = [
    [{}, /frame-ancestors 'none'/, 'the default'],
    [{ FRAME_ANCESTORS: "'self' http://crm.example.com" }, /frame-ancestors 'self' http:\/\/crm\.example\.com/, 'another origin named']
  ]
  for (const [env, directive, why] of settings) {
    const server = await keep(startServer({ ...ENV, ...env }))
    const context = await browser().newContext()
    t.teardown(async () => { await context.close() })
    const page = await context.newPage()
    pages[why] = page
    const consoled: string[] = []
    page.on('console', message => { consoled.push(message.text()) })
    const framed = page.waitForResponse(response => response.url() === `${server.base}/`)
    await page.goto(`${host}/?bar=${encodeURIComponent(server.base + '/')}`)
    const response = await framed
    t.match(response.headers()['content-security-policy'], directive, `${why}: the bar's page says frame-ancestors`)
    t.equal(response.headers()['x-frame-options'], env.FRAME_ANCESTORS === undefined ? 'DENY' : undefined, `${why}: X-Frame-Options agrees (DENY; none when an origin is named)`)
    await until(`${why}: Chromium refuses the frame`, async () => consoled.some(line => /^(Framing '[^']+' violates|Refused to frame)/.test(line) && directive.test(line)) ? true : undefined)
    t.pass(`${why}: Chromium refuses to frame the bar (it says so on the console)`)
    await until(`${why}: the error page`, async () => page.frames().some(f => f.url().startsWith('chrome-error:')) ? true : undefined)
    t.pass(`${why}: the frame shows Chromium's error page`)
    await page.waitForTimeout(500)
    t.equal(await page.frameLocator('#bar').locator('#connection').count(), 0, `${why}: no media bar in the frame`)
    t.same(await hostMessages(page), [], `${why}: no message from it`)
    const services = ((await http(server.base, 'GET', '/services')).json as { data: { services: Array<{ serviceStatus: { clientCount: number } }> } }).data.services
    t.same(services.map(s => s.serviceStatus.clientCount), services.map(() => 0), `${why}: no media bar bound to its services`)
  }
})
