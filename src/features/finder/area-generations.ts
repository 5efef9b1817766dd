/**
 * Generations of areas: a token per geohash cell (precision 4, about 39 × 20 km) that changes
 * whenever a report near the cell appears, moves, changes or closes. What is kept about an area (a
 * rendered nearby list, src/features/finder/list-cache.ts; the candidates of a busy area,
 * src/features/finder/area-candidates.ts) is kept with its generation and trusted only while the
 * generation stands.
 *
 * A report changing gives its cell and the eight around it new generations, which covers every
 * point within `GENERATION_REACH_M` of it, up to `MAX_COVERED_LATITUDE` (further north or south a
 * cell is narrower than that): whatever is kept about a circle of up to that reach around a point
 * is stale from the moment a report in it changes.
 *
 * Nearly every search reads its cell's generation, so generations are near keys (`Store.getNear`)
 * under NEAR_RECORD_PREFIX, as they change only by writes: a busy instance reads them from memory,
 * kept exact by Redis, as long as it keeps a record. A new generation is written with `set`
 * (a fresh token, not INCR), which drops this instance's copy before the command leaves, so whoever
 * changed a report sees the change at once.
 *
 * @example
 * const generation = await generations.of(search.centre)
 * await generations.bump(report.publicPoint)
 */
import { randomUUID } from 'node:crypto'
import type { LatLng } from '@/features/finder/geodesy'
import { geohash, geohashNeighbourhood } from '@/features/finder/geohash'
import { NEAR_RECORD_PREFIX, type Store } from '@/infra/store/store'

const CELL_PRECISION = 4
/** The 3 × 3 block of ~39 × 20 km cells around a report reaches at least 10 km from it up to 60° N/S. */
export const GENERATION_REACH_M = 10_000
export const MAX_COVERED_LATITUDE = 60
/** Generations outlive everything kept with them many times over, then go. */
const GENERATION_TTL_SECONDS = 86_400
/** What a cell no report has changed in since the generations were lost (or ever) reads as. */
const FIRST_GENERATION = '0'

const generationKey = (cell: string) => `${NEAR_RECORD_PREFIX}finder:area-generation:${cell}`

export function createAreaGenerations(store: Store) {
  return {
    /** Whether a circle of `radiusM` around `centre` is covered: a report changing in it changes `of(centre)`. */
    covers: (centre: LatLng, radiusM: number): boolean => radiusM <= GENERATION_REACH_M && Math.abs(centre.lat) <= MAX_COVERED_LATITUDE,

    /** The generation of the cell `point` lies in: from this process's copy when it has one (nearly always). */
    async of(point: LatLng): Promise<string> {
      const key = generationKey(geohash(point, CELL_PRECISION))
      const copy = store.peekNear(key, String)
      if (copy !== undefined) return copy ?? FIRST_GENERATION
      return (await store.getNear(key)) ?? FIRST_GENERATION
    },

    /** New generations for the cells around these points: whatever was kept about an area near them is stale. */
    async bump(...points: LatLng[]): Promise<void> {
      const cells = new Set(points.flatMap((point) => geohashNeighbourhood(geohash(point, CELL_PRECISION))))
      // Any value never used before will do; unlike a counter it needs no read, and `set` drops the near copy.
      const generation = randomUUID()
      await Promise.all([...cells].map((cell) => store.set(generationKey(cell), generation, GENERATION_TTL_SECONDS)))
    },
  }
}

export type AreaGenerations = ReturnType<typeof createAreaGenerations>
