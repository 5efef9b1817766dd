/**
 * Regression tests for what an attack on a running instance found (issue 18, "Defects found"), each
 * through HTTP and then the database and Store; they run on PGlite + the in-process store and on
 * PostgreSQL + Redis alike.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { connect } from 'node:net'
import { sql } from 'kysely'
import { Redis } from 'ioredis'
import { createApp } from '@/app'
import { FORM_BODY_MAX, uploadRoutes } from '@/http/body-limits'
import type { Store } from '@/infra/store/store'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'
import { makeMemorial } from '@tests/helpers/memorials'
import { startServer, type RunningServer } from '@tests/helpers/server'

// Sign-ups hash passwords with argon2: a few of them pass Bun's 5 s default on a busy 2-core box.
setDefaultTimeout(30_000)

const ctx = await testContext()
const origin = ctx.config.publicUrl.origin
const client = () => new TestClient(ctx)
const password = 'correct horse battery'

/**
 * An account to sign in to, fresh every few sign-ins: each one counts against the account's limit
 * of sign-in attempts (AUTH_RATE_LIMIT), successful or not.
 */
function accountsToSignIn(): () => Promise<string> {
  let handle = ''
  let used = 0
  return async () => {
    if (!handle || used++ >= ctx.config.authRateLimit.attempts - 1) {
      handle = (await client().signUp('next')).handle
      used = 1
    }
    return handle
  }
}

/** What a browser would make of a Location header: where it goes, resolved against our page. */
const followedTo = (location: string | null) => new URL(location ?? '', `${origin}/login`)

/**
 * Ways to leave the site that a path check by prefix lets through: tabs and line breaks the URL
 * parser drops, backslashes it reads as slashes, dot segments it removes, other schemes.
 */
const ESCAPES = [
  '/\t/evil.example',
  '/\n/evil.example',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  ' //evil.example',
  'https://evil.example/',
  'http:evil.example',
  '//evil.example@localhost:3000',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/.//evil.example',
  '/a/..//evil.example',
  '/%2e//evil.example',
]

/** The longest Store key any request may leave behind (rate limits, sessions, caches), prefix aside. */
const STORE_KEY_BOUND = 160

/** The app on a Store that notes every key it is asked about, in either mode. */
function appNotingKeys() {
  const keys = new Set<string>()
  const store = new Proxy(ctx.infra.store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        for (const arg of args.slice(0, 2)) if (typeof arg === 'string') keys.add(arg)
        return Reflect.apply(value, target, args)
      }
    },
  }) satisfies Store
  const { app } = createApp({ ...ctx.infra, store })
  return { app, keys, longest: () => Math.max(0, ...[...keys].map((key) => key.length)) }
}

/** The longest key under this run's prefix in the real Redis (0 without Redis). */
async function longestRedisKey(): Promise<number> {
  if (!ctx.config.redisUrl) return 0
  const redis = new Redis(ctx.config.redisUrl)
  let longest = 0
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ctx.config.redisKeyPrefix}*`, 'COUNT', 1000)
      for (const key of keys) longest = Math.max(longest, key.length - ctx.config.redisKeyPrefix.length)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.quit()
  }
  return longest
}

describe('rate limits', () => {
  test('a 5 MB sign-in name or sign-up email leaves no key larger than a fixed bound in the Store', async () => {
    const noting = appNotingKeys()
    const send = (path: string, form: Record<string, string>) =>
      noting.app.handle(new Request(origin + path, { method: 'POST', body: new URLSearchParams(form), headers: { Origin: origin, 'X-Forwarded-For': '10.250.0.1' } }))
    const huge = 'x'.repeat(5 * 1024 * 1024)
    const large = 'y'.repeat(60_000) // within any form's size limit
    for (const text of [huge, large]) {
      expect([413, 422, 429]).toContain((await send('/login', { identifier: text, password: 'whatever' })).status)
      expect([413, 422, 429]).toContain((await send('/signup', { handle: 'someone', email: `${text}@example.com`, password })).status)
    }
    expect(await longestRedisKey()).toBeLessThanOrEqual(STORE_KEY_BOUND)
    expect(noting.longest()).toBeLessThanOrEqual(STORE_KEY_BOUND)
  })

  test('an IPv6 client is counted by its /64: a new address in the same block is still limited', async () => {
    const limit = ctx.config.authRateLimit.attempts
    const block = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`
    const attempt = (address: string) =>
      client().post('/login', { identifier: uniqueHandle('nobody'), password: 'wrong password' }, { headers: { 'X-Forwarded-For': address } })
    for (let n = 1; n <= limit; n++) expect((await attempt(`${block}::${n.toString(16)}`)).status).toBe(422)
    expect((await attempt(`${block}:ffff:ffff:ffff:ffff`)).status).toBe(429)
    expect((await attempt(`${block.replace(/:7$/, ':8')}::1`)).status).toBe(422)
  })

  test('an IPv4 address written as IPv6 counts as itself', async () => {
    const limit = ctx.config.authRateLimit.attempts
    const address = `10.251.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`
    const attempt = (from: string) =>
      client().post('/login', { identifier: uniqueHandle('nobody'), password: 'wrong password' }, { headers: { 'X-Forwarded-For': from } })
    for (let n = 1; n <= limit; n++) expect((await attempt(n % 2 ? address : `::ffff:${address}`)).status).toBe(422)
    expect((await attempt(`::FFFF:${address}`)).status).toBe(429)
  })
})

describe('body size by route, before the body is read', () => {
  const userExists = async (handle: string) =>
    Boolean(await ctx.infra.dbs.accounts.selectFrom('users').select('id').where(sql<string>`lower(handle)`, '=', handle.toLowerCase()).executeTakeFirst())

  /** A sign-up form with its Content-Length, as a browser sends it. */
  const signUpWithLength = (form: Record<string, string>) => {
    const body = new URLSearchParams(form).toString()
    const headers = { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) }
    return client().send(new Request(`${origin}/signup`, { method: 'POST', body, headers }))
  }

  test('a form without files over 64 KB gets 413 and a page that says so; one under it is read', async () => {
    const handle = uniqueHandle('big')
    const refused = await signUpWithLength({ handle, email: `${handle}@example.com`, password: `${password}${'p'.repeat(FORM_BODY_MAX)}` })
    expect(refused.status).toBe(413)
    expect(await refused.text()).toContain('This form is larger than we accept (64 KB at most)')
    expect(await userExists(handle)).toBe(false)

    const read = await signUpWithLength({ handle, email: `${handle}@example.com`, password: 'p'.repeat(FORM_BODY_MAX - 1000) })
    expect(read.status).toBe(422)
    expect(await read.text()).toContain('at most 200 characters')
  })

  test('a route that takes photos accepts a body of several megabytes, and refuses one over its media limits', async () => {
    const browser = client()
    await browser.signUp('photos')
    const form = new FormData()
    form.set('body', 'Not a photo at all')
    form.set('photo1', new File([new Uint8Array(2 * 1024 * 1024).fill(7)], 'big.jpg', { type: 'image/jpeg' }))
    const read = await browser.post('/posts', form)
    expect(read.status).toBe(422) // read and judged: not a photo
    const tooLarge = ctx.config.mediaMaxBytes * ctx.config.mediaMaxFiles + 128 * 1024
    const refused = await browser.send(
      new Request(`${origin}/posts`, { method: 'POST', body: 'x', headers: { Origin: origin, Cookie: browser.cookieHeader(), 'Content-Length': String(tooLarge) } }),
    )
    expect(refused.status).toBe(413)
    expect(await refused.text()).toContain(`at most ${Math.floor(ctx.config.mediaMaxBytes / 1024 / 1024)} MB a photo`)
  })

  test('the routes given the media limits are those that take photos, and no form without files', () => {
    const uploads = uploadRoutes(ctx.app.routes)
    const takePhotos = ['POST /posts/new', 'POST /cats/new', 'POST /cats/:id/edit', 'POST /settings/avatar', 'POST /finder/new', 'POST /finder/:id/sightings']
    expect(uploads).toEqual(expect.arrayContaining([...takePhotos, 'POST /memorials/new', 'POST /memorials/:slug/photos']))
    for (const form of ['POST /signup', 'POST /login', 'POST /posts/:id/comments', 'POST /memorials/:slug/tributes', 'POST /finder/:id/messages']) {
      expect(uploads).not.toContain(form)
    }
  })

  describe('on a listening server', () => {
    let server: RunningServer
    beforeAll(async () => {
      server = await startServer()
    }, 90_000)
    afterAll(() => server?.stop())

    /**
     * Sends the head of a request and the first `sent` bytes of its body over a raw socket, then
     * waits (at most `waitMs`) for the status line: an answer that comes before the rest of the
     * body was sent is one given without reading the body whole.
     */
    async function sendHead(head: string, sent: number, waitMs = 5000): Promise<{ status: number | null; ms: number }> {
      const socket = connect(server.port, '127.0.0.1')
      const startedAt = performance.now()
      try {
        return await new Promise((resolve) => {
          const timer = setTimeout(() => resolve({ status: null, ms: performance.now() - startedAt }), waitMs)
          let answer = ''
          socket.on('data', (chunk) => {
            answer += chunk.toString('latin1')
            const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]
            if (status) {
              clearTimeout(timer)
              resolve({ status: Number(status), ms: performance.now() - startedAt })
            }
          })
          socket.on('error', () => undefined)
          socket.write(head)
          socket.write('x'.repeat(sent))
        })
      } finally {
        socket.destroy()
      }
    }

    /** A form POST's head with our Origin and the given framing header. */
    const formHead = (path: string, framing: string) =>
      [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, `Origin: ${server.url}`, 'Content-Type: application/x-www-form-urlencoded', framing, '', ''].join('\r\n')

    test('a 30 MB sign-up form gets 413 at once, without the server waiting for the rest of it', async () => {
      const answer = await sendHead(formHead('/signup', `Content-Length: ${30 * 1024 * 1024}`), 64 * 1024)
      expect(answer.status).toBe(413)
      expect(answer.ms).toBeLessThan(2000)
    })

    test('a form sent in chunks without a length gets 411', async () => {
      // A first chunk of 64 KB announced, 1 KB of it sent.
      const answer = await sendHead(`${formHead('/login', 'Transfer-Encoding: chunked')}10000\r\n`, 1024)
      expect(answer.status).toBe(411)
      expect(answer.ms).toBeLessThan(2000)
    })
  })
})

describe('sign-in attempts are counted per account', () => {
  test('guesses by handle, @handle and email in any case share one limit of AUTH_RATE_LIMIT', async () => {
    const account = await client().signUp('guessed')
    const limit = ctx.config.authRateLimit.attempts
    const names = [account.handle, `@${account.handle}`, account.email, account.email.toUpperCase(), ` @${account.handle.toUpperCase()} `]
    // Each guess from a new address, as a botnet would send them: only the account's counter can stop them.
    for (let n = 0; n < limit; n++) expect((await client().post('/login', { identifier: names[n % names.length]!, password: `guess ${n}` })).status).toBe(422)
    for (const identifier of names) {
      const refused = await client().post('/login', { identifier, password })
      expect(refused.status, identifier).toBe(429)
      expect(refused.headers.getSetCookie()).toEqual([])
    }
  })

  test('a member signs in as @handle', async () => {
    const account = await client().signUp('at')
    const browser = client()
    const response = await browser.post('/login', { identifier: `@${account.handle}`, password })
    expect(response.status).toBe(303)
    expect(browser.hasSession()).toBe(true)
    expect(await (await browser.get('/settings')).text()).toContain(account.handle)
  })
})

describe('flags on tributes', () => {
  const memorials = ctx.infra.dbs.memorials

  /** A memorial with one tribute from its own member; the tribute's id and what the rows say of it. */
  async function tributeOnMemorial(words: string) {
    const slug = await makeMemorial(await signedIn('owner'), { name: `Flagged ${Math.random().toString(36).slice(2, 7)}` })
    const author = await signedIn('author')
    expect((await author.post(`/memorials/${slug}/tributes`, { body: words })).status).toBe(303)
    const id = Number(/id="tribute-(\d+)"/.exec(await (await client().get(`/memorials/${slug}`)).text())?.[1])
    const row = () => memorials.selectFrom('tributes').select(['status', 'flag_count']).where('id', '=', id).executeTakeFirstOrThrow()
    const flagRows = async () => (await memorials.selectFrom('tribute_flags').select('flagger_key').where('tribute_id', '=', id).execute()).length
    const shown = async () => (await (await client().get(`/memorials/${slug}`)).text()).includes(words)
    return { slug, id, author, row, flagRows, shown, flag: (who: TestClient) => who.post(`/memorials/${slug}/tributes/${id}/flag`, {}) }
  }

  test('flags from signed-out visitors, from as many addresses as they like, are counted and hide nothing', async () => {
    const tribute = await tributeOnMemorial('Words a stranger wants gone.')
    for (let n = 0; n < 6; n++) expect((await tribute.flag(client())).status).toBe(303)
    expect(await tribute.row()).toEqual({ status: 'shown', flag_count: 6 })
    expect(await tribute.shown()).toBe(true)
  })

  test('a member cannot flag their own tribute', async () => {
    const tribute = await tributeOnMemorial('My own kind words.')
    const refused = await tribute.flag(tribute.author)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('your own tribute')
    expect(await tribute.row()).toEqual({ status: 'shown', flag_count: 0 })
    expect(await tribute.flagRows()).toBe(0)
  })
})

async function signedIn(prefix: string): Promise<TestClient> {
  const browser = client()
  await browser.signUp(prefix)
  return browser
}

describe('redirects go only to our own pages', () => {
  test('after sign-in, `next` as typed into the address bar never leaves the site (/%09/evil.example and friends)', async () => {
    const account = accountsToSignIn()
    // The address bar form: percent-encoded in the query, then echoed into the form's hidden field.
    const queries = ['/%09/evil.example', '%2F%2Fevil.example', '/%5Cevil.example', '%2F%09%2Fevil.example', ...ESCAPES.map(encodeURIComponent)]
    for (const query of queries) {
      const browser = client()
      const form = await (await browser.get(`/login?next=${query}`)).text()
      const next = /name="next" value="([^"]*)"/.exec(form)?.[1] ?? ''
      const response = await browser.post('/login', { identifier: await account(), password, next: unescapeHtml(next) })
      expect(response.status, query).toBe(303)
      expect(followedTo(response.headers.get('location')).origin, query).toBe(origin)
    }
  })

  test('a `next` posted as is never leaves the site; a path of ours is kept with its query and fragment', async () => {
    const account = accountsToSignIn()
    for (const next of ESCAPES) {
      const response = await client().post('/login', { identifier: await account(), password, next })
      expect(response.status, JSON.stringify(next)).toBe(303)
      expect(followedTo(response.headers.get('location')).origin, JSON.stringify(next)).toBe(origin)
    }
    const kept = await client().post('/login', { identifier: await account(), password, next: '/finder?near=Leeds#results' })
    expect(kept.headers.get('location')).toBe('/finder?near=Leeds#results')
  })

  test('the `back` of a like, an unlike, a follow and a deletion never leaves the site', async () => {
    const author = client()
    const { handle } = await author.signUp('back')
    const fan = client()
    await fan.signUp('fan')
    const posted = new FormData()
    posted.set('body', 'A cat on a warm roof')
    expect((await author.post('/posts', posted)).status).toBe(303)
    const postId = Number(/id="post-(\d+)"/.exec(await (await author.get(`/@${handle}`)).text())?.[1])
    expect(postId).toBeGreaterThan(0)
    for (const back of ESCAPES) {
      for (const action of [`/posts/${postId}/like`, `/posts/${postId}/unlike`, `/@${handle}/follow`, `/@${handle}/unfollow`]) {
        const response = await fan.post(action, { back })
        expect(response.status, `${action} ${JSON.stringify(back)}`).toBe(303)
        expect(followedTo(response.headers.get('location')).origin, `${action} ${JSON.stringify(back)}`).toBe(origin)
      }
    }
    const deleted = await author.post(`/posts/${postId}/delete`, { back: '/\t/evil.example' })
    expect(deleted.status).toBe(303)
    expect(followedTo(deleted.headers.get('location')).origin).toBe(origin)
  })
})

describe('line breaks in `next`', () => {
  test('CR/LF in `next` signs in and redirects within the site, with one session cookie and no header of its own', async () => {
    const account = await client().signUp('crlf')
    for (const next of ['/\r\nSet-Cookie: planted=1', '/settings\r\n\r\n<h1>hi</h1>', '/%0d%0aX-Planted: 1', '/\rX-Planted: 1']) {
      const browser = client()
      const response = await browser.post('/login', { identifier: account.handle, password, next })
      expect(response.status, JSON.stringify(next)).toBe(303)
      const location = response.headers.get('location') ?? ''
      expect(location, JSON.stringify(next)).not.toMatch(/[\r\n]/)
      expect(followedTo(location).origin).toBe(origin)
      expect(response.headers.get('x-planted')).toBeNull()
      expect(response.headers.getSetCookie().map((cookie) => cookie.split('=')[0])).toEqual(['nl_session'])
      expect(browser.hasSession()).toBe(true)
    }
  })
})

function unescapeHtml(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
    if (entity[0] !== '#') return named[entity.toLowerCase()]!
    return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10))
  })
}
