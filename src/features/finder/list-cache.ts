/**
 * The rendered first page of a nearby search, cached briefly in the Store per geohash cell of its
 * centre, and dropped when a report near that cell changes.
 *
 * Each cell (geohash precision 4: about 39 × 20 km) has a generation, part of every cached list's
 * key. A report that appears, moves, changes or closes gives its cell and the eight around it new
 * generations, which covers every search centre within `MAX_CACHED_RADIUS_M` of it: lists that could
 * show it are never read again and expire on their own. A search with a larger radius, or a later
 * page, is not cached.
 *
 * Every repeated search reads its cell's generation, so generations are near keys (`Store.getNear`):
 * a busy instance reads them from memory, kept exact by Redis, and a search costs one round trip for
 * its list instead of two. A new generation is written with `set` (a fresh token, not INCR), which
 * drops this instance's copy before the command leaves, so whoever changed a report sees the new list.
 *
 * A list is looked up and stored from the second time it is asked for (within its TTL), not the
 * first: most searches by coordinates ("use my location", a click on the map) are never repeated,
 * and a Redis round trip to miss, or writing each of their ~13 KB lists, was a sizeable share of the
 * page's CPU for nothing. Towns, shared links and back/forward repeat, and are kept on their second
 * visit. Each instance counts its own asks, so with several instances a list may take a few more
 * visits before it is kept, or read. A first ask doesn't even read the generation: at 1M reports,
 * the one search in twenty whose cell's copy had aged out waited a round trip longer for it.
 *
 * @example
 * const html = await listCache.cached(search, () => renderResults(search))
 * await listCache.dropAround(report.publicPoint)
 */
import { createHash, randomUUID } from 'node:crypto'
import { geohash, geohashNeighbourhood, type LatLng } from '@/features/finder/geo'
import { nearKey, type Store } from '@/infra/store/store'
import { repeatAsks } from '@/shared/repeat-asks'

/** Brief: even if an invalidation were lost, a new report shows within half a minute. */
const LIST_TTL_SECONDS = 30
/** ~39 km × 20 km cells: the 3 × 3 block around a report reaches at least 10 km from it up to 60° N/S. */
const CELL_PRECISION = 4
export const MAX_CACHED_RADIUS_M = 10_000
/** Generations outlive every list keyed on them many times over, then go. */
const GENERATION_TTL_SECONDS = 86_400
/** Above 60° N/S a precision-4 cell is narrower than 10 km: searches there are simply not cached. */
const MAX_CACHED_LATITUDE = 60
/** Slots for the lists asked for in the last TTL (12 bytes each): a busy instance's 30 seconds of searches. */
const ASKED_KEPT = 10_000

export interface CacheableSearch {
  center: LatLng
  radiusM: number
  /** Everything else that shapes the list (filters), in a stable order. */
  key: string
}

const generationKey = (cell: string) => nearKey(`finder:nearby:gen:${cell}`)

export function createNearbyListCache(store: Store) {
  /** Whether a list was asked for within the last TTL; remembers this ask either way. */
  const askedBefore = repeatAsks(ASKED_KEPT, LIST_TTL_SECONDS * 1000)

  return {
    /** Whether a search's list may be cached: a first page, a radius the invalidation covers. */
    cacheable: (search: CacheableSearch): boolean =>
      search.radiusM <= MAX_CACHED_RADIUS_M && Math.abs(search.center.lat) <= MAX_CACHED_LATITUDE,

    /** The cached rendering of a search, or `render()`'s, kept for the next visitor once asked for twice. */
    async cached(search: CacheableSearch, render: () => Promise<string>): Promise<string> {
      if (!this.cacheable(search)) return render()
      const digest = createHash('sha1').update(`${search.center.lat},${search.center.lng},${search.radiusM},${search.key}`).digest('base64url')
      // A first ask needs neither the generation nor a lookup: no round trip before the search's own.
      if (!askedBefore(digest)) return render()
      const cell = geohash(search.center, CELL_PRECISION)
      const generation = (await store.getNear(generationKey(cell))) ?? '0'
      const key = `finder:nearby:${cell}:${generation}:${digest}`
      const hit = await store.get(key)
      if (hit !== null) return hit
      const html = await render()
      await store.set(key, html, LIST_TTL_SECONDS)
      return html
    },

    /** Makes every cached list that could show a report at `point` stale. */
    async dropAround(...points: LatLng[]): Promise<void> {
      const cells = new Set(points.flatMap((point) => geohashNeighbourhood(geohash(point, CELL_PRECISION))))
      // Any value never used before will do; unlike a counter it needs no read, and `set` drops the near copy.
      const generation = randomUUID()
      await Promise.all([...cells].map((cell) => store.set(generationKey(cell), generation, GENERATION_TTL_SECONDS)))
    },
  }
}

export type NearbyListCache = ReturnType<typeof createNearbyListCache>
