/**
 * Browser tests drive Debian's Chromium through playwright-core (Playwright's own browser downloads
 * are not used: `scripts/install-services.sh` installs `chromium`). Servers come from
 * tests/helpers/server.ts, re-exported here so an e2e test needs one import.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export { startServer, type RunningServer, type StartServerOptions } from '@tests/helpers/server'

/** Debian's launcher script; CHROMIUM_PATH overrides it on other machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--no-sandbox', // CI containers run as root, where Chromium's sandbox refuses to start
  '--disable-gpu', // no GPU in CI; avoids GPU-process start-up noise and failures
  '--disable-background-networking', // no update checks or safe-browsing fetches to the internet
]

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  })
}

/**
 * A browser with an on-disk profile, as one `BrowserContext`: `browser.newContext()` is an
 * incognito-like profile, where Chromium refuses to install an app ("in-incognito"). The caller
 * closes the context and removes `profileDir`.
 */
export function launchPersistentBrowser(profileDir: string, baseURL: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  })
}

export interface ContextOptions {
  /** false runs the no-JavaScript half of a test: plain forms, full page loads, no htmx. */
  javaScriptEnabled: boolean
  /** A server's url, so tests can `page.goto('/signup')`. */
  baseURL?: string
}

/** A fresh profile (cookies, storage) per context, so the JS and no-JS runs never share a session. */
export function newContext(browser: Browser, { javaScriptEnabled, baseURL }: ContextOptions): Promise<BrowserContext> {
  return browser.newContext({
    javaScriptEnabled,
    ...(baseURL ? { baseURL } : {}),
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
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
