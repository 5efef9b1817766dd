/**
 * Screenshots of the main pages on the demo data, at 360 and 1280 px, light and dark, into
 * docs/screens/ (`<page>-<width>-<scheme>.png`), with Debian's Chromium:
 *
 *   bun scripts/screenshots.ts
 *
 * Signed in as the demo member, as a member sees them. Long pages are cut at MAX_HEIGHT and the
 * PNGs quantised, so the folder stays a few megabytes.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { launchBrowser } from '../tests/e2e/browser'
import { DEMO_MEMBER, startDemoServer } from '../tests/helpers/demo-server'

const OUT = path.join(import.meta.dir, '..', 'docs', 'screens')
const WIDTHS = [
  { width: 360, height: 780, maxHeight: 2400 },
  { width: 1280, height: 800, maxHeight: 1600 },
]
const SCHEMES = ['light', 'dark'] as const

const demo = await startDemoServer()
const browser = await launchBrowser()
mkdirSync(OUT, { recursive: true })
try {
  for (const { width, height, maxHeight } of WIDTHS) {
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({ baseURL: demo.server.url, viewport: { width, height }, colorScheme, locale: 'en-GB', timezoneId: 'UTC' })
      const page = await context.newPage()
      await page.goto('/login')
      await page.getByLabel('Handle or email').fill(DEMO_MEMBER.handle)
      await page.getByLabel('Password', { exact: true }).fill(DEMO_MEMBER.password)
      await page.getByRole('button', { name: 'Sign in' }).last().click()
      await page.locator('.account-menu').waitFor()
      for (const [name, url] of Object.entries(demo.pages)) {
        await page.goto(url)
        await page.waitForLoadState('networkidle')
        const shot = await page.screenshot({ fullPage: true })
        const meta = await sharp(shot).metadata()
        const file = path.join(OUT, `${kebab(name)}-${width}-${colorScheme}.png`)
        await sharp(shot)
          .extract({ left: 0, top: 0, width: meta.width!, height: Math.min(meta.height!, maxHeight) })
          .png({ palette: true, quality: 85, compressionLevel: 9 })
          .toFile(file)
        console.log(path.relative(process.cwd(), file))
      }
      await context.close()
    }
  }
} finally {
  await browser.close()
  await demo.stop()
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}
