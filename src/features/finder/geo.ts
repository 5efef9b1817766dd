/**
 * Places on the Earth for CatFinder: the privacy grid that turns an exact point into a public one,
 * geohash cells (for the nearby-list cache), SQL for points, and the Redis GEO index of active
 * reports that serves the hot "nearby" query.
 *
 * Distances, and which side of a radius a report falls, are PostGIS's: ST_DWithin on the WGS84
 * ellipsoid for "within", and `<->` (great circle on PostGIS's mean-radius sphere) for "nearest
 * first" and the distance shown. The Redis index only narrows the candidates; `sphereDistanceM` and
 * `withinOnEllipsoid` re-check them with PostGIS's own formulas (liblwgeom's sphere_distance, and
 * GeographicLib's geodesic, which PostGIS calls for the ellipsoid), so both paths return the same reports.
 */
import { Geodesic } from 'geographiclib-geodesic'
import { sql, type RawBuilder } from 'kysely'
import type { Logger } from '@/infra/log'
import type { Store } from '@/infra/store/store'

export interface LatLng {
  lat: number
  lng: number
}

// ---------------------------------------------------------------------------------------------------
// The privacy grid (docs/architecture.md, Locations)

/** Metres in a degree of latitude; a grid needs no better than this. */
const METRES_PER_DEGREE = 111_320
/** Six decimals (~0.1 m) keep stored and printed public points short and identical everywhere. */
const PUBLIC_DECIMALS = 6
/** Near the poles a cell of `gridMetres` would need thousands of degrees of longitude: stop at 1 %. */
const MIN_LONGITUDE_SCALE = 0.01

/**
 * The public point of an exact one: the centre of its cell on a grid `gridMetres` across. Every exact
 * point in a cell has the same public point, so nothing finer than the cell can be learnt from it,
 * however many searches or reports one makes.
 *
 * @example publicPoint({ lat: 52.520008, lng: 13.404954 }, 250) // { lat: 52.520129, lng: 13.405449 }
 */
export function publicPoint(exact: LatLng, gridMetres: number): LatLng {
  const latStep = gridMetres / METRES_PER_DEGREE
  const latCells = Math.ceil(180 / latStep)
  const row = Math.min(latCells - 1, Math.floor((exact.lat + 90) / latStep))
  const lat = Math.min(90, -90 + (row + 0.5) * latStep)
  // Whole cells around the globe on each row, so a cell never straddles the antimeridian.
  const scale = Math.max(MIN_LONGITUDE_SCALE, Math.cos((lat * Math.PI) / 180))
  const lngCells = Math.max(1, Math.floor((360 * METRES_PER_DEGREE * scale) / gridMetres))
  const lngStep = 360 / lngCells
  const column = Math.min(lngCells - 1, Math.floor((exact.lng + 180) / lngStep))
  return { lat: round(lat, PUBLIC_DECIMALS), lng: round(-180 + (column + 0.5) * lngStep, PUBLIC_DECIMALS) }
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}

/** Distances shown to people: kilometres with one decimal ("2.4 km"). */
export function shownKm(metres: number): string {
  return `${(Math.round(metres / 100) / 10).toFixed(1)} km`
}

// ---------------------------------------------------------------------------------------------------
// Distances as PostGIS reckons them

/** WGS84 as PostGIS takes it for SRID 4326: the semi-axes, and the mean radius of its sphere. */
const WGS84_A = 6_378_137
const WGS84_B = WGS84_A * (1 - 1 / 298.257223563)
/** liblwgeom's spheroid_init: the sphere `<->` measures on. */
const POSTGIS_SPHERE_RADIUS_M = (2 * WGS84_A + WGS84_B) / 3
/** liblwgeom (lwgeodetic.h): points this close, in radians, are one point. */
const SAME_POINT_RADIANS = 5e-14
const wgs84 = Geodesic.WGS84

/**
 * PostGIS's `from <-> to` for geography points, in metres: liblwgeom's sphere_distance, operation
 * for operation, so it agrees with PostgreSQL's to the last bit where both use the same libm
 * (glibc: checked by tests/integration/finder-geo.test.ts) and to ~1e-9 m elsewhere (PGlite's).
 */
export function sphereDistanceM(from: LatLng, to: LatLng): number {
  return sphereDistanceBetween(from.lat, from.lng, to.lat, to.lng)
}

/** `sphereDistanceM` of coordinates held apart (in typed arrays): no point object to make. */
export function sphereDistanceBetween(fromLat: number, fromLng: number, toLat: number, toLng: number): number {
  const [sLat, sLon, eLat, eLon] = [radians(fromLat), radians(fromLng), radians(toLat), radians(toLng)]
  if (Math.abs(sLat - eLat) <= SAME_POINT_RADIANS && Math.abs(sLon - eLon) <= SAME_POINT_RADIANS) return 0
  const dLon = eLon - sLon
  const cosDLon = Math.cos(dLon)
  const [cosLatE, sinLatE, cosLatS, sinLatS] = [Math.cos(eLat), Math.sin(eLat), Math.cos(sLat), Math.sin(sLat)]
  const a1 = (cosLatE * Math.sin(dLon)) ** 2
  const a2 = (cosLatS * sinLatE - sinLatS * cosLatE * cosDLon) ** 2
  const b = sinLatS * sinLatE + cosLatS * cosLatE * cosDLon
  return POSTGIS_SPHERE_RADIUS_M * Math.atan2(Math.sqrt(a1 + a2), b)
}

/** liblwgeom's deg2rad, in its order of operations. */
function radians(degrees: number): number {
  return (Math.PI * degrees) / 180.0
}

/**
 * PostGIS's `ST_DWithin(from, to, radiusM)` for geography points (on the ellipsoid), given their
 * `sphereDistanceM`: like liblwgeom, it trusts the sphere well inside the radius (the two differ by
 * under 0.6 %) and asks the geodesic only near the edge.
 */
export function withinOnEllipsoid(from: LatLng, to: LatLng, radiusM: number, sphereM: number): boolean {
  if (sphereM < 0.95 * radiusM) return true
  if (sphereM > 1.05 * radiusM) return false
  return wgs84.Inverse(from.lat, from.lng, to.lat, to.lng).s12! <= radiusM
}

// ---------------------------------------------------------------------------------------------------
// SQL for points

/** A geography point from a LatLng, as a bound-parameter SQL expression. */
export function geographyPoint(point: LatLng): RawBuilder<unknown> {
  return sql`ST_SetSRID(ST_MakePoint(${point.lng}::float8, ${point.lat}::float8), 4326)::geography`
}

/** Latitude and longitude of a geography column, for a select list. */
export function latOf(column: string): RawBuilder<number> {
  return sql<number>`ST_Y(${sql.ref(column)}::geometry)`
}

export function lngOf(column: string): RawBuilder<number> {
  return sql<number>`ST_X(${sql.ref(column)}::geometry)`
}

// ---------------------------------------------------------------------------------------------------
// Geohash cells (the nearby-list cache is keyed and dropped by cell)

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz'

/** The geohash of a point at `precision` characters. */
export function geohash(point: LatLng, precision: number): string {
  let [latMin, latMax, lngMin, lngMax] = [-90, 90, -180, 180]
  let hash = ''
  let bits = 0
  let value = 0
  let evenBit = true
  while (hash.length < precision) {
    if (evenBit) {
      const mid = (lngMin + lngMax) / 2
      value = value * 2 + (point.lng >= mid ? 1 : 0)
      if (point.lng >= mid) lngMin = mid
      else lngMax = mid
    } else {
      const mid = (latMin + latMax) / 2
      value = value * 2 + (point.lat >= mid ? 1 : 0)
      if (point.lat >= mid) latMin = mid
      else latMax = mid
    }
    evenBit = !evenBit
    if (++bits === 5) {
      hash += BASE32[value]
      bits = 0
      value = 0
    }
  }
  return hash
}

/** The cell of `hash` and the eight around it (fewer at the poles), wrapping at the antimeridian. */
export function geohashNeighbourhood(hash: string): string[] {
  const { lat, lng, latSize, lngSize } = geohashCell(hash)
  const cells = new Set<string>()
  for (const dLat of [-1, 0, 1]) {
    const cellLat = lat + dLat * latSize
    if (cellLat < -90 || cellLat > 90) continue
    for (const dLng of [-1, 0, 1]) {
      const cellLng = ((lng + dLng * lngSize + 540) % 360) - 180
      cells.add(geohash({ lat: cellLat, lng: cellLng }, hash.length))
    }
  }
  return [...cells]
}

/** The centre of the cell of `hash`, and the distance from it to the cell's corners (the farthest points in the cell). */
export function geohashCentre(hash: string): { centre: LatLng; halfDiagonalM: number } {
  const { lat, lng, latSize, lngSize } = geohashCell(hash)
  const centre = { lat, lng }
  const cornerM = (cornerLat: number) => sphereDistanceM(centre, { lat: cornerLat, lng: lng + lngSize / 2 })
  return { centre, halfDiagonalM: Math.max(cornerM(lat - latSize / 2), cornerM(lat + latSize / 2)) }
}

function geohashCell(hash: string): { lat: number; lng: number; latSize: number; lngSize: number } {
  let [latMin, latMax, lngMin, lngMax] = [-90, 90, -180, 180]
  let evenBit = true
  for (const char of hash) {
    const value = BASE32.indexOf(char)
    for (let bit = 4; bit >= 0; bit--) {
      const on = ((value >> bit) & 1) === 1
      if (evenBit) {
        const mid = (lngMin + lngMax) / 2
        if (on) lngMin = mid
        else lngMax = mid
      } else {
        const mid = (latMin + latMax) / 2
        if (on) latMin = mid
        else latMax = mid
      }
      evenBit = !evenBit
    }
  }
  return { lat: (latMin + latMax) / 2, lng: (lngMin + lngMax) / 2, latSize: latMax - latMin, lngSize: lngMax - lngMin }
}

// ---------------------------------------------------------------------------------------------------
// The Redis GEO index of active reports

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
  let builtAt: string | null = null

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
      builtAt = await store.get(READY_KEY)
      readySeenUntil = builtAt ? Date.now() + READY_TRUST_MS : 0
      return builtAt !== null
    },

    /**
     * When the index `ready` last found was built: a rebuild (after a bulk load, or a Redis that lost
     * it) makes whatever was kept from the index before stale.
     */
    builtAt: (): string | null => builtAt,

    /** The radius Redis is asked about for a circle of `radiusM` on the ellipsoid: a little wider. */
    searchedRadius: (radiusM: number): number => radiusM * OVERFETCH_FACTOR + OVERFETCH_MARGIN_M,

    /** Whether Redis can answer for a circle: not when it reaches past the latitudes Redis can store. */
    covers(center: LatLng, radiusM: number): boolean {
      return Math.abs(center.lat) + (radiusM * OVERFETCH_FACTOR) / METRES_PER_DEGREE + 0.01 < REDIS_LAT_LIMIT
    },

    /**
     * The `count` reports nearest to `center` by Redis's reckoning within the over-fetched radius,
     * nearest first, with their exact public points (from the member: Redis's own coordinates are
     * snapped). Redis's distances are PostGIS's `<->` on another radius, up to the snapping (see
     * `redisDistanceFor`), so the caller can tell whether the first n are surely the nearest n
     * without asking Redis for its distances (which cost it and us a tenth of the command).
     */
    async candidates(center: LatLng, radiusM: number, count: number): Promise<GeoCandidate[]> {
      const members = await store.geosearch(GEO_KEY, center.lng, center.lat, this.searchedRadius(radiusM), count)
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

/** The other way: a distance Redis measured (on its radius) as PostGIS's `<->` would give it, up to the snapping. */
export function postgisDistanceFor(redisM: number): number {
  return (redisM * POSTGIS_SPHERE_RADIUS_M) / REDIS_EARTH_RADIUS_M
}
