// Memorials as people use them, in Chromium, once with JavaScript and once without: make one with a
// cover photo, visit it signed out, light a candle, leave a tribute, hide it, browse the wall.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import sharp from 'sharp'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, newContext, startServer, type RunningServer, signUpInBrowser } from './browser'

let browser: Browser
let server: RunningServer
let coverPhoto: Buffer

/** Cards on one page of the wall (src/features/memorials/service.ts WALL_PAGE_SIZE). */
const WALL_PAGE_SIZE = 24

beforeAll(async () => {
  ;[browser, server, coverPhoto] = await Promise.all([launchBrowser(), startServer(), gentlePhoto()])
})

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()])
})

/** A soft gradient with a sun: enough of a photo for the pipeline, made at run time. */
function gentlePhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f6d9b8"/><stop offset="1" stop-color="#9c6b4e"/></linearGradient></defs>
    <rect width="640" height="480" fill="url(#g)"/><circle cx="460" cy="150" r="70" fill="#fff3d6"/></svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer()
}

/** Memorials for the wall's second page, made through the real form with the owner's session. */
async function fillTheWall(context: BrowserContext, count: number, prefix: string): Promise<void> {
  const cookie = (await context.cookies(server.url)).map((c) => `${c.name}=${c.value}`).join('; ')
  for (let i = 0; i < count; i++) {
    const form = new FormData()
    for (const [name, value] of Object.entries({ name: `${prefix} ${i}`, passed_year: '2022', visibility: 'public', show_on_wall: 'on' })) form.set(name, value)
    const response = await fetch(`${server.url}/memorials`, { method: 'POST', body: form, headers: { cookie, origin: server.url }, redirect: 'manual' })
    if (response.status !== 303) throw new Error(`making a wall memorial failed: ${response.status}`)
  }
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript'

  test(`make a memorial, visit it, light a candle, leave a tribute, hide it and browse the wall ${mode}`, async () => {
    const tag = `${javaScriptEnabled ? 'js' : 'nojs'}${Date.now().toString(36)}`
    const name = `Marmalade ${tag}`
    const ownerContext = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const visitorContext = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    const friendContext = await newContext(browser, { javaScriptEnabled, baseURL: server.url })
    try {
      // Older memorials first, so that ours is the newest on the wall and the rest fill page two.
      const owner = await ownerContext.newPage()
      await signUpInBrowser(owner, `owner_${tag}`)
      await fillTheWall(ownerContext, WALL_PAGE_SIZE, `Older ${tag}`)

      // Make it: a mistake first (no year of death), then the whole form with a cover photo.
      await owner.goto('/memorials')
      await owner.getByRole('link', { name: 'Make a memorial' }).click()
      await owner.getByRole('heading', { name: 'Make a memorial' }).waitFor()
      await owner.getByLabel('Their name').fill(name)
      await owner.getByRole('button', { name: 'Make the memorial' }).click()
      await owner.getByText('Please give at least the year they died.').waitFor()
      expect(await owner.getByLabel('Their name').inputValue()).toBe(name)

      const died = owner.getByRole('group', { name: 'Died' })
      await died.getByLabel('Day').fill('2')
      await died.getByLabel('Month').selectOption({ label: 'June' })
      await died.getByLabel('Year').fill('2024')
      await owner.getByRole('group', { name: 'Born' }).getByLabel('Year').fill('2009')
      await owner.getByLabel('Their story').fill('She ran the house *and* the garden.\n\nShe is missed every morning.')
      await owner.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'marmalade.jpg', mimeType: 'image/jpeg', buffer: coverPhoto })
      await owner.getByLabel('Describe the photo').fill('Marmalade asleep in the evening sun')
      await owner.getByRole('radio', { name: /Everyone/ }).check()
      await owner.getByLabel('Show it on the memorial wall (public memorials only)').check()
      await owner.getByRole('button', { name: 'Make the memorial' }).click()
      await owner.getByRole('heading', { name }).waitFor()
      await owner.getByRole('link', { name: 'Edit this memorial' }).waitFor()
      const slug = new URL(owner.url()).pathname.replace('/memorials/', '')

      // Visit it signed out: the photo, the dates, the story.
      const visitor = await visitorContext.newPage()
      const violations = await watchCsp(visitor, javaScriptEnabled)
      await visitor.goto(`/memorials/${slug}`)
      await visitor.getByRole('heading', { name }).waitFor()
      expect(await visitor.getByRole('img', { name: 'Marmalade asleep in the evening sun' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
      await visitor.getByText('2 June 2024').waitFor()
      await visitor.getByText('She is missed every morning.').waitFor()
      expect(await visitor.getByRole('link', { name: 'Edit this memorial' }).count()).toBe(0)

      // Light a candle, signed out.
      await visitor.getByRole('button', { name: 'Light a candle' }).click()
      await visitor.getByText(`Your candle is lit for ${name} today.`).waitFor()
      await visitor.getByText('1 candle lit').waitFor()
      if (javaScriptEnabled) {
        expect(new URL(visitor.url()).search).toBe('') // swapped in place by htmx
        // The JSON-LD is data, not script: present and unblocked, with no CSP violation anywhere.
        const structured = await visitor.evaluate(() => JSON.parse(document.querySelector('script[type="application/ld+json"]')!.textContent!))
        expect(structured.headline).toBe(`In memory of ${name}`)
        expect(await violations()).toEqual([])
      }

      // A friend leaves a tribute.
      const friend = await friendContext.newPage()
      await signUpInBrowser(friend, `friend_${tag}`)
      await friend.goto(`/memorials/${slug}`)
      await friend.getByLabel('Leave a tribute').fill('The kindest cat on our street.')
      await friend.getByRole('button', { name: 'Leave the tribute' }).click()
      await friend.getByText('Thank you. Your tribute is on the page.').waitFor()
      await friend.getByRole('blockquote').getByText('The kindest cat on our street.').waitFor()

      // The owner hides it.
      await owner.goto(`/memorials/${slug}`)
      await owner.getByRole('link', { name: 'Tributes' }).click()
      await owner.getByRole('heading', { name: `Tributes for ${name}` }).waitFor()
      await owner.getByRole('button', { name: /^Hide the tribute from/ }).click()
      await owner.getByText('Hidden', { exact: true }).waitFor()
      await visitor.goto(`/memorials/${slug}`)
      await visitor.getByRole('heading', { name }).waitFor()
      expect(await visitor.getByText('The kindest cat on our street.').count()).toBe(0)

      // Browse the wall: ours first, then "Load more" for the older ones.
      await visitor.getByRole('link', { name: 'Memorial wall' }).click()
      await visitor.getByRole('heading', { name: 'Memorial wall' }).waitFor()
      const cards = visitor.locator('.wall-card h2')
      expect(await cards.first().textContent()).toBe(name)
      expect(await visitor.getByText(`Older ${tag} 0`, { exact: true }).count()).toBe(0)
      await visitor.getByRole('link', { name: 'Load more' }).click()
      await visitor.getByText(`Older ${tag} 0`, { exact: true }).waitFor()
      // With htmx the next page is appended to this one; without, it is the next page itself.
      expect(await visitor.getByText(name, { exact: true }).count()).toBe(javaScriptEnabled ? 1 : 0)
      await visitor.getByText(`Older ${tag} 0`, { exact: true }).click()
      await visitor.getByRole('heading', { name: `Older ${tag} 0` }).waitFor()

      if (javaScriptEnabled) await offlineVisit(visitorContext, visitor, slug, name)
    } finally {
      await Promise.all([ownerContext.close(), visitorContext.close(), friendContext.close()])
    }
  })
}

/** Counts CSP violations in the page, from before any of its scripts run. */
async function watchCsp(page: Page, javaScriptEnabled: boolean): Promise<() => Promise<string[]>> {
  if (!javaScriptEnabled) return async () => []
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
  })
  return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)
}

/** With the service worker, a memorial opened before still reads offline; another page shows the offline page. */
async function offlineVisit(context: BrowserContext, page: Page, slug: string, name: string): Promise<void> {
  await page.goto(`/memorials/${slug}`)
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  // Once the worker controls the page, this visit is the one it keeps (with its photo).
  await page.reload()
  await page.getByRole('img', { name: 'Marmalade asleep in the evening sun' }).waitFor()
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller))
  await page.reload()
  await page.getByRole('heading', { name }).waitFor()
  await context.setOffline(true)
  try {
    await page.goto(`/memorials/${slug}`)
    await page.getByRole('heading', { name }).waitFor()
    expect(await page.getByRole('img', { name: 'Marmalade asleep in the evening sun' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    await page.goto('/settings')
    await page.getByRole('heading', { name: 'You are offline' }).waitFor()
    await page.getByRole('link', { name: `In memory of ${name}` }).waitFor()
  } finally {
    await context.setOffline(false)
  }
}
