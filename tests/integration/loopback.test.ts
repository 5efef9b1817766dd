// A newcomer opens http://127.0.0.1:3000 while PUBLIC_URL says localhost: in development the site
// sends them to PUBLIC_URL before they type into a form the Origin check would refuse.
import { describe, expect, test } from 'bun:test'
import { createApp } from '@/app'
import type { Config } from '@/config'
import { testContext } from '@tests/helpers/context'

const ctx = await testContext()

function appWith(config: Partial<Config>) {
  return createApp({ ...ctx.infra, config: { ...ctx.config, ...config } }).app
}

describe('another loopback name in development', () => {
  const app = appWith({ publicUrl: new URL('http://localhost:3000'), production: false })

  test('a GET on 127.0.0.1 or [::1] answers 308 to the same path and query on PUBLIC_URL', async () => {
    for (const origin of ['http://127.0.0.1:3000', 'http://[::1]:3000']) {
      const response = await app.handle(new Request(`${origin}/finder?near=Berlin`))
      expect(response.status).toBe(308)
      expect(response.headers.get('location')).toBe('http://localhost:3000/finder?near=Berlin')
    }
  })

  test('PUBLIC_URL itself is served, and the Origin check stays exact', async () => {
    expect((await app.handle(new Request('http://localhost:3000/login'))).status).toBe(200)
    const post = new Request('http://127.0.0.1:3000/login', {
      method: 'POST',
      body: new URLSearchParams({ handle: 'nobody', password: 'x' }),
      headers: { Origin: 'http://127.0.0.1:3000' },
    })
    expect((await app.handle(post)).status).toBe(403)
  })

  test('health checks answer on any name', async () => {
    expect((await app.handle(new Request('http://127.0.0.1:3000/healthz'))).status).toBe(200)
  })
})

describe('no redirect where it would be wrong', () => {
  test('in production another loopback name is served as it is', async () => {
    const app = appWith({ publicUrl: new URL('http://localhost:3000'), production: true })
    expect((await app.handle(new Request('http://127.0.0.1:3000/login'))).status).toBe(200)
  })

  test('with a public PUBLIC_URL, a loopback request is served as it is', async () => {
    const app = appWith({ publicUrl: new URL('https://ninelives.example'), production: false })
    expect((await app.handle(new Request('http://127.0.0.1:3000/login'))).status).toBe(200)
  })

  test('a host that is not a loopback name is not redirected', async () => {
    const app = appWith({ publicUrl: new URL('http://localhost:3000'), production: false })
    expect((await app.handle(new Request('http://192.168.1.20:3000/login'))).status).toBe(200)
  })
})
