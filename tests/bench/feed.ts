/**
 * Feed benchmark (issue 4), one command, on PostgreSQL + Redis:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 bun tests/bench/feed.ts [--explain]
 *
 * On the generated data set (100,000 members, 1,000,000 posts, 5,000,000 follows; made once into
 * the databases `nl_bench_feed_accounts` and `nl_bench_feed_social`, one per domain as in CI, and
 * reused by later runs; `--rebuild` makes them again), it prints in one run:
 *
 * - requests/s of the floor (a bare Elysia hello-world, tests/bench/floor-server.ts) and of the
 *   app's trivial route (/healthz);
 * - the lightest signed-in page (`/posts/new`: session, unread count, one small query), the floor
 *   under every signed-in page;
 * - the home feed `/` of a typical member (about 50 follows, some of them above the fan-out
 *   threshold) with the first-page cache warm, and its share of the floor and of the trivial route;
 * - the same first page with the cache cold: asked for as `/?cursor=<now>`, which the cache never
 *   answers and which does all the work of a first page (timeline, read-time merge, posts, authors,
 *   photos, likes, render), p50 and p99 at 32 connections; these with a
 *   server process per core but one (SERVER_PROCESSES), and the cold page again with one per core;
 * - the time to fan one post out to 10,000 followers whose timelines are in Redis;
 * - the time to refresh the trending view.
 *
 * `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every query a cold home feed page runs instead;
 * `--prepare` makes (or finds) the data set and stops; `--quick` runs shorter loads and skips the
 * cold page on every core. Targets: tests/bench/benchmarks.ts.
 */
import { availableParallelism } from 'node:os'
import pg from 'pg'
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely'
import { loadConfig, type Config } from '@/config'
import { createAccounts } from '@/features/accounts/service'
import type { Viewer } from '@/features/accounts/viewer'
import { BENCH_PASSWORD, benchHandle, generateFeedBenchmark } from '@/features/feed/demo'
import type { FeedJobs } from '@/features/feed/jobs'
import { createFeed, type Feed } from '@/features/feed/service'
import { createMedia } from '@/features/media/service'
import { createNotifications } from '@/features/notifications/service'
import { createBlobs } from '@/infra/blobs'
import { createDatabases } from '@/infra/db'
import { createLogger } from '@/infra/log'
import { migrateAll } from '@/infra/migrate'
import { createOutbox } from '@/infra/outbox'
import { createQueue } from '@/infra/queue'
import { createStore } from '@/infra/store'
import { deleteKeysUnder } from '@tests/helpers/store'
import type { AccountsDomain, SocialDomain } from '@/schema'
import { encodeCursor } from '@/shared/cursor'
import { formatResult, measure, type MeasureResult } from '@tests/bench/loadgen'
import { SERVER_PROCESSES, startBenchServer } from '@tests/bench/run-server'
import { LOAD, PREPARE_ONLY, QUICK, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'
import { floorUrl } from '@tests/bench/floor-server'

/** The fan-out target is for this many followers. */
const FAN_OUT_FOLLOWERS = 10_000
/** Timelines built at once before the fan-out: the pool's connections, give or take. */
const POPULATE_CONCURRENCY = 8

const { baseUrl, redisUrl } = servicesFromEnv()
const log = createLogger({ logLevel: 'warn' })
const prefix = `nl:bench:feed:${process.pid}:`

const urls = await benchDatabases()
if (PREPARE_ONLY) process.exit(0) // nothing is open yet: benchDatabases closed its handles
const config = loadConfig({
  ACCOUNTS_DATABASE_URL: urls.accounts,
  SOCIAL_DATABASE_URL: urls.social,
  FINDER_DATABASE_URL: urls.accounts,
  MEMORIALS_DATABASE_URL: urls.accounts,
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: prefix,
  LOG_LEVEL: 'warn',
})
const dbs = await createDatabases(config)
const store = createStore(config)
const feed = feedOn(config, dbs)
try {
  const reader = await typicalMember(dbs)
  console.log(`data: ${await describeData(dbs.social)}; reader @${reader.handle} follows ${reader.following} (${reader.aboveThreshold} above the fan-out threshold)`)
  if (process.argv.includes('--explain')) await explainHomePage(config, reader)
  else await measureAll(reader)
} finally {
  await store.close()
  await dbs.destroy()
  await deleteKeysUnder(redisUrl, prefix)
}

/** The figures the issue asks for, in one run. */
async function measureAll(reader: Reader): Promise<void> {
  // A cursor just above the newest post: exactly the first page, never served from the cache.
  const now = encodeCursor({ at: new Date(Date.now() + 3600_000), id: String(Number.MAX_SAFE_INTEGER) })
  const coldPath = `/?cursor=${encodeURIComponent(now)}`
  const bareServer = await floorUrl()
  await withServer(SERVER_PROCESSES, reader, async (load) => {
    const bare = await measure({ url: `${bareServer.url}/healthz`, ...LOAD })
    const trivial = await load('/healthz', false)
    // The floor of any signed-in page: session and unread count (PostgreSQL), layout, brotli, plus
    // the composer's one small query; the warm feed adds a Store read and no query.
    const lightest = await load('/posts/new')
    const warm = await load('/')
    const cold = await load(coldPath)
    recordFigures({
      'floor-rps': bare.rps,
      'trivial-rps': trivial.rps,
      'posts-new-rps': lightest.rps,
      'warm-rps': warm.rps,
      'cold-rps': cold.rps,
      'cold-p50': cold.p50Ms,
      'cold-p99': cold.p99Ms,
    })
    console.log(`mode: PostgreSQL (accounts and social in separate databases) + Redis, ${LOAD.connections} connections, ${SERVER_PROCESSES} server process(es)`)
    console.log(formatResult('floor: bare Elysia hello-world', bare))
    console.log(formatResult('trivial route (/healthz)', trivial))
    console.log(formatResult('lightest signed-in page (/posts/new)', lightest))
    console.log(formatResult('home feed, first-page cache warm (/)', warm))
    console.log(`warm home feed / floor: ${(warm.rps / bare.rps).toFixed(2)}; / trivial route: ${(warm.rps / trivial.rps).toFixed(2)}`)
    console.log(formatResult('home feed, cache cold (/?cursor=now)', cold))
    console.log(`cold home feed: p50 ${cold.p50Ms} ms, p99 ${cold.p99Ms} ms`)
  }).finally(() => bareServer.stop())
  if (availableParallelism() > SERVER_PROCESSES && !QUICK) {
    await withServer(availableParallelism(), reader, async (load) => {
      await load(coldPath) // this server's first pages: the JIT and the near copies settle
      const spread = await load(coldPath)
      recordFigures({ 'cold-all-cores-p99': spread.p99Ms })
      console.log(formatResult(`home feed, cache cold, a server process on each of the ${availableParallelism()} cores`, spread))
    })
  }

  const fanOut = await measureFanOut(feed, dbs.social)
  recordFigures({ 'fan-out-s': fanOut.ms / 1000, 'fan-out-followers': fanOut.followers })
  console.log(`fan-out of one post to ${fanOut.followers} followers with timelines in Redis: ${(fanOut.ms / 1000).toFixed(2)} s`)
  const refreshMs = await feed.trending.refresh()
  recordFigures({ 'trending-refresh-ms': refreshMs })
  console.log(`trending refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY): ${Math.round(refreshMs)} ms`)
}

/** The two databases of the data set, migrated and generated once, then reused. */
async function benchDatabases(): Promise<{ accounts: string; social: string }> {
  const names = { accounts: 'nl_bench_feed_accounts', social: 'nl_bench_feed_social' }
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  const fresh: boolean[] = []
  for (const name of Object.values(names)) {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1
    if (exists && process.argv.includes('--rebuild')) await admin.query(`drop database "${name}" with (force)`)
    if (!exists || process.argv.includes('--rebuild')) {
      await admin.query(`create database "${name}"`)
      fresh.push(true)
    }
  }
  await admin.end()
  const urlOf = (name: string) => Object.assign(new URL(baseUrl), { pathname: `/${name}` }).toString()
  const urls = { accounts: urlOf(names.accounts), social: urlOf(names.social) }
  const setup = await createDatabases(
    loadConfig({ ACCOUNTS_DATABASE_URL: urls.accounts, SOCIAL_DATABASE_URL: urls.social, FINDER_DATABASE_URL: urls.accounts, MEMORIALS_DATABASE_URL: urls.accounts }),
  )
  try {
    await migrateAll(setup, log)
    const generated = await setup.accounts.selectFrom('users').select('id').where('handle', '=', benchHandle(1)).executeTakeFirst()
    if (!generated) {
      console.log('generating the data set (once; several minutes)…')
      const seconds = await generateFeedBenchmark(setup, undefined, (step) => console.log(`  ${step}…`))
      console.log(`generated: ${JSON.stringify(seconds)} s`)
    }
  } finally {
    await setup.destroy()
  }
  return urls
}

/** The feed service as the server builds it, on the given handles (the benchmark's own process). */
function feedOn(config: Config, handles: { accounts: Kysely<AccountsDomain>; social: Kysely<SocialDomain> }): Feed {
  const media = createMedia({ db: handles.social, blobs: createBlobs(config), store, config, log })
  const queue = createQueue<FeedJobs>({ store, name: 'bench', log, concurrency: 1 })
  return createFeed({
    db: handles.social,
    store,
    queue,
    outbox: createOutbox({ db: handles.social, table: 'feed_outbox', queue, log }),
    config: config.feed,
    // No sessions live in this process, so there is no cached viewer to drop.
    accounts: createAccounts(handles.accounts, () => Promise.resolve()),
    media,
    notifications: createNotifications(handles.accounts, store),
  })
}

interface Reader extends Viewer {
  following: number
  aboveThreshold: number
}

/** A member who follows about the average (50), including some authors above the fan-out threshold. */
async function typicalMember(handles: { accounts: Kysely<AccountsDomain>; social: Kysely<SocialDomain> }): Promise<Reader> {
  const { rows } = await sql<{ user_id: string; following: number; above: number }>`
    select c.user_id, c.following, count(*)::int as above
    from follow_counts c
    join follows f on f.follower_id = c.user_id
    join follow_counts star on star.user_id = f.followee_id and star.followers > ${config.feed.fanoutMaxFollowers}
    where c.following between 48 and 52
    group by c.user_id, c.following
    order by c.user_id
    limit 1
  `.execute(handles.social)
  const picked = rows[0]
  if (!picked) throw new Error('no typical member in the data set')
  const user = await handles.accounts.selectFrom('users').select(['id', 'handle', 'display_name']).where('id', '=', picked.user_id).executeTakeFirstOrThrow()
  return { id: user.id, handle: user.handle, displayName: user.display_name, role: 'member', avatarMediaId: null, emailVerified: true, following: picked.following, aboveThreshold: picked.above }
}

async function describeData(db: Kysely<SocialDomain>): Promise<string> {
  const count = async (table: 'posts' | 'follows' | 'likes') => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n
  const [posts, follows, likes] = await Promise.all([count('posts'), count('follows'), count('likes')])
  const users = (await sql<{ n: number }>`select count(*)::int as n from follow_counts`.execute(db)).rows[0]!.n
  return `${users} members with follows, ${posts} posts, ${follows} follows, ${likes} likes`
}

type Load = (path: string, signedIn?: boolean) => Promise<MeasureResult>

/** Runs `work` against a server of `processes` processes on the data set, signed in as the reader. */
async function withServer(processes: number, reader: Reader, work: (load: Load) => Promise<void>): Promise<void> {
  const server = await startBenchServer({
    inheritServices: true,
    env: {
      DATABASE_URL: urls.accounts,
      ACCOUNTS_DATABASE_URL: urls.accounts,
      SOCIAL_DATABASE_URL: urls.social,
      FINDER_DATABASE_URL: urls.accounts,
      MEMORIALS_DATABASE_URL: urls.accounts,
      REDIS_KEY_PREFIX: prefix,
      WEB_PROCESSES: String(processes),
    },
  })
  try {
    const cookie = await signIn(server.url, reader.handle)
    const headers = { cookie, 'accept-encoding': 'br, gzip' }
    await work((path, signedIn = true) =>
      measure({ url: `${server.url}${path}`, ...LOAD, headers: signedIn ? headers : {} }),
    )
  } finally {
    await server.stop()
  }
}

async function signIn(origin: string, handle: string): Promise<string> {
  const response = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ identifier: handle, password: BENCH_PASSWORD }),
  })
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('nl_session=') && !pair.endsWith('='))
  if (response.status !== 303 || !cookie) throw new Error(`signing in as @${handle} failed: ${response.status}`)
  return cookie
}

/**
 * Builds the timelines of the followers of an author with about FAN_OUT_FOLLOWERS followers (as if
 * they were all active), then times one post's fan-out: the very function the queue job runs.
 */
async function measureFanOut(feed: Feed, db: Kysely<SocialDomain>): Promise<{ followers: number; ms: number }> {
  const author = await db
    .selectFrom('follow_counts')
    .select(['user_id', 'followers'])
    .where('followers', '<=', Math.min(FAN_OUT_FOLLOWERS, config.feed.fanoutMaxFollowers))
    .orderBy('followers', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  const followers = await db.selectFrom('follows').select('follower_id').where('followee_id', '=', author.user_id).execute()
  let next = 0
  const populate = async () => {
    while (next < followers.length) await feed.timelines.homePage(followers[next++]!.follower_id, null, 1)
  }
  const startedPopulate = performance.now()
  await Promise.all(Array.from({ length: POPULATE_CONCURRENCY }, populate))
  console.log(`built ${followers.length} followers' timelines in ${((performance.now() - startedPopulate) / 1000).toFixed(1)} s`)
  const post = await db
    .insertInto('posts')
    .values({ author_id: author.user_id, body: 'Benchmark fan-out', in_timelines: true })
    .returning(['id', 'created_at as at', 'author_id as authorId', 'in_timelines as inTimelines'])
    .executeTakeFirstOrThrow()
  try {
    const startedAt = performance.now()
    const reached = await feed.timelines.fanOut(post)
    return { followers: reached, ms: performance.now() - startedAt }
  } finally {
    await db.deleteFrom('posts').where('id', '=', post.id).execute()
  }
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every query a cold home page runs: the feed service on handles that
 * record each compiled query, one page loaded, then each query explained on its own database.
 */
async function explainHomePage(config: Config, reader: Viewer): Promise<void> {
  const recorded: { domain: 'accounts' | 'social'; query: CompiledQuery }[] = []
  let recordingOn = true
  const recording = <DB,>(url: string, domain: 'accounts' | 'social') =>
    new Kysely<DB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) }),
      log: (event) => {
        if (recordingOn && event.level === 'query') recorded.push({ domain, query: event.query })
      },
    })
  const handles = { accounts: recording<AccountsDomain>(urls.accounts, 'accounts'), social: recording<SocialDomain>(urls.social, 'social') }
  try {
    await store.del(`timeline:home:${reader.id}`)
    await feedOn(config, handles).homeFeed(reader)
    recordingOn = false
    for (const { domain, query } of recorded) {
      const plan = await handles[domain].executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]))
      console.log(`\n-- ${domain}: ${query.sql.replace(/\s+/g, ' ').slice(0, 160)}…`)
      console.log(plan.rows.map((row) => `   ${row['QUERY PLAN']}`).join('\n'))
    }
  } finally {
    await Promise.all([handles.accounts.destroy(), handles.social.destroy()])
  }
}
