// Forgot password as a person would, in Chromium, with JavaScript on and off: the server sends the
// mail to a real SMTP server on loopback, the test reads the link from it, opens it and sets a new password.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { linkIn, startTestMailbox, type TestMailbox } from '@tests/helpers/smtp'
import { launchBrowser, newContext, openAccountMenu, signUpInBrowser, startServer, type RunningServer } from './browser'

let browser: Browser
let server: RunningServer
let mailbox: TestMailbox

beforeAll(async () => {
  mailbox = await startTestMailbox()
  ;[browser, server] = await Promise.all([launchBrowser(), startServer({ env: { SMTP_URL: mailbox.url } })])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
  await mailbox?.stop()
})

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`a member who forgot their password gets a link by email and is signed in with a new one ${mode}`, async () => {
    const context = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const page = await context.newPage()
    const handle = `e2e_reset_${javaScriptEnabled ? 'js' : 'nojs'}_${Date.now().toString(36)}`
    try {
      await signUpInBrowser(page, handle)
      await openAccountMenu(page)
      await page.getByRole('button', { name: /Sign out/ }).click()
      await page.getByRole('link', { name: 'Sign in' }).first().waitFor()

      await page.goto('/login')
      await page.getByRole('link', { name: 'Reset it by email' }).click()
      await page.getByLabel('Email', { exact: true }).fill(`${handle}@example.com`)
      await page.getByRole('button', { name: 'Send me a link' }).click()
      await page.getByText('If an account uses that address').waitFor()

      // Sign-up sent a confirmation mail there first: wait for the reset.
      const mail = await mailbox.waitFor((received) => received.to === `${handle}@example.com` && received.subject === 'Reset your Nine Lives password', 30_000)
      await page.goto(linkIn(mail.text, '/reset-password/'))
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
      await page.getByLabel('New password', { exact: true }).fill('short')
      await page.getByRole('button', { name: 'Save the new password and sign in' }).click()
      await page.getByText('A password needs at least 8 characters.').waitFor()
      await page.getByLabel('New password', { exact: true }).fill('my new long password')
      await page.getByRole('button', { name: 'Save the new password and sign in' }).click()
      await page.locator('.account-menu').waitFor()

      // Signed in with the new password from now on.
      await openAccountMenu(page)
      await page.getByRole('button', { name: /Sign out/ }).click()
      await page.goto('/login')
      await page.getByLabel('Handle or email', { exact: true }).fill(handle)
      await page.getByLabel('Password', { exact: true }).fill('my new long password')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.locator('.account-menu').waitFor()
    } finally {
      await context.close()
    }
  })
}
