/**
 * Public pages as every signed-out visitor gets them, answered for shared caches: public
 * `Cache-Control`, `ETag` and `Last-Modified`, 304 to a client that has this version, and the
 * compressed bytes of a version asked for again kept in memory. `page` (src/http/page.ts) answers
 * its public pages through here; a feature that keeps a whole page itself (the memorial page) answers
 * with `sharedPageResponse` and renders nothing then.
 */
import { htmlResponse, type EncodedHtml } from '@/http/html-response'
import { boundedMap } from '@/shared/bounded-map'
import { repeatAsks } from '@/shared/repeat-asks'
import { cacheCounter } from '@/infra/metrics'

/** How long shared caches may keep a public page's signed-out rendering, and what it shows. */
export interface PublicCache {
  sMaxAge: number
  staleWhileRevalidate: number
  /** Cache tags for CDN purges (`Cache-Tag` for Cloudflare, `Surrogate-Key` for Fastly). */
  tags: string[]
  lastModified?: Date
}

/** A public page as every signed-out visitor gets it, for a cache to keep: its HTML and ETag. */
export interface SharedPage {
  html: string
  etag: string
}

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
const encodedPages = boundedMap<string, EncodedHtml>(ENCODED_PAGES_KEPT, cacheCounter('shared-pages-encoded'))

/**
 * The versions of shared pages asked for lately, by ETag (a slot of 12 bytes each), so that only
 * those asked for twice are kept. Keeping every uncached search page for the next 256 kept each
 * ~18 KB page alive past a collection or two: a search at 1M reports then promoted ~15 KB to the
 * old generation, and the heap grew by ~300 MB between full collections (measured: JSC's GC log).
 */
const ASKED_VERSIONS_KEPT = 4096
const askedBefore = repeatAsks(ASKED_VERSIONS_KEPT)

/**
 * A strong validator for the page's bytes: its length and 64-bit hash (Bun's wyhash, ~1.6 µs for an
 * 18 KB page against SHA-1's ~12 µs, which every uncached search page paid). Two versions of a page
 * colliding on both would take 2^64 tries; nobody gains by forging one.
 */
export function etagOf(html: string): string {
  return `"${html.length.toString(36)}-${Bun.hash(html).toString(36)}"`
}

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
