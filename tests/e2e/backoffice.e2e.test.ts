// The back office as people use it, in Chromium, once with JavaScript and once without: a member
// reports a post, an admin hides it with a reason, it is gone for others (a page loaded a moment
// before included), the author is told, the admin restores it; the public moderation log and the
// audit log show each step. Appeals are not built yet.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { BUN, REPO_ROOT } from '@tests/helpers/server'
import { launchBrowser, newContext, startServer, type RunningServer, signUpInBrowser } from './browser'

let browser: Browser
let server: RunningServer
const dataDir = mkdtempSync(path.join(tmpdir(), 'nl-backoffice-'))
const staff = `staff_${Date.now().toString(36)}`
const PASSWORD = 'a good long password'

/** A form POST as a signed-in browser would send it, outside the browser (setting up the scene). */
async function send(pathname: string, body: FormData | URLSearchParams, cookie = ''): Promise<Response> {
  return fetch(`${server.url}${pathname}`, { method: 'POST', body, headers: { origin: server.url, cookie }, redirect: 'manual' })
}

beforeAll(async () => {
  // The admin signs up, then `npm run make-admin` runs while the server is stopped (it holds DATA_DIR).
  server = await startServer({ dataDir })
  const signedUp = await send('/signup', new URLSearchParams({ handle: staff, email: `${staff}@example.com`, password: PASSWORD }))
  if (signedUp.status !== 303) throw new Error(`staff sign-up failed: ${signedUp.status}`)
  await server.stop()
  const made = spawnSync(BUN, ['--no-env-file', 'src/cli.ts', 'make-admin', staff], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir }, encoding: 'utf8' })
  if (made.status !== 0) throw new Error(`make-admin failed: ${made.stderr}`)
  ;[browser, server] = await Promise.all([launchBrowser(), startServer({ dataDir })])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
  rmSync(dataDir, { recursive: true, force: true })
})

async function signIn(page: Page, handle: string): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('Handle or email').fill(handle)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('.account-menu').waitFor()
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`a member reports a post, an admin hides it, the author is told, the admin restores it ${mode}`, async () => {
    const tag = `${javaScriptEnabled ? 'js' : 'nojs'}${Date.now().toString(36)}`
    const contexts = await Promise.all([0, 1, 2, 3].map(() => newContext(browser, { javaScriptEnabled, baseURL: server.url })))
    const [authorContext, memberContext, visitorContext, staffContext] = contexts
    try {
      const author = await authorContext!.newPage()
      await signUpInBrowser(author, `author_${tag}`)
      await author.goto('/')
      await author.getByLabel('What’s new with your cats?').fill(`Kittens for sale, wire the money first ${tag}`)
      await author.getByRole('button', { name: 'Post', exact: true }).click()
      await author.waitForURL((url) => url.pathname === '/' && !url.search)
      await author.locator('article.post', { hasText: tag }).locator('a.post-time').click()
      await author.waitForURL(/\/posts\/\d+$/)
      const postPath = new URL(author.url()).pathname

      // A signed-out visitor has the page open from a moment before.
      const visitor = await visitorContext!.newPage()
      await visitor.goto(postPath)
      await visitor.getByText(`wire the money first ${tag}`).waitFor()

      const member = await memberContext!.newPage()
      await signUpInBrowser(member, `member_${tag}`)
      await member.goto(postPath)
      await member.getByRole('link', { name: 'Report this post' }).click()
      await member.getByRole('heading', { name: 'Report a post' }).waitFor()
      await member.getByLabel('Scam or fraud').check()
      await member.getByLabel('Anything a moderator should know (optional)').fill('Asks for money up front')
      await member.getByRole('button', { name: 'Send the report' }).click()
      await member.getByText('Thank you. A moderator will look at it.').waitFor()

      const admin = await staffContext!.newPage()
      await signIn(admin, staff)
      await admin.goto('/admin/reports')
      const item = admin.locator('.queue-item').filter({ hasText: 'Asks for money up front' })
      await item.getByLabel('Reason (the author is told it)').fill(`Scam: asks for money ${tag}`)
      await item.getByRole('button', { name: 'Hide it' }).click()
      await admin.getByText('Hidden. The author has been told why.').waitFor()

      await visitor.reload()
      await visitor.getByRole('heading', { name: 'Page not found' }).waitFor()
      await author.goto('/notifications')
      await author.getByText(`A moderator hid your post. Reason: Scam: asks for money ${tag}`).waitFor()

      const hidden = admin.locator('.queue-item').filter({ hasText: `Scam: asks for money ${tag}` })
      await hidden.getByLabel('Reason (the author is told it)').fill(`Restored after a look ${tag}`)
      await hidden.getByRole('button', { name: 'Restore it' }).click()
      await admin.getByText('Restored. The author has been told.').waitFor()
      await visitor.reload()
      await visitor.getByText(`wire the money first ${tag}`).waitFor()

      await visitor.goto('/moderation')
      await visitor.getByRole('cell', { name: `Scam: asks for money ${tag}` }).waitFor()
      await visitor.getByRole('cell', { name: `Restored after a look ${tag}` }).waitFor()
      expect(await visitor.content()).not.toContain('Asks for money up front')
      await admin.goto('/admin/audit')
      await admin.getByRole('cell', { name: `Restored after a look ${tag}` }).waitFor()
      expect(await admin.getByRole('cell', { name: `@${staff}` }).count()).toBeGreaterThanOrEqual(2)
    } finally {
      await Promise.all(contexts.map((context) => context.close()))
    }
  })
}
