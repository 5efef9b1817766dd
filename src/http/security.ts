/**
 * Security defaults on every response and every state-changing request (docs/architecture.md, Security):
 * headers with a CSP that allows no inline script, an `Origin` check against `PUBLIC_URL`, and a body
 * size limit by route (src/http/body-limits.ts; Bun.serve's BODY_LIMIT_BYTES is the outer cap), and
 * no control characters in any query string (src/http/params.ts `queryProblem`).
 */
import { Elysia, type AnyElysia } from 'elysia'
import type { Config } from '@/config'
import { bodyLimits, type BodyCheck } from '@/http/body-limits'
import { errorPage } from '@/http/errors'
import { queryProblem } from '@/http/params'
import { mediaOrigin } from '@/infra/blobs'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function securityHeaders(config: Pick<Config, 'publicUrl' | 'mediaPublicUrl' | 's3' | 'finder'>): Record<string, string> {
  // Photos come from MEDIA_PUBLIC_URL (the CDN) or, without one, straight from the bucket.
  const media = mediaOrigin(config)
  const mediaSource = media && media !== config.publicUrl.origin ? ` ${media}` : ''
  // The CatFinder map's tiles come from the tile server in MAP_TILE_URL.
  const tileSource = config.finder.mapTileUrl ? ` ${tileOrigin(config.finder.mapTileUrl)}` : ''
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${mediaSource}${tileSource}`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(self)',
    ...(config.publicUrl.protocol === 'https:' && { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }),
  }
}

/** `routes` gives the app's routes, for the body limit of each (read on the first request). */
export function security(
  config: Pick<Config, 'publicUrl' | 'mediaPublicUrl' | 's3' | 'bodyLimitBytes' | 'mediaMaxBytes' | 'mediaMaxFiles' | 'finder'>,
  routes: () => AnyElysia['routes'],
) {
  const headers = securityHeaders(config)
  const ownOrigin = config.publicUrl.origin
  const bodies = bodyLimits(config, routes)
  return new Elysia({ name: 'security' }).onRequest(({ request, set }) => {
    Object.assign(set.headers, headers)
    const body = bodies.check(request)
    if (!body.ok) {
      set.status = body.status
      return errorPage(request, body.status, bodyRefusal(body, config))
    }
    const query = queryProblem(request.url)
    if (query) {
      set.status = 400
      return errorPage(request, 400, query)
    }
    if (!SAFE_METHODS.has(request.method) && requestOrigin(request) !== ownOrigin) {
      set.status = 403
      return errorPage(request, 403, 'This form was sent from another site, so we refused it. Please use the form on Nine Lives.')
    }
  })
}

function bodyRefusal(body: Extract<BodyCheck, { ok: false }>, config: Pick<Config, 'mediaMaxBytes' | 'mediaMaxFiles'>): string {
  if (body.status === 411) return 'This was sent without saying how large it is, so we could not accept it. Please send the form again from its page.'
  if (!body.upload) return `This form is larger than we accept (${Math.floor(body.limit / 1024)} KB at most). Please shorten what you wrote and send it again.`
  const photos = config.mediaMaxFiles === 1 ? 'one photo' : `${config.mediaMaxFiles} photos`
  return `This is larger than we accept: at most ${Math.floor(config.mediaMaxBytes / 1024 / 1024)} MB a photo, and ${photos} at a time. Please choose smaller photos, or fewer, and send again.`
}

/** The CSP source of a tile URL template: `https://{s}.tile.example/…` becomes `https://*.tile.example`. */
function tileOrigin(template: string): string {
  const { protocol, host } = new URL(template.replace('{s}', 'subdomain').replace(/\{[a-z]+\}/g, '0'))
  return `${protocol}//${template.includes('{s}') ? host.replace('subdomain', '*') : host}`
}

/** The Origin header, or the origin of the Referer when a browser left Origin out. */
function requestOrigin(request: Request): string | null {
  const origin = request.headers.get('origin')
  if (origin && origin !== 'null') return origin
  const referer = request.headers.get('referer')
  if (!referer) return null
  try {
    return new URL(referer).origin
  } catch {
    return null
  }
}
