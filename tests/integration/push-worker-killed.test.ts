/**
 * A sender killed mid-batch (SIGKILL, no goodbye) loses no alert: after another worker takes the
 * batch back, every subscriber has it, and the only duplicates are the sends that were in flight at
 * the kill — each with the same Topic as the first, so the push service replaces one with the other.
 * Needs PostgreSQL and Redis: the child process shares the test run's databases and queue.
 */
import path from 'node:path'
import { afterAll, describe, expect, test } from 'bun:test'
import { registerJobHandlers } from '@/background'
import { createQueue } from '@/infra/queue'
import type { Jobs } from '@/jobs'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import { startPushService } from '@tests/helpers/push-service'
import { testCertificate } from '@tests/helpers/tls'

const CHILD_SCRIPT = path.join(import.meta.dir, '../helpers/push-worker-child.ts')
const SUBSCRIBERS = 30
/** Sends in flight in the child: at most this many can be duplicated. */
const CHILD_CONCURRENCY = 4
/** The child's lease on a job; the fresh worker takes the batch back once it runs out. */
const CHILD_VISIBILITY_TIMEOUT_MS = 1500
const SPOT = { lat: 64.1466, lng: -21.9426 } // Reykjavík: no other test reports cats there

const services = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL)

describe.skipIf(!services)('a push worker killed mid-batch (needs DATABASE_URL and REDIS_URL: a second process)', () => {
  test('after a restart every subscriber got the alert; duplicates only for the sends in flight, with the same Topic', async () => {
    const ctx = await testContext()
    const push = await startPushService({ vapidPublicKey: ctx.config.vapid!.publicKey, delayMs: 300 })
    afterAll(() => push.stop())

    const browsers = new Map<string, string>()
    for (let n = 0; n < SUBSCRIBERS; n++) {
      const browser = new TestClient(ctx)
      const { handle } = await browser.signUp('killed')
      const home = { lat: (SPOT.lat + (n - SUBSCRIBERS / 2) * 0.0005).toFixed(7), lng: SPOT.lng.toFixed(7) }
      expect((await browser.post('/settings/alert-area', { ...home, radius_km: '5' })).status).toBe(303)
      const { id, subscription } = await push.subscribe()
      expect((await browser.postJson('/push/subscribe', subscription)).status).toBe(201)
      browsers.set(id, (await ctx.services.accounts.findByHandle(handle))!.id)
    }
    const reporter = new TestClient(ctx)
    const { handle } = await reporter.signUp('reporter')
    const reporterId = (await ctx.services.accounts.findByHandle(handle))!.id

    const child = Bun.spawn([process.execPath, CHILD_SCRIPT], {
      cwd: path.join(import.meta.dir, '../..'),
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(ctx.config.databaseUrls!).map(([domain, url]) => [`${domain.toUpperCase()}_DATABASE_URL`, url])),
        REDIS_KEY_PREFIX: ctx.config.redisKeyPrefix,
        PUBLIC_URL: ctx.config.publicUrl.origin,
        VAPID_PUBLIC_KEY: ctx.config.vapid!.publicKey,
        VAPID_PRIVATE_KEY: ctx.config.vapid!.privateKey,
        VAPID_SUBJECT: ctx.config.vapid!.subject,
        PUSH_SERVICE_HOSTS: ctx.config.push.serviceHosts.join(','),
        PUSH_CONCURRENCY: String(CHILD_CONCURRENCY),
        PUSH_TEST_CA: testCertificate().cert,
        VISIBILITY_TIMEOUT_MS: String(CHILD_VISIBILITY_TIMEOUT_MS),
        LOG_LEVEL: 'silent',
      },
      stdout: 'inherit',
      stderr: 'inherit',
    })
    let killed = false
    try {
      const saved = await ctx.services.finder.reports.create(reporterId, lostCat(), { files: [], alt: '' })
      if (!saved.ok) throw new Error('could not report')
      const topic = saved.value.replaceAll('-', '')

      // Mid-batch: some pushes answered, some on their way (the push service holds each for 300 ms).
      await waitUntil(() => push.received.length >= 10, 20_000)
      child.kill('SIGKILL')
      await child.exited
      killed = true
      const beforeKill = push.received.length
      expect(beforeKill).toBeLessThan(SUBSCRIBERS)

      push.setDelay(0)
      const worker = createQueue<Jobs>({ store: ctx.infra.store, name: 'main', log: ctx.infra.log, concurrency: 2, visibilityTimeoutMs: 5000, recoveryIntervalMs: 50, backoff: () => 0 })
      registerJobHandlers(worker, ctx.services)
      await worker.drain({ timeoutMs: 30_000 })

      for (const browserId of browsers.keys()) expect(push.receivedBy(browserId).length).toBeGreaterThanOrEqual(1)
      const duplicated = [...browsers.keys()].filter((browserId) => push.receivedBy(browserId).length > 1)
      // The kill came while pushes were held at the push service: at least one was in flight.
      expect(duplicated.length).toBeGreaterThanOrEqual(1)
      expect(duplicated.length).toBeLessThanOrEqual(CHILD_CONCURRENCY)
      expect(push.received.length).toBe(SUBSCRIBERS + duplicated.length)
      for (const browserId of duplicated) {
        // A duplicate was on its way when the child died: it reached the push service before the kill.
        expect(push.receivedBy(browserId)[0]!.at).toBeLessThanOrEqual(push.received[beforeKill - 1]!.at)
      }
      expect(new Set(push.received.map((received) => received.topic))).toEqual(new Set([topic]))
      // The in-app list has the alert once for everyone, whichever run inserted it.
      for (const userId of browsers.values()) {
        const alerts = await ctx.infra.dbs.accounts.selectFrom('notifications').select('id').where('user_id', '=', userId).where('kind', '=', 'finder.alert').execute()
        expect(alerts).toHaveLength(1)
      }
    } finally {
      if (!killed) child.kill('SIGKILL')
    }
  }, 90_000)
})

function lostCat() {
  return {
    kind: 'lost', foundState: '', name: 'Snorri', colours: ['grey'], pattern: 'solid', breed: '', sex: '', neutered: '', ageBand: '',
    microchipped: '', microchipNumber: '', collar: '', collarNote: '', lastSeenAt: new Date(Date.now() - 3600_000).toISOString().slice(0, 16),
    timezoneOffset: '0', description: '', reward: '', place: { town: '', lat: String(SPOT.lat), lng: String(SPOT.lng) },
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await Bun.sleep(5)
  }
}
