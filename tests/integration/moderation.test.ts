import { describe, expect, test } from 'bun:test'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'

const ctx = await testContext()
const { accounts } = ctx.services
const accountsDb = ctx.infra.dbs.accounts
const social = ctx.infra.dbs.social

async function signedIn(prefix: string, role?: 'moderator' | 'admin') {
  const browser = new TestClient(ctx)
  const account = await browser.signUp(prefix)
  if (role) await accounts.setRole(account.handle, role)
  const user = (await accounts.findByHandle(account.handle))!
  return { browser, user }
}

async function writePost(author: TestClient, authorId: string, body: string): Promise<number> {
  const form = new FormData()
  form.set('body', body)
  expect((await author.post('/posts', form)).status).toBe(303)
  const row = await social.selectFrom('posts').select('id').where('author_id', '=', authorId).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
  return row.id
}

const auditOf = (id: number) =>
  accountsDb.selectFrom('audit_log').select(['action', 'actor_id', 'before_state', 'after_state', 'reason']).where('subject_kind', '=', 'post').where('subject_id', '=', String(id)).orderBy('id').execute()

describe('the reports queue', () => {
  test('a flagged post is hidden with a reason, gone for others, the author told; then restored', async () => {
    const author = await signedIn('hiddenauthor')
    const postId = await writePost(author.browser, author.user.id, 'Buy cheap followers at spam.example')
    const reporter = await signedIn('sharpeyed')
    const moderator = await signedIn('moderating', 'moderator')
    const visitor = new TestClient(ctx)

    // A page a signed-out visitor (or the CDN) holds from a moment before.
    const before = await visitor.get(`/posts/${postId}`)
    expect(before.status).toBe(200)
    const etag = before.headers.get('etag')

    expect((await reporter.browser.post('/flag', { kind: 'post', id: String(postId), reason: 'spam', note: 'a link farm' })).status).toBe(303)
    const queue = await (await moderator.browser.get('/admin/reports')).text()
    expect(queue).toContain(`id="item-post-${postId}"`)
    expect(queue).toContain('a link farm')
    expect(queue).toContain(`href="/posts/${postId}"`)

    const noReason = await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'hide', reason: '  ' })
    expect(noReason.status).toBe(422)
    expect(await noReason.text()).toContain('Please give a reason')
    expect((await visitor.get(`/posts/${postId}`)).status).toBe(200)

    const hidden = await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'hide', reason: 'Spam links' })
    expect(hidden.status).toBe(303)
    expect(hidden.headers.get('location')).toBe('/admin/reports?done=hide')
    expect((await visitor.get(`/posts/${postId}`)).status).toBe(404)
    expect((await visitor.get(`/posts/${postId}`, { headers: { 'If-None-Match': etag ?? '' } })).status).toBe(404)
    expect((await reporter.browser.get(`/posts/${postId}`)).status).toBe(404)
    expect(await (await visitor.get(`/@${author.user.handle}`)).text()).not.toContain('spam.example')
    expect(await (await author.browser.get('/notifications')).text()).toContain('A moderator hid your post. Reason: Spam links')
    const flags = await accountsDb.selectFrom('flags').select('status').where('kind', '=', 'post').where('item_id', '=', String(postId)).execute()
    expect(flags).toEqual([{ status: 'upheld' }])

    const again = await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'hide', reason: 'Spam links' })
    expect(again.status).toBe(409)

    const log = await (await visitor.get('/moderation')).text()
    expect(log).toContain('Spam links')
    expect(log).not.toContain(reporter.user.handle)
    expect(log).not.toContain('a link farm')
    expect(log).not.toContain('spam.example')

    const afterHide = await (await moderator.browser.get('/admin/reports')).text()
    expect(afterHide).not.toContain(`id="item-post-${postId}"`)
    expect(afterHide).toContain(`id="hidden-post-${postId}"`)
    const restored = await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'restore', reason: 'Looked again: a real shelter' })
    expect(restored.status).toBe(303)
    expect((await visitor.get(`/posts/${postId}`)).status).toBe(200)
    expect(await (await author.browser.get('/notifications')).text()).toContain('A moderator restored your post')

    expect(await auditOf(postId)).toEqual([
      { action: 'item.hide', actor_id: moderator.user.id, before_state: 'shown', after_state: 'hidden', reason: 'Spam links' },
      { action: 'item.restore', actor_id: moderator.user.id, before_state: 'hidden', after_state: 'shown', reason: 'Looked again: a real shelter' },
    ])
    const publicLog = await (await visitor.get('/moderation')).text()
    expect(publicLog).toContain('Looked again: a real shelter')
  })

  test('dismissing, acting twice, on your own post or on nothing: clear 4xx, nothing changed', async () => {
    const moderator = await signedIn('dismisser', 'moderator')
    const author = await signedIn('dismissedauthor')
    const postId = await writePost(author.browser, author.user.id, 'A perfectly fine cat')
    const reporter = await signedIn('overeager')
    expect((await reporter.browser.post('/flag', { kind: 'post', id: String(postId), reason: 'off_topic', note: '' })).status).toBe(303)

    expect((await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'dismiss', reason: 'It is a cat' })).status).toBe(303)
    expect((await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'dismiss', reason: 'It is a cat' })).status).toBe(409)
    expect((await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'restore', reason: 'x' })).status).toBe(409)
    expect((await moderator.browser.post('/admin/reports', { kind: 'post', id: '999999999', action: 'hide', reason: 'x' })).status).toBe(404)
    expect((await moderator.browser.post('/admin/reports', { kind: 'spaceship', id: '1', action: 'hide', reason: 'x' })).status).toBe(404)
    expect((await moderator.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'explode', reason: 'x' })).status).toBe(400)
    const ownPost = await writePost(moderator.browser, moderator.user.id, 'My own cat')
    expect((await moderator.browser.post('/admin/reports', { kind: 'post', id: String(ownPost), action: 'hide', reason: 'x' })).status).toBe(403)
    expect((await author.browser.post('/admin/reports', { kind: 'post', id: String(postId), action: 'hide', reason: 'x' })).status).toBe(404)

    expect((await new TestClient(ctx).get(`/posts/${postId}`)).status).toBe(200)
    expect((await new TestClient(ctx).get(`/posts/${ownPost}`)).status).toBe(200)
    expect(await auditOf(postId)).toEqual([{ action: 'flags.dismiss', actor_id: moderator.user.id, before_state: '1 open', after_state: 'dismissed', reason: 'It is a cat' }])
    const flag = await accountsDb.selectFrom('flags').select('status').where('kind', '=', 'post').where('item_id', '=', String(postId)).executeTakeFirstOrThrow()
    expect(flag.status).toBe('dismissed')
  })

  test('a reporter whose flags were upheld before weighs more in the queue', async () => {
    const moderator = await signedIn('weigher', 'moderator')
    const trusted = await signedIn('trusted')
    const newcomer = await signedIn('newcomer')
    const author = await signedIn('weighedauthor')
    // The trusted reporter's earlier flag was upheld.
    const earlier = await writePost(author.browser, author.user.id, 'earlier spam')
    await trusted.browser.post('/flag', { kind: 'post', id: String(earlier), reason: 'spam', note: '' })
    expect((await moderator.browser.post('/admin/reports', { kind: 'post', id: String(earlier), action: 'hide', reason: 'spam' })).status).toBe(303)

    const byNewcomer = await writePost(author.browser, author.user.id, 'one')
    const byTrusted = await writePost(author.browser, author.user.id, 'two')
    await newcomer.browser.post('/flag', { kind: 'post', id: String(byNewcomer), reason: 'spam', note: '' })
    await trusted.browser.post('/flag', { kind: 'post', id: String(byTrusted), reason: 'spam', note: '' })
    const queue = await ctx.services.backOffice.flags.queue(1000)
    const rank = (id: number) => queue.findIndex((item) => item.kind === 'post' && item.itemId === String(id))
    expect(rank(byTrusted)).toBeGreaterThanOrEqual(0)
    expect(rank(byTrusted)).toBeLessThan(rank(byNewcomer))
    expect(queue[rank(byTrusted)]!.score).toBe(2)
  })
})
