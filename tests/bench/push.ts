/**
 * Push benchmark (issue 7), one command, on PostgreSQL + Redis:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 bun tests/bench/push.ts
 *
 * 100,000 generated members around one city (Paris), each with an alert area (home within 4.5 km of
 * the centre, radius 5 km) and one push subscription whose keys are derived from its number
 * (tests/bench/push-receiver.ts); made once into the database `nl_bench_push_<n>` and reused
 * (`--rebuild` makes it again). A cat is then reported lost in the centre, through the finder's own
 * `create`, with the app's services and queue workers in this process (QUEUE_CONCURRENCY workers,
 * PUSH_CONCURRENCY sends in flight), and a push service on loopback over TLS in another process
 * counts what arrives, checks the VAPID token of one push in 100 and decrypts one in `--decrypt-every`
 * (default 1: all of them). It prints:
 *
 * - time from the report's creation to the last subscriber's push received (target < 60 s);
 * - pushes a second, end to end and while sending;
 * - the same payload's encryption (web-push's, with a kept VAPID header) in a tight loop in this
 *   process — the ceiling of one sender process — and pushes/s as a ratio of it.
 *
 * `--subscribers N` changes the size; `--prepare` makes (or finds) the data set and stops.
 * Targets: tests/bench/benchmarks.ts.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { sql } from 'kysely'
import webpush from 'web-push'
import { registerJobHandlers } from '@/background'
import { DEFAULT_PUSH_SERVICE_HOSTS, loadConfig } from '@/config'
import { createBlobs } from '@/infra/blobs'
import { createDatabases, type Databases } from '@/infra/db'
import { createLogger } from '@/infra/log'
import { migrateAll } from '@/infra/migrate'
import { createQueue } from '@/infra/queue'
import { createStore } from '@/infra/store'
import type { Jobs } from '@/jobs'
import { createServices } from '@/services'
import { benchSubscriberKeys, type ReceiverStats } from '@tests/bench/push-receiver'
import { BUN } from '@tests/helpers/server'
import { deleteKeysUnder } from '@tests/helpers/store'
import { testCertificate } from '@tests/helpers/tls'
import { flag, PREPARE_ONLY, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'

const SUBSCRIBERS = Number(flag('--subscribers') ?? 100_000)
const DECRYPT_EVERY = Number(flag('--decrypt-every') ?? 1)
const CITY = { lat: 48.8566, lng: 2.3522 }
/** Homes within this of the centre, areas of 5 km: every member's area holds the report. */
const HOME_SPREAD_M = 4500
const INSERT_CHUNK = 5000
const CEILING_ITERATIONS = 20_000

const { baseUrl, redisUrl } = servicesFromEnv()

const databaseUrl = await ensureDatabase(baseUrl, `nl_bench_push_${SUBSCRIBERS}`)
const vapid = webpush.generateVAPIDKeys()
const runPrefix = `nl:bench:push:${process.pid}:`
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(ACCOUNTS|SOCIAL|FINDER|MEMORIALS)_DATABASE_URL$/.test(name)))
const config = loadConfig({
  ...env,
  DATABASE_URL: databaseUrl,
  REDIS_KEY_PREFIX: runPrefix,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  VAPID_PUBLIC_KEY: vapid.publicKey,
  VAPID_PRIVATE_KEY: vapid.privateKey,
  VAPID_SUBJECT: 'mailto:bench@example.com',
  PUSH_SERVICE_HOSTS: [...DEFAULT_PUSH_SERVICE_HOSTS, 'localhost'].join(','),
})
const log = createLogger(config)
const dbs = await createDatabases(config)
await migrateAll(dbs, log)

if (process.argv.includes('--rebuild') || (await subscriptionCount(dbs)) !== SUBSCRIBERS) {
  console.log(`Generating ${SUBSCRIBERS.toLocaleString('en')} members with alert areas and push subscriptions…`)
  const started = performance.now()
  await generateSubscribers(dbs, SUBSCRIBERS)
  console.log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}
if (PREPARE_ONLY) {
  await dbs.destroy()
  process.exit(0)
}

const receiver = await startReceiver()
// Whatever goes wrong, the receiver must not outlive the benchmark.
process.once('exit', () => receiver.stop())
await dbs.accounts
  .updateTable('push_subscriptions')
  .set({ endpoint: sql`'https://localhost:${sql.raw(String(receiver.port))}/push/' || substring(endpoint from '/push/([0-9]+)$')`, failure_count: 0 })
  .execute()
await sql`truncate notifications`.execute(dbs.accounts)
await sql`vacuum analyze push_subscriptions`.execute(dbs.accounts)

const store = createStore(config, log)
const queue = createQueue<Jobs>({ store, name: 'main', log, concurrency: config.queueConcurrency })
const services = createServices({ config, log, dbs, store, queue, blobs: createBlobs(config), pushCa: testCertificate().cert })
registerJobHandlers(queue, services)
const reporter = await services.accounts.signUp({ handle: `bench_reporter_${Date.now().toString(36)}`, email: `reporter${Date.now()}@bench.test`, password: 'a long bench password' })
if (!reporter.ok) throw new Error('could not make the reporter')
queue.start()

console.log(`Reporting a lost cat in the middle of ${SUBSCRIBERS.toLocaleString('en')} subscribers (QUEUE_CONCURRENCY ${config.queueConcurrency}, PUSH_CONCURRENCY ${config.push.concurrency}, decrypting 1 push in ${DECRYPT_EVERY})…`)
const reportedAt = Date.now()
const saved = await services.finder.reports.create(reporter.value.id, lostCat(), { files: [], alt: '' })
if (!saved.ok) throw new Error('could not report')
const stats = await receiver.until((now) => now.subscribers >= SUBSCRIBERS, 300_000)
const queueDone = await queue.drain({ timeoutMs: 60_000 }).then(() => Date.now())
await queue.stop()
const totals = services.push.sender!.totals()

const seconds = (stats.lastAt! - reportedAt) / 1000
const sendingSeconds = (stats.lastAt! - stats.firstAt!) / 1000
const endToEndRate = stats.received / seconds
const ceiling = encryptionCeiling()
recordFigures({
  'first-push-s': (stats.firstAt! - reportedAt) / 1000,
  'last-push-s': seconds,
  'pushes-per-s': endToEndRate,
  'pushes-per-s-sending': stats.received / sendingSeconds,
  'encryption-ceiling-per-s': ceiling,
  'push-failures': stats.failures,
})

console.log(`
push benchmark: ${SUBSCRIBERS.toLocaleString('en')} subscribers around one city, loopback push service over TLS
  report created → first push received        ${((stats.firstAt! - reportedAt) / 1000).toFixed(2)} s (fan-out query and the first batch)
  report created → last subscriber's push      ${seconds.toFixed(1)} s
  queue empty (results recorded)               ${((queueDone - reportedAt) / 1000).toFixed(1)} s
  pushes received / distinct subscribers       ${stats.received} / ${stats.subscribers} (topics: ${stats.topics})
  sender's counts                              ${JSON.stringify(totals)}
  pushes/s end to end                          ${endToEndRate.toFixed(0)}
  pushes/s while sending                       ${(stats.received / sendingSeconds).toFixed(0)}
  receiver checks                              VAPID verified ${stats.verified} (1 in 100), decrypted ${stats.decrypted} (1 in ${DECRYPT_EVERY}), failures ${stats.failures} ${stats.reasons.join('; ')}
  ceiling: the same encryption in a loop       ${ceiling.toFixed(0)} /s (web-push generateRequestDetails, one process)
  ratio pushes/s ÷ ceiling                     ${(endToEndRate / ceiling).toFixed(2)} end to end, ${(stats.received / sendingSeconds / ceiling).toFixed(2)} while sending
`)

receiver.stop()
await deleteKeysUnder(redisUrl, runPrefix)
await store.close()
await dbs.destroy()
process.exit(stats.failures === 0 && stats.subscribers === SUBSCRIBERS ? 0 : 1)

// ---------------------------------------------------------------------------------------------------

function lostCat() {
  return {
    kind: 'lost', foundState: '', name: 'Minette', colours: ['black', 'white'], pattern: 'bicolour', breed: '', sex: '', neutered: '', ageBand: '',
    microchipped: '', microchipNumber: '', collar: '', collarNote: '', lastSeenAt: new Date(Date.now() - 3600_000).toISOString().slice(0, 16),
    timezoneOffset: '0', description: 'Black and white, white socks.', reward: '', place: { town: '', lat: String(CITY.lat), lng: String(CITY.lng) },
  }
}

/** The same work the sender does per push, without queue, Store or network: payload encryption and headers. */
function encryptionCeiling(): number {
  const keys = Array.from({ length: 1000 }, (_, n) => benchSubscriberKeys(n + 1))
  const { Authorization } = webpush.getVapidHeaders('https://localhost', 'mailto:bench@example.com', vapid.publicKey, vapid.privateKey, 'aes128gcm')
  const payload = JSON.stringify({
    title: 'Lost cat nearby: Minette',
    body: '2.4 km from your home, near Le Marais. Can you keep an eye out?',
    url: 'http://localhost:3000/finder/00000000-0000-4000-8000-000000000000',
    tag: 'report-00000000-0000-4000-8000-000000000000',
  })
  const started = performance.now()
  for (let i = 0; i < CEILING_ITERATIONS; i++) {
    const subscriber = keys[i % keys.length]!
    webpush.generateRequestDetails(
      { endpoint: 'https://localhost/push/1', keys: { p256dh: subscriber.publicKey.toString('base64url'), auth: subscriber.auth.toString('base64url') } },
      payload,
      { TTL: 86_400, urgency: 'high', topic: '00000000000040008000000000000000', contentEncoding: 'aes128gcm', headers: { Authorization } },
    )
  }
  return CEILING_ITERATIONS / ((performance.now() - started) / 1000)
}

async function subscriptionCount(databases: Databases): Promise<number> {
  const row = await databases.accounts.selectFrom('push_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Members, their alert areas (set-based SQL) and their subscriptions (keys made here, inserted in chunks). */
async function generateSubscribers(databases: Databases, count: number): Promise<void> {
  const db = databases.accounts
  await sql`truncate users cascade`.execute(db)
  await sql`
    insert into users (handle, email, password_hash, display_name)
    select 'bench_push_' || n, 'bench_push_' || n || '@bench.test', 'not-a-password-hash', 'Bench member ' || n
    from generate_series(1, ${count}::integer) as n`.execute(db)
  await sql`
    insert into alert_areas (user_id, home_point, radius_m, place_label)
    select id,
      ST_Project(ST_SetSRID(ST_MakePoint(${CITY.lng}::float8, ${CITY.lat}::float8), 4326)::geography, ${HOME_SPREAD_M} * sqrt(random()), radians(360 * random()))::geography,
      5000, 'Paris'
    from users where handle like 'bench_push_%'`.execute(db)
  for (let from = 1; from <= count; from += INSERT_CHUNK) {
    const rows = Array.from({ length: Math.min(INSERT_CHUNK, count - from + 1) }, (_, i) => {
      const n = from + i
      const keys = benchSubscriberKeys(n)
      return sql`(${`bench_push_${n}`}, ${`https://localhost:1/push/${n}`}, ${keys.publicKey.toString('base64url')}, ${keys.auth.toString('base64url')})`
    })
    await sql`
      insert into push_subscriptions (user_id, endpoint, p256dh, auth, label)
      select users.id, k.endpoint, k.p256dh, k.auth, 'Bench browser'
      from (values ${sql.join(rows)}) as k(handle, endpoint, p256dh, auth)
      join users on users.handle = k.handle`.execute(db)
  }
  await sql`analyze`.execute(db)
}

async function ensureDatabase(url: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name])
    if (exists.rowCount === 0) await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  const own = new URL(url)
  own.pathname = `/${name}`
  return own.toString()
}

/** The receiver process, its port, and a way to wait on its counts. */
async function startReceiver() {
  const child = spawn(BUN, [new URL('./push-receiver.ts', import.meta.url).pathname], {
    env: { ...process.env, VAPID_PUBLIC_KEY: vapid.publicKey, DECRYPT_EVERY: String(DECRYPT_EVERY), TLS_KEY: testCertificate().key, TLS_CERT: testCertificate().cert },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve))
  const { port } = JSON.parse(firstLine) as { port: number }
  const ca = testCertificate().cert
  const statsNow = async () => (await (await fetch(`https://localhost:${port}/stats`, { tls: { ca } })).json()) as ReceiverStats
  return {
    port,
    async until(done: (stats: ReceiverStats) => boolean, timeoutMs: number): Promise<ReceiverStats> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const stats = await statsNow()
        if (done(stats)) return stats
        if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms: ${JSON.stringify(stats)}`)
        await Bun.sleep(100)
      }
    },
    stop: () => child.kill('SIGTERM'),
  }
}
