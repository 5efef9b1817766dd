/**
 * The rendered first page of a nearby search, cached briefly in the Store, and dropped when a report
 * near its centre changes.
 *
 * Each list is kept under its centre's area generation: a token per geohash cell (precision 4, about
 * 39 × 20 km) that `dropAround` rewrites for a report's cell and the eight around it whenever the
 * report appears, moves, changes or closes. That covers every point within GENERATION_REACH_M of it,
 * up to MAX_COVERED_LATITUDE (further north or south a cell is narrower), so lists that could show
 * the report are never read again and expire on their own. A search with a larger radius, or a
 * later page, is not cached.
 *
 * Nearly every repeated search reads its cell's generation, so generations are near keys
 * (`Store.getNear`) under NEAR_RECORD_PREFIX, as they change only by writes: a busy instance reads
 * them from memory, kept exact by Redis. A new generation is written with `set` (a fresh token, not
 * INCR), which drops this instance's copy before the command leaves, so whoever changed a report
 * sees the change at once.
 *
 * A list is looked up and stored from the second time it is asked for (within its TTL), not the
 * first: most searches by coordinates ("use my location", a click on the map) are never repeated,
 * and a Redis round trip to miss, or writing each of their ~13 KB lists, was a sizeable share of the
 * page's CPU for nothing. Towns, shared links and back/forward repeat, and are kept on their second
 * visit. Each instance counts its own asks, so with several instances a list may take a few more
 * visits before it is kept, or read. A first ask doesn't even read the generation: at 1M reports,
 * the one search in twenty whose copy of it had aged out waited a round trip longer for it.
 *
 * CatFinder's freshness promise (docs/caching.md points here): how old a search
 * page (/finder with a place, first page) can be, and what drops it.
 *
 * - From the app, signed in or out: a report that appears, moves, changes or closes shows on the
 *   next search whose circle holds it. `published` (reports.ts) drops its card, tells the GEO index
 *   and calls `dropAround` (every list kept around it is never read again). Only a drop that went
 *   missing (an instance dying between the write and the drop) leaves an old list for
 *   LIST_TTL_SECONDS (30 s) at most, an old card for ten minutes.
 * - Signed in, and every htmx fragment: `private, no-cache`, so always the app's answer above.
 * - Signed out, at the CDN: `s-maxage=30, stale-while-revalidate=60` (routes.ts SEARCH_CACHE, tag
 *   `finder:nearby`), and no change purges it: up to 30 s old, up to 90 s while the CDN revalidates
 *   in the background. Browsers keep nothing (`max-age=0`) and revalidate with the ETag.
 *
 * @example
 * const html = await listCache.cached(search, () => renderResults(search))
 * await listCache.dropAround(report.publicPoint)   // the kept list goes stale
 */
import { createHash, randomUUID } from 'node:crypto'
import type { LatLng } from '@/features/finder/geodesy'
import { geohash, geohashNeighbourhood } from '@/features/finder/geohash'
import { NEAR_RECORD_PREFIX, orUnavailable, type Store } from '@/infra/store/store'
import { repeatAsks } from '@/shared/repeat-asks'
import { cacheCounter } from '@/infra/metrics'

const listLookups = cacheCounter('finder-nearby-lists')

/** Brief: even if an invalidation were lost, a new report shows within half a minute. */
const LIST_TTL_SECONDS = 30
/** Slots for the lists asked for in the last TTL (12 bytes each): a busy instance's 30 seconds of searches. */
const ASKED_KEPT = 10_000
const CELL_PRECISION = 4
/** The 3 × 3 block of ~39 × 20 km cells around a report reaches at least 10 km from it up to 60° N/S. */
const GENERATION_REACH_M = 10_000
const MAX_COVERED_LATITUDE = 60
/** Generations outlive the lists kept with them many times over, then go. */
const GENERATION_TTL_SECONDS = 86_400
/** What a cell no report has changed in since the generations were lost (or ever) reads as. */
const FIRST_GENERATION = '0'

const generationKey = (cell: string) => `${NEAR_RECORD_PREFIX}finder:area-generation:${cell}`

export interface CacheableSearch {
  centre: LatLng
  radiusM: number
  /** Everything else that shapes the list (filters), in a stable order. */
  key: string
}

export function createNearbyListCache(store: Store) {
  /** Whether a list was asked for within the last TTL; remembers this ask either way. */
  const askedBefore = repeatAsks(ASKED_KEPT, LIST_TTL_SECONDS * 1000)

  /** The generation of the cell `point` lies in: from this process's copy when it has one (nearly always). */
  async function generationOf(point: LatLng): Promise<string> {
    const key = generationKey(geohash(point, CELL_PRECISION))
    const copy = store.peekNear(key, String)
    if (copy !== undefined) return copy ?? FIRST_GENERATION
    return (await store.getNear(key)) ?? FIRST_GENERATION
  }

  return {
    /** Whether a search's list may be cached: a circle a report's new generations cover. */
    cacheable: (search: CacheableSearch): boolean => search.radiusM <= GENERATION_REACH_M && Math.abs(search.centre.lat) <= MAX_COVERED_LATITUDE,

    /** The cached rendering of a search, or `render()`'s, kept for the next visitor once asked for twice. */
    async cached(search: CacheableSearch, render: () => Promise<string>): Promise<string> {
      if (!this.cacheable(search)) return render()
      const digest = createHash('sha1').update(`${search.centre.lat},${search.centre.lng},${search.radiusM},${search.key}`).digest('base64url')
      // A first ask needs neither the generation nor a lookup: no round trip before the search's own.
      if (!askedBefore(digest)) return render()
      // While the store is away every list is rendered from the database, and none is kept.
      const generation = await orUnavailable(generationOf(search.centre), null)
      if (generation === null) return render()
      const key = `finder:nearby:${generation}:${digest}`
      const hit = await orUnavailable(store.get(key), null)
      listLookups(hit !== null)
      if (hit !== null) return hit
      const html = await render()
      await orUnavailable(store.set(key, html, LIST_TTL_SECONDS), undefined)
      return html
    },

    /** Reports changed at these points: new generations for the cells around them, so no list kept there is read again. */
    async dropAround(...points: LatLng[]): Promise<void> {
      const cells = new Set(points.flatMap((point) => geohashNeighbourhood(geohash(point, CELL_PRECISION))))
      // Any value never used before will do; unlike a counter it needs no read, and `set` drops the near copy.
      const generation = randomUUID()
      await Promise.all([...cells].map((cell) => store.set(generationKey(cell), generation, GENERATION_TTL_SECONDS)))
    },
  }
}

export type NearbyListCache = ReturnType<typeof createNearbyListCache>
