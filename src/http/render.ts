/**
 * Page or fragment (docs/architecture.md): one route serves the full page to a browser and to htmx history
 * restores, and only the changing fragment to an htmx partial request.
 *
 * Routes call `page`, `invalid` and `afterPost`; none builds its own HTML response.
 */
import type { Viewer } from '@/features/accounts/viewer'
import type { MediaPicture } from '@/features/media/service'
import { htmlResponse, type EncodedHtml } from '@/http/html-response'
import { boundedMap } from '@/shared/bounded-map'
import { repeatAsks } from '@/shared/repeat-asks'
import { Layout, sectionOf, type LayoutProps, type PageMeta, type Section } from '@views/layout/layout'

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
  const { publicCache, headers } = view
  const [unreadCount, avatar] = ctx.viewer ? await Promise.all([ctx.unreadCount(), ctx.avatar?.() ?? null]) : [0, null]
  const html = await wholePage(view, { viewer: ctx.viewer, unreadCount, avatar, section: sectionOfRequest(ctx.request) })
  const shareable = publicCache && !ctx.viewer && status === 200
  if (!shareable) return htmlResponse(ctx.request, html, { status, headers: { ...headers, 'Cache-Control': PRIVATE } })
  return (await sharedPageResponse(ctx.request, { etag: etagOf(html), html: async () => html }, publicCache, headers))!
}

/** A signed-in page whose main content a feature keeps versioned (the home feed's first page). */
export interface VersionedPage {
  /** Names this rendering of `view.main`: a new version whenever it changes. */
  version: string
  view: PageView
}

/**
 * A signed-in page that a member asks for again and again unchanged: the home feed, reloaded.
 * The finished page, compressed, is kept in memory per viewer under the version of its main
 * content (which the feature keeps in the Store, so every instance agrees on it) and all that the
 * layout shows of the viewer, unread count included. While both are unchanged a request costs
 * those two reads and no rendering (and after its first reuse, no compression); else `render`
 * (given the version read) makes the page, which is kept for next time.
 */
export async function versionedPage(
  ctx: RenderContext,
  currentVersion: Promise<string | null>,
  render: (version: string | null) => Promise<VersionedPage>,
): Promise<Response> {
  const viewer = ctx.viewer
  if (!viewer) return page(ctx, (await render(await currentVersion)).view)
  // Asked together: one round trip to the Store.
  const [version, unreadCount] = await Promise.all([currentVersion, ctx.unreadCount()])
  const shows = `${viewer.handle}|${viewer.displayName}|${viewer.role}|${viewer.avatarMediaId}|${unreadCount}`
  const kept = version === null ? undefined : personalPages.get(viewer.id)
  if (kept && kept.version === version && kept.shows === shows) return privateResponse(ctx.request, kept.page)

  const fresh = await render(version)
  const avatar = (await ctx.avatar?.()) ?? null
  const html = await wholePage(fresh.view, { viewer, unreadCount, avatar, section: sectionOfRequest(ctx.request) })
  personalPages.set(viewer.id, { version: fresh.version, shows, page: { html } })
  // Compressed the quick way now; the kept page is compressed at its best if it is asked for again.
  return privateResponse(ctx.request, html)
}

interface PersonalPage {
  version: string
  /** What the layout showed of the viewer: a new name, photo or unread count renders afresh. */
  shows: string
  page: EncodedHtml
}

const privateResponse = (request: Request, body: string | EncodedHtml) => htmlResponse(request, body, { headers: { 'Cache-Control': PRIVATE } })

/** A public page as every signed-out visitor gets it, for a cache to keep: its HTML and ETag. */
export interface SharedPage {
  html: string
  etag: string
}

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
async function wholePage(view: PageView, header: Pick<LayoutProps, 'viewer' | 'unreadCount' | 'avatar' | 'section'>): Promise<string> {
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
const signedOutShells = boundedMap<string, [string, string]>(SIGNED_OUT_SHELLS_KEPT)

/**
 * Answers with a shared page: public caching headers, 304 when the client has this version, else
 * its bytes. A version (ETag) asked for again is kept in memory per instance, so `html` is asked for
 * at most twice (null when it then has nothing: the caller renders afresh). Until then a response
 * compresses the quick way and keeps nothing, as most versions of a search page are asked for once;
 * from the second on, each encoding is made once at its best and kept (`EncodedHtml`).
 */
export async function sharedPageResponse(
  request: Request,
  shared: { etag: string; html: () => Promise<string | null> },
  cache: PublicCache,
  headers: Record<string, string> = {},
): Promise<Response | null> {
  const cacheHeaders = publicHeaders(shared.etag, cache, headers)
  if (notModified(request, shared.etag, cache.lastModified)) {
    return new Response(null, { status: 304, headers: { ...cacheHeaders, Vary: 'Cookie, HX-Request, Accept-Encoding' } })
  }
  const kept = encodedPages.get(shared.etag)
  if (kept) return htmlResponse(request, kept, { headers: cacheHeaders })
  const html = await shared.html()
  if (html === null) return null
  if (askedBefore(shared.etag)) encodedPages.set(shared.etag, { html })
  return htmlResponse(request, html, { headers: cacheHeaders })
}

/**
 * Shared pages, compressed, by ETag. Content-addressed, so never stale; the least recently used go first. At
 * ~30 KB a page (HTML and both encodings) this is under 8 MB.
 */
const ENCODED_PAGES_KEPT = 256
const encodedPages = boundedMap<string, EncodedHtml>(ENCODED_PAGES_KEPT)

/**
 * The versions of shared pages asked for lately, by ETag (a slot of 12 bytes each), so that only
 * those asked for twice are kept. Keeping every uncached search page for the next 256 kept each
 * ~18 KB page alive past a collection or two: a search at 1M reports then promoted ~15 KB to the
 * old generation, and the heap grew by ~300 MB between full collections (measured: JSC's GC log).
 */
const ASKED_VERSIONS_KEPT = 4096
const askedBefore = repeatAsks(ASKED_VERSIONS_KEPT)

/**
 * Personal pages by viewer id, the latest of each (see `versionedPage`). A member's page is only
 * reused while they reload within its version's minute, so these are the members active right
 * now; the least recently used go first beyond them. At ~35 KB a page (HTML and brotli) this is under 40 MB.
 */
const PERSONAL_PAGES_KEPT = 1000
const personalPages = boundedMap<string, PersonalPage>(PERSONAL_PAGES_KEPT)

/**
 * A strong validator for the page's bytes: its length and 64-bit hash (Bun's wyhash, ~1.6 µs for an
 * 18 KB page against SHA-1's ~12 µs, which every uncached search page paid). Two versions of a page
 * colliding on both would take 2^64 tries; nobody gains by forging one.
 */
function etagOf(html: string): string {
  return `"${html.length.toString(36)}-${Bun.hash(html).toString(36)}"`
}

/** The navigation tab of the page asked for. */
function sectionOfRequest(request: Request): Section | null {
  const url = request.url
  const pathStart = url.indexOf('/', url.indexOf('//') + 2)
  const queryStart = url.indexOf('?', pathStart)
  return sectionOf(pathStart < 0 ? '/' : url.slice(pathStart, queryStart < 0 ? undefined : queryStart))
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
const PRIVATE = 'private, no-cache'

function publicHeaders(etag: string, cache: PublicCache, headers: Record<string, string>): Record<string, string> {
  return {
    ...headers,
    'Cache-Control': `public, max-age=0, s-maxage=${cache.sMaxAge}, stale-while-revalidate=${cache.staleWhileRevalidate}`,
    // Browsers apply stale-while-revalidate to fetch() too (htmx's boosted links, the service
    // worker): without this, the first page after signing in could be the signed-out copy they kept.
    Vary: 'Cookie',
    ETag: etag,
    'Cache-Tag': cache.tags.join(','),
    'Surrogate-Key': cache.tags.join(' '),
    ...(cache.lastModified && { 'Last-Modified': cache.lastModified.toUTCString() }),
  }
}

/**
 * RFC 9110 §13.2.2: `If-None-Match` decides when sent; only without it does `If-Modified-Since`
 * count, against `Last-Modified` (which has whole seconds, so the page's time is cut to them).
 */
function notModified(request: Request, etag: string, lastModified: Date | undefined): boolean {
  const ifNoneMatch = request.headers.get('if-none-match')
  if (ifNoneMatch) return matchesEtag(ifNoneMatch, etag)
  const since = Date.parse(request.headers.get('if-modified-since') ?? '')
  if (!lastModified || Number.isNaN(since)) return false
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since
}

function matchesEtag(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch === '*' || ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}
