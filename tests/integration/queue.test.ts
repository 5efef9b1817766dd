/**
 * The reliable queue, on the in-process store always and on Redis when REDIS_URL is set (CI).
 * Short visibility timeouts, recovery intervals and backoffs keep each test well under a second.
 */
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import pino from 'pino'
import type { Logger } from '@/infra/log'
import { createQueue, queueKeys, type DeadJob, type QueueOptions } from '@/infra/queue'
import type { Store } from '@/infra/store/store'
import { makeTestStore, testStoreKinds, type TestStore } from '@tests/helpers/store'

type TestJobs = { note: { n: number } }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Quick enough for tests: a lost job comes back within a few tens of milliseconds. */
const FAST = { visibilityTimeoutMs: 200, recoveryIntervalMs: 20, backoff: () => 0 }

for (const kind of testStoreKinds()) {
  describe(`queue on the ${kind} store`, () => {
    let testStore: TestStore
    let store: Store
    let logLines: LogLine[]
    let log: Logger
    const started: { stop(): Promise<void> }[] = []

    beforeEach(() => {
      testStore = makeTestStore(kind)
      store = testStore.store
      ;({ log, lines: logLines } = capturedLog())
    })
    afterEach(async () => {
      await Promise.all(started.splice(0).map((queue) => queue.stop()))
      await testStore.close()
    })

    function queueFor(options: Partial<QueueOptions> = {}) {
      const queue = createQueue<TestJobs>({ store, name: 'test', log, concurrency: 1, ...FAST, ...options })
      started.push(queue)
      return queue
    }

    test('jobs run oldest first', async () => {
      const queue = queueFor()
      const ran: number[] = []
      queue.handle('note', async ({ n }) => void ran.push(n))
      await queue.enqueue('note', { n: 1 })
      await queue.enqueueMany('note', [{ n: 2 }, { n: 3 }, { n: 4 }])
      await queue.enqueue('note', { n: 5 })
      queue.start()
      await queue.drain()
      expect(ran).toEqual([1, 2, 3, 4, 5])
      expect(await queue.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 0 })
    })

    test('drain() runs the jobs of a queue nobody started, and leaves it stopped', async () => {
      const queue = queueFor()
      const ran: number[] = []
      queue.handle('note', async ({ n }) => void ran.push(n))
      await queue.enqueueMany('note', [{ n: 1 }, { n: 2 }])
      await queue.drain()
      expect(ran).toEqual([1, 2])
      await queue.enqueue('note', { n: 3 })
      await sleep(50)
      expect(ran).toEqual([1, 2])
      expect(await queue.stats()).toEqual({ ready: 1, processing: 0, delayed: 0, dead: 0 })
    })

    test('a failing job is retried after growing delays, then dead-lettered with its error and a log line', async () => {
      const queue = queueFor({ maxAttempts: 3, backoff: (attempts) => 40 * 2 ** (attempts - 1) })
      const runs: { at: number; attempts: number }[] = []
      queue.handle('note', async (_payload, job) => {
        runs.push({ at: Date.now(), attempts: job.attempts })
        throw new Error('the push service said no')
      })
      const id = await queue.enqueue('note', { n: 1 })
      queue.start()
      await queue.drain()

      expect(runs.map(({ attempts }) => attempts)).toEqual([0, 1, 2])
      expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(40)
      expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(80)
      expect(await queue.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 1 })
      const [dead] = (await store.lrange(queueKeys('test').dead, 0, -1)).map((raw) => JSON.parse(raw) as DeadJob)
      expect(dead).toMatchObject({ id, type: 'note', payload: { n: 1 }, attempts: 3, error: 'the push service said no' })
      expect(logLines.filter(({ msg }) => msg === 'job failed; will retry')).toHaveLength(2)
      expect(logLines.find(({ msg }) => msg === 'job failed for the last time; dead-lettered')).toMatchObject({
        level: 50,
        jobId: id,
        err: { message: 'the push service said no' },
      })
    })

    test('a job that fails once and then succeeds completes and is not dead-lettered', async () => {
      const queue = queueFor()
      let calls = 0
      queue.handle('note', async () => {
        calls += 1
        if (calls === 1) throw new Error('flaky')
      })
      await queue.enqueue('note', { n: 1 })
      queue.start()
      await queue.drain()
      expect(calls).toBe(2)
      expect(await queue.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 0 })
    })

    test('a job that outlives its lease runs again, and the late ack of the first run changes nothing', async () => {
      const queue = queueFor({ concurrency: 2, visibilityTimeoutMs: 60 })
      let calls = 0
      let firstRunDone!: () => void
      const firstRunFinished = new Promise<void>((resolve) => (firstRunDone = resolve))
      queue.handle('note', async () => {
        calls += 1
        if (calls > 1) return
        await sleep(250)
        firstRunDone()
      })
      await queue.enqueue('note', { n: 1 })
      queue.start()
      await queue.drain()
      await firstRunFinished
      await sleep(20)
      expect(calls).toBe(2)
      expect(await queue.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 0 })
      expect(await store.zcard(queueKeys('test').leases)).toBe(0)
    })

    test('never runs more jobs at once than its concurrency', async () => {
      const queue = queueFor({ concurrency: 3 })
      let running = 0
      let mostAtOnce = 0
      queue.handle('note', async () => {
        running += 1
        mostAtOnce = Math.max(mostAtOnce, running)
        await sleep(15)
        running -= 1
      })
      await queue.enqueueMany('note', Array.from({ length: 12 }, (_, n) => ({ n })))
      queue.start()
      await queue.drain()
      expect(mostAtOnce).toBe(3)
    })

    test('stop() waits for the jobs in flight to finish', async () => {
      const queue = queueFor({ concurrency: 2 })
      const begun: number[] = []
      const finished: number[] = []
      queue.handle('note', async ({ n }) => {
        begun.push(n)
        await sleep(100)
        finished.push(n)
      })
      await queue.enqueueMany('note', [{ n: 1 }, { n: 2 }])
      queue.start()
      await waitUntil(() => begun.length === 2)
      await queue.stop()
      expect(finished.sort()).toEqual([1, 2])
      expect((await queue.stats()).processing).toBe(0)
    })

    if (kind === 'memory') {
      test('stopping the in-process queue first runs every job it has accepted', async () => {
        const queue = queueFor()
        const ran: number[] = []
        queue.handle('note', async ({ n }) => {
          await sleep(5)
          ran.push(n)
        })
        await queue.enqueueMany('note', [1, 2, 3, 4, 5].map((n) => ({ n })))
        queue.start()
        await queue.stop()
        expect(ran).toEqual([1, 2, 3, 4, 5])
        expect(await queue.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 0 })
      })
    } else {
      test('stopping leaves jobs not yet taken in Redis for another instance', async () => {
        const queue = queueFor()
        const ran: number[] = []
        queue.handle('note', async ({ n }) => {
          await sleep(50)
          ran.push(n)
        })
        await queue.enqueueMany('note', [1, 2, 3].map((n) => ({ n })))
        queue.start()
        await waitUntil(async () => (await queue.stats()).processing === 1)
        await queue.stop()
        expect(ran).toEqual([1])
        expect(await queue.stats()).toEqual({ ready: 2, processing: 0, delayed: 0, dead: 0 })
      })
    }

    test('a job of a type nobody handles is dead-lettered at once, with a log line', async () => {
      const queue = createQueue<{ 'matching.score': { reportId: string } }>({ store, name: 'test', log, concurrency: 1, ...FAST })
      started.push(queue)
      const id = await queue.enqueue('matching.score', { reportId: 'r1' })
      queue.start()
      await queue.drain()
      expect(await queue.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 1 })
      const [dead] = (await store.lrange(queueKeys('test').dead, 0, -1)).map((raw) => JSON.parse(raw) as DeadJob)
      expect(dead).toMatchObject({ id, attempts: 0, error: 'no handler for job type "matching.score"' })
      expect(logLines.find(({ msg }) => msg === 'no handler for this job type; dead-lettered')).toMatchObject({ level: 50, jobId: id })
    })

    test('an idle worker starts a job enqueued in this process at once, not after its next poll', async () => {
      const worker = queueFor()
      let ranAt = 0
      worker.handle('note', async () => void (ranAt = Date.now()))
      worker.start()
      await sleep(400) // long enough for the idle poll to have backed off to its longest sleep
      const producer = createQueue<TestJobs>({ store, name: 'test', log, concurrency: 1 })
      const enqueuedAt = Date.now()
      await producer.enqueue('note', { n: 1 })
      await waitUntil(() => ranAt > 0)
      expect(ranAt - enqueuedAt).toBeLessThan(100)
    })

    test('a job whose worker died between taking it and writing its lease runs once the visibility timeout has passed', async () => {
      const queue = queueFor()
      const ranAt: number[] = []
      queue.handle('note', async () => void ranAt.push(Date.now()))
      const id = await queue.enqueue('note', { n: 1 })
      // Exactly what a worker does before it writes the lease; it "dies" here.
      const keys = queueKeys('test')
      expect(JSON.parse((await store.lmove(keys.ready, keys.processing))!).id).toBe(id)
      const takenAt = Date.now()

      queue.start()
      await queue.drain()
      expect(ranAt).toHaveLength(1)
      // Not sooner: a live worker may be just about to write its lease.
      expect(ranAt[0]! - takenAt).toBeGreaterThanOrEqual(FAST.visibilityTimeoutMs)
      expect(await queue.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 0 })
    })
  })
}

describe.skipIf(!process.env.REDIS_URL)('a worker process killed mid-job (Redis only: needs REDIS_URL and a second process)', () => {
  const CHILD_SCRIPT = path.join(import.meta.dir, '../helpers/queue-worker-child.ts')
  const CHILD_CONCURRENCY = 2
  /** The child's leases last this long; it is killed well before, so only a fresh worker can take them back. */
  const CHILD_VISIBILITY_TIMEOUT_MS = 1000

  test('every job completes at least once and none is lost', async () => {
    const { store, prefix, close } = makeTestStore('redis')
    const { log } = capturedLog()
    const name = 'killed'
    try {
      const producer = createQueue<TestJobs>({ store, name, log, concurrency: 1 })
      const ids = await producer.enqueueMany('note', [1, 2, 3, 4, 5].map((n) => ({ n })))
      const child = Bun.spawn([process.execPath, CHILD_SCRIPT], {
        cwd: path.join(import.meta.dir, '../..'),
        env: {
          ...process.env,
          QUEUE_KEY_PREFIX: prefix!,
          QUEUE_NAME: name,
          QUEUE_CONCURRENCY: String(CHILD_CONCURRENCY),
          VISIBILITY_TIMEOUT_MS: String(CHILD_VISIBILITY_TIMEOUT_MS),
        },
        stdout: 'inherit',
        stderr: 'inherit',
      })
      await waitUntil(async () => (await store.llen(`started:${name}`)) === CHILD_CONCURRENCY, 10_000)
      child.kill('SIGKILL')
      await child.exited
      const startedInChild = await store.lrange(`started:${name}`, 0, -1)
      expect(await producer.stats()).toMatchObject({ ready: ids.length - CHILD_CONCURRENCY, processing: CHILD_CONCURRENCY })

      const completed = new Map<string, number>()
      const worker = createQueue<TestJobs>({ store, name, log, concurrency: 2, ...FAST })
      worker.handle('note', async (_payload, job) => void completed.set(job.id, (completed.get(job.id) ?? 0) + 1))
      worker.start()
      await worker.drain()
      await worker.stop()

      expect([...completed.keys()].sort()).toEqual([...ids].sort())
      for (const id of startedInChild) expect(completed.get(id)).toBe(1)
      expect(await worker.stats()).toEqual({ ready: 0, processing: 0, delayed: 0, dead: 0 })
    } finally {
      await close()
    }
  })
})

interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** A pino logger whose lines the test can read. */
function capturedLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) })
  return { log, lines }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(5)
  }
}
