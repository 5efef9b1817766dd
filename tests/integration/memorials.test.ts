import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { XMLValidator } from 'fast-xml-parser'
import { HtmlValidate } from 'html-validate'
import { createApp } from '@/app'
import type { Config } from '@/config'
import { memorialSitemapSource } from '@/features/memorials/sitemap-source'
import { WALL_PAGE_SIZE } from '@/features/memorials/service'
import { createSitemap } from '@/features/sitemap/service'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'
import { coverJpeg, editMemorial, makeMemorial, memorialForm, MEMORIAL_DEFAULTS, type MemorialFields } from '@tests/helpers/memorials'

const ctx = await testContext()
const db = ctx.infra.dbs.memorials
const client = () => new TestClient(ctx)

async function member(prefix = 'owner'): Promise<TestClient> {
  const browser = client()
  await browser.signUp(prefix)
  return browser
}

/** A unique name, so that each test's memorial has a slug of its own. */
const catName = (name: string) => `${name} ${Math.random().toString(36).slice(2, 7)}`

async function memorialRow(slug: string) {
  return db.selectFrom('memorials').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow()
}

async function html(response: Response): Promise<string> {
  return response.text()
}

/** The JSON-LD of a page, parsed. */
function jsonLd(page: string): Record<string, unknown> {
  const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)?.[1]
  if (!json) throw new Error('no JSON-LD in the page')
  return JSON.parse(json) as Record<string, unknown>
}

describe('making a memorial', () => {
  test('a new memorial gets a readable slug, starts unlisted when nothing is chosen, and shows to its owner', async () => {
    const owner = await member()
    const form = await owner.get('/memorials/new')
    expect(form.status).toBe(200)
    const formHtml = await html(form)
    expect(formHtml).toMatch(/<input type="radio" name="visibility" value="unlisted" checked/)

    const { visibility: _chosen, ...fields } = MEMORIAL_DEFAULTS
    const response = await owner.post('/memorials', memorialForm({ ...fields, name: 'Mrs. Biscuit O’Malley' }))
    expect(response.status).toBe(303)
    const slug = response.headers.get('location')!.replace('/memorials/', '')
    expect(slug).toMatch(/^mrs-biscuit-omalley(-\d+)?$/)
    const row = await memorialRow(slug)
    expect(row.visibility).toBe('unlisted')
    expect(row.show_on_wall).toBe(false)

    const page = await html(await owner.get(`/memorials/${slug}`))
    expect(page).toContain('Mrs. Biscuit O’Malley')
    expect(page).toContain('Edit this memorial')
  })

  test('two cats with the same name get different slugs, and a reserved word is never a slug', async () => {
    const owner = await member()
    const name = catName('Mittens')
    const first = await makeMemorial(owner, { name })
    const second = await makeMemorial(owner, { name })
    expect(second).toBe(`${first}-2`)

    const reserved = await makeMemorial(owner, { name: 'New' })
    expect(reserved).not.toBe('new')
    expect(reserved).toMatch(/^new-\d+$/)
    expect(await html(await owner.get('/memorials/new'))).toContain('Make a memorial')
    expect(await makeMemorial(owner, { name: '🐈' })).toMatch(/^cat(-\d+)?$/)
    expect(await makeMemorial(owner, { name: 'Zoë' })).toMatch(/^zoe(-\d+)?$/)
  })

  test('signed out, the form sends you to sign in, and a post is refused', async () => {
    const visitor = client()
    const response = await visitor.get('/memorials/new')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/login?next=%2Fmemorials%2Fnew')
    expect((await visitor.post('/memorials', memorialForm(MEMORIAL_DEFAULTS))).status).toBe(401)
  })

  test('bad input comes back with the form, its values and a message, and nothing is stored', async () => {
    const owner = await member()
    const thisYear = new Date().getUTCFullYear()
    const cases: [MemorialFields, string][] = [
      [{ name: '   ' }, 'Please give the name you called them.'],
      [{ name: 'x'.repeat(81) }, 'A name can have at most 80 characters'],
      [{ born_year: '2020', passed_year: '2019', born_day: '', born_month: '', passed_day: '', passed_month: '' }, 'comes before the day they were born'],
      [{ passed_year: String(thisYear + 1), passed_day: '', passed_month: '' }, 'This date has not come yet'],
      [{ born_year: String(thisYear + 2), born_day: '', born_month: '' }, 'This date has not come yet'],
      [{ passed_day: '30', passed_month: '2', passed_year: '2023' }, 'February 2023 has no day 30'],
      [{ passed_day: '4', passed_month: '', passed_year: '2023' }, 'Please choose the month they died as well as the day'],
      [{ passed_day: '', passed_month: '', passed_year: '' }, 'Please give at least the year they died'],
      [{ born_year: '1492' }, 'should be a year like 2012'],
      [{ story: 'a'.repeat(10_001) }, 'A story can have at most 10,000 characters'],
      [{ visibility: 'everyone-please' }, 'Please choose who can see the memorial'],
    ]
    const marker = catName('Nothing stored')
    for (const [fields, message] of cases) {
      const response = await owner.post('/memorials', memorialForm({ ...MEMORIAL_DEFAULTS, name: marker, ...fields }))
      expect(response.status).toBe(422)
      const body = await html(response)
      expect(body).toContain(message)
      if (fields.name === undefined) expect(body).toContain(`value="${marker}"`)
    }
    const stored = await db.selectFrom('memorials').select('id').where('name', 'in', [marker, '   ', 'x'.repeat(81)]).execute()
    expect(stored).toHaveLength(0)
  })

  test('a year-only or month-only date is kept and shown as given', async () => {
    const owner = await member()
    const slug = await makeMemorial(owner, { born_day: '', born_month: '', born_year: '2008', passed_day: '', passed_month: '11', passed_year: '2023' })
    const page = await html(await owner.get(`/memorials/${slug}`))
    expect(page).toContain('<time datetime="2008">2008</time>')
    expect(page).toContain('<time datetime="2023-11">November 2023</time>')
  })

  test('a photo that is not a photo is refused with the form, and no memorial is made', async () => {
    const owner = await member()
    const name = catName('Pixel')
    const notAPhoto = new File([new TextEncoder().encode('<svg onload="alert(1)"/>')], 'cat.jpg', { type: 'image/jpeg' })
    const response = await owner.post('/memorials', memorialForm({ ...MEMORIAL_DEFAULTS, name, cover_alt: 'A cat' }, notAPhoto))
    expect([415, 422]).toContain(response.status)
    expect(await html(response)).toContain(`value="${name}"`)
    expect(await db.selectFrom('memorials').select('id').where('name', '=', name).execute()).toHaveLength(0)
  })
})

describe('editing and renaming', () => {
  test('an edit shows at once, and a rename keeps the old address working with a 301', async () => {
    const owner = await member()
    const name = catName('Tom')
    const slug = await makeMemorial(owner, { name })
    const renamedTo = catName('Tommy')
    const response = await editMemorial(owner, slug, { name: renamedTo, story: 'Loved *sardines*.' })
    expect(response.status).toBe(303)
    const newSlug = response.headers.get('location')!.replace('/memorials/', '')
    expect(newSlug).not.toBe(slug)

    const visitor = client()
    const moved = await visitor.get(`/memorials/${slug}?candle=lit`)
    expect(moved.status).toBe(301)
    expect(moved.headers.get('location')).toBe(`/memorials/${newSlug}?candle=lit`)
    const page = await html(await visitor.get(`/memorials/${newSlug}`))
    expect(page).toContain('Loved <em>sardines</em>.')

    // The old slug is never given to another memorial.
    const other = await makeMemorial(await member(), { name })
    expect(other).not.toBe(slug)
    // Renamed back, the memorial takes its old slug again.
    const back = await editMemorial(owner, newSlug, { name })
    expect(back.headers.get('location')).toBe(`/memorials/${slug}`)
    expect((await visitor.get(`/memorials/${newSlug}`)).status).toBe(301)
  })

  test('someone else’s memorial cannot be edited, and the edit is not stored', async () => {
    const slug = await makeMemorial(await member(), { name: catName('Smudge') })
    const stranger = await member('stranger')
    expect((await stranger.get(`/memorials/${slug}/edit`)).status).toBe(403)
    const response = await editMemorial(stranger, slug, { name: 'Stolen' })
    expect(response.status).toBe(403)
    expect((await memorialRow(slug)).name).not.toBe('Stolen')
  })

  test('a cover photo can be replaced and removed; gallery photos added and removed', async () => {
    const owner = await member()
    const slug = await makeMemorial(owner, { name: catName('Pepper') }, await coverJpeg(1))
    const first = (await memorialRow(slug)).cover_media_id!
    expect(first).toBeTruthy()
    await editMemorial(owner, slug, { name: (await memorialRow(slug)).name, cover_alt: 'Pepper in the garden' }, await coverJpeg(2))
    const second = (await memorialRow(slug)).cover_media_id!
    expect(second).not.toBe(first)
    const media = ctx.infra.dbs.social
    expect(await media.selectFrom('media').select('id').where('id', '=', first).execute()).toHaveLength(0)

    const photo = new FormData()
    photo.set('photo', await coverJpeg(3))
    photo.set('alt', 'Pepper on the stairs')
    expect((await owner.post(`/memorials/${slug}/photos`, photo)).status).toBe(303)
    const page = await html(await client().get(`/memorials/${slug}`))
    expect(page).toContain('alt="Pepper on the stairs"')
    expect(page).toContain('loading="lazy"')
    const [galleryPhoto] = await db.selectFrom('memorial_photos').select('media_id').where('memorial_id', '=', (await memorialRow(slug)).id).execute()
    expect((await owner.post(`/memorials/${slug}/photos/${galleryPhoto!.media_id}/remove`, {})).status).toBe(303)
    expect(await html(await client().get(`/memorials/${slug}`))).not.toContain('Pepper on the stairs')

    const name = (await memorialRow(slug)).name
    await editMemorial(owner, slug, { name, remove_cover: 'on' })
    expect((await memorialRow(slug)).cover_media_id).toBeNull()
  })
})

describe('what crawlers and sharing see', () => {
  const validator = new HtmlValidate({
    extends: ['html-validate:recommended', 'html-validate:document'],
    rules: {
      // KitaJS writes void elements as <meta />; both spellings are valid HTML.
      'void-style': 'off',
      // `<!doctype html>` and `<!DOCTYPE html>` are the same doctype; the rule is about style.
      'doctype-style': 'off',
      // Subresource integrity guards files from other origins; ours come from our own, under hashed URLs.
      'require-sri': 'off',
      // HTML allows a bare "&" that starts no character reference ("Lost & found").
      'no-raw-characters': ['error', { relaxed: true }],
    },
  })

  test('a public memorial, fetched with no JS and no cookies, is complete, valid HTML with its structured data', async () => {
    const owner = await member()
    const name = catName('Clementine')
    const slug = await makeMemorial(owner, { name, story: 'Clementine kept the whole street in order.\n\nShe was **never** late for supper.' }, await coverJpeg(4))
    const response = await ctx.app.handle(new Request(`${ctx.config.publicUrl.origin}/memorials/${slug}`))
    expect(response.status).toBe(200)
    // The JSON-LD block is data, not script: the CSP needs no 'unsafe-inline' for it.
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';")
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline')
    const page = await html(response)
    expect(page).toContain(`<h1 id="memorial-name" class="memorial-name">${name}</h1>`)
    expect(page).toContain('<time datetime="2009-03-14">14 March 2009</time>')
    expect(page).toContain('<time datetime="2024-06-02">2 June 2024</time>')
    expect(page).toContain('She was <strong>never</strong> late for supper.')
    expect(page).toContain(`<title>In memory of ${name} · Nine Lives</title>`)
    expect(page).toContain('<meta name="description" content="Clementine kept the whole street in order. She was never late for supper."')
    expect(page).toContain(`<link rel="canonical" href="http://localhost:3000/memorials/${slug}"`)
    expect(page).not.toContain('noindex')

    const image = /<meta property="og:image" content="([^"]+)"/.exec(page)?.[1]
    expect(image).toStartWith('http')
    expect(page).toContain('<meta name="twitter:card" content="summary_large_image"')
    const cover = /<img src="([^"]+)"[^>]*fetchpriority="high"/.exec(page)?.[1]
    expect(cover).toBeTruthy()
    const coverResponse = await fetchMedia(cover!)
    expect(coverResponse.status).toBe(200)
    expect(coverResponse.headers.get('content-type')).toBe('image/jpeg')

    const data = jsonLd(page)
    expect(data['@context']).toBe('https://schema.org')
    expect(data['@type']).toBe('Article')
    expect(data.headline).toBe(`In memory of ${name}`)
    expect(data.url).toBe(`http://localhost:3000/memorials/${slug}`)
    expect(data.image).toEqual([image])
    expect(typeof data.datePublished).toBe('string')
    expect(typeof data.dateModified).toBe('string')
    expect((data.about as { name: string }).name).toBe(name)

    // Share links like a post's and a report's, with the page's own address.
    const address = encodeURIComponent(`http://localhost:3000/memorials/${slug}`)
    expect(page).toContain('<h2 id="share-heading">Share their memorial</h2>')
    expect(page).toContain(`href="https://www.facebook.com/sharer/sharer.php?u=${address}"`)
    expect(page).toContain(`<code>http://localhost:3000/memorials/${slug}</code>`)

    const report = await validator.validateString(page)
    const problems = report.results.flatMap((result) => result.messages.map((m) => `${m.ruleId}: ${m.message} (${m.selector})`))
    expect(problems).toEqual([])
  })

  test('JSON-LD survives a name that tries to close the script', async () => {
    const owner = await member()
    const name = '</script><script>alert(1)</script>'
    const slug = await makeMemorial(owner, { name })
    const page = await html(await client().get(`/memorials/${slug}`))
    // Escaped in the heading; in the JSON-LD as \u003c, so the first </script> is the real end.
    expect(page).toContain('<h1 id="memorial-name" class="memorial-name">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>')
    expect((jsonLd(page).about as { name: string }).name).toBe(name)
  })

  test('unlisted and private memorials are noindex and absent from the sitemap; private ones are 404 to visitors', async () => {
    const owner = await member()
    const publicSlug = await makeMemorial(owner, { name: catName('Sunny') })
    const unlisted = await makeMemorial(owner, { name: catName('Shadow'), visibility: 'unlisted' })
    const hidden = await makeMemorial(owner, { name: catName('Ghost'), visibility: 'private' })

    const unlistedPage = await client().get(`/memorials/${unlisted}`)
    expect(unlistedPage.status).toBe(200)
    const unlistedHtml = await html(unlistedPage)
    expect(unlistedHtml).toContain('<meta name="robots" content="noindex"/>')
    expect(unlistedHtml).toContain('Share their memorial') // its link is for sharing
    expect((await client().get(`/memorials/${hidden}`)).status).toBe(404)
    const hiddenHtml = await html(await owner.get(`/memorials/${hidden}`))
    expect(hiddenHtml).toContain('<meta name="robots" content="noindex"/>')
    expect(hiddenHtml).not.toContain('Share their memorial') // only its owner sees it: nothing to share

    const urls = await sitemapUrls()
    expect(urls).toContain(`http://localhost:3000/memorials/${publicSlug}`)
    expect(urls).not.toContain(`http://localhost:3000/memorials/${unlisted}`)
    expect(urls).not.toContain(`http://localhost:3000/memorials/${hidden}`)
  })

  test('the sitemap index and its chunks are valid XML with lastmod, and robots.txt points to it', async () => {
    await makeMemorial(await member(), { name: catName('Indexed') })
    const index = await client().get('/sitemap.xml')
    expect(index.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const indexXml = await index.text()
    expect(XMLValidator.validate(indexXml)).toBe(true)
    expect(indexXml).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    expect(indexXml).toMatch(/<lastmod>\d{4}-\d\d-\d\dT[\d:.]+Z<\/lastmod>/)
    for (const chunk of locs(indexXml)) {
      const chunkXml = await (await client().get(new URL(chunk).pathname + new URL(chunk).search)).text()
      expect(XMLValidator.validate(chunkXml)).toBe(true)
      expect(chunkXml).toMatch(/<url><loc>[^<]+<\/loc><lastmod>[^<]+<\/lastmod><\/url>/)
    }
    const robots = await (await client().get('/robots.txt')).text()
    expect(robots).toContain('Sitemap: http://localhost:3000/sitemap.xml')
    expect((await client().get('/sitemaps/memorials.xml?from=not-an-id')).status).toBe(404)
  })

  test('sitemap chunks never hold more than their size, and together list every public memorial once', async () => {
    const owner = await member()
    for (let i = 0; i < 5; i++) await makeMemorial(owner, { name: catName('Chunk') })
    const sitemap = createSitemap({ publicUrl: ctx.config.publicUrl, sources: [memorialSitemapSource(db)], chunkSize: 2 })
    const chunks = locs(await sitemap.indexXml())
    const listed: string[] = []
    for (const chunk of chunks) {
      const url = new URL(chunk)
      const xml = (await sitemap.chunkXml('memorials', { from: url.searchParams.get('from'), to: url.searchParams.get('to') }))!
      const entries = locs(xml)
      expect(entries.length).toBeLessThanOrEqual(2)
      listed.push(...entries)
    }
    const publicSlugs = await db.selectFrom('memorials').select('slug').where('visibility', '=', 'public').execute()
    expect(listed.sort()).toEqual(publicSlugs.map((row) => `http://localhost:3000/memorials/${row.slug}`).sort())
  })
})

describe('who may see, edit and write a tribute', () => {
  const cases = ['public', 'unlisted', 'private'] as const
  test.each(cases)('a %s memorial: owner, other member, signed-out visitor and admin', async (visibility) => {
    const owner = await member()
    const other = await member('other')
    const admin = client()
    const { handle } = await admin.signUp('admin')
    await ctx.services.accounts.setRole(handle, 'admin')
    const visitor = client()
    const slug = await makeMemorial(owner, { name: catName('Matrix'), visibility })

    const view = async (who: TestClient) => (await who.get(`/memorials/${slug}`)).status
    const edit = async (who: TestClient) => (await who.get(`/memorials/${slug}/edit`)).status
    const tribute = async (who: TestClient) => (await who.post(`/memorials/${slug}/tributes`, { body: 'Thinking of you.' })).status
    const hiddenToOthers = visibility === 'private'
    expect(await view(owner)).toBe(200)
    expect(await view(other)).toBe(hiddenToOthers ? 404 : 200)
    expect(await view(visitor)).toBe(hiddenToOthers ? 404 : 200)
    expect(await view(admin)).toBe(hiddenToOthers ? 404 : 200)

    expect(await edit(owner)).toBe(200)
    expect(await edit(other)).toBe(hiddenToOthers ? 404 : 403)
    expect(await edit(admin)).toBe(hiddenToOthers ? 404 : 403)
    expect(await edit(visitor)).toBe(303) // to sign in first

    expect(await tribute(owner)).toBe(303)
    expect(await tribute(other)).toBe(hiddenToOthers ? 404 : 303)
    expect(await tribute(admin)).toBe(hiddenToOthers ? 404 : 303)
    expect(await tribute(visitor)).toBe(401)
    const tributes = await db.selectFrom('tributes').select('author_handle').where('memorial_id', '=', (await memorialRow(slug)).id).execute()
    expect(tributes).toHaveLength(hiddenToOthers ? 1 : 3)
  })
})

describe('caching', () => {
  test('a public page for signed-out visitors is shared: public Cache-Control, ETag, Last-Modified, cache tags, and 304s', async () => {
    const slug = await makeMemorial(await member(), { name: catName('Cached') })
    const { id } = await memorialRow(slug)
    const response = await client().get(`/memorials/${slug}`)
    expect(response.headers.get('cache-control')).toMatch(/^public, .*s-maxage=300, stale-while-revalidate=86400$/)
    const etag = response.headers.get('etag')!
    const lastModified = response.headers.get('last-modified')!
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(new Date(lastModified).getTime()).toBeGreaterThan(0)
    expect(response.headers.get('cache-tag')).toBe(`memorial:${id}`)
    expect(response.headers.get('surrogate-key')).toBe(`memorial:${id}`)

    // The next visit is answered from the page kept for everyone: same version, same headers.
    const again = await client().get(`/memorials/${slug}`, { headers: { 'Accept-Encoding': 'br' } })
    expect(again.headers.get('etag')).toBe(etag)
    expect(again.headers.get('content-encoding')).toBe('br')
    expect(again.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(again.headers.get('vary')).toContain('Cookie')

    const byEtag = await client().get(`/memorials/${slug}`, { headers: { 'If-None-Match': etag } })
    expect(byEtag.status).toBe(304)
    expect(await byEtag.text()).toBe('')
    const byDate = await client().get(`/memorials/${slug}`, { headers: { 'If-Modified-Since': lastModified } })
    expect(byDate.status).toBe(304)
    const stale = await client().get(`/memorials/${slug}`, { headers: { 'If-None-Match': '"something-else"', 'If-Modified-Since': lastModified } })
    expect(stale.status).toBe(200)
  })

  test('an edit shows at once: the Store entry is dropped and the ETag changes', async () => {
    const owner = await member()
    const slug = await makeMemorial(owner, { name: catName('Fresh') })
    const before = await client().get(`/memorials/${slug}`)
    const kept = [`memorial:page:${slug}`, `memorial:shared:${slug}`]
    for (const key of kept) expect(await ctx.infra.store.get(key)).not.toBeNull()
    await editMemorial(owner, slug, { name: (await memorialRow(slug)).name, story: 'A new chapter.' })
    for (const key of kept) expect(await ctx.infra.store.get(key)).toBeNull()
    const after = await client().get(`/memorials/${slug}`)
    expect(await html(after)).toContain('A new chapter.')
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'))
    expect((await client().get(`/memorials/${slug}`, { headers: { 'If-None-Match': before.headers.get('etag')! } })).status).toBe(200)
  })

  test('private, unlisted, signed-in, personal and fragment responses never get a public Cache-Control', async () => {
    const owner = await member()
    const publicSlug = await makeMemorial(owner, { name: catName('Public') })
    const unlisted = await makeMemorial(owner, { name: catName('Unlisted'), visibility: 'unlisted' })
    const hidden = await makeMemorial(owner, { name: catName('Private'), visibility: 'private' })
    const responses = [
      await owner.get(`/memorials/${hidden}`),
      await client().get(`/memorials/${unlisted}`),
      await owner.get(`/memorials/${publicSlug}`),
      await client().get(`/memorials/${publicSlug}?candle=lit`),
      await client().get(`/memorials/${publicSlug}/you`, { htmx: true }),
    ]
    for (const response of responses) {
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('private, no-cache')
      expect(response.headers.get('cache-tag')).toBeNull()
    }
  })

  test('owner changes purge the CDN; candles never do, and keep the cached page', async () => {
    const purges: string[][] = []
    const receiver = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      async fetch(request) {
        purges.push(((await request.json()) as { tags: string[] }).tags)
        return new Response('{"success":true}')
      },
    })
    try {
      const config: Config = { ...ctx.config, cdnPurgeUrl: `http://127.0.0.1:${receiver.port}/purge` }
      const { app } = createApp({ ...ctx.infra, config })
      const owner = new TestClient({ ...ctx, app, config })
      await owner.signUp()
      const slug = await makeMemorial(owner, { name: catName('Purged') })
      const { id } = await memorialRow(slug)
      await owner.get(`/memorials/${slug}`)

      const visitor = new TestClient({ ...ctx, app, config })
      expect((await visitor.post(`/memorials/${slug}/candles`, {})).status).toBe(303)
      await ctx.infra.queue.drain()
      expect(purges).toEqual([])
      expect(await ctx.infra.store.get(`memorial:page:${slug}`)).not.toBeNull()

      await editMemorial(owner, slug, { name: (await memorialRow(slug)).name, story: 'Edited.' })
      await ctx.infra.queue.drain()
      expect(purges).toEqual([[`memorial:${id}`, 'memorials:wall']])
    } finally {
      await receiver.stop(true)
    }
  })
})

describe('candles', () => {
  test('a signed-out visitor lights one candle a day and is shown it; nobody’s address is stored', async () => {
    const slug = await makeMemorial(await member(), { name: catName('Candle') })
    const visitor = client()
    const lit = await visitor.post(`/memorials/${slug}/candles`, {})
    expect(lit.status).toBe(303)
    expect(lit.headers.get('location')).toBe(`/memorials/${slug}?candle=lit#candle`)
    const mine = await html(await visitor.get(`/memorials/${slug}?candle=lit`))
    expect(mine).toContain('Your candle is lit for')
    expect(mine).toContain('1 candle lit')

    await visitor.post(`/memorials/${slug}/candles`, {})
    await client().post(`/memorials/${slug}/candles`, {})
    const { id, candle_count } = await memorialRow(slug)
    expect(candle_count).toBe(2)
    const candles = await db.selectFrom('candles').select('visitor_key').where('memorial_id', '=', id).execute()
    expect(candles).toHaveLength(2)
    for (const { visitor_key } of candles) {
      expect(visitor_key).toMatch(/^visitor:[\w-]{22}$/)
      expect(visitor_key).not.toContain(visitor.address)
    }
  })

  test('with htmx the candle box is swapped in place, and the visitor fragment knows the candle', async () => {
    const slug = await makeMemorial(await member(), { name: catName('Glow') })
    const visitor = client()
    const response = await visitor.post(`/memorials/${slug}/candles`, {}, { htmx: true })
    expect(response.status).toBe(200)
    const fragment = await html(response)
    expect(fragment).toStartWith('<section id="candle"')
    expect(fragment).toContain('Your candle is lit')
    expect(fragment).not.toContain('<html')
    const parts = await html(await visitor.get(`/memorials/${slug}/you`, { htmx: true }))
    expect(parts).toContain('Your candle is lit')
    expect(parts).toContain('<hx-partial hx-target="#tribute-compose"')
    // The shared page still says what it said (the count may be up to 5 minutes old for others).
    expect(await html(await client().get(`/memorials/${slug}`))).toContain('Light a candle')
  })

  test('candles are rate-limited per address', async () => {
    const config: Config = { ...ctx.config, memorials: { ...ctx.config.memorials, candleRateLimit: { attempts: 2, windowSeconds: 3600 } } }
    const { app } = createApp({ ...ctx.infra, config })
    const owner = new TestClient({ ...ctx, app, config })
    await owner.signUp()
    const slugs = [await makeMemorial(owner, { name: catName('A') }), await makeMemorial(owner, { name: catName('B') }), await makeMemorial(owner, { name: catName('C') })]
    const visitor = new TestClient({ ...ctx, app, config })
    expect((await visitor.post(`/memorials/${slugs[0]}/candles`, {})).status).toBe(303)
    expect((await visitor.post(`/memorials/${slugs[1]}/candles`, {})).status).toBe(303)
    const refused = await visitor.post(`/memorials/${slugs[2]}/candles`, {})
    expect(refused.status).toBe(429)
    expect((await memorialRow(slugs[2]!)).candle_count).toBe(0)
  })

  test('a private memorial takes no candle from a stranger', async () => {
    const slug = await makeMemorial(await member(), { name: catName('Secret'), visibility: 'private' })
    expect((await client().post(`/memorials/${slug}/candles`, {})).status).toBe(404)
    expect((await memorialRow(slug)).candle_count).toBe(0)
  })
})

describe('tributes', () => {
  test('a tribute shows at once to everyone, and its owner is told', async () => {
    const owner = await member()
    const slug = await makeMemorial(owner, { name: catName('Loved') })
    await client().get(`/memorials/${slug}`) // cached now
    const friend = await member('friend')
    const response = await friend.post(`/memorials/${slug}/tributes`, { body: 'She was the best of cats.\nWe miss her.' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/memorials/${slug}?tribute=shown#tributes`)
    const page = await html(await client().get(`/memorials/${slug}`))
    expect(page).toContain('<p>She was the best of cats.</p><p>We miss her.</p>')
    expect(await html(await owner.get('/notifications'))).toContain('left a tribute for')
  })

  test('with approval, a tribute waits until the owner shows it; the owner can hide it again', async () => {
    const owner = await member()
    const slug = await makeMemorial(owner, { name: catName('Careful'), tributes_need_approval: 'on' })
    const friend = await member('friend')
    const sent = await friend.post(`/memorials/${slug}/tributes`, { body: 'Waiting words.' })
    expect(sent.headers.get('location')).toBe(`/memorials/${slug}?tribute=waiting#tributes`)
    expect(await html(await client().get(`/memorials/${slug}`))).not.toContain('Waiting words.')
    expect(await html(await owner.get(`/memorials/${slug}`))).toContain('(1 waiting)')

    const list = await html(await owner.get(`/memorials/${slug}/tributes`))
    const id = /id="tribute-(\d+)"/.exec(list)![1]
    expect(list).toContain('Waiting for you')
    expect((await friend.post(`/memorials/${slug}/tributes/${id}/show`, {})).status).toBe(403)
    expect((await owner.post(`/memorials/${slug}/tributes/${id}/show`, {})).status).toBe(303)
    expect(await html(await client().get(`/memorials/${slug}`))).toContain('Waiting words.')

    const hidden = await owner.post(`/memorials/${slug}/tributes/${id}/hide`, {}, { htmx: true })
    expect(await html(hidden)).toContain('Show on the page')
    expect(await html(await client().get(`/memorials/${slug}`))).not.toContain('Waiting words.')
  })

  test("anyone can flag a tribute; one visitor counts once, and enough members' flags take it off the page", async () => {
    const owner = await member()
    const slug = await makeMemorial(owner, { name: catName('Flagged') })
    await (await member('rude')).post(`/memorials/${slug}/tributes`, { body: 'Something unkind.' })
    const id = /id="tribute-(\d+)"/.exec(await html(await client().get(`/memorials/${slug}`)))![1]
    const flag = (who: TestClient) => who.post(`/memorials/${slug}/tributes/${id}/flag`, {})
    const first = await member('flagger')
    expect((await flag(first)).status).toBe(303)
    await flag(first)
    await flag(client()) // a signed-out visitor's flag is counted, and hides nothing on its own
    await flag(await member('flagger'))
    expect(await html(await client().get(`/memorials/${slug}`))).toContain('Something unkind.')
    await flag(await member('flagger'))
    expect(await html(await client().get(`/memorials/${slug}`))).not.toContain('Something unkind.')
    const row = await db.selectFrom('tributes').select(['status', 'flag_count']).where('id', '=', Number(id)).executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'waiting', flag_count: 4 })
    const fragment = await html(await client().post(`/memorials/${slug}/tributes/${id}/flag`, {}, { htmx: true }))
    expect(fragment).toContain('Thank you for telling us.')
  })

  test('an empty or overlong tribute comes back with its words and a message; nothing is stored', async () => {
    const slug = await makeMemorial(await member(), { name: catName('Quiet') })
    const friend = await member('friend')
    const empty = await friend.post(`/memorials/${slug}/tributes`, { body: '   ' })
    expect(empty.status).toBe(422)
    expect(await html(empty)).toContain('Please write a few words.')
    const long = await friend.post(`/memorials/${slug}/tributes`, { body: 'w'.repeat(1001) }, { htmx: true })
    expect(long.status).toBe(422)
    const fragment = await html(long)
    expect(fragment).toContain('at most 1000 characters')
    expect(fragment).not.toContain('<html')
    expect(await db.selectFrom('tributes').select('id').where('memorial_id', '=', (await memorialRow(slug)).id).execute()).toHaveLength(0)
  })

  test('with htmx, a new tribute comes back with the form and, as a partial, the new list', async () => {
    const slug = await makeMemorial(await member(), { name: catName('Partial') })
    const fragment = await html(await (await member('friend')).post(`/memorials/${slug}/tributes`, { body: 'Hello, little one.' }, { htmx: true }))
    expect(fragment).toContain('Thank you. Your tribute is on the page.')
    expect(fragment).toContain('<hx-partial hx-target="#tribute-list" hx-swap="outerHTML"><div id="tribute-list">')
    expect(fragment).toContain('Hello, little one.')
  })
})

describe('the memorial wall', () => {
  test('shows public memorials that chose it, newest first, in pages with a real "Load more" link', async () => {
    const owner = await member()
    const ownerId = crypto.randomUUID()
    // Written straight to the table, dated in the future so that they are the wall's newest.
    const base = Date.UTC(2100, 0, 1)
    const names = Array.from({ length: WALL_PAGE_SIZE + 2 }, (_, i) => `Wall cat ${String(i).padStart(2, '0')} ${uniqueHandle('w')}`)
    await db
      .insertInto('memorials')
      .values(names.map((name, i) => ({
        owner_id: ownerId,
        slug: `wall-${uniqueHandle('w').replace(/_/g, '-')}-${i}`.toLowerCase(),
        name,
        passed_year: 2020,
        born_year: null, born_month: null, born_day: null, passed_month: null, passed_day: null,
        cover_media_id: null,
        visibility: 'public' as const,
        show_on_wall: true,
        created_at: new Date(base + i * 1000),
      })))
      .execute()
    const hiddenName = catName('Not on the wall')
    await makeMemorial(owner, { name: hiddenName })

    const first = await html(await client().get('/memorials'))
    const newest = names.slice().reverse()
    expect(first.indexOf(newest[0]!)).toBeLessThan(first.indexOf(newest[1]!))
    expect(first).toContain(newest[WALL_PAGE_SIZE - 1]!)
    expect(first).not.toContain(newest[WALL_PAGE_SIZE]!)
    expect(first).not.toContain(hiddenName)
    const next = /<a class="button secondary" href="([^"]+)" hx-get="[^"]+" hx-target="#wall-more" hx-swap="outerHTML">Load more<\/a>/.exec(first)![1]!
    const href = next.replace(/&amp;/g, '&')

    const plain = await html(await client().get(href))
    expect(plain).toContain('<html')
    expect(plain).toContain(newest[WALL_PAGE_SIZE]!)
    const appended = await html(await client().get(href, { htmx: true }))
    expect(appended).not.toContain('<html')
    expect(appended).toContain(newest[WALL_PAGE_SIZE + 1]!)
    expect(appended).not.toContain(newest[0]!)
  })

  test('the wall query uses idx_memorials_wall', async () => {
    const plan = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx)
      return sql<{ 'QUERY PLAN': string }>`
        explain select * from memorials where visibility = 'public' and show_on_wall = true
          and (created_at, id) < (now(), gen_random_uuid()) order by created_at desc, id desc limit 25`.execute(trx)
    })
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('idx_memorials_wall')
  })
})

describe('anniversaries', () => {
  test('on the day a cat died, its owner gets one gentle note and the page shows a candle for the day', async () => {
    const owner = await member()
    const today = new Date()
    const name = catName('Remembered')
    const slug = await makeMemorial(owner, {
      name,
      born_day: '', born_month: '', born_year: '',
      passed_day: String(today.getUTCDate()),
      passed_month: String(today.getUTCMonth() + 1),
      passed_year: String(today.getUTCFullYear() - 4),
    })
    const { anniversaries } = ctx.services.memorials
    await anniversaries.sendAnniversaryNotes(today)
    await anniversaries.sendAnniversaryNotes(today)
    const notes = await html(await owner.get('/notifications'))
    expect(notes.split(`It is 4 years today since ${name} died.`)).toHaveLength(2)
    const page = await html(await client().get(`/memorials/${slug}`))
    expect(page).toContain(`Today it is 4 years since ${name} died.`)
    expect(page).toContain('<span class="candle lit large" aria-hidden="true"></span>')
  })
})

describe('offline', () => {
  test('the service worker is served from the root with its precache list, and registered by a static script', async () => {
    const worker = await client().get('/sw.js')
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(worker.headers.get('cache-control')).toBe('no-cache')
    const source = await worker.text()
    expect(source).toMatch(/^const VERSION = "\w+"\nconst PRECACHE_URLS = \["\/offline","\/assets\/[\w]+\/app\.css"/)
    expect(source).toContain('/* ---- 4. Push notifications')
    const page = await html(await client().get('/memorials'))
    expect(page).toMatch(/<script src="\/assets\/\w+\/sw-register\.js" defer><\/script>/)
    expect(await html(await client().get('/offline'))).toContain('You are offline')
  })
})

async function fetchMedia(url: string): Promise<Response> {
  if (url.startsWith('/')) return ctx.app.handle(new Request(`${ctx.config.publicUrl.origin}${url}`))
  return fetch(url)
}

async function sitemapUrls(): Promise<string[]> {
  const urls: string[] = []
  for (const chunk of locs(await (await client().get('/sitemap.xml')).text())) {
    const url = new URL(chunk)
    urls.push(...locs(await (await client().get(url.pathname + url.search)).text()))
  }
  return urls
}

function locs(xml: string): string[] {
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]!.replace(/&amp;/g, '&'))
}
