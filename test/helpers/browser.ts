import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Test } from 'tap'
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
export async function openBar (browser: Browser, base: string, width = 420, height = 900): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ viewport: { width, height } })
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

export interface AxeViolation { id: string, impact: string | null, help: string, nodes: string[] }
let axeSource: string | undefined

/**
 * axe-core's scan of the page as it is now: the serious and critical violations. The script is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
 * govern (the page itself runs no inline script).
 */
export async function axeViolations (page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string, impact: string | null, help: string, nodes: Array<{ target: string[] }> }> }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))
  })
  return violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
}

/**
 * The browser tests of one file: one Chromium for the file, and `browserTest(name, fn)` that
 * gives `fn` a `pages` record to put its pages in; it fails on any script error of those pages
 * (and on anything `fn` adds to `errors`)
 * and, when the test fails, saves a screenshot of each into test-artifacts/. Without chromium
 * the tests are skipped with a message (and fail under CI, which installs it).
 */
type BrowserTestBody = (t: Test, pages: Record<string, Page | undefined>, errors: string[]) => Promise<void>

/**
 * `onPage`: also called for each page a test puts in `pages` (e.g. to watch its console);
 * `after`: checks made after each test's body passed.
 */
export function browserTests (t: Test, prefix: string, hooks: { onPage?: (label: string, page: Page) => void, after?: (t: Test) => void } = {}): {
  browser: () => Browser
  browserTest: (name: string, fn: BrowserTestBody, options?: { skip?: string }) => void
} {
  const available = haveChromium()
  if (!available) {
    if (process.env.CI !== undefined) t.fail(`${CHROMIUM} is missing: .ci/run installs it with apt-get`)
    else t.comment(`browser tests skipped: no ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`)
  }
  let browser: Browser | undefined
  t.before(async () => { if (available) browser = await launch() })
  t.teardown(async () => { await browser?.close() })
  const browserTest = (name: string, fn: BrowserTestBody, options: { skip?: string } = {}): void => {
    if (!available || options.skip !== undefined) {
      t.test(name, { skip: options.skip ?? 'no chromium' }, () => {})
      return
    }
    t.test(name, async (t) => {
      const pages: Record<string, Page | undefined> = {}
      const errors: string[] = []
      try {
        await fn(t, new Proxy(pages, {
          set: (target, key, page: Page) => {
            target[String(key)] = page
            page.on('pageerror', err => { errors.push(`${String(key)}: ${err.message}`) })
            hooks.onPage?.(String(key), page)
            return true
          }
        }), errors)
        t.same(errors, [], 'no script errors on any page')
        hooks.after?.(t)
      } catch (err) {
        const saved = await screenshot(pages, `${prefix}-${name}`)
        t.comment(`screenshots: ${saved.join(', ')}`)
        throw err
      }
    })
  }
  return { browser: () => browser as Browser, browserTest }
}

/** A number as the media bar writes it (+15551234567 is +1 555 123 4567). */
export const shown = (number: string): string => number.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '+1 $1 $2 $3')

/** A button by its exact accessible name. */
export const button = (scope: Page | ReturnType<Page['locator']>, name: string): ReturnType<Page['locator']> => scope.getByRole('button', { name, exact: true })
/** A call's card by its caller, as the bar writes numbers. */
export const card = (page: Page, caller: string): ReturnType<Page['locator']> => page.locator('article.card', { has: page.locator('.caller', { hasText: shown(caller) }) })
/** Whether the bar offers the action (it draws a button only for what the workflow enables). */
export const offered = async (scope: Page | ReturnType<Page['locator']>, name: string): Promise<boolean> => await button(scope, name).count() > 0

export async function expectState (t: Test, page: Page, text: string): Promise<void> {
  await page.locator('#agent-state', { hasText: new RegExp(`^${text}$`) }).waitFor()
  t.pass(`agent state shows ${text}`)
}

export async function goReady (t: Test, page: Page): Promise<void> {
  const ready = button(page, 'Ready')
  await ready.and(page.locator(':enabled')).waitFor()
  await ready.click()
  await expectState(t, page, 'Ready')
}
