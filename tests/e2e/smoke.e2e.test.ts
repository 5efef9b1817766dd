// Proves the browser harness itself (Debian Chromium + playwright-core under bun test), with and
// without JavaScript, before any app page is involved.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, newContext } from './browser'

let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

const PAGE =
  'data:text/html,' +
  encodeURIComponent(
    '<!doctype html><title>smoke</title><p id="js">JavaScript off</p>' +
      '<script>document.getElementById("js").textContent = "JavaScript on"</script>',
  )

for (const javaScriptEnabled of [true, false]) {
  test(`Chromium renders a page with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
    const context = await newContext(browser, { javaScriptEnabled })
    try {
      const page = await context.newPage()
      await page.goto(PAGE)
      expect(await page.title()).toBe('smoke')
      expect(await page.textContent('#js')).toBe(javaScriptEnabled ? 'JavaScript on' : 'JavaScript off')
    } finally {
      await context.close()
    }
  })
}
