/**
 * The reports around busy areas, kept in this process, so that most searches ask Redis nothing.
 *
 * A search names its candidates with a GEOSEARCH around its centre: a round trip the page waits for
 * (with a busy event loop, twice: once to send it, once to render the reply), and at 1M reports
 * ~100 µs of Redis's CPU for the members of the geohash boxes it walks. Yet searches cluster: where
 * a cat went missing, neighbours search again and again, each from their own doorstep, and every
 * one of those centres is new.
 *
 * So when an area (a geohash-6 cell, ~1.2 × 0.6 km) is searched a second time within a minute, one
 * GEOSEARCH from the cell's centre names every report out to the cell's corners and the circle a
 * page there needs, and this process keeps them, nearest the cell's centre first. A search at
 * distance `d` from the cell's centre then knows every report within `reach - d` of its own centre
 * (the triangle inequality): it takes its nearest from the kept ones, and its page is exact when the
 * page's last report lies nearer than that (`nearestInArea`). Otherwise it asks Redis as before.
 *
 * A kept area is trusted while its generation stands (src/features/finder/area-generations.ts: a
 * report appearing, moving or closing within reach makes it stale at once), while the index is the
 * one it was read from (a rebuild after a bulk load makes it stale), and for a minute at most (an
 * invalidation lost with a crashed instance). A report closed or moved a moment ago is still
 * named until then; its card (src/features/finder/report-cards.ts) tells the search, like a stale
 * GEOSEARCH reply.
 *
 * @example
 * const area = await areas.around(search.centre, probeM)   // null: ask Redis
 * const nearest = area && nearestInArea(area, search.centre, 84, (candidate) => true)
 */
import { sphereDistanceBetween, sphereDistanceM, type LatLng } from '@/features/finder/geodesy'
import { geohash, geohashCentre } from '@/features/finder/geohash'
import { postgisDistanceFor, type GeoCandidate, type GeoIndex, type PlacedCandidate } from '@/features/finder/geo-index'
import type { AreaGenerations } from '@/features/finder/area-generations'
import { boundedMap } from '@/shared/bounded-map'
import { repeatAsks } from '@/shared/repeat-asks'

/** ~1.2 × 0.6 km: a neighbourhood, whose searches share most of their reports. */
const AREA_PRECISION = 6
/**
 * Reports kept an area at most. A page needs 21 within the circle its density asks for; beyond
 * that, more members only cost Redis the sort and this process the memory. In the densest areas
 * the kept reports reach less far than the cell's corners, and searches there near the edge ask Redis.
 */
const MAX_KEPT_REPORTS = 256
/** Areas kept: a busy instance's neighbourhoods of the last minute, up to ~16 MB each thousand. */
const AREAS_KEPT = 2_000
/** A kept area is renewed after this even if no change was heard of (an instance crashed mid-change). */
const AREA_MAX_AGE_MS = 60_000
/**
 * An area's circle stays within what a generation covers (GENERATION_REACH_M), with room for the
 * Redis over-fetch on top.
 */
const MAX_AREA_RADIUS_M = 9_000
/**
 * Redis snaps each point to its geohash (≤ 0.6 m): a report the reply did not name may be up to
 * that much nearer than Redis thought, so the reach is taken in by this.
 */
const SNAP_MARGIN_M = 2
/** Rounding in the distances added up in the triangle inequality: far below this. */
const TRIANGLE_SLACK_M = 0.01

/**
 * An area's reports as kept, nearest the cell's centre first: in typed arrays and one string of ids
 * end to end, ~16 KB for 256 reports where objects and a string each took ~45 KB (and gave the
 * collector a thousand objects to mark instead of five).
 */
export interface KeptArea {
  centre: LatLng
  /** Every active report within this distance of the centre (PostGIS's sphere) is kept. */
  reachM: number
  /** Report i's id is `ids.slice(idStarts[i], idStarts[i + 1])`. */
  ids: string
  idStarts: Uint32Array
  lats: Float64Array
  lngs: Float64Array
  /** Each report's distance from the centre. */
  distances: Float64Array
}

interface Kept {
  area: KeptArea
  /** The area's generation, and the index's build, when it was read: it is trusted while both stand. */
  generation: string
  until: number
}

export interface NearestInArea {
  /** The nearest accepted reports, by (distance, id). */
  candidates: PlacedCandidate[]
  /** Every accepted report nearer the search's centre than this is among the candidates. */
  reachM: number
}

export function createAreaCandidates({ geoIndex, generations }: { geoIndex: GeoIndex; generations: AreaGenerations }) {
  const kept = boundedMap<string, Kept>(AREAS_KEPT)
  /** Areas asked about within the last minute: only those asked about twice are kept. */
  const askedBefore = repeatAsks(4 * AREAS_KEPT, AREA_MAX_AGE_MS)
  /** Areas being read from Redis: a crowd of searches in a new area waits for one read. */
  const reading = new Map<string, Promise<Kept | null>>()

  /** Names and keeps the reports around a cell, or null when the area is too far north or south for generations. */
  async function read(cell: string, generation: string, probeM: number): Promise<Kept | null> {
    const { centre, halfDiagonalM } = geohashCentre(cell)
    const radiusM = Math.min(MAX_AREA_RADIUS_M, halfDiagonalM + probeM)
    const searchedM = geoIndex.searchedRadius(radiusM)
    if (!generations.covers(centre, searchedM) || !geoIndex.covers(centre, radiusM)) return null
    const named = await geoIndex.candidates(centre, radiusM, MAX_KEPT_REPORTS)
    const reports = packedReports(centre, named)
    // Cut at the limit: any report not named lies at least as far (by Redis) as every one named.
    const namedUpToM = named.length === MAX_KEPT_REPORTS ? reports.distances.at(-1)! : postgisDistanceFor(searchedM)
    return { area: { centre, reachM: namedUpToM - SNAP_MARGIN_M, ...reports }, generation, until: Date.now() + AREA_MAX_AGE_MS }
  }

  return {
    /**
     * The kept reports of the area around `centre`, read from Redis when it is asked about again
     * (with `probeM`, the circle a page around there needs, to spare beyond the cell's corners), or
     * null on a first ask: then the search asks Redis about its own circle.
     */
    async around(centre: LatLng, probeM: number): Promise<KeptArea | null> {
      const cell = geohash(centre, AREA_PRECISION)
      const known = kept.get(cell)
      // A new area waits for its second ask (and a first ask reads nothing); one kept before is busy.
      if (!known && !askedBefore(cell)) return null
      const generation = `${await generations.of(centre)}|${geoIndex.builtAt()}`
      if (known && known.generation === generation && Date.now() < known.until) return known.area
      let pending = reading.get(cell)
      if (!pending) {
        pending = read(cell, generation, probeM).finally(() => reading.delete(cell))
        reading.set(cell, pending)
      }
      const fresh = await pending
      if (!fresh) return null
      kept.set(cell, fresh)
      return fresh.generation === generation ? fresh.area : null
    },
  }
}

export type AreaCandidates = ReturnType<typeof createAreaCandidates>

/** Reports around `centre` packed as an area keeps them, nearest `centre` first. */
export function packedReports(centre: LatLng, reports: readonly GeoCandidate[]): Omit<KeptArea, 'centre' | 'reachM'> {
  const placed = reports.map((report) => ({ report, distanceM: sphereDistanceM(report.point, centre) })).sort((a, b) => a.distanceM - b.distanceM)
  const idStarts = new Uint32Array(placed.length + 1)
  placed.forEach(({ report }, i) => (idStarts[i + 1] = idStarts[i]! + report.id.length))
  return {
    ids: placed.map(({ report }) => report.id).join(''),
    idStarts,
    lats: Float64Array.from(placed, ({ report }) => report.point.lat),
    lngs: Float64Array.from(placed, ({ report }) => report.point.lng),
    distances: Float64Array.from(placed, ({ distanceM }) => distanceM),
  }
}

/**
 * The `count` reports of a kept area nearest to `centre` that `accept` takes, by (distance, id), and
 * how far around `centre` they are surely all there is; null when `centre` lies beyond the area's reach.
 */
export function nearestInArea(area: KeptArea, centre: LatLng, count: number, accept: (candidate: PlacedCandidate) => boolean): NearestInArea | null {
  const offsetM = sphereDistanceM(centre, area.centre)
  let reachM = area.reachM - offsetM - TRIANGLE_SLACK_M
  if (reachM <= 0) return null
  const nearest: PlacedCandidate[] = []
  const { ids, idStarts, lats, lngs, distances } = area
  for (let i = 0; i < distances.length; i++) {
    // A report `distances[i]` from the area's centre is at least `distances[i] - offsetM` from this
    // one; the kept are nearest the area's centre first, so none after this can be nearer either.
    if (distances[i]! - offsetM > reachM) break
    const distanceM = sphereDistanceBetween(lats[i]!, lngs[i]!, centre.lat, centre.lng)
    if (distanceM > reachM) continue
    const candidate = { id: ids.slice(idStarts[i], idStarts[i + 1]), point: { lat: lats[i]!, lng: lngs[i]! }, distanceM }
    if (!accept(candidate)) continue
    insertInOrder(nearest, candidate)
    if (nearest.length > count) nearest.pop()
    // Full: a report further than the last of them cannot take a place.
    if (nearest.length === count) reachM = nearest[count - 1]!.distanceM
  }
  return { candidates: nearest, reachM }
}

/** Puts `candidate` in its place in `ordered` by (distance, id): mostly at the end, as the kept come nearly in order. */
function insertInOrder(ordered: PlacedCandidate[], candidate: PlacedCandidate): void {
  let at = ordered.length
  while (at > 0 && precedes(candidate, ordered[at - 1]!)) at--
  ordered.splice(at, 0, candidate)
}

function precedes(a: PlacedCandidate, b: PlacedCandidate): boolean {
  return a.distanceM < b.distanceM || (a.distanceM === b.distanceM && a.id < b.id)
}
