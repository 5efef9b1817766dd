/**
 * The rendered memorial, kept in the Store: what every visitor sees
 * alike, rendered once per cache lifetime instead of on every visit. The parts that depend on the
 * visitor (their candle, the owner's tools, the tribute form) are never in it.
 *
 * Keys, each with the cache lifetime as TTL:
 *
 * | key                              | holds                                                             |
 * | -------------------------------- | ----------------------------------------------------------------- |
 * | `memorial:page:<slug>`           | JSON of `CachedMemorialPage`: the parts, for pages with the visitor's own parts |
 * | `memorial:shared:<slug>`         | JSON of `KeptShared`: which whole page signed-out visitors get (public memorials) |
 * | `memorial:shared-html:<etag>`    | that page's HTML; content-addressed, so never dropped, only expired |
 *
 * The hot path, a signed-out visit to a public memorial, reads only the small `shared` entry: each
 * instance keeps the compressed bytes of every ETag it has sent (src/http/shared-page.ts), and reads the
 * HTML only for an ETag it hasn't. The `page` and `shared` entries are dropped on every owner change
 * and every tribute that appears (src/features/memorials/service.ts), never on a candle.
 */
import { orUnavailable, type Store } from '@/infra/store/store'
import type { Memorial } from '@/features/memorials/service'
import type { SharedPage } from '@/http/shared-page'
import { singleFlight } from '@/shared/single-flight'
import type { ShareImage } from '@views/components/share-tags'
import { cacheCounter, countedLookup as counted } from '@/infra/metrics'

const partsLookups = cacheCounter('memorial-parts')
const sharedLookups = cacheCounter('memorial-shared')
const sharedHtmlLookups = cacheCounter('memorial-shared-html')

export type { ShareImage }

/** HTML rendered by the memorial views from escaped values and the story's trustedHtml. */
export type RenderedHtml = string & { readonly __renderedHtml: unique symbol }

export interface CachedMemorialPage {
  memorial: Memorial
  /** The meta description and the JSON-LD description: the start of the story. */
  description: string
  shareImage: ShareImage | null
  /** Cover photo, name and dates. */
  hero: RenderedHtml
  /** The story and the gallery. */
  content: RenderedHtml
  /** The shown tributes. */
  tributes: RenderedHtml
}

/** Which whole page signed-out visitors of a public memorial get now. */
export interface KeptShared {
  etag: string
  memorialId: string
  /** ISO time: the page's Last-Modified. */
  updatedAt: string
}

/** Its HTML outlives the pointer to it a little, so a pointer never names HTML that has just expired. */
const SHARED_HTML_EXTRA_SECONDS = 60

export function createMemorialPageCache({ store, ttlSeconds }: { store: Store; ttlSeconds: number }) {
  // Lookups of a slug in flight; dropping a slug forgets them, so nobody joins one that read old data.
  const lookups = singleFlight<string, unknown>()
  const keyOf = (slug: string) => `memorial:page:${slug}`
  const sharedKeyOf = (slug: string) => `memorial:shared:${slug}`
  const sharedHtmlKeyOf = (etag: string) => `memorial:shared-html:${etag}`

  return {
    /** False with a cache lifetime of 0: nothing is kept, every visit renders. */
    enabled: ttlSeconds > 0,

    /** The page kept for `slug`, or null (not kept, expired, dropped, or caching is off). */
    async cachedPage(slug: string): Promise<CachedMemorialPage | null> {
      if (ttlSeconds === 0) return null
      // While the store is away the page is rendered from the database at each visit.
      const raw = await counted(partsLookups, orUnavailable(store.get(keyOf(slug)), null))
      // Cast: JSON.parse is untyped; this key holds only what this file wrote from a CachedMemorialPage.
      return raw ? revive(JSON.parse(raw) as CachedMemorialPage) : null
    },

    /**
     * Runs the look-up and render of a missed slug once for every request that misses it meanwhile
     * on this instance: a popular page whose entry just expired is rendered once, not per request.
     */
    lookUpOnce<T>(slug: string, work: () => Promise<T>): Promise<T> {
      // Cast: one map serves every T; the callers of one slug all ask for the same kind of value.
      return lookups.run(slug, work) as Promise<T>
    },

    /** Keeps the parts of a page; call only with parts rendered from current data. */
    async keep(page: CachedMemorialPage): Promise<void> {
      if (ttlSeconds > 0) await orUnavailable(store.set(keyOf(page.memorial.slug), JSON.stringify(page), ttlSeconds), undefined)
    },

    /** Which page signed-out visitors of the memorial at `slug` get, when one is kept. */
    async keptShared(slug: string): Promise<KeptShared | null> {
      if (ttlSeconds === 0) return null
      const raw = await counted(sharedLookups, orUnavailable(store.get(sharedKeyOf(slug)), null))
      // Cast: JSON.parse is untyped; this key holds only what this file wrote from a KeptShared.
      return raw ? (JSON.parse(raw) as KeptShared) : null
    },

    sharedHtml(etag: string): Promise<string | null> {
      return counted(sharedHtmlLookups, orUnavailable(store.get(sharedHtmlKeyOf(etag)), null))
    },

    /** Keeps the whole page signed-out visitors get; call only with a page rendered from current data. */
    async keepShared(memorial: Memorial, page: SharedPage): Promise<void> {
      if (ttlSeconds === 0) return
      const kept: KeptShared = { etag: page.etag, memorialId: memorial.id, updatedAt: memorial.updatedAt.toISOString() }
      const keeping = async () => {
        await store.set(sharedHtmlKeyOf(page.etag), page.html, ttlSeconds + SHARED_HTML_EXTRA_SECONDS)
        await store.set(sharedKeyOf(memorial.slug), JSON.stringify(kept), ttlSeconds)
      }
      await orUnavailable(keeping(), undefined)
    },

    /** Drops the pages at these slugs: the next visit renders afresh. */
    async drop(slugs: readonly string[]): Promise<void> {
      for (const slug of slugs) lookups.forget(slug)
      if (slugs.length > 0) await store.del(...slugs.flatMap((slug) => [keyOf(slug), sharedKeyOf(slug)]))
    },
  }
}

export type MemorialPageCache = ReturnType<typeof createMemorialPageCache>

/** Dates come back from JSON as strings. */
function revive(page: CachedMemorialPage): CachedMemorialPage {
  const memorial = page.memorial
  return { ...page, memorial: { ...memorial, createdAt: new Date(memorial.createdAt), updatedAt: new Date(memorial.updatedAt) } }
}
