import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Locator, Page } from 'playwright-core'
import { projectPath } from '../../src/paths.js'
import { axeViolations, browserTests, logIn, offered as isOffered, openBar } from '../helpers/browser.js'
import { processes, startConnector, startServer, type ServerProcess } from '../helpers/process.js'
import { freePort } from '../../bench/lib.js'
import { http } from '../bridge/desk.js'

// Chat beside the call (issue 20), in a real Chromium against a real server process: the chat
// channel's readiness and count, a chat started from the simulator panel, offered at the top and
// announced, accepted, messages both ways (Enter sends, Shift+Enter a new line, plain text only),
// the unread count and the customer's typing notice, three chats beside a call and a fourth that
// waits in the queue, a chat that rings out at a second agent and is offered again to the first,
// an empty first message refused in the simulator panel, no Log out while a chat is on, a transfer
// to the second agent who gets the transcript, the customer leaving, wrap-up and complete; a reload
// mid-chat keeps the chat and its transcript, and the buttons go off when the server goes; a chat
// kept by the contact center (a connector) over a server restart is adopted with its transcript.

t.setTimeout(240_000)
const { browser, browserTest } = browserTests(t, 'chat')
const ENV = { SIM_LOGIN_DELAY_MS: '50', SSE_RETRY_MS: '250' }
const CALLER = '+15551234567'
const ALICE = 'Alice Martin'
const BOB = 'Bob Stone'
const CAROL = 'Carol Diaz'
const DAVE = 'Dave Okafor'
/** The shipped models, plus one with a short ring-no-answer time (the RNA model's, 5 s) for agent2 in the walk. */
const QUICK_RNA = 'RNA-5s'
function modelsWithQuickRna (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'his-models-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  for (const file of readdirSync(projectPath('models')).filter(f => f.endsWith('.json'))) copyFileSync(projectPath('models', file), join(dir, file))
  writeFileSync(join(dir, `${QUICK_RNA}.json`), JSON.stringify({ extends: 'RNA', description: 'the RNA model, ringing 5 s', settings: { ringNoAnswerSeconds: 5 } }))
  return dir
}

const button = (scope: Page | Locator, name: string): Locator => scope.getByRole('button', { name, exact: true })
const enabled = (page: Page): Locator => page.locator(':enabled')
/** A chat's card by its customer's name. */
const chatCard = (page: Page, customer: string): Locator => page.locator('article.chat-card', { has: page.locator('.customer', { hasText: customer }) })
/** A line of a chat's transcript, by who wrote it and (part of) its text. */
const line = (card: Locator, from: 'customer' | 'agent' | 'system', text?: string | RegExp): Locator =>
  card.locator(`.transcript .line[data-from="${from}"]`, text === undefined ? {} : { has: card.page().locator('.text', { hasText: text }) })
const bar = async <T>(page: Page, read: string): Promise<T> => await page.evaluate(`window.mediaBar.${read}`) as T

async function accessible (t: Test, page: Page, screen: string): Promise<void> {
  t.same(await axeViolations(page), [], `axe-core: no serious or critical violation on the ${screen} screen`)
}

/** Logs in and makes the agent ready for chat (the chat channel's own readiness). */
async function chatReady (t: Test, page: Page, agent: string, password: string, model?: string): Promise<void> {
  await page.locator('#connection[data-status="live"]').waitFor()
  await logIn(page, agent, password, model)
  await page.locator('#chats:not([hidden]) #chat-state').waitFor()
  const ready = button(page.locator('#chats'), 'Ready for chat')
  await ready.and(enabled(page)).waitFor()
  await ready.click()
  await page.locator('#chat-state', { hasText: /^Chat: ready$/ }).waitFor()
  await button(page.locator('#chats'), 'Not ready for chat').and(enabled(page)).waitFor()
  t.pass(`${agent} is ready for chat`)
}

/** The simulator's chat of a customer (GET /simulator/chats). */
async function simChat (base: string, from: string): Promise<{ id: string, state: string, agentId: string | null, agentTyping: boolean, messages: Array<{ from: string, text: string }> }> {
  const { json } = await http(base, 'GET', '/simulator/chats')
  const chat = (json.chats as Array<{ id: string, from: string, state: string }>).filter(c => c.from === from && c.state !== 'ended').at(-1)
  if (chat === undefined) throw new Error(`no live chat from ${from} in the simulator: ${JSON.stringify(json)}`)
  // The list carries each chat's last message; the chat itself, its transcript.
  return (await http(base, 'GET', `/simulator/chats/${chat.id}`)).json.chat as never
}

async function until (what: string, check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Starts a chat as a customer through the simulator panel. */
async function startChat (page: Page, from: string, queue: string, text: string): Promise<void> {
  await page.getByLabel('Customer name').fill(from)
  await page.getByLabel('Chat queue').selectOption(queue)
  await page.getByLabel('First message').fill(text)
  await button(page, 'Start chat').click()
}

browserTest('chats beside a call: offered on top and announced, accepted, messages both ways, unread and typing, three chats and a fourth waiting, ring-no-answer and the offer again, a transfer, the customer leaves, wrap-up', async (t, pages) => {
  const server = await startServer({ ...ENV, MODELS_DIR: modelsWithQuickRna(t) })
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base, 420, 1000)
  pages.a = page
  await chatReady(t, page, 'agent1', 'demo-pass-1')
  t.match(await page.locator('#chat-count').textContent(), /^0 of \d+ chats?$/, 'the chat count: none of the most the agent may have')
  t.equal(await page.locator('#agent-state').textContent(), 'Not ready', 'chat readiness is apart from the agent\'s voice state')
  t.same(await page.locator('#chat-channel-buttons button').allTextContents(), ['Not ready for chat'], 'once ready for chat, only Not ready for chat is offered')

  // A customer starts a chat from the simulator panel: offered at the top, announced, not rung.
  await startChat(page, ALICE, 'support', 'Hello, my parcel has not arrived.')
  const offered = page.locator('#ringing article.chat-card')
  await offered.waitFor()
  t.equal(await offered.locator('.customer').textContent(), ALICE, 'the offered chat shows the customer\'s name')
  t.equal(await offered.locator('.ix-state').textContent(), 'Offered', 'its state: Offered')
  t.ok(await page.evaluate(() => (document.querySelector('#ringing')?.getBoundingClientRect().top ?? Infinity) < (document.querySelector('#agent')?.getBoundingClientRect().top ?? -Infinity)), 'the offered chat is above the agent panel, as a ringing call')
  await button(offered, 'Accept').waitFor()
  t.same(await offered.locator('.ix-buttons button').allTextContents(), ['Accept', 'Reject'], 'while offered: Accept first, then Reject')
  t.equal(await button(offered, 'Accept').evaluate(el => el.className), 'primary answer', 'Accept is the one filled green button')
  await page.locator('#announcer', { hasText: `Chat offered from ${ALICE}, queue support` }).waitFor()
  t.pass('an assertive live region announces the offered chat')
  t.equal((await bar<{ ringing: boolean }>(page, 'ring')).ringing, false, 'a chat does not ring (the ring is the telephone\'s)')
  await line(offered, 'customer', 'Hello, my parcel has not arrived.').waitFor()
  t.pass('the customer\'s first message is in the offered chat\'s transcript')
  t.equal(await offered.getByLabel(`Message to ${ALICE}`).isDisabled(), true, 'the composer is off until the chat is accepted (chat.send not enabled)')
  await accessible(t, page, 'chat offered')

  await button(offered, 'Accept').click()
  const alice = chatCard(page, ALICE)
  await alice.locator('.ix-state', { hasText: 'Chatting' }).waitFor()
  t.equal(await alice.evaluate(el => el.parentElement?.id), 'chat-cards', 'accepted, the chat moves to the Chats section')
  t.equal(await page.locator('#ringing').isHidden(), true, 'nothing waits at the top any more')
  const composer = alice.getByLabel(`Message to ${ALICE}`)
  await until('the composer to have the focus', async () => await composer.evaluate(el => el === document.activeElement))
  t.pass('after Accept the composer has the focus')
  t.equal(await alice.locator('.unread').isHidden(), true, 'the agent looks at the chat: nothing unread')
  await page.locator('#chat-count', { hasText: /^1 of \d+ chats?$/ }).waitFor()
  t.same(await alice.locator('.ix-buttons button').allTextContents(), ['Send', 'Transfer', 'End chat'], 'while chatting: Send, Transfer, End chat')

  // The agent writes: the customer sees the agent typing; Enter sends, Shift+Enter a new line.
  await composer.pressSequentially('Hello Alice, let me check.')
  const first = await simChat(server.base, ALICE)
  t.equal(first.agentId, 'agent1', 'the simulator\'s chat is with agent1')
  await until('the customer to see the agent typing', async () => (await simChat(server.base, ALICE)).agentTyping)
  t.pass('chat.typing: the customer sees "the agent is typing"')
  await composer.press('Enter')
  await line(alice, 'agent', 'Hello Alice, let me check.').waitFor()
  t.equal(await composer.inputValue(), '', 'the composer is emptied once the message is sent')
  await composer.pressSequentially('Your order number?')
  await composer.press('Shift+Enter')
  await composer.pressSequentially('It starts with A-.')
  t.equal(await composer.inputValue(), 'Your order number?\nIt starts with A-.', 'Shift+Enter makes a new line')
  await composer.press('Enter')
  await line(alice, 'agent', 'It starts with A-.').waitFor()
  t.equal(await line(alice, 'agent').last().locator('.text').textContent(), 'Your order number?\nIt starts with A-.', 'one message of two lines')
  await until('the customer to get both', async () => (await simChat(server.base, ALICE)).messages.filter(m => m.from === 'agent').length === 2)
  t.pass('the customer got both messages')

  // The customer writes (from the panel, so the composer is not focused): unread, then read.
  const aliceRow = page.locator('#sim-chats li', { hasText: ALICE })
  await aliceRow.getByLabel(`Write as ${ALICE}`).fill('A-1234')
  await aliceRow.getByRole('button', { name: /^Send as customer/ }).click()
  await line(alice, 'customer', 'A-1234').waitFor()
  await alice.locator('.unread', { hasText: /^1 unread$/ }).waitFor()
  t.pass('a message that came while the composer was not focused is unread')
  const markup = '<b>bold</b> <img src=x onerror="window.owned=1"> & done'
  await aliceRow.getByLabel(`Write as ${ALICE}`).fill(markup)
  await aliceRow.getByLabel(`Write as ${ALICE}`).press('Enter')
  await alice.locator('.unread', { hasText: /^2 unread$/ }).waitFor()
  const written = line(alice, 'customer').last()
  t.equal(await written.locator('.text').textContent(), markup, 'the customer\'s text is shown as written')
  t.equal(await written.locator('b, img').count(), 0, 'never as markup')
  t.equal(await page.evaluate(() => (window as unknown as { owned?: number }).owned), undefined, 'and nothing of it ran')
  const { id: aliceId } = await simChat(server.base, ALICE)
  t.equal((await http(server.base, 'POST', `/simulator/chats/${aliceId}/typing`, { typing: true })).status, 200)
  await alice.locator('.typing', { hasText: `${ALICE} is typing…` }).waitFor()
  t.pass('the customer\'s typing notice')
  t.equal((await http(server.base, 'POST', `/simulator/chats/${aliceId}/typing`, { typing: false })).status, 200)
  await until('the typing notice to go', async () => await alice.locator('.typing').textContent() === '')
  t.pass('and it goes when they stop')
  await composer.focus()
  await alice.locator('.unread').waitFor({ state: 'hidden' })
  t.pass('focusing the composer reads the chat: no unread count')
  const times = await alice.locator('.transcript time').allTextContents()
  t.ok(times.length >= 5 && times.every(x => /^\d\d:\d\d$/.test(x)), `every line has its time (${times.join(', ')})`)
  t.same(await alice.locator('.transcript .line .who').allTextContents(), [ALICE, 'Agent', 'Agent', ALICE, ALICE], 'customer and agent lines, in order')

  // A call beside the chat: calls stay as they are, in their own section.
  t.equal((await http(server.base, 'POST', '/simulator/calls', { from: CALLER, to: '1001' })).status, 201)
  const ringingCall = page.locator('#ringing-cards article.card')
  await button(ringingCall, 'Answer').click()
  const call = page.locator('#cards article.card')
  await call.locator('.ix-state', { hasText: 'Connected' }).waitFor()
  t.equal(await page.locator('#cards article.chat-card').count(), 0, 'no chat among the calls')
  t.equal(await page.locator('#chat-cards article.card:not(.chat-card)').count(), 0, 'no call among the chats')
  t.equal(await alice.locator('.ix-state').textContent(), 'Chatting', 'the chat goes on beside the call')

  // A second chat at once.
  await startChat(page, BOB, 'support', 'Hi, I want to change my address.')
  const bobOffered = page.locator('#ringing article.chat-card', { has: page.locator('.customer', { hasText: BOB }) })
  await button(bobOffered, 'Accept').click()
  const bob = chatCard(page, BOB)
  await bob.locator('.ix-state', { hasText: 'Chatting' }).waitFor()
  await page.locator('#chat-count', { hasText: /^2 of \d+ chats$/ }).waitFor()
  t.equal(await page.locator('#chat-cards article.chat-card').count(), 2, 'two chat cards')
  t.equal(await page.locator('#cards article.card').count(), 1, 'and the call')
  const bobComposer = bob.getByLabel(`Message to ${BOB}`)
  await bobComposer.fill('Of course, which address?')
  await bobComposer.press('Enter')
  await line(bob, 'agent', 'Of course, which address?').waitFor()
  t.equal(await line(alice, 'agent', 'Of course').count(), 0, 'each chat has its own transcript')
  await accessible(t, page, 'two chats beside a call')

  // A third chat: three at once beside the call, the most agent1 may have (CHAT_MAX_PER_AGENT).
  await startChat(page, CAROL, 'support', 'Are you open on Sunday?')
  const carolOffered = page.locator('#ringing article.chat-card', { has: page.locator('.customer', { hasText: CAROL }) })
  await button(carolOffered, 'Accept').click()
  const carol = chatCard(page, CAROL)
  await carol.locator('.ix-state', { hasText: 'Chatting' }).waitFor()
  await page.locator('#chat-count', { hasText: /^3 of 3 chats$/ }).waitFor()
  t.equal(await page.locator('#chat-cards article.chat-card').count(), 3, 'three chat cards')
  t.equal(await page.locator('#cards article.card').count(), 1, 'beside the call')

  // Bad input in the simulator panel: a chat with no first message is refused, and the bar says why.
  await page.getByLabel('First message').fill('')
  await button(page, 'Start chat').click()
  const refusal = page.locator('#notices .notice.error', { hasText: /^Simulator: .*text.*\(INVALID_MESSAGE\)/ })
  await refusal.waitFor()
  t.equal(await refusal.getAttribute('role'), 'alert', `the simulator's refusal is shown, as an alert: ${await refusal.locator('span').textContent() ?? ''}`)
  t.equal(await page.locator('#sim-chats li').count(), 3, 'and no chat was started')

  // A fourth chat waits in the queue: agent1 has no room, nobody else is ready for chat.
  await startChat(page, DAVE, 'support', 'Hello? Is anybody there?')
  await refusal.waitFor({ state: 'detached' })
  t.pass('the next simulator action clears the refusal')
  const daveRow = page.locator('#sim-chats li', { hasText: DAVE })
  await daveRow.locator('.sim-chat-state', { hasText: `${DAVE}: waiting in queue support` }).waitFor()
  t.equal(await page.locator('#ringing article.chat-card').count(), 0, 'nothing is offered to agent1: the fourth chat waits')
  t.equal(await page.locator('#chat-count').textContent(), '3 of 3 chats')

  // agent2 (the RNA model, ringing 5 s) becomes ready for chat: the waiting chat is offered there.
  const b = await openBar(browser(), server.base, 420, 1000)
  pages.b = b.page
  await chatReady(t, b.page, 'agent2', 'demo-pass-2', QUICK_RNA)
  const daveAtB = chatCard(b.page, DAVE)
  await daveAtB.locator('.ix-state', { hasText: 'Offered' }).waitFor()
  t.pass('a slot free at agent2: the waiting chat is offered')
  await button(b.page, 'Not ready').waitFor()
  t.equal(await isOffered(b.page, 'Log out'), false, 'agent2 has a chat (offered): no Log out, as with a call')
  // agent1 ends and completes Carol's chat: room for one more.
  await button(carol, 'End chat').click()
  await button(carol, 'Complete wrap-up').click()
  await carol.waitFor({ state: 'detached' })
  await page.locator('#chat-count', { hasText: /^2 of 3 chats$/ }).waitFor()
  // Nobody answers at agent2: it rings out and is offered again, to agent1.
  const daveAgain = page.locator('#ringing article.chat-card', { has: page.locator('.customer', { hasText: DAVE }) })
  await daveAgain.waitFor({ timeout: 15_000 })
  t.pass('the chat rang out at agent2 and is offered again, to agent1')
  await line(daveAgain, 'customer', 'Hello? Is anybody there?').waitFor()
  await daveAtB.waitFor({ state: 'detached' })
  await b.page.locator('#chat-state', { hasText: /^Chat: not ready$/ }).waitFor()
  t.equal(await b.page.locator('#chat-reason').textContent(), 'RNA', 'agent2\'s chat channel: not ready, reason RNA')
  await button(b.page.locator('#chats'), 'Ready for chat').waitFor()
  await button(b.page, 'Log out').waitFor()
  t.pass('agent2 has no chat any more: Log out is offered again')
  await daveRow.getByRole('button', { name: /^Customer leaves/ }).click()
  await daveAgain.waitFor({ state: 'detached' })
  t.pass('the customer gives up: the offer goes')

  // Bob's chat goes to agent2 (not ready for chat, but with room), who gets it with its transcript.
  await bob.getByLabel('Transfer to (agent extension or queue)').fill('1002')
  await button(bob, 'Transfer').click()
  const bobAtB = chatCard(b.page, BOB)
  await bobAtB.locator('.ix-state', { hasText: 'Offered' }).waitFor()
  await line(bobAtB, 'agent', 'Of course, which address?').waitFor()
  t.pass('agent2 is offered the chat with its transcript')
  await button(bobAtB, 'Accept').click()
  await bobAtB.locator('.ix-state', { hasText: 'Chatting' }).waitFor()
  t.same(await bobAtB.locator('.transcript .line:not([data-from="system"]) .text').allTextContents(), ['Hi, I want to change my address.', 'Of course, which address?'], 'the customer\'s and the agent\'s lines, in order')
  await bobAtB.getByLabel(`Message to ${BOB}`).fill('Hello Bob, Grace here.')
  await bobAtB.getByLabel(`Message to ${BOB}`).press('Enter')
  await line(bobAtB, 'agent', 'Hello Bob, Grace here.').waitFor()
  await until('Bob to be with agent2', async () => (await simChat(server.base, BOB)).agentId === 'agent2')
  t.pass('the customer is now chatting with agent2')
  await bob.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
  t.match(await bob.locator('.meta').textContent(), /Transferred/, 'agent1\'s card says it was transferred')
  await button(bob, 'Complete wrap-up').click()
  await bob.waitFor({ state: 'detached' })
  t.pass('agent1 completes the transferred chat')

  // Alice leaves: a system line, wrap-up, then complete with a disposition.
  await aliceRow.getByRole('button', { name: /^Customer leaves/ }).click()
  await alice.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
  await line(alice, 'system').first().waitFor()
  t.pass(`a system line says so: ${await line(alice, 'system').first().locator('.text').textContent() ?? ''}`)
  t.match(await alice.locator('.meta').textContent(), /The customer left/, 'the card says the customer left')
  t.equal(await composer.isDisabled(), true, 'the composer is off in wrap-up')
  t.same(await alice.locator('.ix-buttons button').allTextContents(), ['Complete wrap-up'], 'in wrap-up: Complete wrap-up only')
  await alice.getByLabel('Disposition (optional)').fill('resolved')
  await button(alice, 'Complete wrap-up').click()
  await alice.waitFor({ state: 'detached' })
  await page.locator('#chat-count', { hasText: /^0 of \d+ chats?$/ }).waitFor()
  t.equal(await page.locator('#no-chats').isVisible(), true, 'No chats.')
  t.equal(await call.locator('.ix-state').textContent(), 'Connected', 'the call is still up')
  await b.context.close()
  await context.close()
})

browserTest('a reload mid-chat keeps the chat and its transcript; when the server goes the chat\'s buttons and composer go off', async (t, pages) => {
  const server = await startServer(ENV)
  let stopped = false
  t.teardown(async () => { if (!stopped) await server.stop() })
  const { page, context } = await openBar(browser(), server.base)
  pages.bar = page
  await chatReady(t, page, 'agent3', 'demo-pass-3')
  const answer = await http(server.base, 'POST', '/simulator/chats', { from: ALICE, queue: 'support', text: 'Is anybody there?' })
  t.equal(answer.status, 201, 'POST /simulator/chats starts a chat')
  const chatId = String(answer.json.chatId)
  const alice = chatCard(page, ALICE)
  await button(alice, 'Accept').click()
  await alice.locator('.ix-state', { hasText: 'Chatting' }).waitFor()
  const composer = alice.getByLabel(`Message to ${ALICE}`)
  await composer.fill('Yes, Alan here.')
  await composer.press('Enter')
  await line(alice, 'agent', 'Yes, Alan here.').waitFor()
  t.equal((await http(server.base, 'POST', `/simulator/chats/${chatId}/messages`, { text: 'Great, thanks.' })).status, 201)
  await line(alice, 'customer', 'Great, thanks.').waitFor()

  await page.reload()
  const back = chatCard(page, ALICE)
  await back.locator('.ix-state', { hasText: 'Chatting' }).waitFor()
  await button(back, 'End chat').and(enabled(page)).waitFor()
  t.same(await back.locator('.transcript .line .text').allTextContents(), ['Is anybody there?', 'Yes, Alan here.', 'Great, thanks.'], 'after the reload: the chat and its whole transcript, from the snapshot')
  t.equal(await back.locator('.unread').isHidden(), true, 'what was said before the reload is not unread')
  t.equal(await bar(page, 'resumable'), true, 'the session was taken back with the resume credential')
  await page.locator('#chat-state', { hasText: /^Chat: ready$/ }).waitFor()
  t.pass('the chat readiness is read back too')
  const composerBack = back.getByLabel(`Message to ${ALICE}`)
  t.equal(await composerBack.isEnabled(), true, 'the composer works again')
  await composerBack.fill('Still here after a reload.')
  await composerBack.press('Enter')
  await line(back, 'agent', 'Still here after a reload.').waitFor()
  t.pass('and sends')

  // The server goes: every chat button and the composer go off at once, as for calls.
  const going = server.stop()
  stopped = true
  await page.locator('#banner:not([hidden])').waitFor({ timeout: 2000 })
  t.equal(await page.locator('#chats button:enabled, .chat-card button:enabled').count(), 0, 'no chat button can be pressed while the bar cannot trust its picture')
  t.equal(await composerBack.isDisabled(), true, 'nor the composer')
  t.equal(await back.locator('.transcript .line').count(), 4, 'the transcript stays on screen')
  await going
  await context.close()
})

browserTest('the server restarted mid-chat, the contact center (a connector) kept the chat: off at once, then adopted with its transcript', async (t, pages) => {
  const keep = processes(t)
  const connector = await keep(startConnector({ CTI_BRIDGE_TOKEN: 'chat-test-token', SIM_LOGIN_DELAY_MS: '50' }))
  const port = await freePort()
  const env = { ...ENV, PORT: String(port), CTI_URL: connector.base, CTI_BRIDGE_TOKEN: 'chat-test-token' }
  let server: ServerProcess = await startServer(env)
  t.teardown(async () => { await server.stop() })
  const { page, context } = await openBar(browser(), server.base)
  pages.bar = page
  await chatReady(t, page, 'agent4', 'demo-pass-4')
  await http(server.base, 'POST', '/simulator/chats', { from: BOB, queue: 'sales', text: 'Do you ship to Canada?' })
  const bob = chatCard(page, BOB)
  await button(bob, 'Accept').click()
  const composer = bob.getByLabel(`Message to ${BOB}`)
  await composer.fill('We do, in 5 days.')
  await composer.press('Enter')
  await line(bob, 'agent', 'We do, in 5 days.').waitFor()

  const stopping = server.stop()
  await page.locator('#banner:not([hidden])').waitFor({ timeout: 2000 })
  t.equal(await page.locator('#chats button:enabled, .chat-card button:enabled').count(), 0, 'every chat button is off at once')
  t.equal(await composer.isDisabled(), true, 'and the composer')
  await stopping

  server = await startServer(env)
  await page.locator('#login:not([hidden])').waitFor()
  await page.getByLabel('Password').fill('demo-pass-4')
  await button(page, 'Log in').click()
  const back = chatCard(page, BOB)
  await back.locator('.ix-state', { hasText: 'Chatting' }).waitFor()
  await button(back, 'End chat').and(enabled(page)).waitFor()
  t.same(await back.locator('.transcript .line .text').allTextContents(), ['Do you ship to Canada?', 'We do, in 5 days.'], 'the adopted chat comes back with its transcript')
  t.equal(await back.locator('.unread').isHidden(), true, 'nothing of it is unread')
  await page.locator('#chat-state', { hasText: /^Chat: ready$/ }).waitFor()
  t.pass('and the chat channel with its readiness')
  await back.getByLabel(`Message to ${BOB}`).fill('Anything else?')
  await back.getByLabel(`Message to ${BOB}`).press('Enter')
  await line(back, 'agent', 'Anything else?').waitFor()
  t.pass('the chat is worked as before')
  await button(back, 'End chat').click()
  await back.locator('.ix-state', { hasText: 'Wrap-up' }).waitFor()
  t.match(await back.locator('.meta').textContent(), /You ended the chat/, 'ended by the agent')
  await context.close()
})
