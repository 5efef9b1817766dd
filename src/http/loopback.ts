/**
 * Development only: a page opened at another loopback name than PUBLIC_URL's (127.0.0.1 when
 * PUBLIC_URL says localhost) is sent to PUBLIC_URL. Otherwise the browser's Origin on every form
 * would be the other name and the exact Origin check (security.ts) would refuse what was typed.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])
/** Health checks and scrapes name whatever host they like, and must get their answer, not a redirect. */
const ANY_HOST_PATHS = new Set(['/healthz', '/readyz', '/metrics'])

export function loopbackRedirect(config: Pick<Config, 'publicUrl' | 'production'>) {
  const plugin = new Elysia({ name: 'loopback-redirect' })
  const { publicUrl } = config
  if (config.production || !LOOPBACK_NAMES.has(publicUrl.hostname)) return plugin
  return plugin.onRequest(({ request }) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return
    const url = new URL(request.url)
    if (url.origin === publicUrl.origin || !LOOPBACK_NAMES.has(url.hostname) || ANY_HOST_PATHS.has(url.pathname)) return
    // 308 keeps the method; the browser then sends the right Origin with every form on the page.
    return new Response(null, { status: 308, headers: { location: new URL(url.pathname + url.search, publicUrl).href } })
  })
}
