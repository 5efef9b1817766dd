/**
 * The scheduler: one run per tick across instances sharing a store (in-process store always, Redis
 * too when REDIS_URL is set). Croner's smallest step is a second, so these tests take a few seconds.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import pino from 'pino'
import type { Logger } from '@/infra/log'
import { createScheduler, type Scheduler } from '@/infra/scheduler'
import type { Store } from '@/infra/store/store'
import { makeTestStore, testStoreKinds, type TestStore } from '@tests/helpers/store'

const EVERY_SECOND = '* * * * * *'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

let testStore: TestStore
let logLines: LogLine[]
let log: Logger
let schedulers: Scheduler[]

function schedulerOn(store: Store): Scheduler {
  const scheduler = createScheduler({ store, log })
  schedulers.push(scheduler)
  return scheduler
}

beforeEach(() => {
  logLines = []
  log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) })
  schedulers = []
})
afterEach(async () => {
  await Promise.all(schedulers.map((scheduler) => scheduler.stop()))
  await testStore.close()
})

for (const kind of testStoreKinds()) {
  describe(`scheduler on the ${kind} store`, () => {
    beforeEach(() => {
      testStore = makeTestStore(kind)
    })

    test('two instances sharing the store run an every-second job exactly once per tick', async () => {
      const runs: { tick: number; instance: string }[] = []
      for (const instance of ['a', 'b']) {
        schedulerOn(testStore.store).every('heartbeat', EVERY_SECOND, () => {
          // Rounded, so a timer a few milliseconds early or late still names its own tick.
          runs.push({ tick: Math.round(Date.now() / 1000), instance })
        })
      }
      await waitUntil(() => runs.length >= 3, 5000)
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()))

      const ticks = runs.map(({ tick }) => tick)
      expect(new Set(ticks).size).toBe(ticks.length)
      expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i)) // no tick skipped either
      expect(logLines.filter(({ msg }) => msg === 'scheduled job finished')).toHaveLength(runs.length)
    })
  })
}

describe('scheduler', () => {
  beforeEach(() => {
    testStore = makeTestStore()
  })

  test('a failing run is logged with its duration, and the next tick runs again', async () => {
    let calls = 0
    schedulerOn(testStore.store).every('flaky', EVERY_SECOND, async () => {
      calls += 1
      if (calls === 1) throw new Error('database unavailable')
    })
    await waitUntil(() => calls >= 2, 3000)
    const failed = logLines.find(({ msg }) => msg === 'scheduled job failed')
    expect(failed).toMatchObject({ level: 50, job: 'flaky', err: { message: 'database unavailable' } })
    expect(failed!.ms).toBeNumber()
    expect(logLines.filter(({ msg }) => msg === 'scheduled job started').length).toBeGreaterThanOrEqual(2)
  })

  test('stop() waits for a run in progress', async () => {
    let finished = false
    const scheduler = schedulerOn(testStore.store)
    scheduler.every('slow', EVERY_SECOND, async () => {
      await sleep(200)
      finished = true
    })
    await waitUntil(() => logLines.some(({ msg }) => msg === 'scheduled job started'), 2000)
    await scheduler.stop()
    expect(finished).toBe(true)
  })

  test('a run longer than its lock keeps it, so another instance never runs the job alongside it', async () => {
    let running = 0
    let mostAtOnce = 0
    let runs = 0
    for (let instance = 0; instance < 2; instance++) {
      // The lock alone (300 ms) would lapse long before the run (1.3 s) ends and free the next tick.
      schedulerOn(testStore.store).every(
        'long',
        EVERY_SECOND,
        async () => {
          running += 1
          runs += 1
          mostAtOnce = Math.max(mostAtOnce, running)
          await sleep(1300)
          running -= 1
        },
        { lockTtlMs: 300 },
      )
    }
    await waitUntil(() => runs >= 1, 2000)
    await sleep(1500)
    expect(mostAtOnce).toBe(1)
  })
})

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(5)
  }
}
