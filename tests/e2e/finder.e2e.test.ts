// CatFinder as a person uses it, in Chromium, with JavaScript on and off: report a lost cat by town
// name, search near the town, add a sighting, mark the cat reunited, and print the flyer.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { photoLike } from '@tests/helpers/images'
import { launchBrowser, newContext, startServer, type RunningServer, signUpInBrowser } from './browser'

let browser: Browser
let server: RunningServer

beforeAll(async () => {
  // Tiles from a port nobody answers on: the test machine has no network, and the map must work
  // (markers, clicks) without its pictures; the list is complete without the map anyway.
  ;[browser, server] = await Promise.all([launchBrowser(), startServer({ env: { MAP_TILE_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png' } })])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

/** A datetime-local value an hour ago (the browser runs in UTC). */
function anHourAgo(): string {
  return new Date(Date.now() - 3600_000).toISOString().slice(0, 16)
}

const DESCRIPTION = 'Shy ginger tabby with a white chest and a kink at the end of her tail. She hides under cars and in garden sheds when frightened; please check yours. She answers to her name and to the rattle of a biscuit box.'

const catPhotoFile = { name: 'whiskers.jpg', mimeType: 'image/jpeg', buffer: await (await photoLike(900, 1200, 17)).jpeg({ quality: 80 }).toBuffer() }

/** Pages in the PDF Chromium prints. */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`a member reports a lost cat by town, finds it nearby, adds a sighting, marks it reunited and prints a flyer ${mode}`, async () => {
    const context = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const page = await context.newPage()
    // Our scripts must run without an error on every page of the journey.
    const scriptErrors: string[] = []
    page.on('pageerror', (error) => scriptErrors.push(error.message))
    const suffix = `${javaScriptEnabled ? 'js' : 'nojs'}${Date.now().toString(36)}`
    const name = `Whiskers ${suffix}`
    try {
      await signUpInBrowser(page, `e2e_finder_${suffix}`)

      // Report, with a town name that needs a suggestion first.
      await page.goto('/finder/new')
      await page.getByLabel('Lost: my cat is missing').check()
      await page.getByLabel('Cat’s name').fill(name)
      // The details are the form's optional second step, folded away until asked for.
      await page.locator('summary', { hasText: 'Help people recognise her' }).click()
      await page.getByLabel('Ginger').check()
      await page.getByLabel('Coat pattern').selectOption('tabby')
      await page.getByLabel('Last seen (date and time)').fill(anHourAgo())
      if (javaScriptEnabled) {
        // A click on the map fills in the numbers (here the town typed next wins, as the form says).
        await page.locator('.place-map').click()
        expect(await page.getByLabel('Latitude').inputValue()).toMatch(/^-?\d+\.\d{5}$/)
      }
      await page.getByLabel('Town or neighbourhood').fill('Kreuzbergg')
      await page.getByLabel('Photos', { exact: true }).setInputFiles([catPhotoFile, { ...catPhotoFile, name: 'whiskers-side.jpg' }])
      // With JavaScript both chosen photos show before anything is sent (static/photo-preview.js).
      if (javaScriptEnabled) {
        await page.waitForFunction(() => {
          const shown = [...document.querySelectorAll<HTMLImageElement>('#field-photos-preview img')]
          return shown.length === 2 && shown.every((img) => img.complete && img.naturalWidth > 0)
        })
        expect(await page.locator('#field-photos-preview img').last().getAttribute('alt')).toBe('Chosen: whiskers-side.jpg')
      } else {
        expect(await page.locator('#field-photos-preview').count()).toBe(0)
      }
      await page.getByLabel('Describe the photos').fill('A ginger tabby on a garden wall')
      await page.getByLabel('Description', { exact: true }).fill(DESCRIPTION)
      await page.getByRole('button', { name: 'Publish the report' }).click()
      await page.getByText('We don’t know a place called “Kreuzbergg”').waitFor()
      // The answers typed so far are still there; the suggestion is one click.
      expect(await page.getByLabel('Cat’s name').inputValue()).toBe(name)
      // The address bar names the form (nothing typed in it), so opening it again shows the form.
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/finder/new')
      // A browser never keeps a chosen file across a refusal: the form says so by the photo field.
      await page.getByText('Please choose the photo again').waitFor()
      await page.getByLabel('Photos', { exact: true }).setInputFiles(catPhotoFile)
      await page.getByRole('button', { name: 'Kreuzberg, Germany' }).click()
      await page.getByRole('heading', { name: `Lost: ${name}` }).waitFor()
      const reportUrl = new URL(page.url()).pathname
      expect(reportUrl).toMatch(/^\/finder\/[0-9a-f-]{36}$/)

      // Search near the town.
      await page.goto('/finder')
      await page.getByLabel('Town or neighbourhood').fill('Kreuzberg')
      await page.getByRole('button', { name: 'Search nearby' }).click()
      await page.getByRole('heading', { name: 'Within 5 km of Kreuzberg, Germany' }).waitFor()
      if (javaScriptEnabled) {
        expect(new URL(page.url()).search).toContain('near=Kreuzberg')
        // The map shows the results' public points (Leaflet draws each as an SVG path).
        await page.locator('.finder-map .leaflet-interactive').first().waitFor()
        // A marker opens a link to its report, named as in the list.
        await page.locator('.finder-map .leaflet-interactive').first().click()
        const markerLink = page.locator('.finder-map .leaflet-popup-content a')
        await markerLink.waitFor()
        expect(await markerLink.getAttribute('href')).toMatch(/^\/finder\/[0-9a-f-]{36}$/)
        expect(await markerLink.textContent()).toMatch(/^(Lost|Found): /)
      } else {
        expect(await page.locator('.finder-map').isVisible()).toBe(false)
      }
      await page.locator('#results').getByRole('link', { name: `Lost: ${name}` }).click()
      await page.getByRole('heading', { name: `Lost: ${name}` }).waitFor()

      // A sighting.
      await page.getByLabel('When (date and time)').fill(anHourAgo())
      await page.getByLabel('Town or neighbourhood').fill('Neukölln')
      await page.getByLabel('Note').fill('Sitting on a wall by the canal')
      await page.getByRole('button', { name: 'Add the sighting' }).click()
      await page.getByText('Sitting on a wall by the canal').waitFor()

      // Reunited, with a happy ending.
      await page.getByLabel('Happy ending (optional)').fill('Home safe, very hungry.')
      await page.getByRole('button', { name: 'Mark as reunited' }).click()
      await page.getByRole('heading', { name: 'Reunited!' }).waitFor()
      await page.getByText('Home safe, very hungry.').waitFor()

      // The flyer: one page on A4 and on Letter, without the site's header.
      await page.getByRole('link', { name: 'Print a flyer' }).click()
      await page.getByRole('heading', { name: `LOST CAT: ${name}` }).waitFor()
      await page.getByRole('img', { name: 'QR code linking to the report' }).waitFor()
      // On a 360 px phone the flyer fits the screen's width.
      await page.setViewportSize({ width: 360, height: 740 })
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
      expect(await page.getByText(DESCRIPTION.slice(0, 40)).isVisible()).toBe(true)
      expect(await page.locator('.flyer').textContent()).not.toMatch(/ ago|Not sure/)
      await page.setViewportSize({ width: 1280, height: 800 })
      await page.emulateMedia({ media: 'print' })
      // With JavaScript the flyer's stylesheet arrives with the page htmx swapped in, and applies
      // once loaded: wait for it (it never loading fails here, after the locator's timeout).
      await page.locator('.site-header').waitFor({ state: 'hidden', timeout: 10_000 })
      expect(await page.getByRole('heading', { name: `LOST CAT: ${name}` }).isVisible()).toBe(true)
      for (const format of ['A4', 'Letter'] as const) expect(pdfPages(await page.pdf({ format }))).toBe(1)
      // The flyer fills most of a Letter page (255 mm inside the margins, at 96 px an inch) at its printed width.
      await page.setViewportSize({ width: Math.round((192 / 25.4) * 96), height: 1000 })
      const flyerHeight = await page.locator('.flyer').evaluate((flyer) => flyer.getBoundingClientRect().height)
      expect(flyerHeight).toBeGreaterThan(0.75 * (255 / 25.4) * 96)
      expect(scriptErrors).toEqual([])
    } finally {
      await context.close()
    }
  })
}
