/**
 * How large a request body may be, by route, checked from its headers before anything reads it.
 *
 * Elysia parses a form before any route hook runs, and Bun's `maxRequestBodySize` (BODY_LIMIT_BYTES)
 * is one limit for the whole server, so without this a 30 MB sign-up form would be read whole.
 * Routes that take files read their own body (`{ parse: 'none' }`) and are allowed the media
 * limits; every other body is a form of a few fields. A body must state its length: one sent in
 * chunks (no Content-Length) is refused with 411 rather than counted as it streams, since every
 * browser sends the length of a form, and a request we cannot size up front we would have to
 * start reading to refuse.
 */
import type { AnyElysia } from 'elysia'
import type { Config } from '@/config'

/**
 * The most a form without files may send. The longest text any form takes (a 5,000-character
 * comment, COMMENT_MAX_CHARS at its highest) is 60 KB urlencoded if every character is a 4-byte emoji.
 */
export const FORM_BODY_MAX = 64 * 1024

/** Room in an upload beside its photos: the text fields and the multipart framing. */
const UPLOAD_OVERHEAD = 64 * 1024

export type BodyCheck = { ok: true } | { ok: false; status: 411 | 413; limit: number; upload: boolean }

type BodyLimitConfig = Pick<Config, 'bodyLimitBytes' | 'mediaMaxBytes' | 'mediaMaxFiles'>

/**
 * Checks a request's stated body size against its route's limit. `routes` gives the app's routes
 * (read once, on the first request, when all are registered).
 */
export function bodyLimits(config: BodyLimitConfig, routes: () => AnyElysia['routes']) {
  const uploadMax = Math.min(config.mediaMaxBytes * config.mediaMaxFiles + UPLOAD_OVERHEAD, config.bodyLimitBytes)
  const formMax = Math.min(FORM_BODY_MAX, config.bodyLimitBytes)
  let uploads: ((method: string, path: string) => boolean) | null = null

  return {
    uploadMax,
    formMax,
    check(request: Request): BodyCheck {
      const stated = request.headers.get('content-length')
      if (stated === null && !request.headers.has('transfer-encoding')) return { ok: true }
      uploads ??= uploadMatcher(routes())
      const upload = uploads(request.method, new URL(request.url).pathname)
      const limit = upload ? uploadMax : formMax
      if (stated === null) return { ok: false, status: 411, limit, upload }
      return Number(stated) > limit ? { ok: false, status: 413, limit, upload } : { ok: true }
    },
  }
}

/** The routes that read their own body, which are those that take files: `POST /cats/:id`. */
export function uploadRoutes(routes: AnyElysia['routes']): string[] {
  return routes.filter((route) => readsOwnBody(route.hooks.parse)).map((route) => `${route.method} ${route.path}`)
}

function uploadMatcher(routes: AnyElysia['routes']): (method: string, path: string) => boolean {
  const patterns = routes
    .filter((route) => readsOwnBody(route.hooks.parse))
    .map((route) => ({ method: route.method, path: pathPattern(route.path) }))
  return (method, path) => patterns.some((pattern) => pattern.method === method && pattern.path.test(path))
}

/** Elysia keeps a route's `parse` option as given or as a list of `{ fn }` hooks. */
function readsOwnBody(parse: unknown): boolean {
  return [parse].flat().some((hook) => hook === 'none' || (typeof hook === 'object' && hook !== null && 'fn' in hook && hook.fn === 'none'))
}

/** `/cats/:id` as a regular expression matching `/cats/12`. */
function pathPattern(path: string): RegExp {
  const parts = path.split(/(:\w+)/).map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  return new RegExp(`^${parts.join('')}$`)
}
