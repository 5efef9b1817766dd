// Notifications as a person uses them, in Chromium: with JavaScript off the settings page still
// chooses what to push and the in-app list gets a lost-cat alert, read by opening it; with JavaScript
// on, the push button appears and asks for permission only when pressed.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, newContext, startServer, type RunningServer, signUpInBrowser } from './browser'

let browser: Browser
let server: RunningServer

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startServer({ env: { MAP_TILE_URL: 'off' } })])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

const HOME = { lat: '48.2082', lng: '16.3738' } // Vienna

test('without JavaScript: choose what to push, get a lost-cat alert in the list, read by opening it', async () => {
  const suffix = Date.now().toString(36)
  const neighbourContext = await newContext(browser, { javaScriptEnabled: false, baseURL: server.url })
  const reporterContext = await newContext(browser, { javaScriptEnabled: false, baseURL: server.url })
  try {
    const neighbour = await neighbourContext.newPage()
    await signUpInBrowser(neighbour, `e2e_nb_${suffix}`)
    await neighbour.goto('/settings')
    // No JavaScript: the push button stays hidden and the page says why.
    await neighbour.getByText('Push notifications need JavaScript').waitFor()
    expect(await neighbour.getByRole('button', { name: 'Turn on push notifications in this browser' }).isVisible()).toBe(false)

    // Alert area around home.
    await neighbour.getByLabel('Latitude').fill(HOME.lat)
    await neighbour.getByLabel('Longitude').fill(HOME.lng)
    await neighbour.getByRole('button', { name: 'Save the alert area' }).click()
    await neighbour.getByText(/Now: within 5 km of/).waitFor()

    // Preferences: everything is on at first; social off, saved by a plain form.
    const social = neighbour.getByLabel('Comments, likes and new followers')
    expect(await social.isChecked()).toBe(true)
    await social.uncheck()
    await neighbour.getByRole('button', { name: 'Save notification choices' }).click()
    await neighbour.getByRole('heading', { name: 'Notifications', exact: true }).waitFor()
    expect(await neighbour.getByLabel('Comments, likes and new followers').isChecked()).toBe(false)
    expect(await neighbour.getByLabel('Cats lost or found in my alert area').isChecked()).toBe(true)
    expect(neighbour.url()).toEndWith('/settings#push')

    // Someone reports a cat lost 1 km away.
    const reporter = await reporterContext.newPage()
    await signUpInBrowser(reporter, `e2e_rp_${suffix}`)
    await reporter.goto('/finder/new')
    await reporter.getByLabel('Lost: my cat is missing').check()
    await reporter.getByLabel('Cat’s name').fill(`Strudel ${suffix}`)
    // The details are the report form's optional second step, folded away until asked for.
    await reporter.locator('summary', { hasText: 'Help people recognise her' }).click()
    await reporter.getByLabel('Black', { exact: true }).check()
    await reporter.getByLabel('Coat pattern').selectOption('solid')
    await reporter.getByLabel('Last seen (date and time)').fill(new Date(Date.now() - 3600_000).toISOString().slice(0, 16))
    await reporter.getByLabel('Latitude').fill('48.2172')
    await reporter.getByLabel('Longitude').fill(HOME.lng)
    await reporter.getByRole('button', { name: 'Publish the report' }).click()
    await reporter.getByRole('heading', { name: `Lost: Strudel ${suffix}` }).waitFor()

    // The alert reaches the neighbour's list (the server's queue sends it within moments).
    const alert = neighbour.getByRole('link', { name: new RegExp(`Lost cat near you: Strudel ${suffix}, 1\\.0 km from your home`) })
    for (let tries = 0; tries < 50 && !(await alert.isVisible()); tries++) {
      await Bun.sleep(200)
      await neighbour.goto('/notifications')
    }
    await alert.waitFor()
    // Opening the list read it: no badge, and the alert still marked as new on this view only.
    expect(await neighbour.locator('#unread-count').count()).toBe(0)
    expect(await neighbour.locator('li.unread', { has: alert }).count()).toBe(1)
    await neighbour.reload()
    await alert.waitFor()
    expect(await neighbour.locator('li.unread').count()).toBe(0)
    await alert.click()
    await neighbour.getByRole('heading', { name: `Lost: Strudel ${suffix}` }).waitFor()
  } finally {
    await Promise.all([neighbourContext.close(), reporterContext.close()])
  }
})

test('with JavaScript: the push button appears, and the permission prompt comes only when it is pressed', async () => {
  const context = await newContext(browser, { javaScriptEnabled: true, baseURL: server.url })
  try {
    const page = await context.newPage()
    const scriptErrors: string[] = []
    page.on('pageerror', (error) => scriptErrors.push(error.message))
    await signUpInBrowser(page, `e2e_js_${Date.now().toString(36)}`)
    await page.goto('/settings')
    const button = page.getByRole('button', { name: 'Turn on push notifications in this browser' })
    await button.waitFor()
    expect(await page.evaluate(() => Notification.permission)).toBe('default')

    await context.grantPermissions(['notifications'], { origin: server.url })
    await button.click()
    // Headless Chromium has no push service to subscribe with, so the subscription itself is
    // refused there; either way the page says what happened, in words, and the service worker
    // (with its push handlers) is installed.
    const status = page.locator('[data-push-status]')
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-push-status]')?.textContent ?? ''
      return text !== '' && text !== 'Turning push on…'
    })
    // Headless Chromium answers "Registration failed - permission denied"; a full Chromium subscribes.
    expect(await status.textContent()).toMatch(/^(Push notifications are on in this browser\.|Registration failed)/)
    expect(await button.isEnabled()).toBe(true)
    expect(scriptErrors).toEqual([])
  } finally {
    await context.close()
  }
})
