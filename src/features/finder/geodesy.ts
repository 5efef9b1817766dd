/**
 * Points and distances as PostGIS reckons them, so that what is reckoned here agrees with SQL.
 *
 * Distances, and which side of a radius a report falls, are PostGIS's: ST_DWithin on the WGS84
 * ellipsoid for "within", and `<->` (great circle on PostGIS's mean-radius sphere) for "nearest
 * first" and the distance shown. `sphereDistanceM` and `withinOnEllipsoid` are PostGIS's own formulas
 * (liblwgeom's sphere_distance, and GeographicLib's geodesic, which PostGIS calls for the ellipsoid),
 * so a search answered from the Redis GEO index (geo-index.ts) returns the reports SQL would.
 */
import { Geodesic } from 'geographiclib-geodesic'
import { sql, type RawBuilder } from 'kysely'

export interface LatLng {
  lat: number
  lng: number
}

/** Metres in a degree of latitude; a grid needs no better than this. */
export const METRES_PER_DEGREE = 111_320

/** Distances shown to people: kilometres with one decimal ("2.4 km"). */
export function shownKm(metres: number): string {
  return `${(Math.round(metres / 100) / 10).toFixed(1)} km`
}

/** WGS84 as PostGIS takes it for SRID 4326: the semi-axes, and the mean radius of its sphere. */
const WGS84_A = 6_378_137
const WGS84_B = WGS84_A * (1 - 1 / 298.257223563)
/** liblwgeom's spheroid_init: the sphere `<->` measures on. */
export const POSTGIS_SPHERE_RADIUS_M = (2 * WGS84_A + WGS84_B) / 3
/** liblwgeom (lwgeodetic.h): points this close, in radians, are one point. */
const SAME_POINT_RADIANS = 5e-14
const wgs84 = Geodesic.WGS84

/**
 * PostGIS's `from <-> to` for geography points, in metres: liblwgeom's sphere_distance, operation
 * for operation, so it agrees with PostgreSQL's to the last bit where both use the same libm
 * (glibc: checked by tests/integration/finder-geo.test.ts) and to ~1e-9 m elsewhere (PGlite's).
 */
export function sphereDistanceM(from: LatLng, to: LatLng): number {
  const [sLat, sLon, eLat, eLon] = [radians(from.lat), radians(from.lng), radians(to.lat), radians(to.lng)]
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
