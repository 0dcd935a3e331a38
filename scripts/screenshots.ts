// Takes the README's screenshots of the media bar (docs/screenshots/*.png) with Debian's
// chromium against a fresh server: `npm run screenshots`. Each screen at 1280 and 320 px wide:
// logged in and ready, a call ringing, on the call, wrap-up, and the server gone mid-call.
import { mkdirSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { launch, logIn, openBar } from '../test/helpers/browser.js'
import { startServer } from '../test/helpers/process.js'
import { projectPath } from '../src/paths.js'

const out = projectPath('docs/screenshots')
mkdirSync(out, { recursive: true })
const server = await startServer({ SIM_LOGIN_DELAY_MS: '50' })
const browser = await launch()

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })
const ring = async (extension: string): Promise<void> => {
  await fetch(`${server.base}/simulator/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: '+15551234567', to: extension, data: { account: '42', topic: 'billing', customer_tier: 'gold' } })
  })
}
const shot = async (page: Page, name: string, fullPage = false): Promise<void> => {
  await page.waitForTimeout(1100) // the timers show a second or more
  await page.screenshot({ path: `${out}/${name}.png`, fullPage })
}

try {
  const bars: Array<{ page: Page, width: number, agent: string, password: string, extension: string }> = []
  for (const [width, agent, password, extension] of [[1280, 'agent1', 'demo-pass-1', '1001'], [320, 'agent2', 'demo-pass-2', '1002']] as const) {
    const { page } = await openBar(browser, server.base, width, width === 320 ? 640 : 800)
    await page.locator('#connection[data-status="live"]').waitFor()
    bars.push({ page, width, agent, password, extension })
  }
  for (const { page, width, agent, password, extension } of bars) {
    await page.getByLabel('Agent id').fill(agent)
    if (width === 320) await shot(page, 'login-320')
    await logIn(page, agent, password)
    await button(page, 'Ready').and(page.locator(':enabled')).waitFor()
    await button(page, 'Ready').click()
    await page.locator('#agent-state', { hasText: /^Ready$/ }).waitFor()
    await page.locator('#server #load', { hasText: /^\d+ clients?$/ }).waitFor()
    await shot(page, `ready-${width}`, width === 1280)
    await ring(extension)
    await page.locator('#ringing article.card').waitFor()
    await shot(page, `ringing-${width}`)
    await page.keyboard.press('a')
    await button(page, 'Hold').and(page.locator(':enabled')).waitFor()
    await page.waitForTimeout(1000)
    await shot(page, `talking-${width}`, width === 1280)
  }
  const wide = bars[0] as typeof bars[number]
  await button(wide.page, 'Hang up').click()
  await wide.page.locator('.deadline[data-until]').waitFor()
  await shot(wide.page, 'wrapup-1280', true)
  await server.stop()
  for (const { page, width } of bars) {
    await page.locator('#banner:not([hidden])').waitFor()
    await shot(page, `offline-${width}`, width === 1280)
  }
  console.log(`screenshots written to ${out}`)
} finally {
  await browser.close()
  await server.stop()
}
