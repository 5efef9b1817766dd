import { describe, expect, test } from 'bun:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { createApp } from '@/app'
import { assetUrl } from '@/http/assets'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'

const ctx = await testContext()
const client = () => new TestClient(ctx)

async function userExists(handle: string): Promise<boolean> {
  const row = await ctx.infra.dbs.accounts
    .selectFrom('users')
    .select('id')
    .where(sql<string>`lower(handle)`, '=', handle.toLowerCase())
    .executeTakeFirst()
  return Boolean(row)
}

describe('state-changing requests from elsewhere', () => {
  test('a forged Origin is refused with 403 and nothing is stored', async () => {
    const handle = uniqueHandle()
    const form = { handle, email: `${handle}@example.com`, password: 'correct horse battery' }
    const response = await client().post('/signup', form, { headers: { Origin: 'https://evil.example' } })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('sent from another site')
    expect(await userExists(handle)).toBe(false)
  })

  test('a POST with neither Origin nor Referer is refused', async () => {
    const request = new Request(`${ctx.config.publicUrl.origin}/logout`, { method: 'POST', body: '' })
    expect((await ctx.app.handle(request)).status).toBe(403)
  })

  test('a same-site Referer stands in for a missing Origin', async () => {
    const request = new Request(`${ctx.config.publicUrl.origin}/logout`, {
      method: 'POST',
      body: '',
      headers: { Referer: `${ctx.config.publicUrl.origin}/settings` },
    })
    expect((await ctx.app.handle(request)).status).toBe(303)
  })
})

describe('limits and errors', () => {
  test('a body over the limit gets 413 and a page that says so, before anything is parsed', async () => {
    const handle = uniqueHandle()
    const body = new URLSearchParams({ handle, email: `${handle}@example.com`, password: 'p'.repeat(ctx.config.bodyLimitBytes) })
    const response = await client().post('/signup', body as unknown as Record<string, string>, {
      headers: { 'Content-Length': String(body.toString().length) },
    })
    expect(response.status).toBe(413)
    expect(await response.text()).toContain('larger than we accept')
    expect(await userExists(handle)).toBe(false)
  })

  test('the listening server refuses a body sent in chunks, without a Content-Length, with 411', async () => {
    const { app } = createApp({ ...ctx.infra, config: { ...ctx.config, bodyLimitBytes: 16 * 1024 } })
    app.listen({ port: 0, hostname: '127.0.0.1' })
    try {
      const chunks = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(4096)))
          controller.close()
        },
      })
      const response = await fetch(`http://127.0.0.1:${app.server!.port}/signup`, {
        method: 'POST',
        body: chunks,
        headers: { Origin: ctx.config.publicUrl.origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      })
      expect(response.status).toBe(411)
    } finally {
      await app.stop()
    }
  })

  test('an unknown address gets the 404 page as HTML', async () => {
    const response = await client().get('/no/such/page')
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()
    expect(html).toContain('Page not found')
    expect(html).toContain('<html lang="en">')
  })

  test('a signed-in member meets a 404 in their own header, and a post id that names nothing too', async () => {
    const browser = client()
    const { handle } = await browser.signUp('lost')
    for (const path of ['/no/such/page', '/posts/999999999']) {
      const response = await browser.get(path)
      expect(response.status).toBe(404)
      const html = await response.text()
      expect(html).toContain(`href="/@${handle}"`)
      expect(html).toContain('Sign out')
    }
    expect(await (await client().get('/no/such/page')).text()).not.toContain('Sign out')
  })

  test('an htmx request for an unknown address gets only the message', async () => {
    const response = await client().get('/no/such/page', { htmx: true })
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('<html')
  })

  test('an unexpected error shows a generic page and never its message', async () => {
    const { app } = createApp(ctx.infra)
    app.get('/test-only/explode', () => {
      throw new Error('database password is hunter2')
    })
    const response = await app.handle(new Request(`${ctx.config.publicUrl.origin}/test-only/explode`))
    expect(response.status).toBe(500)
    const html = await response.text()
    expect(html).toContain('Something went wrong')
    expect(html).not.toContain('hunter2')
  })
})

describe('every response', () => {
  test('carries security headers with a CSP that allows no inline script', async () => {
    const response = await client().get('/')
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  test('pages are compressed for clients that accept it, and small', async () => {
    // A page made for one response takes the quickest codec the client accepts; brotli only when it is all there is.
    for (const [accepted, expected] of [
      ['gzip, deflate, br, zstd', 'zstd'],
      ['gzip, deflate, br', 'gzip'],
      ['br', 'br'],
      ['zstd;q=0, gzip;q=0.0, br', 'br'],
    ] as const) {
      const response = await client().get('/signup', { headers: { 'Accept-Encoding': accepted } })
      expect({ accepted, encoding: response.headers.get('content-encoding') }).toEqual({ accepted, encoding: expected })
      expect(response.headers.get('vary')).toContain('Accept-Encoding')
      const compressed = new Uint8Array(await response.arrayBuffer())
      expect(compressed.byteLength).toBeLessThan(14 * 1024)
      expect(decompress(compressed, expected)).toContain('<form')
    }
    const plain = await client().get('/signup', { headers: { 'Accept-Encoding': 'identity' } })
    expect(plain.headers.get('content-encoding')).toBeNull()
  })

  test('signed-out pages each get their own title, description, canonical URL and robots tag around their content', async () => {
    const head = (html: string) => html.slice(0, html.indexOf('</head>'))
    for (let round = 0; round < 2; round++) {
      const search = await (await client().get('/finder')).text()
      expect(head(search)).toContain('<title>Lost and found cats · Nine Lives</title>')
      expect(head(search)).toContain(`<link rel="canonical" href="${new URL('/finder', ctx.config.publicUrl)}"/>`)
      expect(head(search)).toContain('<meta name="description" content="Search lost and found cats near a place')
      expect(head(search)).not.toContain('noindex')
      expect(search).toContain('<h1>Lost and found cats</h1>')
      const missing = await (await client().get('/finder/00000000-0000-4000-8000-00000000abcd')).text()
      expect(head(missing)).not.toContain('Lost and found cats')
      expect(head(missing)).toContain('<meta name="robots" content="noindex"/>')
      expect(head(missing)).not.toContain('canonical')
    }
  })

  test('a shared page is kept, at its smallest, once it is asked for again; one asked for once is not kept', async () => {
    // A search page nobody else asks for: each version is its own ETag.
    const url = '/finder?lat=12.3456&lng=45.6789&radius_km=1'
    const encodings: (string | null)[] = []
    for (let ask = 0; ask < 3; ask++) {
      const response = await client().get(url, { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } })
      expect(response.status).toBe(200)
      encodings.push(response.headers.get('content-encoding'))
    }
    expect(encodings).toEqual(['zstd', 'zstd', 'br'])
  })

  test('htmx is served self-hosted under a versioned, immutable URL', async () => {
    const url = assetUrl('htmx.js')
    expect(url).toMatch(/^\/assets\/htmx-4\.\d+\.\d+\/htmx\.min\.js$/)
    const response = await client().get(url, { headers: { 'Accept-Encoding': 'br' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toContain('immutable')
    expect(response.headers.get('content-type')).toContain('javascript')
    const page = await (await client().get('/')).text()
    expect(page).toContain(`<script src="${url}" defer></script>`)
  })
})

describe('health', () => {
  test('/healthz answers while the process runs and /readyz when the databases and store answer', async () => {
    expect((await client().get('/healthz')).status).toBe(200)
    const ready = await client().get('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.text()).toBe('ready')
  })
})

function decompress(bytes: Uint8Array, encoding: 'zstd' | 'gzip' | 'br'): string {
  const unpacked = encoding === 'zstd' ? Bun.zstdDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : brotliDecompressSync(bytes)
  return new TextDecoder().decode(unpacked)
}
