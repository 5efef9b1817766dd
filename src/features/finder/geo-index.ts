/**
 * The Redis GEO index of active reports, which serves the hot "nearby" query. It only narrows the
 * candidates: a search re-checks each with PostGIS's own formulas (geodesy.ts), so both paths return
 * the same reports.
 */
import type { Logger } from '@/infra/log'
import type { Store } from '@/infra/store/store'
import { METRES_PER_DEGREE, POSTGIS_SPHERE_RADIUS_M, type LatLng } from '@/features/finder/geodesy'

/** One sorted set of every active report's public point. Durable state: no TTL. */
const GEO_KEY = 'finder:geo:active'
/** Set once a rebuild has finished: until then searches use PostGIS, never a half-built index. */
const READY_KEY = 'finder:geo:ready'
const REBUILD_LOCK = 'lock:finder:geo:rebuild'
/** A rebuild of a million reports takes well under this; the lock outlives a crashed rebuilder by at most this. */
const REBUILD_LOCK_TTL_MS = 10 * 60_000
/** GEOADDs per command while rebuilding. */
const REBUILD_BATCH = 1000
/**
 * How long an instance trusts a "ready" it has seen before asking Redis again: saves a round trip
 * per search; an index dropped meanwhile (a flushed Redis) costs at most this long of searches that
 * Redis answers from an incomplete set before PostGIS takes over.
 */
const READY_TRUST_MS = 5000

/** Redis refuses points beyond Web Mercator's latitude limit; areas reaching past it use PostGIS. */
const REDIS_LAT_LIMIT = 85.05112878
/** Redis's sphere (src/geohash_helper.c). */
const REDIS_EARTH_RADIUS_M = 6372797.560856
/**
 * How much wider Redis must search so that no report within `radius` on the ellipsoid is missed:
 * Redis's great circle is at most ~0.6 % longer than the geodesic (north–south near the equator,
 * where the ellipsoid curves least), so 1 % is ample; plus 2 m for Redis's 52-bit geohash snapping
 * (≤ 0.6 m per point).
 */
export const OVERFETCH_FACTOR = 1.01
export const OVERFETCH_MARGIN_M = 2

/** A candidate from the index: a report and its public point. */
export interface GeoCandidate {
  id: string
  point: LatLng
}

/** A candidate placed in a search: how far it is from the search's centre. */
export interface PlacedCandidate extends GeoCandidate {
  /** PostGIS's `<->` from the public point to the search's centre. */
  distanceM: number
}

/** An active report's entry in the index. */
export interface IndexedReport {
  id: string
  point: LatLng
}

export function createGeoIndex(store: Store, log: Logger) {
  // The member carries the public point, so a moved report's old entry can be removed by name.
  const member = ({ id, point }: IndexedReport) => `${id}|${point.lat}|${point.lng}`
  const indexable = ({ point }: IndexedReport) => Math.abs(point.lat) <= REDIS_LAT_LIMIT
  let readySeenUntil = 0

  return {
    /** Adds reports (new, reopened or moved to `point`). */
    async add(reports: readonly IndexedReport[]): Promise<void> {
      const entries = reports.filter(indexable).map((report) => ({ member: member(report), ...report.point }))
      await store.geoadd(GEO_KEY, entries)
    },

    /** Removes reports' entries (closed, expired, or moved away from `point`). */
    async remove(reports: readonly IndexedReport[]): Promise<void> {
      if (reports.length > 0) await store.zrem(GEO_KEY, reports.map(member))
    },

    /** Drops the index (after a bulk load in SQL): searches use PostGIS until the next rebuild. */
    async invalidate(): Promise<void> {
      readySeenUntil = 0
      await store.del(READY_KEY, GEO_KEY)
    },

    /** True when the index is complete (built since the store was last emptied). */
    async ready(): Promise<boolean> {
      if (Date.now() < readySeenUntil) return true
      const builtAt = await store.get(READY_KEY)
      readySeenUntil = builtAt ? Date.now() + READY_TRUST_MS : 0
      return builtAt !== null
    },

    /** The radius Redis is asked about for a circle of `radiusM` on the ellipsoid: a little wider. */
    searchedRadius: (radiusM: number): number => radiusM * OVERFETCH_FACTOR + OVERFETCH_MARGIN_M,

    /** Whether Redis can answer for a circle: not when it reaches past the latitudes Redis can store. */
    covers(centre: LatLng, radiusM: number): boolean {
      return Math.abs(centre.lat) + (radiusM * OVERFETCH_FACTOR) / METRES_PER_DEGREE + 0.01 < REDIS_LAT_LIMIT
    },

    /**
     * The `count` reports nearest to `centre` by Redis's reckoning within the over-fetched radius,
     * nearest first, with their exact public points (from the member: Redis's own coordinates are
     * snapped). Redis's distances are PostGIS's `<->` on another radius, up to the snapping (see
     * `redisDistanceFor`), so the caller can tell whether the first n are surely the nearest n
     * without asking Redis for its distances (which cost it and us a tenth of the command).
     */
    async candidates(centre: LatLng, radiusM: number, count: number): Promise<GeoCandidate[]> {
      const members = await store.geosearch(GEO_KEY, centre.lng, centre.lat, this.searchedRadius(radiusM), count)
      return members.map((member) => {
        const [id, lat, lng] = member.split('|')
        return { id: id!, point: { lat: Number(lat), lng: Number(lng) } }
      })
    },

    /**
     * Rebuilds the index from `loadActive` when the store has lost it (a fresh or flushed Redis, or
     * the in-process store at every start). One instance rebuilds, under a lock; searches use PostGIS
     * until it is done. Returns how many reports were indexed, or null when there was nothing to do.
     */
    async rebuildIfMissing(loadActive: () => AsyncIterable<IndexedReport[]>): Promise<number | null> {
      if (await store.exists(READY_KEY)) return null
      const token = await store.acquireLock(REBUILD_LOCK, REBUILD_LOCK_TTL_MS)
      if (!token) return null
      try {
        if (await store.exists(READY_KEY)) return null
        const startedAt = performance.now()
        let indexed = 0
        for await (const batch of loadActive()) {
          for (let start = 0; start < batch.length; start += REBUILD_BATCH) {
            const slice = batch.slice(start, start + REBUILD_BATCH)
            await this.add(slice)
            indexed += slice.length
          }
        }
        await store.set(READY_KEY, new Date().toISOString())
        log.info({ indexed, ms: Math.round(performance.now() - startedAt) }, 'finder GEO index rebuilt')
        return indexed
      } finally {
        await store.releaseLock(REBUILD_LOCK, token)
      }
    },
  }
}

export type GeoIndex = ReturnType<typeof createGeoIndex>

/**
 * A PostGIS `<->` distance as Redis would measure it (same great circle, Redis's radius). Redis
 * measures to a member's snapped point, which lies within 0.6 m of the exact one.
 */
export function redisDistanceFor(postgisSphereM: number): number {
  return (postgisSphereM * REDIS_EARTH_RADIUS_M) / POSTGIS_SPHERE_RADIUS_M
}
