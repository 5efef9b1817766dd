// The social feed as a member uses it, in Chromium, once with JavaScript and once without: follow
// someone, page through the home feed with "Load more", write a post with a photo, like, comment.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import sharp from 'sharp'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, newContext, startServer, type RunningServer } from './browser'

/** One more than a page of the feed, so "Load more" appears. */
const AUTHOR_POSTS = 21

let browser: Browser
let server: RunningServer

beforeAll(async () => {
  ;[browser, server] = await Promise.all([launchBrowser(), startServer({ env: { POST_RATE_LIMIT: '1000' } })])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

/** An author with a page and a bit of posts, made over HTTP as fast as a script can. */
async function authorWithPosts(handle: string): Promise<void> {
  const headers = { origin: server.url }
  const signup = await fetch(`${server.url}/signup`, {
    method: 'POST',
    redirect: 'manual',
    headers,
    body: new URLSearchParams({ handle, email: `${handle}@example.com`, password: 'a good long password' }),
  })
  const cookie = signup.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('nl_session=') && !pair.endsWith('='))!
  for (let i = 1; i <= AUTHOR_POSTS; i++) {
    const form = new FormData()
    form.set('body', `Post ${i} from ${handle}`)
    const response = await fetch(`${server.url}/posts`, { method: 'POST', redirect: 'manual', headers: { ...headers, cookie }, body: form })
    if (response.status !== 303) throw new Error(`posting failed: ${response.status}`)
  }
}

async function catPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: '#d98c4a' } }).jpeg().toBuffer()
}

const articles = (page: Page) => page.locator('article.post')

/** Marks the loaded document, so a test can tell an htmx swap (mark kept) from a page load (mark gone). */
const markPage = (page: Page) => page.evaluate(() => document.documentElement.setAttribute('data-test-mark', ''))
const pageWasKept = (page: Page) => page.evaluate(() => document.documentElement.hasAttribute('data-test-mark'))

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`a member follows, loads more, posts with a photo, likes and comments ${mode}`, async () => {
    const suffix = `${javaScriptEnabled ? 'js' : 'nojs'}${Date.now().toString(36)}`
    const author = `author_${suffix}`
    const reader = `reader_${suffix}`
    await authorWithPosts(author)
    const context = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const page = await context.newPage()
    try {
      await page.goto('/signup')
      await page.getByLabel('Handle', { exact: true }).fill(reader)
      await page.getByLabel('Email', { exact: true }).fill(`${reader}@example.com`)
      await page.getByLabel('Password', { exact: true }).fill('a good long password')
      await page.getByRole('button', { name: 'Sign up' }).click()
      await page.getByRole('heading', { name: `Welcome, ${reader}` }).waitFor()

      // Follow: the button and the count change in place (JS) or after the redirect back (no JS).
      await page.goto(`/@${author}`)
      await page.getByText('0 followers').waitFor()
      if (javaScriptEnabled) await markPage(page)
      await page.getByRole('button', { name: 'Follow', exact: true }).click()
      await page.getByRole('button', { name: 'Unfollow', exact: true }).waitFor()
      await page.getByText('1 follower', { exact: true }).waitFor()
      if (javaScriptEnabled) expect(await pageWasKept(page)).toBe(true)
      expect(new URL(page.url()).pathname).toBe(`/@${author}`)

      // The home feed shows a page of the author's posts, then "Load more".
      await page.getByRole('link', { name: 'Nine Lives' }).click()
      await page.getByText(`Post ${AUTHOR_POSTS} from ${author}`).waitFor()
      expect(await articles(page).count()).toBe(20)
      if (javaScriptEnabled) await markPage(page)
      await page.getByRole('link', { name: 'Load more' }).click()
      await page.getByText(`Post 1 from ${author}`).waitFor()
      if (javaScriptEnabled) {
        expect(await pageWasKept(page)).toBe(true)
        // Appended in place, and the cursor URL pushed into history.
        expect(await articles(page).count()).toBe(AUTHOR_POSTS)
        await page.getByText(`Post ${AUTHOR_POSTS} from ${author}`).waitFor()
      } else {
        expect(await articles(page).count()).toBe(1)
      }
      await page.waitForURL(/\/\?cursor=/)
      // The cursor URL stands on its own as a full page (what back/forward and a shared link load).
      await page.reload()
      await page.getByText(`Post 1 from ${author}`).waitFor()
      expect(await articles(page).count()).toBe(1)

      // Write a post with a photo and its description.
      await page.goto('/')
      await page.getByLabel('What’s new with your cats?').fill(`Hello from ${reader}`)
      await page.getByText('Add photos (up to 4)').click()
      await page.getByLabel('Photo 1', { exact: true }).setInputFiles({ name: 'biscuit.jpg', mimeType: 'image/jpeg', buffer: await catPhoto() })
      await page.getByLabel('Describe photo 1').fill('Biscuit, a ginger cat, on the sofa')
      await page.getByRole('button', { name: 'Post', exact: true }).click()
      await page.waitForURL((url) => url.pathname === '/' && !url.search)
      const mine = articles(page).first()
      await mine.getByText(`Hello from ${reader}`).waitFor()
      expect(await mine.getByRole('img', { name: 'Biscuit, a ginger cat, on the sofa' }).count()).toBe(1)

      // Like the author's newest post.
      const theirs = articles(page).filter({ hasText: `Post ${AUTHOR_POSTS} from ${author}` })
      if (javaScriptEnabled) await markPage(page)
      await theirs.getByRole('button', { name: 'Like', exact: true }).click()
      await theirs.getByRole('button', { name: 'Unlike', exact: true }).waitFor()
      await theirs.getByText('1 like', { exact: true }).waitFor()
      if (javaScriptEnabled) expect(await pageWasKept(page)).toBe(true)

      // Comment on it from its own page.
      await theirs.getByRole('link', { name: '0 comments' }).click()
      await page.getByLabel('Add a comment').fill('What a lovely cat!')
      if (javaScriptEnabled) await markPage(page)
      await page.getByRole('button', { name: 'Comment', exact: true }).click()
      await page.getByRole('heading', { name: '1 comment' }).waitFor()
      await page.locator('.comment-list').getByText('What a lovely cat!').waitFor()
      if (javaScriptEnabled) expect(await pageWasKept(page)).toBe(true)
      expect(await page.getByLabel('Add a comment').inputValue()).toBe('')
      expect(new URL(page.url()).pathname).toMatch(/^\/posts\/\d+$/)

      // Delete one's own post: the browser's dialog asks with JavaScript, a page asks without.
      await page.goto('/')
      const own = articles(page).filter({ hasText: `Hello from ${reader}` })
      if (javaScriptEnabled) {
        const asked: string[] = []
        page.once('dialog', (dialog) => {
          asked.push(dialog.message())
          void dialog.accept()
        })
        await own.getByRole('button', { name: 'Delete post' }).click()
        await page.getByText('Post deleted.').waitFor()
        expect(asked).toEqual(['Delete this post?'])
      } else {
        await own.getByRole('button', { name: 'Delete post' }).click()
        await page.getByRole('heading', { name: 'Delete this post?' }).waitFor()
        await page.getByRole('button', { name: 'Delete this post' }).click()
        await page.waitForURL((url) => url.pathname === '/')
      }
      expect(await page.getByText(`Hello from ${reader}`).count()).toBe(0)
    } finally {
      await context.close()
    }
  })
}
