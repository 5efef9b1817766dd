/**
 * A signed-in page that a member asks for again and again unchanged: the home feed, reloaded. The
 * finished page, compressed, is kept in memory per viewer under the version of its main content
 * (which the feature keeps in the Store, so every instance agrees on it) and all that the layout
 * shows of the viewer, unread count included.
 */
import { page, PRIVATE, sectionOfRequest, wholePage, type PageView, type RenderContext } from '@/http/page'
import { htmlResponse, type EncodedHtml } from '@/http/html-response'
import { boundedMap } from '@/shared/bounded-map'
import { cacheCounter } from '@/infra/metrics'

/** A signed-in page whose main content a feature keeps versioned (the home feed's first page). */
export interface VersionedPage {
  /** Names this rendering of `view.main`: a new version whenever it changes. */
  version: string
  view: PageView
}

/**
 * While the version and what the layout shows are unchanged, a request costs those two reads and
 * no rendering (and after its first reuse, no compression); else `render` (given the version read)
 * makes the page, which is kept for next time. Signed out, it is an ordinary `page`.
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

/**
 * Personal pages by viewer id, the latest of each. A member's page is only reused while they
 * reload within its version's minute, so these are the members active right now; the least
 * recently used go first beyond them. At ~35 KB a page (HTML and brotli) this is under 40 MB.
 */
const PERSONAL_PAGES_KEPT = 1000
const personalPages = boundedMap<string, PersonalPage>(PERSONAL_PAGES_KEPT, cacheCounter('personal-pages'))
