import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { projectPath } from '../../src/paths.js'

/** Debian's chromium (`.ci/run` installs it with apt-get when it is missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Flags that keep a headless chromium off the network and quiet on a bare machine. */
export const CHROMIUM_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--no-default-browser-check', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
  '--metrics-recording-only', '--mute-audio', '--disable-features=Translate,MediaRouter,OptimizationHints'
]

export function haveChromium (): boolean {
  return existsSync(CHROMIUM)
}

export async function launch (): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
}

/** A fresh browser context (its own storage: a second agent's desktop) with one page. */
export async function openBar (browser: Browser, base: string, width = 420): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(10000)
  await page.goto(base + '/')
  return { context, page }
}

const ARTIFACTS = projectPath('test-artifacts')

/** Saves a screenshot of each page into test-artifacts/ (on failure, to see what the agent saw). */
export async function screenshot (pages: Record<string, Page | undefined>, label: string): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const saved: string[] = []
  for (const [name, page] of Object.entries(pages)) {
    if (page === undefined || page.isClosed()) continue
    const file = `${ARTIFACTS}/${label.replace(/[^A-Za-z0-9_-]+/g, '-')}-${name}.png`
    await page.screenshot({ path: file, fullPage: true }).then(() => saved.push(file), () => {})
  }
  return saved
}

/** Logs in through the form; answers a takeover question with `takeOver`. */
export async function logIn (page: Page, agent: string, password: string, model?: string): Promise<void> {
  await page.getByLabel('Agent id').fill(agent)
  await page.getByLabel('Password').fill(password)
  if (model !== undefined) await page.getByLabel('Call model').selectOption(model)
  await page.getByRole('button', { name: 'Log in', exact: true }).click()
}
