/**
 * Every benchmark `npm run bench` knows, in one table: its script, its arguments for a full and a
 * quick run, and the figures the runner's table shows, with their targets (docs/benchmarks.md says
 * where each target comes from). A new benchmark is one entry here plus a script that records its
 * figures (tests/bench/figures.ts); a new figure is one line.
 *
 * A script may record more figures than listed (they stay in the run's JSON file); the table shows
 * the listed ones that were measured, and every listed one with a target, measured or not.
 */

/** `≥`: at least; `<`: below; `≤`: at most. `old` marks a target kept beside the one that replaced it. */
export interface Target {
  op: '≥' | '<' | '≤'
  value: number
  old?: boolean
}

export type Unit = 'req/s' | '/s' | 'ms' | 's' | 'share' | 'bytes' | 'MB' | 'count'

export interface FigureSpec {
  /** The name the script records it under, or the name of a share the runner works out. */
  id: string
  label: string
  unit: Unit
  target?: Target
  /** Worked out from the benchmark's recorded figures instead of recorded by it. */
  derive?: (recorded: Record<string, number>) => number | undefined
  /**
   * Measured with this checkout's code whatever `--tree` says (the floor, and what runs in the
   * benchmark's own process): a change between the sides is the machine's, never flagged as worse.
   */
  thisCheckout?: boolean
}

export interface Benchmark {
  name: string
  /** File under tests/bench/. */
  script: string
  /** What it measures, in a line (for `npm run bench` without arguments). */
  about: string
  args: string[]
  /** Smaller sizes and shorter loads, for a check in minutes. */
  quickArgs: string[]
  /**
   * Makes (or finds) the benchmark's data sets and exits, measuring nothing: the runner does this
   * for every benchmark before the first round, so no round pays for a data set. Passed after the
   * run's own arguments (a quick run prepares only the quick sizes).
   */
  prepareArgs?: string[]
  /** The run is stopped (its whole process group) after this long. */
  timeoutMinutes: { full: number; quick: number }
  figures: FigureSpec[]
}

/** A share of two recorded rates, e.g. the cached memorial's requests a second over the floor's. */
export function share(numerator: string, denominator: string): (recorded: Record<string, number>) => number | undefined {
  return (recorded) => {
    const top = recorded[numerator]
    const bottom = recorded[denominator]
    return top !== undefined && bottom ? top / bottom : undefined
  }
}

/** The sizes of CatFinder's data sets, and the one its targets are for. */
export const FINDER_SIZES = [10_000, 100_000, 1_000_000] as const
const FINDER_TARGET_SIZE = 1_000_000

const floorRate: FigureSpec = { id: 'floor-rps', label: 'floor: bare Elysia hello-world (one process)', unit: 'req/s', thisCheckout: true }
const trivialRate: FigureSpec = { id: 'trivial-rps', label: 'app trivial route /healthz', unit: 'req/s' }
/** The floor and the app's trivial route, which every share of a page is taken against. */
const floorAndTrivial = [floorRate, trivialRate]
/** Scripts that run embedded unless told to use PostgreSQL + Redis. */
const onServices = { args: ['--services'], quickArgs: ['--services', '--quick'] }

export const BENCHMARKS: Benchmark[] = [
  {
    name: 'foundation',
    script: 'foundation.ts',
    about: 'the trivial route against the floor, the signed-in home page, embedded start-up',
    ...onServices,
    timeoutMinutes: { full: 5, quick: 3 },
    figures: [
      ...floorAndTrivial,
      { id: 'trivial-share-of-floor', label: 'app trivial route / floor', unit: 'share', target: { op: '≥', value: 0.7 }, derive: share('trivial-rps', 'floor-rps') },
      { id: 'home-rps', label: 'signed-in home page /', unit: 'req/s' },
      { id: 'home-p99', label: 'signed-in home page /, p99', unit: 'ms' },
      { id: 'cold-start-s', label: 'embedded start, empty DATA_DIR', unit: 's' },
      { id: 'warm-start-s', label: 'embedded start, same DATA_DIR again', unit: 's' },
    ],
  },
  {
    name: 'feed',
    script: 'feed.ts',
    about: 'home feed on 100,000 members / 1M posts / 5M follows: warm and cold page, fan-out',
    args: [],
    quickArgs: ['--quick'],
    prepareArgs: ['--prepare'],
    timeoutMinutes: { full: 25, quick: 20 },
    figures: [
      ...floorAndTrivial,
      { id: 'posts-new-rps', label: 'lightest signed-in page /posts/new', unit: 'req/s' },
      { id: 'warm-rps', label: 'home feed, first-page cache warm', unit: 'req/s' },
      { id: 'warm-share-of-floor', label: 'warm home feed / floor', unit: 'share', target: { op: '≥', value: 0.28 }, derive: share('warm-rps', 'floor-rps') },
      { id: 'warm-share-of-trivial', label: 'warm home feed / app trivial route (old share)', unit: 'share', target: { op: '≥', value: 0.4, old: true }, derive: share('warm-rps', 'trivial-rps') },
      { id: 'cold-rps', label: 'home feed, cache cold', unit: 'req/s' },
      { id: 'cold-p50', label: 'home feed, cache cold, p50', unit: 'ms' },
      { id: 'cold-p99', label: 'home feed, cache cold, p99', unit: 'ms', target: { op: '<', value: 30 } },
      { id: 'cold-all-cores-p99', label: 'home feed, cache cold, a process per core, p99', unit: 'ms' },
      { id: 'fan-out-s', label: 'fan-out of one post to ~10,000 followers', unit: 's', target: { op: '<', value: 2 }, thisCheckout: true },
      { id: 'trending-refresh-ms', label: 'trending refresh', unit: 'ms', thisCheckout: true },
    ],
  },
  {
    name: 'finder',
    script: 'finder.ts',
    about: 'CatFinder search page at 10k, 100k and 1M reports: every centre new, every neighbourhood new',
    args: [],
    quickArgs: ['--quick', '--sizes', '10000,100000'],
    prepareArgs: ['--prepare'],
    timeoutMinutes: { full: 35, quick: 15 },
    figures: FINDER_SIZES.flatMap((size) => finderFigures(size)),
  },
  {
    name: 'memorials',
    script: 'memorials.ts',
    about: 'a public memorial page: from the cache against the floor, uncached, its size',
    ...onServices,
    timeoutMinutes: { full: 8, quick: 5 },
    figures: [
      ...floorAndTrivial,
      { id: 'cached-rps', label: 'public memorial from the Store cache', unit: 'req/s' },
      { id: 'cached-share-of-floor', label: 'cached memorial / floor', unit: 'share', target: { op: '≥', value: 0.35 }, derive: share('cached-rps', 'floor-rps') },
      { id: 'cached-share-of-trivial', label: 'cached memorial / app trivial route (old share)', unit: 'share', target: { op: '≥', value: 0.5, old: true }, derive: share('cached-rps', 'trivial-rps') },
      { id: 'not-modified-rps', label: 'conditional GET answered 304', unit: 'req/s' },
      { id: 'uncached-p99', label: 'public memorial, Store cache off, p99', unit: 'ms', target: { op: '<', value: 20 } },
      { id: 'html-brotli-bytes', label: 'page HTML, brotli', unit: 'bytes', target: { op: '≤', value: 14 * 1024 } },
      { id: 'html-gzip-bytes', label: 'page HTML, gzip', unit: 'bytes', target: { op: '≤', value: 14 * 1024 } },
      { id: 'first-visit-bytes', label: 'first visit at 360 px (2×), all transfers', unit: 'bytes' },
    ],
  },
  {
    name: 'media-upload',
    script: 'media-upload.ts',
    about: 'a 12 MP photo uploaded through the form to S3 against bare sharp; memory under 4 uploads',
    args: ['--no-install'],
    quickArgs: ['--no-install', '--runs', '2'],
    timeoutMinutes: { full: 10, quick: 5 },
    figures: [
      { id: 'upload-ms', label: '12 MP upload through HTTP → 303, median', unit: 'ms' },
      { id: 'floor-ms', label: 'bare sharp, same 9 variants, median', unit: 'ms', thisCheckout: true },
      { id: 'upload-over-floor', label: 'upload / bare sharp, wall time', unit: 'share', target: { op: '≤', value: 1.15 } },
      { id: 'peak-rss-mb', label: 'server peak RSS with 4 uploads at once', unit: 'MB', target: { op: '<', value: 400 } },
    ],
  },
  {
    name: 'media-floor',
    script: 'media-floor.ts',
    about: 'the media pipeline in-process (intake, description, variants) against bare sharp',
    args: [],
    quickArgs: ['--runs', '2'],
    timeoutMinutes: { full: 5, quick: 3 },
    figures: [
      { id: 'floor-ms', label: 'bare sharp, 9 variants, median', unit: 'ms', thisCheckout: true },
      { id: 'pipeline-ms', label: 'pipeline, median', unit: 'ms', thisCheckout: true },
      { id: 'pipeline-over-floor', label: 'pipeline / bare sharp', unit: 'share', thisCheckout: true },
    ],
  },
  {
    name: 'push',
    script: 'push.ts',
    about: 'a lost cat reported among 100,000 push subscribers: time to the last push',
    args: [],
    quickArgs: [],
    prepareArgs: ['--prepare'],
    timeoutMinutes: { full: 10, quick: 10 },
    figures: [
      { id: 'first-push-s', label: 'report → first push received', unit: 's', thisCheckout: true },
      { id: 'last-push-s', label: 'report → last of 100,000 subscribers’ push', unit: 's', target: { op: '<', value: 60 }, thisCheckout: true },
      { id: 'pushes-per-s', label: 'pushes a second, end to end', unit: '/s', thisCheckout: true },
      { id: 'encryption-ceiling-per-s', label: 'ceiling: the same encryption in a loop', unit: '/s', thisCheckout: true },
    ],
  },
  {
    name: 'load',
    script: 'load.ts',
    about: 'open-model mixed load on PostgreSQL + Redis: highest rate with p99 < 100 ms and no error, 1,000 connections',
    args: [],
    quickArgs: ['--quick'],
    timeoutMinutes: { full: 15, quick: 6 },
    figures: [
      { id: 'open-rate', label: 'highest arrival rate held 60 s with p99 < 100 ms and 0 errors', unit: '/s' },
      { id: 'open-p99', label: 'p99 at that rate, from each request’s intended send time', unit: 'ms', target: { op: '<', value: 100 } },
      { id: 'open-errors', label: 'errors at that rate', unit: 'count', target: { op: '≤', value: 0 } },
      { id: 'many-connections-errors', label: 'errors with 1,000 connections held 60 s', unit: 'count', target: { op: '≤', value: 0 } },
      { id: 'many-connections-p99', label: 'p99 with 1,000 connections', unit: 'ms' },
      { id: 'load-average', label: 'machine load average (1 min) at the end (shared, 2 cores)', unit: 'share' },
    ],
  },
  {
    name: 'drills',
    script: 'drills.ts',
    about: 'fault drills under the open-model mix: Redis SIGKILLed and restarted (own redis-server)',
    args: [],
    quickArgs: ['--quick'],
    timeoutMinutes: { full: 6, quick: 4 },
    figures: [
      { id: 'redis-served-while-away', label: 'Redis away: requests answered 200/303', unit: 'count' },
      { id: 'redis-other-errors-while-away', label: 'Redis away: answers other than 200/303/503', unit: 'count', target: { op: '≤', value: 0 } },
      { id: 'redis-recover-s', label: 'Redis back: seconds until every answer is 200/303, no restart', unit: 's' },
      { id: 'redis-lost-acked-writes', label: 'acknowledged posts missing or not exactly once', unit: 'count', target: { op: '≤', value: 0 } },
      { id: 'redis-duplicate-writes', label: 'posts written twice', unit: 'count', target: { op: '≤', value: 0 } },
      { id: 'redis-outbox-left', label: 'outbox entries left after the sweeps', unit: 'count', target: { op: '≤', value: 0 } },
    ],
  },
]

/** CatFinder's figures at one size: the headline loads at every size, the rest at the target's. */
function finderFigures(size: number): FigureSpec[] {
  const at = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`
  const atTarget = size === FINDER_TARGET_SIZE
  const centreNewTarget: Target | undefined = atTarget ? { op: '<', value: 25 } : undefined
  const neighbourhoodNewTarget: Target | undefined = atTarget ? { op: '<', value: 50 } : undefined
  const figures: FigureSpec[] = [
    { id: `${size}.direct-pg-p99`, label: `${at}: direct PostGIS query, p99`, unit: 'ms', thisCheckout: true },
    { id: `${size}.centre-new-rps`, label: `${at}: search page, every centre new`, unit: 'req/s' },
    { id: `${size}.centre-new-p50`, label: `${at}: search page, every centre new, p50`, unit: 'ms' },
    { id: `${size}.centre-new-p99`, label: `${at}: search page, every centre new, p99`, unit: 'ms', target: centreNewTarget },
    { id: `${size}.neighbourhood-new-p99`, label: `${at}: search page, every neighbourhood new, p99`, unit: 'ms', target: neighbourhoodNewTarget },
  ]
  if (!atTarget) return figures
  return [
    ...figures,
    { id: `${size}.neighbourhood-new-rps`, label: `${at}: search page, every neighbourhood new`, unit: 'req/s' },
    { id: `${size}.server-cpu-ms`, label: `${at}: server CPU a page, every centre new`, unit: 'ms' },
    { id: `${size}.centre-new-all-cores-p99`, label: `${at}: every centre new, a process per core, p99`, unit: 'ms' },
    { id: `${size}.postgis-first-p99`, label: `${at}: every centre new, FINDER_NEARBY_PATH=postgis, p99`, unit: 'ms' },
    { id: `${size}.list-cached-p99`, label: `${at}: 1,000 centres repeating (list cache), p99`, unit: 'ms' },
    { id: `${size}.search-redis-per-s`, label: `${at}: search service, Redis GEO path`, unit: '/s', thisCheckout: true },
    { id: `${size}.search-postgis-per-s`, label: `${at}: search service, PostGIS path`, unit: '/s', thisCheckout: true },
  ]
}

export function benchmarkNamed(name: string): Benchmark | undefined {
  return BENCHMARKS.find((benchmark) => benchmark.name === name)
}
