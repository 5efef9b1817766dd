/**
 * The Store caches of every signed-in page: the session's viewer and the header's unread count.
 * Each write that changes them must show on the very next request, not after the cache time.
 */
import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'

const ctx = await testContext()
const { store } = ctx.infra
const { accounts, notifications, sessions } = ctx.services
const password = 'correct horse battery'

/** A signed-in browser and its raw session cookie (`nl_session=…`), to replay from elsewhere. */
async function signedIn() {
  const browser = new TestClient(ctx)
  const handle = uniqueHandle('cached')
  const response = await browser.post('/signup', { handle, email: `${handle}@example.com`, password })
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!
  const user = (await accounts.findByHandle(handle))!
  return { browser, cookie, handle, user }
}

const sessionKey = (cookie: string) => `near:session:${createHash('sha256').update(cookie.split('=')[1]!).digest('hex')}`

const replay = (cookie: string, path = '/') => ctx.app.handle(new Request(`${ctx.config.publicUrl.origin}${path}`, { headers: { Cookie: cookie } }))

const unreadBadge = /id="unread-count">\s*<span class="visually-hidden">unread: <\/span>\s*(\d+)/

describe('the cached session', () => {
  test('is keyed by the hash of the session id and really serves the page', async () => {
    const { browser, cookie, handle } = await signedIn()
    await browser.get('/')
    const raw = await store.get(sessionKey(cookie))
    expect(raw).toContain(handle)
    expect(raw).not.toContain(cookie.split('=')[1]!)

    // A doctored entry shows on the page: the request was answered from the Store, not the database.
    const doctored = JSON.parse(raw!)
    doctored.viewer.handle = 'from_the_cache'
    await store.set(sessionKey(cookie), JSON.stringify(doctored), 60)
    expect(await (await browser.get('/')).text()).toContain('(@from_the_cache)')
  })

  test('sign out refuses the old cookie at once', async () => {
    const { browser, cookie } = await signedIn()
    expect(await (await replay(cookie)).text()).toContain('Welcome')
    await browser.post('/logout', {})
    expect(await (await replay(cookie)).text()).not.toContain('Welcome')
    expect(await sessions.resume(cookie)).toBeNull()
  })

  test('sign out everywhere refuses every other device at once', async () => {
    const { cookie: phone, handle } = await signedIn()
    const laptop = new TestClient(ctx)
    await laptop.post('/login', { identifier: handle, password })
    const tablet = new TestClient(ctx)
    const login = await tablet.post('/login', { identifier: handle, password })
    const tabletCookie = login.headers.getSetCookie()[0]!.split(';')[0]!
    for (const cookie of [phone, tabletCookie]) expect(await (await replay(cookie)).text()).toContain('Welcome')

    await laptop.post('/logout/everywhere', {})
    for (const cookie of [phone, tabletCookie]) {
      expect(await (await replay(cookie)).text()).not.toContain('Welcome')
      expect(await sessions.resume(cookie)).toBeNull()
    }
  })

  test('a role change shows on the next request', async () => {
    const { cookie, handle } = await signedIn()
    expect((await sessions.resume(cookie))?.viewer.role).toBe('member')
    await accounts.setRole(handle, 'moderator')
    expect((await sessions.resume(cookie))?.viewer.role).toBe('moderator')
  })

  test('a session due for extension is still extended, with a refreshed cookie', async () => {
    const { cookie, user } = await signedIn()
    await sessions.resume(cookie)
    // One day left of 30: well inside lucia's refresh window (the second half of a session's life).
    const soon = new Date(Date.now() + 24 * 60 * 60 * 1000)
    await ctx.infra.dbs.accounts.updateTable('sessions').set({ expires_at: soon }).where('user_id', '=', user.id).execute()
    const cached = JSON.parse((await store.get(sessionKey(cookie)))!)
    await store.set(sessionKey(cookie), JSON.stringify({ ...cached, expiresAt: soon.getTime() }), 60)

    const resumed = await sessions.resume(cookie)
    expect(resumed?.refreshCookie).toMatch(/^nl_session=/)
    const row = await ctx.infra.dbs.accounts.selectFrom('sessions').select('expires_at').where('user_id', '=', user.id).executeTakeFirstOrThrow()
    expect(row.expires_at.getTime()).toBeGreaterThan(soon.getTime())
    expect((await sessions.resume(cookie))?.refreshCookie).toBeNull()
  })
})

describe('the cached unread count', () => {
  test('a new notification shows in the header at once, and mark all read clears it at once', async () => {
    const { browser, user } = await signedIn()
    expect(await (await browser.get('/')).text()).not.toContain('id="unread-count"')
    await notifications.notify(user.id, { kind: 'test', text: 'A sighting near you' })
    expect(unreadBadge.exec(await (await browser.get('/')).text())?.[1]).toBe('1')
    await notifications.notify(user.id, { kind: 'test', text: 'Another sighting' })
    expect(unreadBadge.exec(await (await browser.get('/')).text())?.[1]).toBe('2')

    await browser.post('/notifications/read', {})
    expect(await (await browser.get('/')).text()).not.toContain('id="unread-count"')
    expect(await notifications.unreadCount(user.id)).toBe(0)
  })

  test('is served from the Store once cached', async () => {
    const { browser, user } = await signedIn()
    expect(await notifications.unreadCount(user.id)).toBe(0)
    await store.set(`near:notifications:unread:${user.id}`, '7', 30)
    expect(unreadBadge.exec(await (await browser.get('/')).text())?.[1]).toBe('7')
  })
})
