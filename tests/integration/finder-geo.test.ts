/**
 * Nearby search against an independent reference: for random points and radii, the reports each
 * path returns (PostGIS, and Redis GEO with the exact re-check) equal the brute-force filter computed
 * with GeographicLib's geodesic on WGS84, to within 1 m at the edge of the circle; nearest first;
 * paged by (distance, id) without losing or repeating a report.
 */
import { describe, expect, test } from 'bun:test'
import { Geodesic } from 'geographiclib-geodesic'
import { sql } from 'kysely'
import { geographyPoint, sphereDistanceM, type LatLng } from '@/features/finder/geodesy'
import { geohash } from '@/features/finder/geohash'
import { createGeoIndex, type GeoIndex } from '@/features/finder/geo-index'
import { createNearbyListCache } from '@/features/finder/list-cache'
import { createReportCards } from '@/features/finder/report-cards'
import { createNearbySearch, nearestReportsQuery, PAGE_SIZE, type NearbyPath, type NearbySearch } from '@/features/finder/search'
import { areasContainingQuery } from '@/features/notifications/alert-areas'
import { testContext } from '@tests/helpers/context'
import { makeTestStore, testStoreKinds } from '@tests/helpers/store'
import { seededRandom } from '@tests/helpers/random'

const ctx = await testContext()
const db = ctx.infra.dbs.finder
const { finder } = ctx.services
const wgs84 = Geodesic.WGS84

/** Points nearer the edge than this may fall either way (the brief's tolerance). */
const EDGE_TOLERANCE_M = 1


/** Clusters where the geometry is hardest: a city, the antimeridian, the far north, the equator. */
const CLUSTERS: LatLng[] = [
  { lat: 52.52, lng: 13.405 },
  { lat: -16.5, lng: 179.95 },
  { lat: 69.65, lng: 18.96 },
  { lat: 0.05, lng: -78.5 },
]
const POINTS_PER_CLUSTER = 150
const SPREAD_DEGREES = 0.25

function wrapLng(lng: number): number {
  return ((lng + 540) % 360) - 180
}

/** Active reports at random points, inserted directly (the privacy grid is tested elsewhere). */
async function seedCluster(centre: LatLng, next: () => number, count = POINTS_PER_CLUSTER, spreadDegrees = SPREAD_DEGREES): Promise<void> {
  const rows = Array.from({ length: count }, () => {
    const point = { lat: centre.lat + (next() - 0.5) * spreadDegrees, lng: wrapLng(centre.lng + (next() - 0.5) * spreadDegrees * 2) }
    return {
      reporter_id: '00000000-0000-4000-8000-000000000001',
      kind: next() < 0.7 ? ('lost' as const) : ('found' as const),
      found_state: null,
      name: 'Geo',
      pattern: 'tabby' as const,
      sex: 'unknown' as const,
      neutered: 'unknown' as const,
      age_band: 'unknown' as const,
      microchipped: 'unknown' as const,
      collar: 'unknown' as const,
      last_seen_at: new Date(),
      exact_point: geographyPoint(point),
      public_point: geographyPoint(point),
      place_label: 'test point',
    }
  })
  await db
    .insertInto('lost_cats')
    .values(rows.map((row) => ({ ...row, found_state: row.kind === 'found' ? ('seen' as const) : null })))
    .execute()
}

/** The report form as a member fills it in: a cat lost an hour ago at `point`. */
function reportInput(name: string, point: LatLng) {
  return {
    kind: 'lost', foundState: '', name, colours: [], pattern: 'solid', breed: '', sex: '', neutered: '', ageBand: '',
    microchipped: '', microchipNumber: '', collar: '', collarNote: '', lastSeenAt: new Date(Date.now() - 3600_000).toISOString().slice(0, 16),
    timezoneOffset: '0', description: '', reward: '', place: { town: '', lat: point.lat.toFixed(6), lng: point.lng.toFixed(6) },
  }
}

/** A search service of its own whose GEOSEARCHes (round trips to Redis's index) are counted. */
function countingSearch() {
  const geoIndex = createGeoIndex(ctx.infra.store, ctx.infra.log)
  const rounds = { count: 0 }
  const counting: GeoIndex = {
    ...geoIndex,
    candidates: (...args) => {
      rounds.count++
      return geoIndex.candidates(...args)
    },
  }
  const search = createNearbySearch({ db, geoIndex: counting, cards: createReportCards(db, ctx.infra.store) })
  return { search, rounds }
}

interface Active {
  id: string
  point: LatLng
}

async function allActive(): Promise<Active[]> {
  const rows = await db
    .selectFrom('lost_cats')
    .select(['id', sql<number>`ST_Y(public_point::geometry)`.as('lat'), sql<number>`ST_X(public_point::geometry)`.as('lng')])
    .where('status', '=', 'active')
    .execute()
  return rows.map((row) => ({ id: row.id, point: { lat: row.lat, lng: row.lng } }))
}

/** Every page of a search, following the cursor; fails on a repeated report. */
async function everyPage(search: NearbySearch, via: NearbyPath): Promise<{ id: string; distanceM: number }[]> {
  const found: { id: string; distanceM: number }[] = []
  let cursor: NearbySearch['cursor'] = null
  do {
    const page = await finder.search.activeNear({ ...search, cursor }, via)
    found.push(...page.reports.map((report) => ({ id: report.id, distanceM: report.distanceM })))
    cursor = page.nextCursor
  } while (cursor)
  expect(new Set(found.map((report) => report.id)).size).toBe(found.length)
  return found
}

describe('nearby search against GeographicLib', () => {
  test('both paths return exactly the reports within the radius, nearest first, for random points and radii', async () => {
    const seed = 20_251_125
    const next = seededRandom(seed)
    for (const centre of CLUSTERS) await seedCluster(centre, next)
    // The index learns of every active report, as the start-up rebuild would.
    await ctx.infra.store.del('finder:geo:ready')
    await finder.rebuildGeoIndex()
    const active = await allActive()

    for (let trial = 0; trial < 16; trial++) {
      const cluster = CLUSTERS[trial % CLUSTERS.length]!
      const centre = { lat: cluster.lat + (next() - 0.5) * SPREAD_DEGREES * 0.8, lng: wrapLng(cluster.lng + (next() - 0.5) * SPREAD_DEGREES * 1.6) }
      const radiusM = 300 + next() * 25_000
      const geodesic = new Map(active.map((report) => [report.id, wgs84.Inverse(centre.lat, centre.lng, report.point.lat, report.point.lng).s12!]))
      const surelyIn = [...geodesic].filter(([, metres]) => metres < radiusM - EDGE_TOLERANCE_M).map(([id]) => id)
      const mayBeIn = new Set([...geodesic].filter(([, metres]) => metres <= radiusM + EDGE_TOLERANCE_M).map(([id]) => id))
      const context = `seed ${seed}, trial ${trial}, centre ${centre.lat},${centre.lng}, radius ${radiusM.toFixed(1)} m`

      for (const via of ['postgis', 'redis'] as const) {
        const found = await everyPage({ centre, radiusM }, via)
        const ids = new Set(found.map((report) => report.id))
        expect({ context, via, missing: surelyIn.filter((id) => !ids.has(id)) }).toEqual({ context, via, missing: [] })
        expect({ context, via, extra: [...ids].filter((id) => !mayBeIn.has(id)) }).toEqual({ context, via, extra: [] })
        // Nearest first: the shown distances never go down.
        for (let i = 1; i < found.length; i++) expect(found[i]!.distanceM).toBeGreaterThanOrEqual(found[i - 1]!.distanceM)
      }
      const [viaPostgis, viaRedis] = await Promise.all([
        finder.search.activeNear({ centre, radiusM }, 'postgis'),
        finder.search.activeNear({ centre, radiusM }, 'redis'),
      ])
      expect(viaRedis.reports.map((report) => report.id)).toEqual(viaPostgis.reports.map((report) => report.id))
    }
  })

})

describe('one reckoning of distance for both paths', () => {
  test('sphereDistanceM is PostGIS’s `<->` (to far below the cursors’ micrometre)', async () => {
    const next = seededRandom(7)
    const pairs = Array.from({ length: 2000 }, () => {
      const from = { lat: next() * 160 - 80, lng: next() * 360 - 180 }
      return { from, to: { lat: from.lat + (next() - 0.5) * 0.4, lng: wrapLng(from.lng + (next() - 0.5) * 0.6) } }
    })
    const column = (pick: (pair: (typeof pairs)[number]) => number) => sql`${`{${pairs.map(pick).join(',')}}`}::float8[]`
    const { rows } = await sql<{ distance: number }>`
      select ST_SetSRID(ST_MakePoint(from_lng, from_lat), 4326)::geography <-> ST_SetSRID(ST_MakePoint(to_lng, to_lat), 4326)::geography as distance
      from unnest(${column((pair) => pair.from.lat)}, ${column((pair) => pair.from.lng)}, ${column((pair) => pair.to.lat)}, ${column((pair) => pair.to.lng)})
        with ordinality as pair(from_lat, from_lng, to_lat, to_lng, n)
      order by n`.execute(db)
    const worst = Math.max(...pairs.map((pair, i) => Math.abs(sphereDistanceM(pair.from, pair.to) - rows[i]!.distance)))
    expect(worst).toBeLessThan(1e-7)
  })

  test('a list paged by one path and continued by the other neither repeats nor skips reports that share a point', async () => {
    // Three public points with twenty reports each: a page boundary falls inside a group of equal distances.
    const centre = { lat: -41.2865, lng: 174.7762 }
    const points = [0.004, 0.009, 0.013].map((dLat) => ({ lat: centre.lat + dLat, lng: centre.lng + dLat / 2 }))
    const reporter = '00000000-0000-4000-8000-000000000003'
    await db
      .insertInto('lost_cats')
      .values(
        points.flatMap((point) =>
          Array.from({ length: 20 }, () => ({
            reporter_id: reporter, kind: 'lost' as const, found_state: null, name: 'Shared', pattern: 'tabby' as const, sex: 'unknown' as const,
            neutered: 'unknown' as const, age_band: 'unknown' as const, microchipped: 'unknown' as const, collar: 'unknown' as const,
            last_seen_at: new Date(), exact_point: geographyPoint(point), public_point: geographyPoint(point), place_label: 'shared point',
          })),
        ),
      )
      .execute()
    await finder.reindexGeo()
    const search = { centre, radiusM: 3000 }
    const straight = (await everyPage(search, 'redis')).map((report) => report.id)
    expect(straight).toHaveLength(60)
    expect((await everyPage(search, 'postgis')).map((report) => report.id)).toEqual(straight)
    for (const firstVia of ['redis', 'postgis'] as const) {
      const ids: string[] = []
      let cursor: NearbySearch['cursor'] = null
      let via: NearbyPath = firstVia
      do {
        const page = await finder.search.activeNear({ ...search, cursor }, via)
        ids.push(...page.reports.map((report) => report.id))
        cursor = page.nextCursor
        via = via === 'redis' ? 'postgis' : 'redis'
      } while (cursor)
      expect({ firstVia, ids }).toEqual({ firstVia, ids: straight })
    }
  })

  test('a point shared by more reports than Redis is first asked for still pages by (distance, id)', async () => {
    // Redis names the first 84 of them in no particular order among equals: the page must not trust
    // them until it has asked for enough to know that no unnamed report comes before its last.
    const centre = { lat: -36.8485, lng: 174.7633 }
    const point = { lat: centre.lat + 0.003, lng: centre.lng }
    await db
      .insertInto('lost_cats')
      .values(
        Array.from({ length: 100 }, () => ({
          reporter_id: '00000000-0000-4000-8000-000000000005', kind: 'lost' as const, found_state: null, name: 'Crowd', pattern: 'tabby' as const,
          sex: 'unknown' as const, neutered: 'unknown' as const, age_band: 'unknown' as const, microchipped: 'unknown' as const,
          collar: 'unknown' as const, last_seen_at: new Date(), exact_point: geographyPoint(point), public_point: geographyPoint(point),
          place_label: 'crowded point',
        })),
      )
      .execute()
    await finder.reindexGeo()
    const firstPage = (via: NearbyPath) => finder.search.activeNear({ centre, radiusM: 2000 }, via).then((page) => page.reports.map((report) => report.id))
    expect(await firstPage('redis')).toEqual(await firstPage('postgis'))
  })
})

describe('the Redis GEO index and the query plans', () => {
  test('the Redis index follows reports: added when published, moved with their place, removed when closed', async () => {
    await finder.rebuildGeoIndex()
    const reporter = '00000000-0000-4000-8000-000000000002'
    const input = (lat: number, lng: number) => reportInput('Indexed', { lat, lng })
    const near = (lat: number, lng: number) => finder.search.activeNear({ centre: { lat, lng }, radiusM: 1000 }, 'redis').then((page) => page.reports.map((report) => report.id))
    const saved = await finder.reports.create(reporter, input(-33.8688, 151.2093), { files: [], alt: '' })
    if (!saved.ok) throw new Error('could not publish')
    expect(await near(-33.8688, 151.2093)).toContain(saved.value)
    await finder.reports.update(reporter, saved.value, input(-33.9, 151.1), { files: [], alt: '' })
    expect(await near(-33.8688, 151.2093)).not.toContain(saved.value)
    expect(await near(-33.9, 151.1)).toContain(saved.value)
    await finder.reports.setStatus(reporter, saved.value, { status: 'closed' })
    expect(await near(-33.9, 151.1)).not.toContain(saved.value)
    // Nothing of it is left in the index itself either (not only filtered out by the re-check).
    const members = await ctx.infra.store.geosearch('finder:geo:active', 151.1, -33.9, 1000)
    expect(members.some((member) => member.startsWith(saved.value))).toBe(false)
  })

  test('the Redis path shows reports from their kept cards, and a change through the service shows at once', async () => {
    await finder.rebuildGeoIndex()
    const reporter = '00000000-0000-4000-8000-000000000004'
    const input = (name: string) => reportInput(name, { lat: -37.8136, lng: 144.9631 })
    const saved = await finder.reports.create(reporter, input('Pepper'), { files: [], alt: '' })
    if (!saved.ok) throw new Error('could not publish')
    const nameVia = async (via: NearbyPath) => {
      const page = await finder.search.activeNear({ centre: { lat: -37.8136, lng: 144.9631 }, radiusM: 500 }, via)
      return page.reports.find((report) => report.id === saved.value)?.name ?? null
    }
    expect(await nameVia('redis')).toBe('Pepper')
    // Written behind the service's back: PostGIS sees it, the Redis path keeps showing its card (no SQL asked).
    await db.updateTable('lost_cats').set({ name: 'Behind' }).where('id', '=', saved.value).execute()
    expect(await nameVia('postgis')).toBe('Behind')
    expect(await nameVia('redis')).toBe('Pepper')
    // Through the service, the card is marked changed: the very next search shows the edit, then the close.
    await finder.reports.update(reporter, saved.value, input('Salt'), { files: [], alt: '' })
    expect(await nameVia('redis')).toBe('Salt')
    await finder.reports.setStatus(reporter, saved.value, { status: 'reunited', happyNote: '' })
    expect(await nameVia('redis')).toBeNull()
  })

  test('once a place has been searched, searches around it settle in one round trip to Redis', async () => {
    // A town of 600 reports on ~9 × 9 km, away from the other clusters: a page lies within about a kilometre.
    const town = { lat: -1.2864, lng: 36.8172 }
    const next = seededRandom(7)
    await seedCluster(town, next, 600, 0.08)
    await ctx.infra.store.del('finder:geo:ready')
    await finder.rebuildGeoIndex()
    const { search, rounds } = countingSearch()
    // Centres in the town's own ~5 km cell, which is what a search remembers its circle by.
    const cell = geohash(town, 5)
    const centres = Array.from({ length: 200 }, () => ({ lat: town.lat + (next() - 0.5) * 0.04, lng: town.lng + (next() - 0.5) * 0.04 }))
      .filter((centre) => geohash(centre, 5) === cell)
      .slice(0, 12)
    expect(centres).toHaveLength(12)
    const roundsFor = async (centre: LatLng) => {
      rounds.count = 0
      const page = await search.activeNear({ centre, radiusM: 5000 }, 'redis')
      expect(page.reports).toHaveLength(PAGE_SIZE)
      return rounds.count
    }
    // The first search grows its circle from a few streets, and teaches the cell its density.
    expect(await roundsFor(centres[0]!)).toBeGreaterThan(1)
    const later: number[] = []
    for (const centre of centres.slice(1)) later.push(await roundsFor(centre))
    expect(later.filter((count) => count > 1).length).toBeLessThanOrEqual(1)
  })

  test('filtered pages agree between the paths', async () => {
    const centre = CLUSTERS[0]!
    for (const filters of [{ kind: 'found' as const }, { kind: 'lost' as const, pattern: 'tabby' as const }]) {
      const search = { centre, radiusM: 20_000, ...filters }
      const [viaPostgis, viaRedis] = await Promise.all([everyPage(search, 'postgis'), everyPage(search, 'redis')])
      expect(viaRedis.map((report) => report.id)).toEqual(viaPostgis.map((report) => report.id))
    }
  })

  test('the search query uses the partial GiST index on active reports’ public point', async () => {
    await sql`analyze lost_cats`.execute(db)
    const { rows } = await db.transaction().execute(async (trx) => {
      // A test database is small enough for a sequential scan to win; the plan is what matters.
      await sql`set local enable_seqscan = off`.execute(trx)
      return { rows: await nearestReportsQuery(trx, { centre: CLUSTERS[0]!, radiusM: 5000 }).explain() }
    })
    const plan = rows.map((row) => String(row['QUERY PLAN'])).join('\n')
    expect(plan).toContain('idx_lost_cats_active_geo')
    // Nearest first straight from the index (KNN), not a sort of the whole circle.
    expect(plan).toMatch(/Order By: \(public_point <-> /)
  })

  test('"whose alert area contains this point" goes through the GiST index on home points', async () => {
    const accounts = ctx.infra.dbs.accounts
    await sql`analyze alert_areas`.execute(accounts)
    const { rows } = await accounts.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx)
      return { rows: await areasContainingQuery(trx, CLUSTERS[0]!, ctx.config.finder.alertRadiusMaxKm).explain() }
    })
    expect(rows.map((row) => String(row['QUERY PLAN'])).join('\n')).toContain('alert_areas_home')
  })
})

describe('the nearby-list cache', () => {
  for (const kind of testStoreKinds()) {
    test(`a list is kept from its second ask on, and a report changing nearby drops it (${kind} store)`, async () => {
      const { store, close } = makeTestStore(kind)
      try {
        const cache = createNearbyListCache(store)
        const search = { centre: { lat: 48.8566, lng: 2.3522 }, radiusM: 5000, key: '|||' }
        let renders = 0
        const render = async () => `list ${++renders}`
        // Asked once: rendered and not kept (most searches by coordinates never come back).
        expect(await cache.cached(search, render)).toBe('list 1')
        // Asked again: rendered and kept; from then on the kept list answers.
        expect(await cache.cached(search, render)).toBe('list 2')
        expect(await cache.cached(search, render)).toBe('list 2')
        // A report changing 3 km away (same or a neighbouring cell) makes the kept list stale at once;
        // the search is still one asked for again, so its new list is kept straight away.
        await cache.dropAround({ lat: 48.8566, lng: 2.3922 })
        expect(await cache.cached(search, render)).toBe('list 3')
        expect(await cache.cached(search, render)).toBe('list 3')
      } finally {
        await close()
      }
    })
  }
})
