// One test per header src/http/security.ts sends (issue 18, "Headers"): each on every kind of answer
// (a page, a fragment, an error page, a redirect, a refused POST, an asset), so a header dropped
// anywhere, or weakened, fails its own test.
import { describe, expect, test } from 'bun:test'
import { createApp } from '@/app'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'

const ctx = await testContext()
const origin = ctx.config.publicUrl.origin
const client = () => new TestClient(ctx)

const member = client()
await member.signUp('headers')
const assetPath = /<link rel="stylesheet" href="([^"]+)"/.exec(await (await client().get('/signup')).text())![1]!

/** One answer of every kind the app gives. */
async function answers(): Promise<[string, Response][]> {
  return [
    ['a signed-out page', await client().get('/memorials')],
    ['a signed-in page', await member.get('/settings')],
    ['an htmx fragment', await member.get('/settings', { htmx: true })],
    ['a 404', await client().get('/no/such/page')],
    ['a 303', await client().post('/logout', {})],
    ['a 403 from another site', await client().post('/login', { identifier: 'a', password: 'b' }, { headers: { Origin: 'https://evil.example' } })],
    ['a 422 form', await client().post('/login', { identifier: 'nobody_here', password: 'wrong password' })],
    ['an asset', await client().get(assetPath)],
  ]
}

/** `check` holds for the header on every kind of answer. */
async function everyAnswer(header: string, check: (value: string) => void) {
  for (const [kind, response] of await answers()) {
    const value = response.headers.get(header)
    expect(value, `${header} on ${kind}`).not.toBeNull()
    try {
      check(value!)
    } catch (error) {
      throw new Error(`${header} on ${kind}: ${value}\n${String(error)}`)
    }
  }
}

describe('security headers, one test each', () => {
  test('Content-Security-Policy: nothing inline, nothing from elsewhere, no framing', async () => {
    await everyAnswer('content-security-policy', (csp) => {
      const directives = Object.fromEntries(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]))
      expect(directives['default-src']).toBe("'self'")
      expect(directives['script-src']).toBe("'self'")
      expect(directives['style-src']).toBe("'self'")
      expect(directives['connect-src']).toBe("'self'")
      expect(directives['object-src']).toBe("'none'")
      expect(directives['base-uri']).toBe("'self'")
      expect(directives['form-action']).toBe("'self'")
      expect(directives['frame-ancestors']).toBe("'none'")
      expect(directives['img-src']).toStartWith("'self' data: blob:")
      expect(csp).not.toContain('unsafe-')
    })
  })

  test('X-Content-Type-Options: nosniff', async () => {
    await everyAnswer('x-content-type-options', (value) => expect(value).toBe('nosniff'))
  })

  test('Referrer-Policy: strict-origin-when-cross-origin (no paths, with their report ids, to other sites)', async () => {
    await everyAnswer('referrer-policy', (value) => expect(value).toBe('strict-origin-when-cross-origin'))
  })

  test('X-Frame-Options: DENY (for browsers older than frame-ancestors)', async () => {
    await everyAnswer('x-frame-options', (value) => expect(value).toBe('DENY'))
  })

  test('Permissions-Policy: no camera or microphone; location only for our own pages', async () => {
    await everyAnswer('permissions-policy', (value) => {
      const features = Object.fromEntries(value.split(',').map((part) => part.trim().split('=')))
      expect(features).toEqual({ camera: '()', microphone: '()', geolocation: '(self)' })
    })
  })

  test('Strict-Transport-Security: a year, subdomains too, when PUBLIC_URL is https; never on plain http', async () => {
    for (const [, response] of await answers()) expect(response.headers.get('strict-transport-security')).toBeNull()
    const https = new URL('https://nine-lives.example')
    const { app } = createApp({ ...ctx.infra, config: { ...ctx.config, publicUrl: https } })
    for (const path of ['/memorials', '/no/such/page', assetPath]) {
      const response = await app.handle(new Request(new URL(path, https)))
      expect(response.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains')
    }
    // A POST from another site is refused before any route; it carries the header too.
    const refused = await app.handle(new Request(new URL('/login', https), { method: 'POST', headers: { Origin: origin } }))
    expect(refused.status).toBe(403)
    expect(refused.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
  })
})
