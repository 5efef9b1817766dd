/**
 * Page or fragment (DESIGN.md): one route serves the full page to a browser and to htmx history
 * restores, and only the changing fragment to an htmx partial request.
 *
 * Routes call `page`, `invalid` and `afterPost`; none builds its own HTML response.
 */
import { createHash } from 'node:crypto'
import type { Viewer } from '@/features/accounts/viewer'
import { htmlResponse } from '@/http/html-response'
import { Layout, type PageMeta } from '@views/layout/layout'

/** What the render helpers need to know about the request. Routes get it from the session plugin. */
export interface RenderContext {
  request: Request
  viewer: Viewer | null
  /** Unread notifications for the header badge; asked only when a full page is rendered. */
  unreadCount: () => Promise<number>
}

export interface PageView extends PageMeta {
  main: JSX.Element
  /** What an htmx partial request gets instead of the whole page (a list's rows, a form). */
  fragment?: () => JSX.Element
  status?: number
  /** For public pages: how long shared caches may keep the signed-out rendering, and what it shows. */
  publicCache?: PublicCache
  headers?: Record<string, string>
}

export interface PublicCache {
  sMaxAge: number
  staleWhileRevalidate: number
  /** Cache tags for CDN purges (`Cache-Tag` for Cloudflare, `Surrogate-Key` for Fastly). */
  tags: string[]
  lastModified?: Date
}

/** `HX-Request: true` with `HX-Request-Type: partial`; boosted navigations and history restores are full. */
export function isPartial(request: Request): boolean {
  return request.headers.get('hx-request') === 'true' && request.headers.get('hx-request-type') === 'partial'
}

export async function page(ctx: RenderContext, view: PageView): Promise<Response> {
  const status = view.status ?? 200
  if (view.fragment && isPartial(ctx.request)) {
    return htmlResponse(ctx.request, await view.fragment(), { status, headers: { ...view.headers, 'Cache-Control': PRIVATE } })
  }
  const { main, fragment: _fragment, publicCache, headers, status: _status, ...meta } = view
  const unreadCount = ctx.viewer ? await ctx.unreadCount() : 0
  const html = await Layout({ ...meta, viewer: ctx.viewer, unreadCount, children: await main })
  const shareable = publicCache && !ctx.viewer && status === 200
  if (!shareable) return htmlResponse(ctx.request, html, { status, headers: { ...headers, 'Cache-Control': PRIVATE } })
  return publicPage(ctx.request, html, publicCache, headers)
}

/** A form that didn't pass: the same page (or just the form for htmx) with the messages, as 422. */
export function invalid(ctx: RenderContext, view: PageView): Promise<Response> {
  return page(ctx, { ...view, status: view.status ?? 422 })
}

/**
 * After a successful POST: 303 to `location` for a plain form; for htmx, the updated fragment when
 * there is one, else a client-side redirect (a fetch would follow a 303 and swap a whole page in).
 */
export async function afterPost(
  ctx: RenderContext,
  location: string,
  fragment?: () => JSX.Element,
  headers: Record<string, string> = {},
): Promise<Response> {
  if (!isPartial(ctx.request)) return new Response(null, { status: 303, headers: { ...headers, Location: location } })
  if (fragment) return htmlResponse(ctx.request, await fragment(), { headers: { ...headers, 'Cache-Control': PRIVATE } })
  return new Response(null, { status: 200, headers: { ...headers, 'HX-Redirect': location } })
}

/** Signed-in pages and every fragment: never stored by a shared cache. */
const PRIVATE = 'private, no-cache'

function publicPage(request: Request, html: string, cache: PublicCache, headers: Record<string, string> = {}): Response {
  const etag = `"${createHash('sha1').update(html).digest('base64url').slice(0, 22)}"`
  const tags = cache.tags.join(',')
  const cacheHeaders: Record<string, string> = {
    ...headers,
    'Cache-Control': `public, max-age=0, s-maxage=${cache.sMaxAge}, stale-while-revalidate=${cache.staleWhileRevalidate}`,
    ETag: etag,
    'Cache-Tag': tags,
    'Surrogate-Key': cache.tags.join(' '),
    ...(cache.lastModified && { 'Last-Modified': cache.lastModified.toUTCString() }),
  }
  if (matchesEtag(request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers: { ...cacheHeaders, Vary: 'HX-Request, Accept-Encoding' } })
  }
  return htmlResponse(request, html, { headers: cacheHeaders })
}

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false
  return ifNoneMatch === '*' || ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}
