/**
 * CatFinder benchmark (issue 5), one command, on PostgreSQL + Redis:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 bun tests/bench/finder.ts
 *
 * For 10k, 100k and 1M generated reports (70 % active, around the 400 biggest towns; each set made
 * once into its own database `nl_bench_finder_<size>` and reused by later runs), it prints, at 32
 * connections and over 1,000 search points drawn near real reports:
 *
 * - baseline: the app's own radius query (ST_DWithin + `<->`, a page), run directly with `pg`;
 * - the app's page `/finder?lat&lng&radius_km=5`, p50/p99 (target p99 < 25 ms at 1M): every centre
 *   new (no help from the nearby-list cache), with FINDER_NEARBY_PATH=redis (the default) and
 *   =postgis, and the server's CPU per page (from /proc: steadier than latency on a shared machine);
 *   and 1,000 centres repeating, which the list cache answers. Each server gets 20 s of the same load
 *   before its first measurement (it has just started and rebuilt its index). The server runs on
 *   PostgreSQL + Redis with a process per core but one (SERVER_PROCESSES, tests/bench/run-server.ts:
 *   the load generator, Redis and PostgreSQL share the machine), and the uncached page again with a
 *   process on every core; the client asks as Chromium does (`Accept-Encoding: gzip, deflate, br, zstd`);
 *   and "every neighbourhood new": 40,000 centres scattered over all the reports, each asked once, so
 *   nothing kept for a neighbourhood helps and most cards and results are read for the first time;
 * - the search service's Redis GEO path against its PostGIS path, same searches, in this process;
 *
 * and, from the three sizes, how latency grows. `--sizes 10000,100000` picks sizes; `--rebuild`
 * regenerates the sets; `--prepare` makes (or finds) them and stops; `--quick` runs shorter loads
 * and skips the two extra servers (a process per core, PostGIS first). Targets: tests/bench/benchmarks.ts.
 */
import { availableParallelism } from 'node:os'
import pg from 'pg'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { loadConfig } from '@/config'
import { generateReports } from '@/features/finder/demo'
import type { LatLng } from '@/features/finder/geodesy'
import { createGeoIndex } from '@/features/finder/geo-index'
import { createReportCards } from '@/features/finder/report-cards'
import { createNearbySearch, nearestReportsQuery, type NearbyPath } from '@/features/finder/search'
import { createLogger } from '@/infra/log'
import { migrateAll } from '@/infra/migrate'
import { createDatabases } from '@/infra/db'
import { createStore } from '@/infra/store'
import type { FinderDomain } from '@/schema'
import { formatResult, measure } from '@tests/bench/loadgen'
import { SERVER_PROCESSES, serverCpuMs, startBenchServer } from '@tests/bench/run-server'
import { deleteKeysUnder } from '@tests/helpers/store'
import { flag, LOAD, PREPARE_ONLY, QUICK, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'

const CONNECTIONS = LOAD.connections
const DURATION_MS = LOAD.durationMs
const WARMUP_MS = LOAD.warmupMs
/**
 * Load a just-started server gets before its first measurement, unmeasured. Right after start (and
 * its GEO index rebuild) the first seconds are transients: the JIT's tiers, the collector sizing its
 * heap, cards and rendered results being read for the first time. Measured by hand, consecutive
 * 8-second runs on a fresh server gave p99 62, 36, 29 and 30 ms; the target is about the steady state.
 */
const SETTLE_MS = QUICK ? 5000 : 20_000
const RADIUS_KM = 5
/** Search points: enough that the nearby-list cache rarely answers (each centre is its own key). */
const POINTS = 1000
/**
 * Centres for "every neighbourhood new": more than a run asks for, each ~500 m off its own report,
 * so hardly a neighbourhood is searched twice.
 */
const SCATTERED_POINTS = 40_000
/** What Chromium sends: which codec the page comes in is the server's choice among these. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd'
const SIZES = (flag('--sizes') ?? '10000,100000,1000000').split(',').map(Number)

const { baseUrl, redisUrl } = servicesFromEnv()
const log = createLogger({ logLevel: 'warn' })

interface Row {
  size: number
  baseline: { p50: number; p99: number; rps: number }
  app: { p50: number; p99: number; rps: number }
  /** The server's CPU per page of `app`, in ms. */
  appCpuMs: number
  cachedApp: { p50: number; p99: number; rps: number }
  /** The uncached page with centres scattered over every report's neighbourhood. */
  scatteredApp: { p50: number; p99: number; rps: number }
  postgisApp: { p50: number; p99: number; rps: number }
  redis: { p50: number; p99: number; rps: number }
  postgis: { p50: number; p99: number; rps: number }
}

if (PREPARE_ONLY) {
  for (const size of SIZES) await benchDatabase(size)
  process.exit(0)
}

const rows: Row[] = []
for (const size of SIZES) rows.push(await benchmarkSize(size))

const cell = (figures: { p50: number; p99: number; rps: number }) =>
  Number.isNaN(figures.rps) ? 'not run' : `${ms(figures.p50)} / ${ms(figures.p99)} (${figures.rps}/s)`
console.log('\nsize | direct pg p50/p99 | app page, Redis first (default) | server CPU per page | the same, every neighbourhood new | app page, PostGIS first | app page, list cached | search: Redis GEO path | search: PostGIS path')
for (const row of rows) {
  console.log([row.size, cell(row.baseline), cell(row.app), cpu(row.appCpuMs), cell(row.scatteredApp), cell(row.postgisApp), cell(row.cachedApp), cell(row.redis), cell(row.postgis)].join(' | '))
}
if (rows.length > 1) {
  const [first, last] = [rows[0]!, rows.at(-1)!]
  const growth = (pick: (row: Row) => number) => (pick(last) / Math.max(pick(first), 0.5)).toFixed(2)
  console.log(
    `growth ${first.size} → ${last.size} (×${last.size / first.size}): direct pg p50 ×${growth((row) => row.baseline.p50)}, ` +
      `app p50 ×${growth((row) => row.app.p50)} (Redis first), ×${growth((row) => row.postgisApp.p50)} (PostGIS first)`,
  )
}

function cpu(value: number): string {
  return `${value.toFixed(2)} ms`
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`.padStart(8)
}

async function benchmarkSize(size: number): Promise<Row> {
  const url = await benchDatabase(size)
  console.log(`\n== ${size} reports (${url.replace(/^.*\//, '')})`)
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS })
  const db = new Kysely<FinderDomain>({ dialect: new PostgresDialect({ pool }) })
  const points = await searchPoints(db)
  await explain(db, points[0]!)

  // The very SQL the app's PostGIS path sends, with its parameters, straight through `pg`.
  const baseline = await closedLoop(points, (point) => nearestReportsQuery(db, { centre: point, radiusM: RADIUS_KM * 1000 }).execute())
  recordFigures({ [`${size}.direct-pg-p50`]: baseline.p50, [`${size}.direct-pg-p99`]: baseline.p99, [`${size}.direct-pg-per-s`]: baseline.rps })
  console.log(`direct pg (ST_DWithin + <->, a page): p50 ${baseline.p50.toFixed(2)} ms, p99 ${baseline.p99.toFixed(2)} ms, ${baseline.rps} q/s`)

  const prefix = `nl:bench:finder:${process.pid}:${size}:`
  const env = { DATABASE_URL: url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, WEB_PROCESSES: String(SERVER_PROCESSES) }
  const server = await startBenchServer({ inheritServices: true, env })
  const store = createStore({ redisUrl: redisUrl, redisKeyPrefix: prefix })
  try {
    await waitForGeoIndex(store)
    const load = (origin: string, paths: string[], durationMs = DURATION_MS) =>
      measure({ url: `${origin}/finder`, paths, connections: CONNECTIONS, durationMs, warmupMs: WARMUP_MS, headers: { 'accept-encoding': BROWSER_ENCODINGS } })
    const settle = (origin: string, paths: string[]) => load(origin, paths, SETTLE_MS)
    const pathFor = (point: LatLng, latDigits = '', lngDigits = '') =>
      `/finder?lat=${point.lat.toFixed(5)}${latDigits}&lng=${point.lng.toFixed(5)}${lngDigits}&radius_km=${RADIUS_KM}`
    // Uncached: digits after the 5th decimal (under a metre) make every centre new to the list cache.
    // The latitude's are the request's number, ending in a 1: the number alone would make request 250
    // the centre of request 25 (trailing zeros). Each run numbers its requests from 0 again, so the
    // longitude's are the run's own: without them a run's centres were the list cache's second asks
    // of the run before (a lookup, and a list stored, for each).
    let runs = 0
    const fresh = () => {
      const run = String(++runs).padStart(2, '0')
      return points.map((point) => pathFor(point, '{n}1', `${run}1`))
    }
    /** The uncached page on a second server over the same data, with `changes` to its settings, settled first. */
    const freshPagesOn = async (changes: Record<string, string>) => {
      const other = await startBenchServer({ inheritServices: true, env: { ...env, ...changes } })
      return settle(other.url, fresh())
        .then(() => load(other.url, fresh()))
        .finally(() => other.stop())
    }
    await settle(server.url, fresh())
    const cpuBefore = serverCpuMs(server.pid)
    const page = await load(server.url, fresh())
    const cpuAfter = serverCpuMs(server.pid)
    // The warm-up's requests count too: it ran at about the measured rate.
    const pages = page.requests * (1 + WARMUP_MS / DURATION_MS)
    const appCpuMs = (cpuAfter - cpuBefore) / pages
    console.log(formatResult(`app page /finder?lat&lng&radius_km=${RADIUS_KM}, every centre new (FINDER_NEARBY_PATH=redis, the default)`, page), ` server CPU ${cpu(appCpuMs)} a page`)
    recordFigures({ [`${size}.centre-new-rps`]: page.rps, [`${size}.centre-new-p50`]: page.p50Ms, [`${size}.centre-new-p99`]: page.p99Ms, [`${size}.server-cpu-ms`]: appCpuMs })
    if (availableParallelism() > SERVER_PROCESSES && !QUICK) {
      const spread = await freshPagesOn({ WEB_PROCESSES: String(availableParallelism()) })
      recordFigures({ [`${size}.centre-new-all-cores-p99`]: spread.p99Ms })
      console.log(formatResult(`app page, every centre new, a server process on each of the ${availableParallelism()} cores`, spread))
    }
    // The same 1,000 centres over and over: what the 30-second nearby-list cache does for a busy area.
    // Settled on other scattered centres first: a site whose searches go everywhere has most cards
    // warm (they live ten minutes), which the first seconds of such a load would not show.
    const scatteredPaths = async () => (await searchPoints(db, SCATTERED_POINTS)).map((point) => pathFor(point))
    await settle(server.url, await scatteredPaths())
    const scattered = await load(server.url, await scatteredPaths())
    recordFigures({ [`${size}.neighbourhood-new-rps`]: scattered.rps, [`${size}.neighbourhood-new-p50`]: scattered.p50Ms, [`${size}.neighbourhood-new-p99`]: scattered.p99Ms })
    console.log(formatResult(`app page, every neighbourhood new (${SCATTERED_POINTS} centres scattered over the reports)`, scattered))
    const cached = await load(server.url, points.map((point) => pathFor(point)))
    recordFigures({ [`${size}.list-cached-p99`]: cached.p99Ms })
    console.log(formatResult(`app page, ${points.length} centres repeating (list cache hits)`, cached))
    // A second server on the same data that asks PostGIS straight away.
    const postgisPage = QUICK ? null : await freshPagesOn({ FINDER_NEARBY_PATH: 'postgis' })
    if (postgisPage) {
      recordFigures({ [`${size}.postgis-first-p99`]: postgisPage.p99Ms })
      console.log(formatResult('app page, every centre new, FINDER_NEARBY_PATH=postgis', postgisPage))
    }

    const search = createNearbySearch({ db, geoIndex: createGeoIndex(store, log), cards: createReportCards(db, store) })
    const viaPath = (via: NearbyPath) => closedLoop(points, (point) => search.activeNear({ centre: point, radiusM: RADIUS_KM * 1000 }, via))
    const redis = await viaPath('redis')
    const postgis = await viaPath('postgis')
    recordFigures({ [`${size}.search-redis-per-s`]: redis.rps, [`${size}.search-postgis-per-s`]: postgis.rps })
    console.log(`search service, Redis GEO path: p50 ${redis.p50.toFixed(2)} ms, p99 ${redis.p99.toFixed(2)} ms, ${redis.rps} q/s`)
    console.log(`search service, PostGIS path:   p50 ${postgis.p50.toFixed(2)} ms, p99 ${postgis.p99.toFixed(2)} ms, ${postgis.rps} q/s`)
    const figures = (result: typeof page | null) => ({ p50: result?.p50Ms ?? NaN, p99: result?.p99Ms ?? NaN, rps: result?.rps ?? NaN })
    return { size, baseline, app: figures(page), appCpuMs, postgisApp: figures(postgisPage), cachedApp: figures(cached), scatteredApp: figures(scattered), redis, postgis }
  } finally {
    await server.stop()
    await store.close()
    await db.destroy()
    // The GEO index of a million reports is ~100 MB of Redis: the next server rebuilds it anyway.
    await deleteKeysUnder(redisUrl, prefix)
  }
}

/** The database of one size, generated once (migrated, filled, analysed) and reused afterwards. */
async function benchDatabase(size: number): Promise<string> {
  const name = `nl_bench_finder_${size}`
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1
  if (exists && process.argv.includes('--rebuild')) await admin.query(`drop database "${name}" with (force)`)
  if (!exists || process.argv.includes('--rebuild')) await admin.query(`create database "${name}"`)
  await admin.end()
  const config = { ...loadConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' }) }
  const dbs = await createDatabases(config)
  try {
    await migrateAll(dbs, log)
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from lost_cats`.execute(dbs.finder)
    if (rows[0]!.n !== size) {
      await sql`truncate lost_cats cascade`.execute(dbs.finder)
      console.log(`generating ${size} reports into ${name}…`)
      const seconds = await generateReports(dbs.finder, { count: size, gridMetres: config.finder.gridMetres })
      console.log(`generated in ${seconds.toFixed(0)} s`)
    }
  } finally {
    await dbs.destroy()
  }
  return url.toString()
}

/** Search centres a few hundred metres from random active reports: where people actually search. */
async function searchPoints(db: Kysely<FinderDomain>, count = POINTS): Promise<LatLng[]> {
  const { rows } = await sql<LatLng>`
    select ST_Y(public_point::geometry) + (random() - 0.5) * 0.01 as lat, ST_X(public_point::geometry) + (random() - 0.5) * 0.01 as lng
    from lost_cats where status = 'active' order by random() limit ${count}`.execute(db)
  return rows.filter((point) => Math.abs(point.lng) < 179.9)
}

async function explain(db: Kysely<FinderDomain>, point: LatLng): Promise<void> {
  const rows = await nearestReportsQuery(db, { centre: point, radiusM: RADIUS_KM * 1000 }).explain(undefined, sql`analyze, buffers`)
  console.log(rows.map((row) => `  ${String(row['QUERY PLAN'])}`).join('\n'))
}

/** `CONNECTIONS` loops, each running its next query as soon as the last returns, for the duration. */
async function closedLoop(points: LatLng[], run: (point: LatLng) => Promise<unknown>): Promise<{ p50: number; p99: number; rps: number }> {
  let next = 0
  const loop = async (until: number, latencies: number[] | null) => {
    while (performance.now() < until) {
      const point = points[next++ % points.length]!
      const started = performance.now()
      await run(point)
      latencies?.push(performance.now() - started)
    }
  }
  const warmUntil = performance.now() + WARMUP_MS
  await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(warmUntil, null)))
  const latencies: number[] = []
  const until = performance.now() + DURATION_MS
  await Promise.all(Array.from({ length: CONNECTIONS }, () => loop(until, latencies)))
  latencies.sort((a, b) => a - b)
  const at = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))]!
  return { p50: at(0.5), p99: at(0.99), rps: Math.round(latencies.length / (DURATION_MS / 1000)) }
}

/** The server rebuilds the GEO index at start; the Redis path is measured once it is complete. */
async function waitForGeoIndex(store: ReturnType<typeof createStore>): Promise<void> {
  const deadline = Date.now() + 10 * 60_000
  while (!(await store.exists('finder:geo:ready'))) {
    if (Date.now() > deadline) throw new Error('the GEO index was not rebuilt within 10 minutes')
    await Bun.sleep(500)
  }
}
