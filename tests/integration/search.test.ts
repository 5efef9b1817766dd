import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { randomUUID } from 'node:crypto'
import { HtmlValidate } from 'html-validate'
import { SEARCH_PAGE_SIZE } from '@/features/search/service'
import { SEARCH_RATE_LIMIT } from '@/features/search/routes'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'

const ctx = await testContext()
const { dbs } = ctx.infra
const client = () => new TestClient(ctx)

/** A word nobody else's data holds, so each test sees only its own rows. */
const word = () => `zq${Math.random().toString(36).slice(2, 9).replace(/\d/g, 'x')}`

async function member(bio = '', displayName = 'Someone'): Promise<{ id: string; handle: string }> {
  const handle = uniqueHandle('srch')
  const { rows } = await sql<{ id: string }>`
    insert into users (handle, email, password_hash, display_name, bio)
    values (${handle}, ${`${handle}@example.com`}, 'x', ${displayName}, ${bio}) returning id`.execute(dbs.accounts)
  return { id: rows[0]!.id, handle }
}

async function post(authorId: string, body: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    insert into posts (author_id, body, in_timelines) values (${authorId}, ${body}, true) returning id::text as id`.execute(dbs.social)
  return rows[0]!.id
}

async function memorial(name: string, story: string, visibility: 'public' | 'unlisted' | 'private'): Promise<string> {
  const slug = `m-${Math.random().toString(36).slice(2, 10)}`
  await sql`insert into memorials (owner_id, slug, name, passed_year, story, visibility)
    values (${randomUUID()}, ${slug}, ${name}, 2024, ${story}, ${visibility})`.execute(dbs.memorials)
  return slug
}

async function report(name: string, description: string, status = 'active', lat = 51.5412345, lng = -0.1412345): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    insert into lost_cats (reporter_id, kind, name, pattern, sex, neutered, age_band, microchipped, collar, description,
                           last_seen_at, exact_point, public_point, place_label, status)
    values (${randomUUID()}, 'lost', ${name}, 'tabby', 'female', 'yes', 'adult', 'no', 'no', ${description}, now(),
            ST_MakePoint(${lng}, ${lat})::geography, ST_MakePoint(-0.14, 51.54)::geography, 'Camden', ${status})
    returning id::text as id`.execute(dbs.finder)
  return rows[0]!.id
}

async function searchHtml(path: string, browser = client()): Promise<{ status: number; html: string }> {
  const response = await browser.get(path)
  return { status: response.status, html: await response.text() }
}

describe('search', () => {
  test('finds posts, active reports, public memorials and members, with the matches marked and accents ignored', async () => {
    const w = word()
    const author = await member()
    const postId = await post(author.id, `Breakfast for ${w} today`)
    const reportId = await report('Zoé', `Grey ${w} with a white chest`)
    const slug = await memorial('Biscuit', `Biscuit loved the ${w} by the window`, 'public')
    const person = await member(`I foster ${w} kittens`)

    const { status, html } = await searchHtml(`/search?q=${w}`)
    expect(status).toBe(200)
    expect(html).toContain(`href="/posts/${postId}"`)
    expect(html).toContain(`href="/finder/${reportId}"`)
    expect(html).toContain(`href="/memorials/${slug}"`)
    expect(html).toContain(`href="/@${person.handle}"`)
    expect(html).toContain(`Post by @${author.handle}`)
    expect(html).toContain(`<mark>${w}</mark>`)
    const validator = new HtmlValidate({
      extends: ['html-validate:recommended', 'html-validate:document'],
      // As in memorials.test.ts: KitaJS's spellings, our own hashed assets, a bare "&".
      rules: { 'void-style': 'off', 'doctype-style': 'off', 'require-sri': 'off', 'no-raw-characters': ['error', { relaxed: true }] },
    })
    const validation = await validator.validateString(html)
    expect(validation.results.flatMap((result) => result.messages.map((m) => `${m.ruleId}: ${m.message} (${m.selector})`))).toEqual([])

    // Zoe finds Zoé; a kind's tab shows only that kind.
    const accents = await searchHtml(`/search?q=${encodeURIComponent(`zoe ${w}`)}&type=reports`)
    expect(accents.html).toContain(`href="/finder/${reportId}"`)
    expect(accents.html).not.toContain(`href="/posts/${postId}"`)
  })

  test('shows a post with markup as text', async () => {
    const w = word()
    const author = await member()
    // ts_headline drops what its parser takes for tags; what it keeps must come out escaped.
    await post(author.id, `${w} says <b>hello</b> and <script>alert(1)</script> and 1 < 2 & 3 >< <img src=x onerror=alert(2)//`)
    const { html } = await searchHtml(`/search?q=${w}&type=posts`)
    expect(html).toContain(`<mark>${w}</mark> says`)
    expect(html).toContain('1 &lt; 2 &amp; 3 &gt;&lt; &lt;img src=x onerror=alert')
    expect(html).not.toContain('<b>hello')
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img')
  })

  test('never finds private or unlisted memorials, hidden posts, closed reports, relay messages, exact points or e-mail addresses', async () => {
    const w = word()
    await memorial('Hidden', `private ${w}`, 'private')
    await memorial('Unlisted', `unlisted ${w}`, 'unlisted')
    await report('Closed', `closed ${w}`, 'reunited')
    const open = await report('Open', 'a shy tabby')
    const { rows } = await sql<{ id: number }>`
      insert into message_threads (report_id, reporter_id, correspondent_id) values (${open}, ${randomUUID()}, ${randomUUID()}) returning id`.execute(dbs.finder)
    await sql`insert into messages (thread_id, author_id, body) values (${rows[0]!.id}, ${randomUUID()}, ${`relay ${w}`})`.execute(dbs.finder)
    const emailOnly = await member()
    const hiddenPost = await post(emailOnly.id, `hidden ${w}`)
    await sql`update posts set hidden_at = now() where id = ${hiddenPost}`.execute(dbs.social)

    const { status, html } = await searchHtml(`/search?q=${w}`)
    expect(status).toBe(200)
    expect(html).toContain('Nothing found')
    // The report's exact point (51.5412345, -0.1412345) shows nowhere, searched by its words.
    const shy = await searchHtml(`/search?q=${encodeURIComponent('shy tabby')}&type=reports`)
    expect(shy.html).toContain(`href="/finder/${open}"`)
    expect(shy.html).not.toContain('51.5412')
    expect(shy.html).not.toContain('0.1412')
    const byEmail = await searchHtml(`/search?q=${encodeURIComponent(`${emailOnly.handle}@example.com`)}&type=members`)
    expect(byEmail.html).not.toContain('example.com</mark>')
  })

  test('pages one kind by cursor, with no row twice, and refuses a cursor from another search', async () => {
    const w = word()
    const author = await member()
    const ids = new Set<string>()
    for (let index = 0; index < SEARCH_PAGE_SIZE + 5; index++) ids.add(await post(author.id, `${w} number ${index}`))
    const first = await searchHtml(`/search?q=${w}&type=posts`)
    const firstIds = [...first.html.matchAll(/href="\/posts\/(\d+)"/g)].map((match) => match[1]!)
    expect(firstIds).toHaveLength(SEARCH_PAGE_SIZE)
    const next = /<p class="pager"><a href="([^"]+)"/.exec(first.html)?.[1]?.replaceAll('&amp;', '&')
    expect(next).toBeDefined()
    const second = await searchHtml(next!)
    const secondIds = [...second.html.matchAll(/href="\/posts\/(\d+)"/g)].map((match) => match[1]!)
    expect(secondIds).toHaveLength(5)
    expect(new Set([...firstIds, ...secondIds])).toEqual(ids)
    expect(second.html).not.toContain('class="pager"')

    // The same cursor on another query: said so, and the first page of that query instead.
    const other = word()
    await post(author.id, `${other} alone`)
    const foreign = await searchHtml(next!.replace(`q=${w}`, `q=${other}`))
    expect(foreign.status).toBe(200)
    expect(foreign.html).toContain('That link was for another search')
    expect([...foreign.html.matchAll(/href="\/posts\/(\d+)"/g)]).toHaveLength(1)
  })

  test('bad input gets a message or an empty result, never a 500', async () => {
    // Control characters are refused by every route before it runs (src/http/params.ts queryProblem): a 400 that says so.
    const cases: [string, number][] = [
      ['', 200],
      ['x'.repeat(1000), 422],
      ['- - or or -', 200],
      ['"unbalanced quote', 200],
      ['!!! & | :* <->', 200],
      ['\u0007zq\u001b[31m', 400],
      ['\uE000zq\uE001', 200],
    ]
    const browser = client()
    for (const [q, expected] of cases) {
      const { status, html } = await searchHtml(`/search?q=${encodeURIComponent(q)}`, browser)
      expect(status).toBe(expected)
      if (status !== 400) expect(html).toContain('id="search-q"')
    }
    for (const type of ['posts', 'nonsense']) {
      const { status } = await searchHtml(`/search?q=cat&type=${type}&cursor=${encodeURIComponent('%%not-base64')}`, browser)
      expect(status).toBe(200)
    }
    expect((await searchHtml(`/search?q=${'x'.repeat(1000)}`, browser)).html).toContain('Search for at most')
  })

  test('counts searches per client and says when there were too many', async () => {
    const browser = client()
    for (let index = 0; index < SEARCH_RATE_LIMIT.attempts; index++) expect((await browser.get('/search?q=cat')).status).toBe(200)
    expect((await browser.get('/search?q=cat')).status).toBe(429)
    expect((await client().get('/search?q=cat')).status).toBe(200)
  })

  test('every page has the search box in its header', async () => {
    const { html } = await searchHtml('/memorials')
    expect(html).toMatch(/<form class="header-search" role="search" method="get" action="\/search">/)
    expect(html).toMatch(/<label for="header-search-q">Search for<\/label>/)
  })
})
