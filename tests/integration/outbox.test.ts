/**
 * Outboxes (issue 18, defect 2): a job that must follow a write is written with it, queued after,
 * and — when Redis could not take it — queued by the sweeper once Redis is back, exactly once.
 * Runs a redis-server of its own, which it stops and starts (tests/helpers/redis-server.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { createOutbox, type Outbox } from '@/infra/outbox'
import { createQueue, type Queue } from '@/infra/queue'
import { createRedisStore } from '@/infra/store/redis'
import type { Store } from '@/infra/store/store'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import { startOwnRedis, type OwnRedis } from '@tests/helpers/redis-server'
import { uniqueTestPrefix } from '@tests/helpers/store'

interface TestJobs {
  'test.note': { n: number }
}

const ctx = await testContext()
const db = ctx.infra.dbs.social
let redis: OwnRedis
let store: Store
let queue: Queue<TestJobs>
let outbox: Outbox<TestJobs>
const ran: number[] = []

beforeAll(async () => {
  redis = await startOwnRedis({ port: Number(process.env.NL_OWN_REDIS_PORT) || undefined })
  store = createRedisStore({ url: redis.url, keyPrefix: uniqueTestPrefix(), log: ctx.infra.log })
  queue = createQueue<TestJobs>({ store, name: 'outbox-test', log: ctx.infra.log, concurrency: 1 })
  queue.handle('test.note', async ({ n }) => void ran.push(n))
  outbox = createOutbox({ db, table: 'feed_outbox', queue, log: ctx.infra.log })
  await sql`delete from feed_outbox`.execute(db)
})

afterAll(async () => {
  await store.close()
  await redis.close()
})

/** A write and its job in one transaction, as a feature does. */
function writeWithJob(n: number) {
  return db.transaction().execute(async (trx) => {
    await sql`select ${n}`.execute(trx)
    return outbox.add(trx, 'test.note', { n })
  })
}

async function waitForRedis(): Promise<void> {
  const until = Date.now() + 10_000
  while (!(await store.ping().then(() => true, () => false))) {
    if (Date.now() > until) throw new Error('Redis did not come back')
    await Bun.sleep(50)
  }
}

describe('outbox', () => {
  test('a job Redis could not take waits in the outbox and runs once when Redis is back', async () => {
    ran.length = 0
    await redis.stop('SIGKILL')
    const entry = await writeWithJob(1)
    await outbox.send([entry]) // does not throw: the entry stays for the sweeper
    expect(await outbox.pending()).toBe(1)
    expect(await outbox.sweep()).toBe(0) // still away: nothing sent, nothing lost
    expect(await outbox.pending()).toBe(1)

    await redis.start()
    await waitForRedis()
    // The sweeper and a late second send (two instances, a retry) both try: the job is queued once.
    const [swept, again] = await Promise.all([outbox.sweep(), outbox.sweep()])
    expect(swept + again).toBeGreaterThanOrEqual(1)
    await outbox.send([entry])
    expect(await outbox.pending()).toBe(0)
    await queue.drain()
    expect(ran).toEqual([1])
  })

  test('an entry whose queueing reached Redis but was not confirmed runs once', async () => {
    ran.length = 0
    const entry = await writeWithJob(2)
    // As a command that timed out after Redis carried it out: queued, yet still in the outbox.
    expect(await queue.enqueueOnce('test.note', { n: 2 }, `outbox:feed_outbox:${entry.id}`)).toBe(true)
    expect(await outbox.pending()).toBe(1)
    expect(await outbox.sweep()).toBe(1)
    expect(await outbox.pending()).toBe(0)
    await queue.drain()
    expect(ran).toEqual([2])
  })

  test('a new post leaves nothing in the outbox and its fan-out runs once', async () => {
    const author = new TestClient(ctx)
    const { handle } = await author.signUp('outbox')
    const form = new FormData()
    form.set('body', 'Fanned out through the outbox')
    for (let slot = 1; slot <= 4; slot++) {
      form.set(`photo${slot}`, new File([], '', { type: 'application/octet-stream' }))
      form.set(`alt${slot}`, '')
    }
    expect((await author.post('/posts', form)).status).toBe(303)
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from feed_outbox`.execute(db)
    expect(rows[0]!.n).toBe(0)
    await ctx.infra.queue.drain()
    const home = await (await author.get('/')).text()
    expect(home).toContain('Fanned out through the outbox')
    expect(handle).toBeTruthy()
  })
})
