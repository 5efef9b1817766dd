/**
 * Scheduled jobs (docs/architecture.md, "Background work"): croner fires each job on every instance, and the
 * Store lock `lock:schedule:<name>` lets one instance run each tick.
 *
 * The lock is held for a bit less than the interval between ticks and is not released when a run
 * ends early: released, it would let an instance whose timer fires a little late take the same tick
 * again. While a run lasts longer than half the lock it keeps extending it, so a slow run never has
 * a twin on another instance; when it ends, the lock goes back to covering only its own tick.
 */
import { Cron } from 'croner'
import type { Logger } from '@/infra/log'
import { count, scheduledDuration, scheduledRuns, timer } from '@/infra/metrics'
import type { Store } from '@/infra/store/store'

export interface Scheduler {
  /**
   * Runs `run` on the croner `pattern` (six fields when seconds matter) on one instance per tick.
   *
   * @example
   * scheduler.every('trending.refresh', '0 *\/15 * * * *', () => trending.refresh())
   */
  every(name: string, pattern: string, run: () => Promise<void> | void, options?: { lockTtlMs?: number }): void
  /** Stops firing and waits for runs in progress. */
  stop(): Promise<void>
}

/**
 * "A bit under the interval": a late timer on another instance (up to a tenth of the interval, far
 * more than clock skew between servers) still finds the tick taken, and the next tick finds it free.
 */
const LOCK_SHARE_OF_INTERVAL = 0.9

interface ScheduledJob {
  name: string
  run: () => Promise<void> | void
  lockKey: string
  lockTtlMs: number
}

export function createScheduler({ store, log }: { store: Store; log: Logger }): Scheduler {
  const crons: Cron[] = []
  const runs = new Set<Promise<void>>()
  const names = new Set<string>()

  async function runTick(job: ScheduledJob): Promise<void> {
    const token = await store.acquireLock(job.lockKey, job.lockTtlMs)
    if (!token) return // another instance has this tick
    const tickEndsAt = Date.now() + job.lockTtlMs
    let extended = false
    const heartbeat = setInterval(() => {
      extended = true
      store.extendLock(job.lockKey, token, job.lockTtlMs).catch((error) => log.error({ err: error, job: job.name }, 'could not extend a schedule lock'))
    }, job.lockTtlMs / 2)
    const startedAt = performance.now()
    const timed = timer(scheduledDuration)
    log.info({ job: job.name }, 'scheduled job started')
    try {
      await job.run()
      log.info({ job: job.name, ms: Math.round(performance.now() - startedAt) }, 'scheduled job finished')
      count(scheduledRuns, { job: job.name, outcome: 'ok' })
    } catch (error) {
      log.error({ err: error, job: job.name, ms: Math.round(performance.now() - startedAt) }, 'scheduled job failed')
      count(scheduledRuns, { job: job.name, outcome: 'failed' })
    } finally {
      timed({ job: job.name })
      clearInterval(heartbeat)
      if (extended) await lockOnlyUntil(job, token, tickEndsAt)
    }
  }

  /** After extensions, the lock goes back to ending with its tick, or is released if the tick is over. */
  async function lockOnlyUntil(job: ScheduledJob, token: string, tickEndsAt: number): Promise<void> {
    const remainingMs = tickEndsAt - Date.now()
    if (remainingMs > 0) await store.extendLock(job.lockKey, token, remainingMs)
    else await store.releaseLock(job.lockKey, token)
  }

  function track(job: ScheduledJob): Promise<void> {
    const run = runTick(job).catch((error) => log.error({ err: error, job: job.name }, 'scheduled job skipped: the store failed'))
    runs.add(run)
    void run.finally(() => runs.delete(run))
    return run
  }

  return {
    every(name, pattern, run, options = {}) {
      if (names.has(name)) throw new Error(`a scheduled job named "${name}" already exists`)
      names.add(name)
      for (const outcome of ['ok', 'failed']) count(scheduledRuns, { job: name, outcome }, 0)
      const job: ScheduledJob = {
        name,
        run,
        lockKey: `lock:schedule:${name}`,
        lockTtlMs: options.lockTtlMs ?? Math.floor(shortestGapMs(pattern) * LOCK_SHARE_OF_INTERVAL),
      }
      // protect: an instance never overlaps its own previous run of the same job.
      crons.push(new Cron(pattern, { protect: true }, () => track(job)))
      log.info({ job: name, pattern, lockTtlMs: job.lockTtlMs }, 'scheduled job registered')
    },

    async stop() {
      for (const cron of crons.splice(0)) cron.stop()
      await Promise.all(runs)
    },
  }
}

/** Enough upcoming ticks to see a pattern's uneven gaps (a list of hours, weekdays only). */
const TICKS_SAMPLED = 24

/** The shortest gap between upcoming ticks: the interval the lock must stay under, or it would swallow a tick. */
function shortestGapMs(pattern: string): number {
  const ticks = new Cron(pattern).nextRuns(TICKS_SAMPLED).map((tick) => tick.getTime())
  if (ticks.length < 2) throw new Error(`the schedule "${pattern}" does not repeat`)
  return Math.min(...ticks.slice(1).map((tick, i) => tick - ticks[i]!))
}
