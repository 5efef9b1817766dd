// Sign up, sign out and sign in as a person would, in Chromium, once with JavaScript and once without.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, newContext, openAccountMenu, signUpInBrowser, startServer, type RunningServer } from './browser'

let browser: Browser
let server: RunningServer

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startServer()])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

async function fillAndSubmit(page: Page, fields: Record<string, string>, button: string): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value)
  await page.getByRole('button', { name: button }).click()
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`a newcomer signs up, signs out and signs in again ${mode}`, async () => {
    const context = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const page = await context.newPage()
    const handle = `e2e_${javaScriptEnabled ? 'js' : 'nojs'}_${Date.now().toString(36)}`
    try {
      await page.goto('/')
      await page.getByRole('link', { name: 'Sign up' }).first().click()
      await page.getByRole('heading', { name: 'Join Nine Lives' }).waitFor()

      // A too-short password comes back with its message and the typed handle kept.
      await fillAndSubmit(page, { Handle: handle, Email: `${handle}@example.com`, Password: 'short' }, 'Sign up')
      await page.getByText('A password needs at least 8 characters.').waitFor()
      expect(await page.getByLabel('Handle', { exact: true }).inputValue()).toBe(handle)
      // With htmx only the form was swapped: the page never reloaded.
      if (javaScriptEnabled) expect(await page.evaluate(() => location.pathname)).toBe('/signup')

      await fillAndSubmit(page, { Password: 'a good long password' }, 'Sign up')
      await page.getByRole('heading', { name: `Welcome, ${handle}` }).waitFor()

      await page.getByRole('link', { name: 'Notifications' }).click()
      await page.getByText('No notifications yet').waitFor()

      await openAccountMenu(page)
      await page.getByRole('button', { name: /Sign out/ }).click()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()

      await page.goto('/login')
      await fillAndSubmit(page, { 'Handle or email': handle, Password: 'wrong password!' }, 'Sign in')
      await page.getByText('do not match').waitFor()
      await fillAndSubmit(page, { Password: 'a good long password' }, 'Sign in')
      await page.getByRole('heading', { name: `Welcome, ${handle}` }).waitFor()
    } finally {
      await context.close()
    }
  })
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`a member gives a name and a bio, a too-long bio is kept for fixing, ${mode}`, async () => {
    const context = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const page = await context.newPage()
    const handle = `e2e_bio_${javaScriptEnabled ? 'js' : 'nojs'}_${Date.now().toString(36)}`
    try {
      await signUpInBrowser(page, handle)
      await page.goto('/settings')
      // The browser's own maxlength would stop the typing; a pasted bio can still be too long for us.
      await page.getByLabel('Bio', { exact: true }).evaluate((field) => field.removeAttribute('maxlength'))
      await fillAndSubmit(page, { 'Display name': 'Whisker Fan', Bio: 'm'.repeat(300) }, 'Save profile')
      await page.getByText('A bio has at most 280 characters; this one has 300.').waitFor()
      expect(await page.getByLabel('Display name', { exact: true }).inputValue()).toBe('Whisker Fan')

      await fillAndSubmit(page, { Bio: 'Two tabbies and a garden.' }, 'Save profile')
      if (javaScriptEnabled) await page.getByText('Your profile is saved.').waitFor()
      else await page.getByRole('heading', { name: 'Settings' }).waitFor()
      await page.goto(`/@${handle}`)
      await page.getByRole('heading', { name: 'Whisker Fan' }).waitFor()
      await page.getByText('Two tabbies and a garden.').waitFor()
    } finally {
      await context.close()
    }
  })
}
