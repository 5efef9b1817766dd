// A profile photo, added in Chromium as a person would, once with JavaScript (the chosen photo shows
// at once, static/photo-preview.js, and the upload goes through static/upload-progress.js) and once
// without (a plain multipart form, 303, full page).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { photoLike, svgWithScript } from '@tests/helpers/images'
import { launchBrowser, newContext, startServer, type RunningServer, signUpInBrowser, openAccountMenu } from './browser'

let browser: Browser
let server: RunningServer
let photo: Buffer

beforeAll(async () => {
  ;[browser, server, photo] = await Promise.all([
    launchBrowser(),
    startServer(),
    photoLike(1200, 900, 7).then((image) => image.jpeg().toBuffer()),
  ])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`a member adds a profile photo, and a drawing is refused with the description kept, ${mode}`, async () => {
    const context = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const page = await context.newPage()
    const blocked: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text())
    })
    const uploads: string[] = []
    page.on('request', (request) => {
      if (request.url().endsWith('/settings/avatar')) uploads.push(request.resourceType())
    })
    try {
      await signUpInBrowser(page, `e2e_photo_${javaScriptEnabled ? 'js' : 'nojs'}_${Date.now().toString(36)}`)
      // With JavaScript this is a boosted navigation: the progress script must still be running.
      await openAccountMenu(page)
      await page.getByRole('link', { name: 'Settings' }).click()
      await page.getByRole('heading', { name: 'Profile photo' }).waitFor()
      if (javaScriptEnabled) await page.evaluate(() => Object.assign(window, { sameDocument: true }))

      // A refusal: the message, the description as typed, and (with JS) no page load.
      await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'cat.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svgWithScript()) })
      await page.getByLabel('Describe the photo').fill('Biscuit asleep')
      await page.getByRole('button', { name: 'Save photo' }).click()
      await page.getByText("SVG drawings can't be posted").waitFor()
      expect(await page.getByLabel('Describe the photo').inputValue()).toBe('Biscuit asleep')
      if (javaScriptEnabled) expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true)

      await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo })
      // With JavaScript the chosen photo shows before it is sent (static/photo-preview.js); without, nothing changes.
      const preview = page.locator('#field-photo-preview img')
      if (javaScriptEnabled) {
        await page.waitForFunction(() => {
          const img = document.querySelector<HTMLImageElement>('#field-photo-preview img')
          return Boolean(img?.src.startsWith('blob:') && img.complete && img.naturalWidth > 0)
        })
        expect(await preview.getAttribute('alt')).toBe('Chosen: IMG_0001.jpg')
      } else {
        expect(await preview.count()).toBe(0)
      }
      await page.getByRole('button', { name: 'Save photo' }).click()
      const shown = page.locator('.avatar-large picture img')
      await shown.waitFor()
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('.avatar-large picture img')
        return Boolean(img?.complete && img.naturalWidth > 0)
      })
      expect(await shown.getAttribute('alt')).toBe('Biscuit asleep')
      // The browser picked a modern format from the <source>s, not the JPEG fallback.
      expect(await shown.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/\/media\/m\/[0-9a-f]{32}\/thumb\.(avif|webp)$/)
      // The placeholder sits under the photo, laid out by the stylesheet (the CSP allows no inline style).
      expect(await page.locator('.avatar-large .picture-placeholder').evaluate((img) => getComputedStyle(img).position)).toBe('absolute')
      // The account menu's button shows it (the menu's profile link too, once opened).
      await page.locator('.site-header summary .avatar-small picture img[alt=""]').waitFor()

      expect(uploads).toEqual(javaScriptEnabled ? ['xhr', 'xhr'] : ['document', 'document'])
      expect(blocked).toEqual([])
    } finally {
      await context.close()
    }
  })
}
