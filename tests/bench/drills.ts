/**
 * Fault drills under load (issue 18), one command: `npm run bench -- drills` (or `bun tests/bench/drills.ts [--quick]`).
 *
 * The Redis drill: the server runs on PostgreSQL (a scratch database) and a redis-server of the
 * drill's own (append-only file, fsync on every write, so a kill loses nothing acknowledged), under
 * the open-model mix of tests/bench/load.ts. Redis is SIGKILLed a third of the way in and started
 * again at two thirds. It reports what kept serving while Redis was away, how long after its return
 * the app answered as before (no restart), and afterwards: every acknowledged post present exactly
 * once, no post written for a request that was refused, no outbox entry left.
 */
import pg from 'pg'
import { loadavg } from 'node:os'
import { QUICK, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'
import { openLoad, prepare } from '@tests/bench/load'
import { startBenchServer } from '@tests/bench/run-server'
import { createScratchDatabase } from '@tests/bench/scratch-database'
import { startOwnRedis } from '@tests/helpers/redis-server'

const DURATION_MS = QUICK ? 15_000 : 30_000
const RATE = 50

const { baseUrl } = servicesFromEnv()
const database = await createScratchDatabase(baseUrl, 'drills')
const redis = await startOwnRedis({ port: Number(process.env.NL_OWN_REDIS_PORT) || undefined, appendonly: true })
const unlimited = '100000'
const server = await startBenchServer({
  inheritServices: true,
  env: {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    TRUST_PROXY: '1',
    LOG_LEVEL: 'warn',
    POST_RATE_LIMIT: unlimited, COMMENT_RATE_LIMIT: unlimited, FINDER_SIGHTING_RATE_LIMIT: unlimited, CANDLE_RATE_LIMIT: unlimited,
    FINDER_REPORT_RATE_LIMIT: unlimited, MEDIA_UPLOAD_RATE_LIMIT: unlimited,
  },
})
const client = new pg.Client({ connectionString: database.url })
try {
  const { cookies, steps } = await prepare(server.url)
  await client.connect()
  const killAt = DURATION_MS / 3
  const restartAt = (2 * DURATION_MS) / 3
  const load = openLoad({ origin: server.url, cookies, steps, rate: RATE, durationMs: DURATION_MS, connections: 64 })
  await Bun.sleep(killAt)
  await redis.stop('SIGKILL')
  console.log(`redis-server SIGKILLed at ${killAt / 1000} s`)
  await Bun.sleep(restartAt - killAt)
  await redis.start()
  console.log(`redis-server started again at ${restartAt / 1000} s`)
  const result = await load

  // Per second: what answered while Redis was away, and when answers were as before again.
  const seconds = result.timeline.map((counts, second) => ({ second, counts }))
  for (const { second, counts } of seconds) console.log(`  ${String(second).padStart(3)} s: ${Object.entries(counts).map(([status, n]) => `${status}×${n}`).join(' ')}`)
  const away = seconds.filter(({ second }) => second >= killAt / 1000 + 1 && second < restartAt / 1000)
  const servedAway = away.reduce((sum, { counts }) => sum + (counts['200'] ?? 0) + (counts['303'] ?? 0), 0)
  const refusedAway = away.reduce((sum, { counts }) => sum + (counts['503'] ?? 0), 0)
  const otherAway = away.reduce((sum, { counts }) => sum + Object.entries(counts).filter(([status]) => !['200', '303', '503'].includes(status)).reduce((n, [, count]) => n + count, 0), 0)
  const healthy = (counts: Record<string, number>) => Object.keys(counts).every((status) => status === '200' || status === '303')
  const firstHealthy = seconds.find(({ second, counts }) => second >= restartAt / 1000 && healthy(counts))
  const recoverS = firstHealthy ? firstHealthy.second + 1 - restartAt / 1000 : Number.NaN

  // Afterwards: acknowledged posts exactly once, refused ones not at all; outbox and queue empty.
  await Bun.sleep(8000) // two sweeps
  const { rows } = await client.query<{ body: string; n: number }>(`select body, count(*)::int as n from posts where body like 'Load test post %' group by body`)
  const counts = new Map(rows.map((row) => [row.body, row.n]))
  const acked = new Set(result.ackedPosts)
  const lostAcked = result.ackedPosts.filter((i) => counts.get(`Load test post ${i}`) !== 1).length
  const duplicates = rows.filter((row) => row.n > 1).length
  const writtenUnacked = result.sentPosts.filter((i) => !acked.has(i) && counts.has(`Load test post ${i}`)).length
  const outbox = (await client.query<{ n: number }>('select count(*)::int as n from feed_outbox')).rows[0]!.n
  const readiness = (await fetch(`${server.url}/readyz`)).status

  console.log(`Redis drill: ${RATE}/s for ${DURATION_MS / 1000} s; Redis away ${(restartAt - killAt) / 1000} s`)
  console.log(`  while away: ${servedAway} answered 200/303, ${refusedAway} answered 503, ${otherAway} other (errors, 5xx other than 503)`)
  console.log(`  back to all 200/303 within ${recoverS} s of Redis's return, without restarting the app`)
  console.log(`  posts acknowledged: ${acked.size}; missing or not exactly once: ${lostAcked}; duplicated: ${duplicates}; written though refused: ${writtenUnacked}`)
  console.log(`  outbox entries left: ${outbox}; /readyz after: ${readiness}; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`)
  recordFigures({
    'redis-served-while-away': servedAway,
    'redis-other-errors-while-away': otherAway,
    'redis-recover-s': recoverS,
    'redis-lost-acked-writes': lostAcked,
    'redis-duplicate-writes': duplicates,
    'redis-outbox-left': outbox,
  })
} finally {
  await client.end().catch(() => {})
  await server.stop()
  await redis.close()
  await database.drop()
}
