/**
 * "Reports near a place": active reports whose public point lies within a radius, nearest first,
 * keyset-paginated by (distance, id), with optional filters. Two paths return the same pages:
 *
 * - Redis GEO (the default): GEOSEARCH over the index of active reports (src/features/finder/geo-index.ts)
 *   names the nearest candidates in a small circle first, growing it until it surely holds the page
 *   (Redis collects and sorts every member of the circle it is asked about, so asking for the whole
 *   radius in a city would cost thousands of members a search). Each candidate is re-checked here with PostGIS's own
 *   formulas (`withinOnEllipsoid`, `sphereDistanceM`) and shown from its card
 *   (src/features/finder/report-cards.ts, kept near), so a search costs at most one Redis command
 *   and no SQL. A circle too crowded to settle, or a filter too rare for the cards at hand, hands
 *   over to PostGIS.
 * - PostGIS: `ST_DWithin` (ellipsoid) through the partial GiST index `idx_lost_cats_active_geo`,
 *   ordered by the KNN operator `<->` so the index hands over rows nearest first and stops at a page.
 */
import { sql, type Kysely } from 'kysely'
import type { Colour, Pattern, ReportKind } from '@/features/finder/vocabulary'
import { geographyPoint, sphereDistanceM, withinOnEllipsoid, type LatLng } from '@/features/finder/geodesy'
import { geohash } from '@/features/finder/geohash'
import { redisDistanceFor, type GeoCandidate, type GeoIndex, type PlacedCandidate } from '@/features/finder/geo-index'
import { cardColumns, cardOf, type ReportCard, type ReportCards } from '@/features/finder/report-cards'
import type { FinderDomain } from '@/schema'
import { orUnavailable } from '@/infra/store/store'
import { boundedMap } from '@/shared/bounded-map'
import { pageOf } from '@/shared/cursor'
import { isUuid } from '@/shared/ids'
import { cacheCounter } from '@/infra/metrics'

/** Twenty results fill a phone screen a few times over and keep the page small. */
export const PAGE_SIZE = 20
/** The first circle asked of Redis where no search has settled one: a few streets, which in a city already hold a page. */
const FIRST_PROBE_M = 500
/** The smallest circle a busy cell's searches start from: a page within a block or two. */
const MIN_PROBE_M = 100
/** The cells (geohash 5: ~5 km) whose settled circles are remembered, and how many of them. */
const PROBE_CELL_PRECISION = 5
const PROBE_CELLS_KEPT = 10_000
/**
 * How much wider than the circle the last page there needed a search in the same cell starts:
 * centres across a ~5 km cell see somewhat different densities. Too wide costs Redis a few more
 * members to sort and send (the area grows with the square); too narrow costs a second round trip.
 */
const PROBE_MARGIN = 1.3
/**
 * A circle that named too few reports for a page grows by the density it saw (named reports per
 * area, with PROBE_MARGIN to spare), at least 1.5× and at most 4× a round: a circle that named
 * none tells little, and growing past the page costs Redis the square of the overshoot.
 */
const PROBE_MIN_GROWTH = 1.5
const PROBE_MAX_GROWTH = 4
/**
 * Candidates asked of Redis at first: the page and its extra row four times over, which leaves room
 * for reports sharing a public point and for those before the cursor on a next page. Each round
 * that can't settle the page asks for four times as many, up to MAX_CANDIDATES.
 */
const FIRST_CANDIDATES = 4 * (PAGE_SIZE + 1)
const CANDIDATE_GROWTH = 4
/** More candidates than this in one circle (a dense city, a rare filter): a job for PostGIS's KNN. */
const MAX_CANDIDATES = 1000
/** Cards read at a time while filling a page; a filter that passes none of this many goes to PostGIS. */
const CARD_BATCH = PAGE_SIZE + 1
const MAX_CARDS_READ = 5 * CARD_BATCH
/**
 * Redis snaps each point to its 52-bit geohash (≤ 0.6 m), and a search reckons Redis's distances from
 * the exact points: the last named and an unnamed one may each be 0.6 m off, with some slack.
 */
const SNAP_MARGIN_M = 2
/**
 * Distances within this of a cursor's count as the cursor's own, and the id decides. The two paths
 * reckon a distance with the same formula but possibly another libm (PGlite's differ by ~1e-9 m), and
 * a page may come from either: reports sharing the cursor's public point must neither repeat nor go
 * missing. Two different public points this close in distance from a centre never meet in practice.
 */
const CURSOR_TOLERANCE_M = 1e-6

export interface NearbySearch {
  centre: LatLng
  radiusM: number
  kind?: ReportKind | undefined
  colour?: Colour | undefined
  pattern?: Pattern | undefined
  /** Only reports of cats last seen at or after this time. */
  seenSince?: Date | undefined
  cursor?: NearbyCursor | null | undefined
}

/** The (distance, id) of the last report on the previous page. */
export interface NearbyCursor {
  distanceM: number
  id: string
}

/** A report as a search shows it: its card (always active here) and how far it is. */
export interface NearbyReport extends ReportCard {
  /** From the search centre to the public point, along PostGIS's sphere (`<->`), in metres. */
  distanceM: number
}

export interface NearbyPage {
  reports: NearbyReport[]
  nextCursor: NearbyCursor | null
  /** Which path answered: shown nowhere, but logged and benchmarked. */
  via: 'redis' | 'postgis'
}

/** `auto`: the configured path first (FINDER_NEARBY_PATH), PostGIS when Redis can't answer. */
export type NearbyPath = 'redis' | 'postgis' | 'auto'

export function encodeNearbyCursor(cursor: NearbyCursor): string {
  return Buffer.from(`${cursor.distanceM}|${cursor.id}`).toString('base64url')
}

/** The cursor in `raw`, or null when it is missing or not one of ours (then the list starts at the top). */
export function decodeNearbyCursor(raw: string | null | undefined): NearbyCursor | null {
  if (!raw || raw.length > 200) return null
  const [distance, id] = Buffer.from(raw, 'base64url').toString().split('|')
  const distanceM = Number(distance)
  if (!isUuid(id) || !Number.isFinite(distanceM) || distanceM < 0) return null
  return { distanceM, id }
}

/**
 * Active reports within the radius that pass the filters and follow the cursor, nearest first, at
 * most a page and one. The inner query orders by `<->` alone, which lets the GiST index hand over
 * rows nearest first and stop (ordering by distance and id would make it read the whole circle and
 * sort); `with ties` keeps every report as far as the last one, so the outer order by (distance,
 * id) is exact even when reports share a public point (they do: one per grid cell).
 */
export function nearestReportsQuery(db: Kysely<FinderDomain>, search: NearbySearch) {
  const centre = geographyPoint(search.centre)
  const distance = sql<number>`public_point <-> ${centre}`
  const { cursor } = search
  const nearest = db
    .selectFrom('lost_cats')
    .select([...cardColumns, distance.as('distance_m')])
    .where('status', '=', 'active')
    .where(sql<boolean>`ST_DWithin(public_point, ${centre}, ${search.radiusM})`)
    .$if(search.kind !== undefined, (query) => query.where('kind', '=', search.kind!))
    .$if(search.colour !== undefined, (query) => query.where(sql<boolean>`${search.colour!} = any(colours)`))
    .$if(search.pattern !== undefined, (query) => query.where('pattern', '=', search.pattern!))
    .$if(search.seenSince !== undefined, (query) => query.where('last_seen_at', '>=', search.seenSince!))
    .$if(Boolean(cursor), (query) =>
      query.where(
        sql<boolean>`(${distance} > ${cursor!.distanceM + CURSOR_TOLERANCE_M} or (${distance} >= ${cursor!.distanceM - CURSOR_TOLERANCE_M} and id > ${cursor!.id}))`,
      ),
    )
    .orderBy(distance)
    .fetch(PAGE_SIZE + 1, 'with ties')
  return db.selectFrom(nearest.as('nearest')).selectAll().orderBy('distance_m').orderBy('id').limit(PAGE_SIZE + 1)
}

export function createNearbySearch({
  db,
  geoIndex,
  cards,
  preferred = 'redis',
}: {
  db: Kysely<FinderDomain>
  geoIndex: GeoIndex
  cards: ReportCards
  preferred?: 'redis' | 'postgis'
}) {
  async function viaPostgis(search: NearbySearch): Promise<NearbyPage> {
    const rows = await nearestReportsQuery(db, search).execute()
    return page(rows.map((row) => nearbyReport(cardOf(row), row.distance_m)), 'postgis')
  }

  /**
   * The circle to start from around each cell: the one the last plain first page there needed (out
   * to its last report), with PROBE_MARGIN to spare. An area's density hardly changes, so a search
   * there mostly settles in one round trip instead of growing from 500 m again, and a cell follows
   * its density down as well as up.
   */
  const settledProbes = boundedMap<string, number>(PROBE_CELLS_KEPT, cacheCounter('finder-settled-probes'))

  /** The page through Redis, or null when Redis can't answer it (not built, out of range, too crowded). */
  async function viaRedis(search: NearbySearch): Promise<NearbyPage | null> {
    if (!geoIndex.covers(search.centre, search.radiusM) || !(await geoIndex.ready())) return null
    const cell = geohash(search.centre, PROBE_CELL_PRECISION)
    // A later page starts beyond the last report shown: no point asking about the circle before it.
    const firstProbeM = Math.min(search.radiusM, Math.max(settledProbes.get(cell) ?? FIRST_PROBE_M, (search.cursor?.distanceM ?? 0) * 1.25))
    const settled = (reports: NearbyReport[]): NearbyPage => {
      // Filters and later pages need wider circles than the area's density: they teach nothing.
      if (!search.cursor && !filtered(search)) settledProbes.set(cell, neededProbe(reports, search.radiusM))
      return page(reports, 'redis')
    }
    let probeM = firstProbeM
    let count = FIRST_CANDIDATES
    while (true) {
      const candidates = await geoIndex.candidates(search.centre, probeM, count)
      const cut = candidates.length === count
      const whole = probeM >= search.radiusM
      // Too few names for a page in a circle that can still grow: grow it before reading cards.
      if (!whole && !cut && candidates.length <= PAGE_SIZE) {
        probeM = grownProbe(probeM, candidates.length, search.radiusM)
        continue
      }
      const reports = await firstShown(search, inOrder(search, candidates), PAGE_SIZE + 1)
      if (!reports) return null
      // The whole search circle, uncut: Redis named every report in it, so the page is exact.
      if (whole && !cut) return settled(reports)
      // Reports Redis didn't name lie beyond what it searched (or, when cut, beyond the last it named);
      // if a full page lies clearly nearer than that, none of them could belong on it.
      const namedUpTo = cut ? redisDistanceFor(sphereDistanceM(candidates.at(-1)!.point, search.centre)) : geoIndex.searchedRadius(probeM)
      const lastOnPage = reports.at(PAGE_SIZE)
      if (lastOnPage && redisDistanceFor(lastOnPage.distanceM) + SNAP_MARGIN_M < namedUpTo) return settled(reports)
      if (cut) {
        if (count >= MAX_CANDIDATES) return null
        count = Math.min(MAX_CANDIDATES, count * CANDIDATE_GROWTH)
      } else probeM = grownProbe(probeM, candidates.length, search.radiusM)
    }
  }

  /**
   * The first `wanted` candidates (in order) whose cards show an active report at the indexed point
   * that passes the filters, or null when finding them would take more than MAX_CARDS_READ cards.
   * A card that disagrees with the index (closed or moved a moment ago) is skipped: the index is
   * told right after the card.
   */
  async function firstShown(search: NearbySearch, ordered: PlacedCandidate[], wanted: number): Promise<NearbyReport[] | null> {
    const shown: NearbyReport[] = []
    for (let start = 0; start < ordered.length && shown.length < wanted; start += CARD_BATCH) {
      if (start >= MAX_CARDS_READ) return null
      const batch = ordered.slice(start, start + CARD_BATCH)
      const found = await cards.byIds(batch.map((candidate) => candidate.id))
      for (const candidate of batch) {
        const card = found.get(candidate.id)
        if (card && shows(card, candidate, search)) shown.push(nearbyReport(card, candidate.distanceM))
        if (shown.length === wanted) break
      }
    }
    return shown
  }

  return {
    /**
     * The active reports with the latest news (new, edited, or sighted), for /finder before a search:
     * the newest end of the partial index `lost_cats_active_idle` the expiry job walks from the other.
     */
    async latestActive(limit = PAGE_SIZE): Promise<ReportCard[]> {
      const rows = await db.selectFrom('lost_cats').select(cardColumns).where('status', '=', 'active').orderBy('last_activity_at', 'desc').limit(limit).execute()
      return rows.map(cardOf)
    },

    /**
     * One page of active reports near a point. `via` forces a path (tests, the benchmark); `auto`
     * takes the preferred path, and PostGIS whenever Redis can't answer.
     */
    async activeNear(search: NearbySearch, via: NearbyPath = 'auto'): Promise<NearbyPage> {
      if (via === 'postgis' || (via === 'auto' && preferred === 'postgis')) return viaPostgis(search)
      // With Redis away, `auto` searches go to PostGIS at once (issue 18, defect 2).
      const answered = via === 'auto' ? await orUnavailable(viaRedis(search), null) : await viaRedis(search)
      if (answered) return answered
      if (via === 'redis') throw new Error('the Redis GEO index could not answer this search')
      return viaPostgis(search)
    },
  }
}

/** The circle a page of `reports` (up to the page's extra row) needed, with a margin; the whole radius when the page isn't full. */
function neededProbe(reports: readonly NearbyReport[], radiusM: number): number {
  const last = reports.at(PAGE_SIZE)
  return Math.min(radiusM, Math.max(MIN_PROBE_M, PROBE_MARGIN * (last ? last.distanceM : radiusM)))
}

/** The next circle after one of `probeM` that named `named` reports and settled nothing. */
function grownProbe(probeM: number, named: number, radiusM: number): number {
  const byDensity = PROBE_MARGIN * Math.sqrt((PAGE_SIZE + 1) / Math.max(1, named))
  return Math.min(radiusM, probeM * Math.min(PROBE_MAX_GROWTH, Math.max(PROBE_MIN_GROWTH, byDensity)))
}

/**
 * The candidates within the search's radius on the ellipsoid and after its cursor, ordered by
 * (distance, id) as the SQL orders them. The ellipsoid is asked only of the few near the edge.
 */
function inOrder(search: NearbySearch, candidates: GeoCandidate[]): PlacedCandidate[] {
  const { centre, radiusM, cursor } = search
  const placed = candidates
    .map((candidate) => ({ ...candidate, distanceM: sphereDistanceM(candidate.point, centre) }))
    .filter((candidate) => !cursor || after(candidate, cursor))
    .sort((a, b) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return placed.filter((candidate) => withinOnEllipsoid(candidate.point, centre, radiusM, candidate.distanceM))
}

/** Whether a report comes after the cursor: the SQL's condition, tolerance included. */
function after(report: { distanceM: number; id: string }, cursor: NearbyCursor): boolean {
  if (report.distanceM > cursor.distanceM + CURSOR_TOLERANCE_M) return true
  return report.distanceM >= cursor.distanceM - CURSOR_TOLERANCE_M && report.id > cursor.id
}

function filtered(search: NearbySearch): boolean {
  return search.kind !== undefined || search.colour !== undefined || search.pattern !== undefined || search.seenSince !== undefined
}

/** Whether a search shows this card's report where the index put it. */
function shows(card: ReportCard, candidate: GeoCandidate, search: NearbySearch): boolean {
  return (
    card.status === 'active' &&
    card.point.lat === candidate.point.lat &&
    card.point.lng === candidate.point.lng &&
    (search.kind === undefined || card.kind === search.kind) &&
    (search.colour === undefined || card.colours.includes(search.colour)) &&
    (search.pattern === undefined || card.pattern === search.pattern) &&
    (search.seenSince === undefined || card.lastSeenAt >= search.seenSince)
  )
}

/** A card as a result, at its distance: one copy, status and all (a search shows active reports only). */
function nearbyReport(card: ReportCard, distanceM: number): NearbyReport {
  return { ...card, distanceM }
}

export type NearbySearches = ReturnType<typeof createNearbySearch>

function page(reports: NearbyReport[], via: NearbyPage['via']): NearbyPage {
  const { shown, next } = pageOf(reports, PAGE_SIZE, (last) => ({ distanceM: last.distanceM, id: last.id }))
  return { reports: shown, nextCursor: next, via }
}
