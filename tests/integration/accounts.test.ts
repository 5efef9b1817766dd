import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'

const ctx = await testContext()
const db = ctx.infra.dbs.accounts
const client = () => new TestClient(ctx)
const password = 'correct horse battery'

async function usersWithEmail(email: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('signing up', () => {
  test('a new member is signed in with a safe session cookie and sees their first steps', async () => {
    const browser = client()
    const handle = uniqueHandle('Tom')
    const response = await browser.post('/signup', { handle, email: `${handle}@example.com`, password })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/welcome')
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('nl_session='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).not.toMatch(/Secure/i) // PUBLIC_URL is http in tests

    const home = await browser.get('/')
    const html = await home.text()
    expect(html).toContain(`Welcome, ${handle}`)
    expect(html).toContain('Sign out')
    expect(home.headers.get('cache-control')).toBe('private, no-cache')

    // The first steps, each skippable: a cat, an alert area, people to follow, or on to the feed.
    const welcome = await (await browser.get('/welcome')).text()
    for (const step of ['Add your cat', 'Set your alert area', 'Follow a few people', 'Go to your feed']) expect(welcome).toContain(step)
  })

  test('the sessions table keeps only a SHA-256 of the session id', async () => {
    const browser = client()
    const response = await browser.post('/signup', { handle: uniqueHandle(), email: `${uniqueHandle()}@example.com`, password })
    const sessionId = /nl_session=([^;]+)/.exec(response.headers.getSetCookie().join())![1]!
    const hashed = createHash('sha256').update(sessionId).digest('hex')
    expect(await db.selectFrom('sessions').select('id_hash').where('id_hash', '=', sessionId).execute()).toHaveLength(0)
    expect(await db.selectFrom('sessions').select('id_hash').where('id_hash', '=', hashed).execute()).toHaveLength(1)
  })

  test('a taken handle or email, in any case, is refused with the form and nothing is stored', async () => {
    const first = await client().signUp('Mia')
    const again = await client().post('/signup', { handle: first.handle.toUpperCase(), email: 'other@example.com', password })
    expect(again.status).toBe(422)
    const html = await again.text()
    expect(html).toContain('That handle is taken')
    expect(html).toContain('value="other@example.com"')

    const sameEmail = await client().post('/signup', { handle: uniqueHandle(), email: first.email.toUpperCase(), password })
    expect(sameEmail.status).toBe(422)
    expect(await sameEmail.text()).toContain('An account with that email already exists')
    expect(await usersWithEmail(first.email)).toBe(1)
    expect(await usersWithEmail('other@example.com')).toBe(0)
  })

  test('missing, malformed and oversized fields each get a message and a 422', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ handle: '', email: 'a@example.com', password }, 'A handle has 3 to 30 letters'],
      [{ handle: 'x'.repeat(31), email: 'a@example.com', password }, 'A handle has 3 to 30 letters'],
      [{ handle: 'bad handle!', email: 'a@example.com', password }, 'A handle has 3 to 30 letters'],
      [{ handle: 'Admin', email: 'a@example.com', password }, 'That handle is reserved'],
      [{ handle: uniqueHandle(), email: '', password }, 'Please enter your email address'],
      [{ handle: uniqueHandle(), email: 'not-an-email', password }, 'does not look like an email'],
      [{ handle: uniqueHandle(), email: 'a@example.com', password: 'short' }, 'at least 8 characters'],
      [{ handle: uniqueHandle(), email: 'a@example.com', password: 'p'.repeat(201) }, 'at most 200 characters'],
    ]
    for (const [form, message] of cases) {
      const response = await client().post('/signup', form)
      expect(response.status).toBe(422)
      expect(await response.text()).toContain(message)
    }
    expect(await usersWithEmail('a@example.com')).toBe(0)
  })

  test('markup typed into a field comes back as inert text', async () => {
    const response = await client().post('/signup', { handle: '"><script>alert(1)</script>', email: '"><img src=x onerror=alert(1)>', password })
    const html = await response.text()
    expect(html).not.toContain('"><script>')
    expect(html).not.toContain('"><img')
    expect(html).toContain('value="&#34;><script>alert(1)</script>"')
  })

  test('with htmx, an error swaps in just the form, and success redirects on the client', async () => {
    const browser = client()
    const bad = await browser.post('/signup', { handle: 'no', email: 'x@example.com', password }, { htmx: true })
    expect(bad.status).toBe(422)
    const fragment = await bad.text()
    expect(fragment.startsWith('<form')).toBe(true)
    expect(fragment).not.toContain('<html')
    expect(bad.headers.get('vary')).toContain('HX-Request')

    const handle = uniqueHandle()
    const good = await browser.post('/signup', { handle, email: `${handle}@example.com`, password }, { htmx: true })
    expect(good.status).toBe(200)
    expect(good.headers.get('hx-redirect')).toBe('/welcome')
    expect(browser.hasSession()).toBe(true)
  })
})

describe('signing in and out', () => {
  test('sign out, then sign in again by handle in another case or by email', async () => {
    const browser = client()
    const account = await browser.signUp()
    const out = await browser.post('/logout', {})
    expect(out.status).toBe(303)
    expect(browser.hasSession()).toBe(false)
    expect(await (await browser.get('/')).text()).toContain('Sign in')

    const byHandle = await browser.post('/login', { identifier: account.handle.toUpperCase(), password: account.password })
    expect(byHandle.status).toBe(303)
    expect(await (await browser.get('/')).text()).toContain(`Welcome, ${account.handle}`)

    const other = client()
    const byEmail = await other.post('/login', { identifier: account.email, password: account.password, next: '/notifications' })
    expect(byEmail.headers.get('location')).toBe('/notifications')
  })

  test('a signed-out session cookie no longer works', async () => {
    const browser = client()
    const signup = await browser.post('/signup', { handle: uniqueHandle(), email: `${uniqueHandle()}@example.com`, password })
    const cookie = signup.headers.getSetCookie()[0]!.split(';')[0]!
    await browser.post('/logout', {})
    const replay = await ctx.app.handle(new Request(`${browser.origin}/`, { headers: { Cookie: cookie } }))
    expect(await replay.text()).not.toContain('Welcome')
  })

  test('a wrong password or unknown account gives the same message and no session', async () => {
    const account = await client().signUp()
    for (const identifier of [account.handle, 'nobody_here_at_all']) {
      const browser = client()
      const response = await browser.post('/login', { identifier, password: 'wrong password' })
      expect(response.status).toBe(422)
      const html = await response.text()
      expect(html).toContain('do not match')
      expect(html).toContain(`value="${identifier}"`)
      expect(browser.hasSession()).toBe(false)
    }
  })

  test('after sign-in, only local paths are followed', async () => {
    const account = await client().signUp()
    const response = await client().post('/login', { identifier: account.handle, password, next: '//evil.example/' })
    expect(response.headers.get('location')).toBe('/')
  })

  test('sign out everywhere ends every session of the account', async () => {
    const phone = client()
    const account = await phone.signUp()
    const laptop = client()
    await laptop.post('/login', { identifier: account.handle, password })
    const response = await laptop.post('/logout/everywhere', {})
    expect(response.status).toBe(303)
    expect(await (await phone.get('/')).text()).not.toContain('Welcome')
    expect(await (await laptop.get('/settings')).headers.get('location')).toBe('/login?next=%2Fsettings')
  })

  test('repeated failed sign-ins are rate-limited per account with a clear 429', async () => {
    const account = await client().signUp()
    const limit = ctx.config.authRateLimit.attempts
    let last: Response | null = null
    for (let attempt = 0; attempt <= limit; attempt++) {
      last = await client().post('/login', { identifier: account.handle, password: 'wrong password' })
    }
    expect(last!.status).toBe(429)
    expect(last!.headers.get('retry-after')).toBe(String(ctx.config.authRateLimit.windowSeconds))
    expect(await last!.text()).toContain('Too many attempts')
  })

  test('sign-ups are rate-limited per client address', async () => {
    const browser = client()
    const limit = ctx.config.authRateLimit.attempts
    const statuses: number[] = []
    for (let attempt = 0; attempt <= limit; attempt++) {
      statuses.push((await browser.post('/signup', { handle: '', email: '', password: '' })).status)
    }
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.slice(0, limit).every((status) => status === 422)).toBe(true)
  })
})

describe('name and bio in /settings', () => {
  const profileOf = (handle: string) => db.selectFrom('users').select(['display_name', 'bio']).where('handle', '=', handle).executeTakeFirstOrThrow()

  test('the form shows what the member has; saving shows on their profile, escaped, and the form works with htmx', async () => {
    const browser = client()
    const { handle } = await browser.signUp('Bio')
    const settings = await (await browser.get('/settings')).text()
    expect(settings).toContain('<label for="field-displayName">Display name</label>')
    expect(settings).toContain(`value="${handle}"`)

    const bio = 'Two tabbies.\r\n<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    const saved = await browser.post('/settings/profile', { displayName: '  Mia & the <b>cats</b> ', bio })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe('/settings')
    expect(await profileOf(handle)).toEqual({ display_name: 'Mia & the <b>cats</b>', bio: bio.replace('\r\n', '\n') })
    const profile = await (await browser.get(`/@${handle}`)).text()
    expect(profile).toContain('<h1>Mia &amp; the &lt;b&gt;cats&lt;/b&gt;</h1>')
    expect(profile).toContain('<p class="bio">Two tabbies.\n&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</p>')
    // In attributes (the description, labels) markup is inert as long as the quote cannot close them.
    expect(profile).not.toContain('"><img')

    const swapped = await browser.post('/settings/profile', { displayName: 'Mia', bio: '' }, { htmx: true })
    const section = await swapped.text()
    expect(swapped.status).toBe(200)
    expect(section.startsWith('<section id="profile-details"')).toBe(true)
    expect(section).toContain('Your profile is saved.')
    expect(await profileOf(handle)).toEqual({ display_name: 'Mia', bio: '' })
  })

  test('an empty name, a bio too long or with control characters: 422 with what was typed, nothing saved', async () => {
    const browser = client()
    const { handle } = await browser.signUp('Bad')
    const before = await profileOf(handle)
    for (const [fields, message] of [
      [{ displayName: '   ', bio: 'kept' }, 'Please enter the name others see.'],
      [{ displayName: 'Ok', bio: 'm'.repeat(281) }, 'A bio has at most 280 characters; this one has 281.'],
      [{ displayName: 'x'.repeat(51), bio: '' }, 'A display name has at most 50 characters; this one has 51.'],
      [{ displayName: 'Tab\u0007bell', bio: '' }, 'characters that cannot be typed here'],
      [{ displayName: 'Ok', bio: 'nul\u0000byte' }, 'characters that cannot be shown'],
    ] as const) {
      const refused = await browser.post('/settings/profile', fields)
      expect(refused.status).toBe(422)
      const html = await refused.text()
      expect(html).toContain(message)
      expect(html).toContain(fields.displayName.includes('\u0007') ? 'Tab' : `value="${fields.displayName}"`)
    }
    expect(await profileOf(handle)).toEqual(before)
  })

  test('signed out is 401 and another site is 403; nothing is saved', async () => {
    const browser = client()
    const { handle } = await browser.signUp('Guard')
    const before = await profileOf(handle)
    expect((await client().post('/settings/profile', { displayName: 'Intruder', bio: '' })).status).toBe(401)
    expect((await browser.post('/settings/profile', { displayName: 'Forged', bio: '' }, { headers: { Origin: 'https://evil.example' } })).status).toBe(403)
    expect(await profileOf(handle)).toEqual(before)
  })
})

describe('roles', () => {
  test('a member can be made admin', async () => {
    const account = await client().signUp()
    const updated = await ctx.services.accounts.setRole(account.handle.toUpperCase(), 'admin')
    expect(updated?.role).toBe('admin')
    expect(await ctx.services.accounts.setRole('nobody_here_at_all', 'admin')).toBeNull()
  })
})

describe('profiles for crawlers', () => {
  test('every member profile is listed in the sitemap', async () => {
    const account = await client().signUp('listed')
    const browser = client()
    const index = await (await browser.get('/sitemap.xml')).text()
    const chunks = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]!.replace(/&amp;/g, '&'))
    const profileChunks = chunks.filter((url) => url.includes('/sitemaps/profiles.xml'))
    expect(profileChunks.length).toBeGreaterThan(0)
    const listed: string[] = []
    for (const chunk of profileChunks) {
      const url = new URL(chunk)
      const xml = await (await browser.get(url.pathname + url.search)).text()
      listed.push(...[...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]!))
    }
    expect(listed).toContain(`${ctx.config.publicUrl.origin}/@${account.handle}`)
  })
})
