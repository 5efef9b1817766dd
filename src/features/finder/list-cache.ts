/**
 * The rendered first page of a nearby search, cached briefly in the Store per geohash cell of its
 * centre, and dropped when a report near that cell changes.
 *
 * Each cell (geohash precision 4: about 39 × 20 km) has a generation counter, part of every cached
 * list's key. A report that appears, moves, changes or closes bumps the counters of its cell and the
 * eight around it, which covers every search centre within `MAX_CACHED_RADIUS_M` of it: lists that
 * could show it are never read again and expire on their own. A search with a larger radius, or a
 * later page, is not cached.
 *
 * @example
 * const html = await listCache.cached(search, () => renderResults(search))
 * await listCache.dropAround(report.publicPoint)
 */
import { createHash } from 'node:crypto'
import { geohash, geohashNeighbourhood, type LatLng } from '@/features/finder/geo'
import type { Store } from '@/infra/store/store'

/** Brief: even if an invalidation were lost, a new report shows within half a minute. */
const LIST_TTL_SECONDS = 30
/** ~39 km × 20 km cells: the 3 × 3 block around a report reaches at least 10 km from it up to 60° N/S. */
const CELL_PRECISION = 4
export const MAX_CACHED_RADIUS_M = 10_000
/** Generation counters outlive every list keyed on them many times over, then go. */
const GENERATION_TTL_SECONDS = 86_400
/** Above 60° N/S a precision-4 cell is narrower than 10 km: searches there are simply not cached. */
const MAX_CACHED_LATITUDE = 60

export interface CacheableSearch {
  center: LatLng
  radiusM: number
  /** Everything else that shapes the list (filters), in a stable order. */
  key: string
}

const generationKey = (cell: string) => `finder:nearby:gen:${cell}`

export function createNearbyListCache(store: Store) {
  return {
    /** Whether a search's list may be cached: a first page, a radius the invalidation covers. */
    cacheable: (search: CacheableSearch): boolean =>
      search.radiusM <= MAX_CACHED_RADIUS_M && Math.abs(search.center.lat) <= MAX_CACHED_LATITUDE,

    /** The cached rendering of a search, or `render()`'s, stored for the next visitor. */
    async cached(search: CacheableSearch, render: () => Promise<string>): Promise<string> {
      if (!this.cacheable(search)) return render()
      const cell = geohash(search.center, CELL_PRECISION)
      const generation = (await store.get(generationKey(cell))) ?? '0'
      const digest = createHash('sha1').update(`${search.center.lat},${search.center.lng},${search.radiusM},${search.key}`).digest('base64url')
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
      await Promise.all([...cells].map((cell) => store.incr(generationKey(cell), GENERATION_TTL_SECONDS)))
    },
  }
}

export type NearbyListCache = ReturnType<typeof createNearbyListCache>
