/**
 * Browser tests drive Debian's Chromium through playwright-core (Playwright's own browser downloads
 * are not used: `scripts/install-services.sh` installs `chromium`). Servers come from
 * tests/helpers/server.ts, re-exported here so an e2e test needs one import.
 */
import { afterEach } from 'bun:test'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export { startServer, type RunningServer, type StartServerOptions } from '@tests/helpers/server'

/** Debian's launcher script; CHROMIUM_PATH overrides it on other machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--no-sandbox', // CI containers run as root, where Chromium's sandbox refuses to start
  '--disable-gpu', // no GPU in CI; avoids GPU-process start-up noise and failures
  '--disable-background-networking', // no update checks or safe-browsing fetches to the internet
]

/** Chromium, every context of which (`newContext`, `newPage`) watches for CSP violations (`watchCsp`). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  })
  const plainContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context = await plainContext(options)
    await watchCsp(context)
    return context
  }
  return browser
}

/**
 * A browser with an on-disk profile, as one `BrowserContext`: `browser.newContext()` is an
 * incognito-like profile, where Chromium refuses to install an app ("in-incognito"). The caller
 * closes the context and removes `profileDir`.
 */
export async function launchPersistentBrowser(profileDir: string, baseURL: string): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  })
  await watchCsp(context)
  return context
}

export interface ContextOptions {
  /** false runs the no-JavaScript half of a test: plain forms, full page loads, no htmx. */
  javaScriptEnabled: boolean
  /** A server's url, so tests can `page.goto('/signup')`. */
  baseURL?: string
}

/**
 * A fresh profile (cookies, storage) per context, so the JS and no-JS runs never share a session.
 * Every page of it reports Content Security Policy violations, which fail the test (`launchBrowser`).
 */
export function newContext(browser: Browser, { javaScriptEnabled, baseURL }: ContextOptions): Promise<BrowserContext> {
  return browser.newContext({
    javaScriptEnabled,
    ...(baseURL ? { baseURL } : {}),
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  })
}

/** CSP violations seen by any page since the last test ended, one line each. */
const cspViolations: string[] = []

/**
 * Reports every `securitypolicyviolation` event of the context's pages (an inline style htmx sets,
 * a script from elsewhere) to the test. Pages without JavaScript run no init script, so only the
 * JavaScript half of a test is watched: the no-JS half has no script that could set anything inline.
 */
export async function watchCsp(context: BrowserContext): Promise<void> {
  await context.exposeBinding('__reportCspViolation', ({ page }, line: string) => {
    cspViolations.push(`${page.url()}: ${line}`)
  })
  await context.addInitScript(() => {
    const report = (window as unknown as { __reportCspViolation: (line: string) => void }).__reportCspViolation // the binding added above
    document.addEventListener('securitypolicyviolation', (event) => {
      report(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} (${event.sample})`)
    })
  })
}

/**
 * The check after each test in every e2e file (they all import this module): no CSP violation.
 * Scripts (scripts/lighthouse.ts, scripts/screenshots.ts) import this module outside `bun test`,
 * where `afterEach` throws: there is no test to check then.
 */
if (process.env.NODE_ENV === 'test') {
  afterEach(() => {
    const seen = cspViolations.splice(0)
    if (seen.length > 0) throw new Error(`Content Security Policy violations:\n${seen.join('\n')}`)
  })
}

/** Signs up through the real form (a fresh handle each time) and waits until the page is signed in. */
export async function signUpInBrowser(page: Page, handle: string): Promise<void> {
  await page.goto('/signup')
  await page.getByLabel('Handle', { exact: true }).fill(handle)
  await page.getByLabel('Email', { exact: true }).fill(`${handle}@example.com`)
  await page.getByLabel('Password', { exact: true }).fill('a good long password')
  await page.getByRole('button', { name: 'Sign up' }).click()
  await page.locator('.account-menu').waitFor()
}

/** Opens the account menu in the app bar (a <details>: profile, settings, sign out). */
export async function openAccountMenu(page: Page): Promise<void> {
  const menu = page.locator('details.account-menu')
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click()
}
