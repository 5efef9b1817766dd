/**
 * Security defaults on every response and every state-changing request (DESIGN.md, Security):
 * headers with a CSP that allows no inline script, an `Origin` check against `PUBLIC_URL`, and a body
 * size limit (also enforced by Bun.serve for bodies without a Content-Length).
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import { errorPage } from '@/http/errors'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function securityHeaders(config: Pick<Config, 'publicUrl' | 'mediaPublicUrl'>): Record<string, string> {
  const mediaOrigin = config.mediaPublicUrl ? ` ${new URL(config.mediaPublicUrl).origin}` : ''
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${mediaOrigin}`,
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

export function security(config: Pick<Config, 'publicUrl' | 'mediaPublicUrl' | 'bodyLimitBytes'>) {
  const headers = securityHeaders(config)
  const ownOrigin = config.publicUrl.origin
  return new Elysia({ name: 'security' }).onRequest(({ request, set }) => {
    Object.assign(set.headers, headers)
    const length = Number(request.headers.get('content-length') ?? 0)
    if (length > config.bodyLimitBytes) {
      set.status = 413
      return errorPage(request, 413)
    }
    if (!SAFE_METHODS.has(request.method) && requestOrigin(request) !== ownOrigin) {
      set.status = 403
      return errorPage(request, 403, 'This form was sent from another site, so we refused it. Please use the form on Nine Lives.')
    }
  })
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
