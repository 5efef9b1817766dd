import { describe, expect, test } from 'bun:test'
import { testContext } from '@tests/helpers/context'
import { report, sightingForm } from '@tests/helpers/finder'
import { TestClient } from '@tests/helpers/http'
import { makeMemorial } from '@tests/helpers/memorials'

const ctx = await testContext()
const { accounts } = ctx.services
const accountsDb = ctx.infra.dbs.accounts
const social = ctx.infra.dbs.social

async function member(prefix: string) {
  const browser = new TestClient(ctx)
  const account = await browser.signUp(prefix)
  const user = (await accounts.findByHandle(account.handle))!
  return { browser, user }
}

/** A text post through the real form; its id. */
async function writePost(author: TestClient, authorId: string, body = 'Mittens on the radiator'): Promise<number> {
  const form = new FormData()
  form.set('body', body)
  const response = await author.post('/posts', form)
  expect(response.status).toBe(303)
  const row = await social.selectFrom('posts').select('id').where('author_id', '=', authorId).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
  return row.id
}

const flagsOn = (kind: string, id: string | number) =>
  accountsDb.selectFrom('flags').selectAll().where('kind', '=', kind).where('item_id', '=', String(id)).execute()

describe('reporting an item', () => {
  test('a member reports a post with JavaScript off: the form, then a thank-you; one open flag', async () => {
    const author = await member('flagged')
    const postId = await writePost(author.browser, author.user.id)
    const { browser, user } = await member('flagger')

    const postPage = await (await browser.get(`/posts/${postId}`)).text()
    expect(postPage).toContain(`href="/flag?kind=post&id=${postId}"`)
    const form = await browser.get(`/flag?kind=post&id=${postId}`)
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(html).toContain('Scam or fraud')
    expect(html).toContain(`href="/posts/${postId}"`)

    const sent = await browser.post('/flag', { kind: 'post', id: String(postId), reason: 'spam', note: ' buy followers ' })
    expect(sent.status).toBe(303)
    const thanks = await browser.get(sent.headers.get('location')!)
    expect(await thanks.text()).toContain('A moderator will look at it')
    const rows = await flagsOn('post', postId)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ domain: 'social', reporter_id: user.id, reason: 'spam', note: 'buy followers', status: 'open' })

    const again = await browser.post('/flag', { kind: 'post', id: String(postId), reason: 'abuse', note: '' })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('already reported')
    expect(await flagsOn('post', postId)).toHaveLength(1)
  })

  test('with htmx the form is swapped for the thank-you', async () => {
    const author = await member('flaggedhx')
    const postId = await writePost(author.browser, author.user.id)
    const { browser } = await member('flaggerhx')
    const sent = await browser.post('/flag', { kind: 'post', id: String(postId), reason: 'off_topic', note: '' }, { htmx: true })
    expect(sent.status).toBe(200)
    const fragment = await sent.text()
    expect(fragment).toContain('id="flag-form"')
    expect(fragment).toContain('Thank you')
    expect(fragment).not.toContain('<html')
  })

  test('bad input: clear 4xx, the form back with what was typed, nothing stored', async () => {
    const author = await member('badflagged')
    const postId = await writePost(author.browser, author.user.id)
    const { browser } = await member('badflagger')

    const noReason = await browser.post('/flag', { kind: 'post', id: String(postId), reason: '', note: 'kept <text>' })
    expect(noReason.status).toBe(422)
    const html = await noReason.text()
    expect(html).toContain('Please choose what is wrong.')
    expect(html).toContain('kept &lt;text&gt;')
    const otherWithoutNote = await browser.post('/flag', { kind: 'post', id: String(postId), reason: 'other', note: '  ' })
    expect(otherWithoutNote.status).toBe(422)
    expect(await otherWithoutNote.text()).toContain('Please say in a few words what is wrong.')
    const tooLong = await browser.post('/flag', { kind: 'post', id: String(postId), reason: 'other', note: 'x'.repeat(501) })
    expect(tooLong.status).toBe(422)

    expect((await browser.post('/flag', { kind: 'post', id: '999999999', reason: 'spam', note: '' })).status).toBe(404)
    expect((await browser.post('/flag', { kind: 'spaceship', id: String(postId), reason: 'spam', note: '' })).status).toBe(404)
    expect((await browser.get('/flag?kind=post&id=999999999')).status).toBe(404)
    const own = await author.browser.post('/flag', { kind: 'post', id: String(postId), reason: 'spam', note: '' })
    expect(own.status).toBe(403)
    expect(await own.text()).toContain('This is yours')
    expect(await flagsOn('post', postId)).toHaveLength(0)

    const visitor = new TestClient(ctx)
    expect((await visitor.post('/flag', { kind: 'post', id: String(postId), reason: 'spam', note: '' })).status).toBe(401)
    const signIn = await visitor.get(`/flag?kind=post&id=${postId}`)
    expect(signIn.status).toBe(303)
    expect(signIn.headers.get('location')).toStartWith('/login?next=')
  })

  test('profiles, comments, lost/found reports, sightings, memorials and tributes can be reported too', async () => {
    const author = await member('manythings')
    const { browser } = await member('manyflags')
    const postId = await writePost(author.browser, author.user.id)
    expect((await author.browser.post(`/posts/${postId}/comments`, { body: 'A comment' })).status).toBe(303)
    const comment = await social.selectFrom('comments').select('id').where('post_id', '=', postId).executeTakeFirstOrThrow()
    const slug = await makeMemorial(author.browser)
    expect((await browser.post(`/memorials/${slug}/tributes`, { body: 'Such a lovely cat' })).status).toBe(303)
    const memorial = (await ctx.services.memorials.memorials.bySlug(slug))!.memorial
    const tribute = await ctx.infra.dbs.memorials.selectFrom('tributes').select('id').where('memorial_id', '=', memorial.id).executeTakeFirstOrThrow()

    const reportId = await report(author.browser)
    expect((await browser.post(`/finder/${reportId}/sightings`, sightingForm())).status).toBe(303)
    const sighting = await ctx.infra.dbs.finder.selectFrom('sightings').select('id').where('report_id', '=', reportId).executeTakeFirstOrThrow()
    const reportPage = await (await browser.get(`/finder/${reportId}`)).text()
    expect(reportPage).toContain(`href="/flag?kind=report&id=${reportId}"`)

    const profilePage = await (await browser.get(`/@${author.user.handle}`)).text()
    expect(profilePage).toContain(`href="/flag?kind=profile&id=${author.user.id}"`)
    const memorialPage = await (await browser.get(`/memorials/${slug}`)).text()
    expect(memorialPage).toContain(`href="/flag?kind=memorial&id=${memorial.id}"`)

    const items: [string, string | number, string][] = [
      ['profile', author.user.id, `/@${author.user.handle}`],
      ['comment', comment.id, `/posts/${postId}`],
      ['memorial', memorial.id, `/memorials/${slug}`],
      ['report', reportId, `/finder/${reportId}`],
      // The tribute's and the sighting's author is the flagger here: the owner reports them.
      ['tribute', tribute.id, `/memorials/${slug}`],
      ['sighting', sighting.id, `/finder/${reportId}`],
    ]
    for (const [kind, id, url] of items) {
      const reporter = kind === 'tribute' || kind === 'sighting' ? author.browser : browser
      const form = await reporter.get(`/flag?kind=${kind}&id=${id}`)
      expect({ kind, status: form.status }).toEqual({ kind, status: 200 })
      expect(await form.text()).toContain(`href="${url}`)
      const sent = await reporter.post('/flag', { kind, id: String(id), reason: 'abuse', note: '' })
      expect({ kind, status: sent.status }).toEqual({ kind, status: 303 })
    }
    expect((await browser.post('/flag', { kind: 'tribute', id: String(tribute.id), reason: 'abuse', note: '' })).status).toBe(403)
  })

  test('flags are rate-limited per account', async () => {
    const author = await member('ratelimited')
    const postId = await writePost(author.browser, author.user.id)
    const { browser } = await member('tooeager')
    const limit = ctx.config.memorials.flagRateLimit.attempts
    for (let i = 0; i < limit; i++) await browser.post('/flag', { kind: 'post', id: String(postId), reason: '', note: '' })
    expect((await browser.post('/flag', { kind: 'post', id: String(postId), reason: 'spam', note: '' })).status).toBe(429)
    expect(await flagsOn('post', postId)).toHaveLength(0)
  })
})
