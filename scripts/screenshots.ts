// Takes the README's screenshots of the media bar (docs/screenshots/*.png) with Debian's
// chromium against a fresh server: `npm run screenshots`.
import { mkdirSync } from 'node:fs'
import { launch, logIn, openBar } from '../test/helpers/browser.js'
import { startServer } from '../test/helpers/process.js'
import { projectPath } from '../src/paths.js'

const out = projectPath('docs/screenshots')
mkdirSync(out, { recursive: true })
const server = await startServer({ SIM_LOGIN_DELAY_MS: '50' })
const browser = await launch()
try {
  const { page } = await openBar(browser, server.base, 420)
  await page.locator('#connection[data-status="live"]').waitFor()
  await page.getByLabel('Agent id').fill('agent1')
  await page.screenshot({ path: `${out}/login.png` })
  await logIn(page, 'agent1', 'demo-pass-1')
  const ready = page.getByRole('button', { name: 'Ready', exact: true })
  await ready.and(page.locator(':enabled')).waitFor()
  await ready.click()
  await page.getByRole('button', { name: 'Ring me' }).click()
  const answer = page.getByRole('button', { name: 'Answer', exact: true })
  await answer.waitFor()
  await answer.click()
  await page.getByRole('button', { name: 'Hold', exact: true }).and(page.locator(':enabled')).waitFor()
  await page.waitForTimeout(2100)
  await page.screenshot({ path: `${out}/call.png`, fullPage: true })
  const narrow = await openBar(browser, server.base, 320)
  await logIn(narrow.page, 'agent2', 'demo-pass-2')
  await narrow.page.getByRole('button', { name: 'Ready', exact: true }).and(narrow.page.locator(':enabled')).waitFor()
  await narrow.page.screenshot({ path: `${out}/narrow.png` })
  console.log(`screenshots written to ${out}`)
} finally {
  await browser.close()
  await server.stop()
}
