// Every main page at 360 px, signed out and signed in, with JavaScript on and off, on the demo data
// (pages have no <noscript>, so a page whose scripts are stubbed out is the page without JavaScript):
// no horizontal scrolling, no axe violation, no console error or CSP report, no tap target under
// 24 px, a first HTML within 14 KB compressed, and a report form whose first step fits 1,800 px.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { gzipSync } from 'node:zlib'
import AxeBuilder from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { DEMO_MEMBER, startDemoServer, type DemoServer } from '@tests/helpers/demo-server'
import { launchBrowser } from './browser'

let browser: Browser
let demo: DemoServer

beforeAll(async () => {
  ;[browser, demo] = await Promise.all([launchBrowser(), startDemoServer({ users: 12 })])
}, 420_000)

afterAll(async () => {
  await browser?.close()
  await demo?.stop()
})

const PHONE = { width: 360, height: 780 }
const SMALLEST_TARGET_PX = 24
const FIRST_STEP_MAX_PX = 1800
const FIRST_HTML_MAX_BYTES = 14 * 1024
/** The WCAG levels we hold to; axe's best-practice rules are Lighthouse's business. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

interface Problems {
  page: string
  overflow?: number
  axe?: string[]
  console?: string[]
  smallTargets?: string[]
  htmlBytes?: number
}

async function signIn(page: Page): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('Handle or email').fill(DEMO_MEMBER.handle)
  await page.getByLabel('Password', { exact: true }).fill(DEMO_MEMBER.password)
  await page.getByRole('button', { name: 'Sign in' }).last().click()
  await page.locator('.account-menu').waitFor()
}

/**
 * Controls smaller than 24 × 24 px, except links inside a sentence (WCAG 2.5.8's inline exception),
 * and controls that stick out of the screen.
 */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((smallest) => {
    const found: string[] = []
    for (const element of document.querySelectorAll<HTMLElement>('a[href], button, input:not([type="hidden"]), select, textarea, summary')) {
      const box = element.getBoundingClientRect()
      if (box.width === 0 && box.height === 0) continue // not shown (a closed menu, a phone-hidden column)
      if (element.classList.contains('skip-link')) continue // off-screen until focused, by design
      const style = getComputedStyle(element)
      if (style.visibility === 'hidden') continue
      const inSentence = style.display === 'inline' && (element.parentElement?.textContent ?? '').trim().length > (element.textContent ?? '').trim().length
      if (inSentence) continue
      // A control cut off at the screen's edge (a card's overflow: hidden hides it from scrollWidth).
      const inScroller = (start: Element | null): boolean => {
        for (let at = start; at; at = at.parentElement) if (/auto|scroll/.test(getComputedStyle(at).overflowX)) return true
        return false
      }
      if ((box.right > innerWidth + 0.5 || box.left < -0.5) && !inScroller(element.parentElement)) {
        found.push(`${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 40)}" cut off at ${Math.round(box.left)}–${Math.round(box.right)} px`)
      }
      if (box.width < smallest || box.height < smallest) {
        found.push(`${element.tagName.toLowerCase()} "${(element.textContent || element.getAttribute('aria-label') || element.getAttribute('name') || '').trim().slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`)
      }
    }
    return found
  }, SMALLEST_TARGET_PX)
}

async function problemsOn(page: Page, path: string, messages: string[]): Promise<Problems> {
  messages.length = 0
  const response = await page.goto(path)
  await page.waitForLoadState('networkidle')
  const html = (await response?.text()) ?? ''
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()
  const problems: Problems = { page: path }
  if (overflow > 0) problems.overflow = overflow
  if (axe.violations.length > 0) problems.axe = axe.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
  if (messages.length > 0) problems.console = [...messages]
  const small = await smallTargets(page)
  if (small.length > 0) problems.smallTargets = small
  const htmlBytes = gzipSync(html).byteLength
  if (htmlBytes > FIRST_HTML_MAX_BYTES) problems.htmlBytes = htmlBytes
  return problems
}

for (const signedIn of [false, true]) {
  for (const javaScriptEnabled of [true, false]) {
    describe(`${signedIn ? 'signed in' : 'signed out'}, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
      test('every page fits 360 px and passes axe, with no console error, small tap target or heavy first HTML', async () => {
        const context = await browser.newContext({ baseURL: demo.server.url, viewport: PHONE, locale: 'en-GB', timezoneId: 'UTC' })
        // "JavaScript off" is every page script answered empty: axe needs the browser's JavaScript
        // (it hangs in a context with JavaScript disabled), the page gets none of ours or htmx.
        if (!javaScriptEnabled) await context.route(/\.js(\?|$)/, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }))
        const page = await context.newPage()
        const messages: string[] = []
        page.on('console', (message) => {
          if (message.type() === 'error') messages.push(message.text())
        })
        page.on('pageerror', (error) => messages.push(error.message))
        try {
          if (signedIn) await signIn(page)
          const found: Problems[] = []
          for (const path of Object.values(demo.pages)) {
            const problems = await problemsOn(page, path, messages)
            if (Object.keys(problems).length > 1) found.push(problems)
          }
          expect(found).toEqual([])
        } finally {
          await context.close()
        }
      }, 300_000)
    })
  }
}

test('the report form’s first step, the essentials, fits in 1,800 px on a phone', async () => {
  const context = await browser.newContext({ baseURL: demo.server.url, viewport: PHONE })
  const page = await context.newPage()
  try {
    await signIn(page)
    await page.goto(demo.pages.reportForm!)
    const height = await page.locator('form.report-form').evaluate((form) => form.getBoundingClientRect().height)
    expect(height).toBeLessThanOrEqual(FIRST_STEP_MAX_PX)
  } finally {
    await context.close()
  }
}, 120_000)
