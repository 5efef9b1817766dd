/**
 * A browser-like client over `app.handle`: keeps cookies, sends our Origin on writes, and comes from
 * its own client address (X-Forwarded-For with TRUST_PROXY), so rate limits are per test client.
 */
import type { TestContext } from '@tests/helpers/context'

let nextAddress = 1

export interface SendOptions {
  headers?: Record<string, string>
  /** Send as an htmx partial request (`HX-Request: true`, `HX-Request-Type: partial`). */
  htmx?: boolean
}

export class TestClient {
  readonly address = `10.${(nextAddress >> 16) & 255}.${(nextAddress >> 8) & 255}.${nextAddress++ & 255}`
  private readonly cookies = new Map<string, string>()

  constructor(private readonly ctx: TestContext) {}

  get origin(): string {
    return this.ctx.config.publicUrl.origin
  }

  get(path: string, options: SendOptions = {}): Promise<Response> {
    return this.send(new Request(this.origin + path, { headers: this.headers(options) }))
  }

  /** A form POST, urlencoded like a browser's, with our Origin unless the test overrides it. */
  post(path: string, form: Record<string, string> | FormData, options: SendOptions = {}): Promise<Response> {
    const body = form instanceof FormData ? form : new URLSearchParams(form)
    const headers = { Origin: this.origin, ...this.headers(options) }
    return this.send(new Request(this.origin + path, { method: 'POST', body, headers }))
  }

  /** A JSON POST, as a page script sends with fetch (same-origin, so with our Origin unless overridden). */
  postJson(path: string, body: unknown, options: SendOptions = {}): Promise<Response> {
    const headers = { Origin: this.origin, 'Content-Type': 'application/json', ...this.headers(options) }
    return this.send(new Request(this.origin + path, { method: 'POST', body: JSON.stringify(body), headers }))
  }

  async send(request: Request): Promise<Response> {
    const response = await this.ctx.app.handle(request)
    this.remember(response)
    return response
  }

  /**
   * Signs up a fresh member with a unique handle; the client is then signed in as them. Their
   * address counts as confirmed, as if they had opened the mailed link (tests of the link itself
   * pass `verified: false`).
   */
  async signUp(prefix = 'cat', { verified = true }: { verified?: boolean } = {}): Promise<{ handle: string; email: string; password: string }> {
    const handle = uniqueHandle(prefix)
    const account = { handle, email: `${handle}@example.com`, password: 'correct horse battery' }
    const response = await this.post('/signup', account)
    if (response.status !== 303) throw new Error(`sign-up failed with ${response.status}: ${await response.text()}`)
    if (verified) {
      const user = await this.ctx.infra.dbs.accounts.updateTable('users').set({ email_verified_at: new Date() }).where('handle', '=', handle).returning('id').executeTakeFirstOrThrow()
      await this.ctx.services.sessions.forgetViewer(user.id)
    }
    return account
  }

  /** The Cookie header this client sends, for a request made outside `send` (another app instance). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  hasSession(): boolean {
    return Boolean(this.cookies.get('nl_session'))
  }

  private headers({ headers, htmx }: SendOptions): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    return {
      'X-Forwarded-For': this.address,
      ...(cookie && { Cookie: cookie }),
      ...(htmx && { 'HX-Request': 'true', 'HX-Request-Type': 'partial' }),
      ...headers,
    }
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const [name = '', value = ''] = pair.split('=')
      const expired = attributes.some((attribute) => /max-age=0\b/i.test(attribute.trim())) || value === ''
      if (expired) this.cookies.delete(name.trim())
      else this.cookies.set(name.trim(), value.trim())
    }
  }
}

export function uniqueHandle(prefix = 'cat'): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`.slice(0, 30)
}
