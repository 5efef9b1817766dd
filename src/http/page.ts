/**
 * Page or fragment (docs/architecture.md): one route serves the full page to a browser and to htmx
 * history restores, and only the changing fragment to an htmx partial request (`isPartial`), with
 * `Vary: HX-Request` on both (src/http/html-response.ts). A form that didn't pass comes back as 422
 * (`invalid`); after a POST, a plain form gets a 303 and htmx the updated fragment (`afterPost`).
 *
 * Routes call `page`, `invalid` and `afterPost`; none builds its own HTML response. A public page
 * for signed-out visitors is answered through src/http/shared-page.ts (ETag, 304, CDN headers), a
 * member's reloaded home feed through src/http/versioned-page.ts.
 */
import type { Viewer } from '@/features/accounts/viewer'
import type { MediaPicture } from '@/features/media/service'
import { htmlResponse } from '@/http/html-response'
import { etagOf, sharedPageResponse, type PublicCache, type SharedPage } from '@/http/shared-page'
import { boundedMap } from '@/shared/bounded-map'
import { Layout, sectionOf, type LayoutProps, type PageMeta, type Section } from '@views/layout/layout'
import { cacheCounter } from '@/infra/metrics'

/** What the render helpers need to know about the request. Routes get it from the session plugin. */
export interface RenderContext {
  request: Request
  viewer: Viewer | null
  /** Unread notifications for the header badge; asked only when a full page is rendered. */
  unreadCount: () => Promise<number>
  /** The viewer's profile photo for the header; asked only when a full page is rendered. */
  avatar?: () => Promise<MediaPicture | null>
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

/** `HX-Request: true` with `HX-Request-Type: partial`; boosted navigations and history restores are full. */
export function isPartial(request: Request): boolean {
  return request.headers.get('hx-request') === 'true' && request.headers.get('hx-request-type') === 'partial'
}

export async function page(ctx: RenderContext, view: PageView): Promise<Response> {
  const status = view.status ?? 200
  if (view.fragment && isPartial(ctx.request)) {
    return htmlResponse(ctx.request, await view.fragment(), { status, headers: { ...view.headers, 'Cache-Control': PRIVATE } })
  }
  const { publicCache, headers } = view
  const [unreadCount, avatar] = ctx.viewer ? await Promise.all([ctx.unreadCount(), ctx.avatar?.() ?? null]) : [0, null]
  const html = await wholePage(view, { viewer: ctx.viewer, unreadCount, avatar, section: sectionOfRequest(ctx.request) })
  const shareable = publicCache && !ctx.viewer && status === 200
  if (!shareable) return htmlResponse(ctx.request, html, { status, headers: { ...headers, 'Cache-Control': PRIVATE } })
  return (await sharedPageResponse(ctx.request, { etag: etagOf(html), html: async () => html }, publicCache, headers))!
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

/**
 * A GET on the address a form posts to: the page that shows that form. After a refused form the
 * address bar holds the POST's URL, so reloading it (or opening it from history) lands on the form.
 */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location } })
}

/** Signed-in pages and every fragment: never stored by a shared cache. */
export const PRIVATE = 'private, no-cache'

/**
 * Renders `view` as every signed-out visitor sees it (the layout with no viewer), for a feature to
 * keep (e.g. in the Store) and answer later with `sharedPageResponse`, rendering nothing then.
 */
export async function renderSharedPage(view: PageView): Promise<SharedPage> {
  const section = view.canonical ? sectionOf(new URL(view.canonical).pathname) : null
  const html = await wholePage(view, { viewer: null, unreadCount: 0, section })
  return { html, etag: etagOf(html) }
}

/** A view's main content inside the layout, with the header of `header`'s viewer. */
export async function wholePage(view: PageView, header: Pick<LayoutProps, 'viewer' | 'unreadCount' | 'avatar' | 'section'>): Promise<string> {
  const { main, fragment: _fragment, publicCache: _publicCache, headers: _headers, status: _status, ...meta } = view
  const children = await main
  if (header.viewer || meta.head) return Layout({ ...meta, ...header, children })
  const [before, after] = signedOutShell(meta, header.section ?? null)
  return before + children + after
}

/**
 * The layout around the main content as every signed-out visitor gets it, by the page's title,
 * description and canonical URL: the same for every search page, so the layout of an uncached
 * search is two kept strings rather than its JSX afresh. Pages with their own head tags (a
 * report's Open Graph) are laid out as they come.
 */
function signedOutShell(meta: PageMeta, section: Section | null): [before: string, after: string] {
  const key = [meta.title, meta.description, meta.canonical, meta.noindex, section].join('\n')
  let shell = signedOutShells.get(key)
  if (!shell) {
    const whole = Layout({ ...meta, viewer: null, unreadCount: 0, section, children: SHELL_CONTENT })
    if (typeof whole !== 'string') throw new Error('the layout rendered asynchronously')
    const [before = '', after = ''] = whole.split(SHELL_CONTENT)
    shell = [before, after]
    signedOutShells.set(key, shell)
  }
  return shell
}

/** Stands for the main content while a shell is cut; no page contains it. */
const SHELL_CONTENT = '\u0000main\u0000'
const SIGNED_OUT_SHELLS_KEPT = 1000
const signedOutShells = boundedMap<string, [string, string]>(SIGNED_OUT_SHELLS_KEPT, cacheCounter('signed-out-shells'))

/** The navigation tab of the page asked for. */
export function sectionOfRequest(request: Request): Section | null {
  const url = request.url
  const pathStart = url.indexOf('/', url.indexOf('//') + 2)
  const queryStart = url.indexOf('?', pathStart)
  return sectionOf(pathStart < 0 ? '/' : url.slice(pathStart, queryStart < 0 ? undefined : queryStart))
}
