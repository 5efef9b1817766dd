// The app can be installed: Chromium's own installability check (DevTools protocol,
// Page.getInstallabilityErrors) finds nothing missing on the home page — a manifest with a name,
// icons of 192 and 512 px, a start URL and a standalone display, served from the layout's <link>.
// Lighthouse 12 has no PWA category any more, so this is the check (issue 25).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { launchPersistentBrowser, startServer, type RunningServer } from './browser'

let context: BrowserContext
let server: RunningServer
const profileDir = mkdtempSync(path.join(tmpdir(), 'nl-installable-'))

beforeAll(async () => {
  server = await startServer()
  context = await launchPersistentBrowser(profileDir, server.url)
})

afterAll(async () => {
  await Promise.all([context?.close(), server?.stop()])
  rmSync(profileDir, { recursive: true, force: true })
})

test('Chromium finds the home page installable', async () => {
  const page = await context.newPage()
  await page.goto('/')
  const manifestUrl = await page.locator('link[rel="manifest"]').getAttribute('href')
  expect(manifestUrl).toMatch(/^\/assets\/[0-9a-z]+\/manifest\.webmanifest$/)
  const manifest = await page.request.get(manifestUrl!)
  expect(manifest.headers()['content-type']).toBe('application/manifest+json')
  expect(manifest.headers()['cache-control']).toBe('public, max-age=31536000, immutable')

  const cdp = await context.newCDPSession(page)
  const appManifest = await cdp.send('Page.getAppManifest', {})
  expect(appManifest.url).toBe(new URL(manifestUrl!, server.url).href)
  expect(appManifest.errors).toEqual([])
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
  expect(installabilityErrors).toEqual([])
})
