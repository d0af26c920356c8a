// The browser side of the console's e2e tests: Debian's Chromium driven by playwright-core
// against a real `brokerlab serve`, with the page's console errors collected (a CSP
// violation or an uncaught error shows up there, not as a failed assertion).
import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { startServe, type Serve } from './serve'

export const CHROMIUM = '/usr/bin/chromium'
export const ARTIFACTS = 'test-results/e2e'
export const chromiumMissing = !existsSync(CHROMIUM)
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']

/** A describe title that says why the suite is skipped where Chromium is missing. */
export function suiteTitle(name: string): string {
  return `${name} in Chromium (skipped without ${CHROMIUM}: apt-get install -y chromium)`
}

export interface ConsoleSession {
  serve: Serve
  browser: Browser
  page: Page
}

/** Starts `brokerlab serve` and a light-themed page on it; page errors go into `consoleErrors`. */
export async function openConsole(options: {
  consoleErrors: string[]
  brokers?: number
  serveArgs?: string[]
  viewport?: { width: number; height: number }
}): Promise<ConsoleSession> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const serve = await startServe(options.brokers ?? 3, options.serveArgs)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: 'light' })
  page.on('console', (message) => message.type() === 'error' && options.consoleErrors.push(message.text()))
  page.on('pageerror', (error) => options.consoleErrors.push(error.message))
  return { serve, browser, page }
}

/**
 * Chooses a cluster in the header's picker and waits until the page has reloaded onto it:
 * a mark on the page's global object, which the reload clears (a 'load' event or a hash
 * change right after the choice can race the reload).
 */
export async function chooseCluster(page: Page, name: string): Promise<void> {
  await page.evaluate('globalThis.beforeSwitch = true')
  await page.getByTestId('cluster-picker').selectOption(name)
  // Polled with evaluate, not waitForFunction: Playwright's waitForFunction runs its predicate
  // through the page's eval, which the console's CSP (no 'unsafe-eval') refuses and logs as a
  // page error; evaluate goes through the debugger protocol, which the CSP does not govern.
  const reloaded = async () => page.evaluate('!globalThis.beforeSwitch').catch(() => false)
  const deadline = Date.now() + 15_000
  while (!(await reloaded())) {
    if (Date.now() > deadline) throw new Error(`the page did not reload onto cluster ${name} within 15 s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await page.locator('[data-testid=connection-status][data-state=open]').waitFor({ timeout: 10_000 })
}

/** Fills each input named by its data-testid with its value. */
export async function fillFields(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [testid, value] of Object.entries(fields)) await page.getByTestId(testid).fill(value)
}

/** The Connections form's "Test connection" result once shown: data-ok, data-failure and its text. */
export async function connectionTestResult(page: Page): Promise<{ ok: string | null; failure: string | null; text: string }> {
  const result = page.getByTestId('connection-test-result')
  await result.waitFor({ timeout: 30_000 })
  return { ok: await result.getAttribute('data-ok'), failure: await result.getAttribute('data-failure'), text: (await result.textContent())?.trim() ?? '' }
}

/** Opens a page from the header's navigation, as an operator does (no reload). */
export async function openFromNav(page: Page, title: string): Promise<void> {
  await page.locator('nav.nav a', { hasText: title }).click()
}

/** Opens the Messages page on `topic` once the topic list offers it. */
export async function openTopicMessages(page: Page, serve: Serve, topic: string): Promise<void> {
  await page.goto(`${serve.url}#/messages`)
  await page.locator(`[data-testid=browse-topic] option[value="${topic}"]`).waitFor({ state: 'attached', timeout: 10_000 })
  await page.getByTestId('browse-topic').selectOption(topic)
}

/**
 * Saves test-results/e2e/<name>.png with transitions finished. Whole page: from the top, so the
 * sticky top bar sits where it belongs; `fullPage: false`: the 1280x800 viewport as scrolled.
 */
export async function saveScreenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)')
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage, animations: 'disabled' })
}

/** The view as it is now in light, then dark (<name>-dark.png), then light again. */
export async function saveThemeScreenshots(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await saveScreenshot(page, name, options)
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(scheme)
    if (scheme === 'dark') await saveScreenshot(page, `${name}-dark`, options)
  }
}

/**
 * The Overview's timeline lines ("<type> <text>") of one kind (every other kind toggled off)
 * that match `text`. The page must show the Overview.
 */
export async function timelineLines(page: Page, kind: string, text: string): Promise<string[]> {
  const timeline = page.getByTestId('event-timeline')
  await timeline.getByTestId('timeline-filter').fill(text)
  for (const other of ['elections', 'isr', 'brokers', 'groups', 'configs', 'topics', 'logs']) {
    const chip = timeline.getByTestId(`timeline-kind-${other}`)
    if ((await chip.getAttribute('aria-pressed')) !== String(other === kind)) await chip.click()
  }
  return timeline.getByTestId('timeline-event').evaluateAll((lines) => lines.map((l) => `${l.getAttribute('data-type')} ${l.textContent}`))
}
