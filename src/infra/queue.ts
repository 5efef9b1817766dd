/**
 * A reliable job queue on the Store (docs/architecture.md, "Background work"): every accepted job runs at least
 * once, failures are retried with exponential backoff, and after `maxAttempts` a job is dead-lettered.
 * Handlers must be idempotent: a job whose worker died, or whose handler outlived the visibility
 * timeout, runs again.
 *
 * Keys for queue `name` (never given a TTL: they are durable state, not cache):
 *
 * | key                        | type       | holds                                                      |
 * | -------------------------- | ---------- | ---------------------------------------------------------- |
 * | `queue:<name>:ready`       | list       | jobs to run; enqueue pushes on the head, workers take the tail |
 * | `queue:<name>:processing`  | list       | jobs a worker has taken (LMOVE from ready)                 |
 * | `queue:<name>:leases`      | sorted set | raw job → deadline (ms) after which it is taken back       |
 * | `queue:<name>:delayed`     | sorted set | raw job → when its retry is due (ms)                       |
 * | `queue:<name>:dead`        | list       | DeadJob, newest first                                      |
 *
 * A worker LMOVEs a job ready → processing, writes its lease, runs the handler, then acks (one atomic
 * step out of processing and leases, forwarding the job to delayed or dead on failure). Every running
 * queue also recovers, on a timer: due retries go back to ready; jobs in processing without a lease
 * (a worker killed between LMOVE and the lease) get one, so they come back once it runs out like any
 * other; jobs with an expired lease count as a failed attempt. Each of these steps is atomic in the
 * Store, so any number of instances may recover at once without losing or duplicating a job.
 */
import { randomUUID } from 'node:crypto'
import { count, forgetQueue, jobDuration, jobsDone, timer, watchQueue } from '@/infra/metrics'
import type { Logger } from '@/infra/log'
import type { ScoredMember, Store } from '@/infra/store/store'

export interface Job<Payload = unknown> {
  id: string
  type: string
  payload: Payload
  /** Failed attempts so far: 0 for a new job. */
  attempts: number
  firstEnqueuedAt: number
}

/** What the dead list holds: the job as it last ran, with why it gave up. */
export interface DeadJob extends Job {
  failedAt: number
  error: string
}

export type JobHandler<Payload> = (payload: Payload, job: Job<Payload>) => Promise<void>

/**
 * Job types and their payloads, e.g. `{ 'feed.fanOut': { postId: number } }`: an interface without
 * an index signature, so a queue typed with it refuses a misspelt type or a wrong payload. The app's
 * map of every job is `Jobs` in src/jobs.ts.
 */
export type JobTypes = object

export interface QueueStats {
  ready: number
  processing: number
  delayed: number
  dead: number
}

export interface QueueOptions {
  store: Store
  name: string
  log: Logger
  /** Jobs this instance runs at once. */
  concurrency: number
  /** Runs before a job is dead-lettered. */
  maxAttempts?: number
  /** How long a taken job may stay unacknowledged before it is taken back and run again. */
  visibilityTimeoutMs?: number
  /** Milliseconds to wait before the retry that follows `attempts` failed attempts. */
  backoff?: (attempts: number) => number
  /** How often due retries and expired leases are looked for; defaults to a quarter of the visibility timeout, at most 1 s. */
  recoveryIntervalMs?: number
}

export interface Queue<Types extends JobTypes> {
  /** Accepts a job; returns its id. */
  enqueue<Type extends keyof Types & string>(type: Type, payload: Types[Type]): Promise<string>
  /** Accepts one job per payload, run in the order given; returns their ids. */
  enqueueMany<Type extends keyof Types & string>(type: Type, payloads: readonly Types[Type][]): Promise<string[]>
  /**
   * Accepts a job once per `key`, whoever asks and however often, for `ENQUEUE_ONCE_TTL_SECONDS`:
   * the job id is the key. True when this call queued it. An outbox (src/infra/outbox.ts) sends its
   * entries this way, so an entry sent after its write and again by the sweeper runs once.
   */
  enqueueOnce<Type extends keyof Types & string>(type: Type, payload: Types[Type], key: string): Promise<boolean>
  /** Registers the (idempotent) handler for a job type; a job of a type with no handler is dead-lettered. */
  handle<Type extends keyof Types & string>(type: Type, handler: JobHandler<Types[Type]>): void
  /** Starts `concurrency` workers and the recovery timer. */
  start(): void
  /**
   * Stops taking jobs and waits for those in flight. On the in-process store it first runs what is
   * ready, since nothing else would: accepted jobs are not lost on a graceful shutdown.
   */
  stop(): Promise<void>
  /**
   * Runs jobs until nothing is ready, delayed or processing, with this instance's workers, started
   * for the duration when they are not running (tests, CLI commands). Throws after `timeoutMs`.
   */
  drain(options?: { timeoutMs?: number }): Promise<void>
  stats(): Promise<QueueStats>
}

/** Five runs ride out a minute-long outage of a dependency with the default backoff (1 + 2 + 4 + 8 s … and jitter). */
const DEFAULT_MAX_ATTEMPTS = 5
/** Longer than any handler should take (a push batch of 100, an image's variants). */
const DEFAULT_VISIBILITY_TIMEOUT_MS = 60_000
/** Retries and lost jobs come back within a second, yet an idle queue costs each instance one round trip a second. */
const MAX_RECOVERY_INTERVAL_MS = 1000
/** Idle workers poll from quickly (a burst is usually followed by more) to at most this often. */
const IDLE_SLEEP_MIN_MS = 20
const IDLE_SLEEP_MAX_MS = 250
/** Keeps each Store command small; recovery loops until a batch comes back short. */
const BATCH_SIZE = 100
const DRAIN_POLL_MS = 10
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000
/** A week: far longer than an entry can wait in an outbox while Redis is away. */
export const ENQUEUE_ONCE_TTL_SECONDS = 7 * 24 * 3600

/** The Store keys of queue `name`. */
export function queueKeys(name: string) {
  const base = `queue:${name}`
  return {
    ready: `${base}:ready`,
    once: (key: string) => `${base}:once:${key}`,
    processing: `${base}:processing`,
    leases: `${base}:leases`,
    delayed: `${base}:delayed`,
    dead: `${base}:dead`,
  }
}

/**
 * Waits `baseMs × 2^(attempts − 1)` (at most `maxMs`), half of it random, so that a burst of jobs
 * failing together does not retry together.
 */
export function exponentialBackoff({ baseMs = 1000, maxMs = 10 * 60_000 } = {}): (attempts: number) => number {
  return (attempts) => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1))
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
  }
}

/**
 * Creates a queue on the Store.
 *
 * @example
 * interface FeedJobs { 'feed.fanOut': { postId: number } }
 * const feedQueue = createQueue<FeedJobs>({ store, name: 'feed', log, concurrency: config.queueConcurrency })
 * feedQueue.handle('feed.fanOut', async ({ postId }) => timelines.fanOut(postId))
 * feedQueue.start()
 * await feedQueue.enqueue('feed.fanOut', { postId: post.id })
 * // on shutdown
 * await feedQueue.stop()
 */
export function createQueue<Types extends JobTypes>(options: QueueOptions): Queue<Types> {
  const { store, name, concurrency } = options
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS
  const backoff = options.backoff ?? exponentialBackoff()
  const recoveryIntervalMs = options.recoveryIntervalMs ?? Math.min(MAX_RECOVERY_INTERVAL_MS, visibilityTimeoutMs / 4)
  const keys = queueKeys(name)
  const log = options.log.child({ queue: name })
  const handlers = new Map<string, JobHandler<unknown>>()
  const idle = idleSleepers()
  // Nothing else would ever run what the in-process store holds once this process stops.
  const runReadyBeforeStopping = store.kind === 'memory'

  let workers: Promise<void>[] = []
  let stopping = false
  let recoveryTimer: ReturnType<typeof setTimeout> | null = null
  let recoveryInFlight: Promise<void> = Promise.resolve()

  async function workLoop(): Promise<void> {
    let idleMs = IDLE_SLEEP_MIN_MS
    while (!stopping || runReadyBeforeStopping) {
      const raw = await takeNextJob()
      if (raw !== null) {
        idleMs = IDLE_SLEEP_MIN_MS
        await runJob(raw).catch((error) => log.error({ err: error }, 'the store failed while running a job; recovery will take it back'))
        continue
      }
      if (stopping) return
      await idle.sleep(idleMs)
      idleMs = Math.min(idleMs * 2, IDLE_SLEEP_MAX_MS)
    }
  }

  /** The oldest ready job, now in processing; null when there is none or the store is unreachable. */
  async function takeNextJob(): Promise<string | null> {
    try {
      return await store.lmove(keys.ready, keys.processing)
    } catch (error) {
      log.error({ err: error }, 'could not take a job from the store')
      if (!stopping) await idle.sleep(IDLE_SLEEP_MAX_MS)
      return null
    }
  }

  async function runJob(raw: string): Promise<void> {
    await store.zadd(keys.leases, [{ member: raw, score: Date.now() + visibilityTimeoutMs }])
    const job = parseJob(raw)
    const handler = handlers.get(job.type)
    if (!handler) {
      log.error({ jobId: job.id, type: job.type }, 'no handler for this job type; dead-lettered')
      await deadLetter(raw, job, `no handler for job type "${job.type}"`)
      count(jobsDone, { queue: name, type: job.type, outcome: 'dead' })
      return
    }
    const startedAt = performance.now()
    const timed = timer(jobDuration)
    try {
      await handler(job.payload, job)
    } catch (error) {
      timed({ queue: name, type: job.type })
      await retryOrDeadLetter(raw, job, error)
      return
    }
    timed({ queue: name, type: job.type })
    count(jobsDone, { queue: name, type: job.type, outcome: 'processed' })
    // False when the lease ran out and recovery already took the job back: it will run again.
    const acked = await store.lremAndForward(keys.processing, keys.leases, raw)
    log.debug({ jobId: job.id, type: job.type, ms: Math.round(performance.now() - startedAt), acked }, 'job done')
  }

  async function retryOrDeadLetter(raw: string, job: Job, error: unknown): Promise<void> {
    const attempts = job.attempts + 1
    const context = { err: error, jobId: job.id, type: job.type, attempts }
    if (attempts >= maxAttempts) {
      if (await deadLetter(raw, { ...job, attempts }, errorMessage(error))) {
        log.error(context, 'job failed for the last time; dead-lettered')
        count(jobsDone, { queue: name, type: job.type, outcome: 'dead' })
      }
      return
    }
    const retryInMs = backoff(attempts)
    const retry = JSON.stringify({ ...job, attempts })
    const moved = await store.lremAndForward(keys.processing, keys.leases, raw, {
      zset: keys.delayed,
      member: retry,
      score: Date.now() + retryInMs,
    })
    if (moved) {
      log.warn({ ...context, retryInMs }, 'job failed; will retry')
      count(jobsDone, { queue: name, type: job.type, outcome: 'failed' })
    }
  }

  /** True when the job was still in processing (not already taken back by recovery). */
  function deadLetter(raw: string, job: Job, error: string): Promise<boolean> {
    const dead: DeadJob = { ...job, failedAt: Date.now(), error }
    return store.lremAndForward(keys.processing, keys.leases, raw, { list: keys.dead, value: JSON.stringify(dead) })
  }

  async function recover(): Promise<void> {
    const now = Date.now()
    let moved = 0
    let batch: number
    do {
      batch = await store.zmoveDueToList(keys.delayed, keys.ready, now, BATCH_SIZE)
      moved += batch
    } while (batch === BATCH_SIZE)
    if (moved > 0) wakeLocalWorkers(store, name)

    await store.zaddMissingFromList(keys.leases, keys.processing, now + visibilityTimeoutMs)

    const leaseExpired = new Error(`lease expired after ${visibilityTimeoutMs} ms: the worker died or the job ran too long`)
    let expired: ScoredMember[]
    do {
      // Each settle drops the lease it handled, so the next batch starts where this one ended.
      expired = await store.zrangeUpTo(keys.leases, now, BATCH_SIZE)
      for (const { member: raw } of expired) await retryOrDeadLetter(raw, parseJob(raw), leaseExpired)
    } while (expired.length === BATCH_SIZE)
  }

  function scheduleRecovery(): void {
    recoveryTimer = setTimeout(() => {
      recoveryInFlight = recover()
        .catch((error) => log.error({ err: error }, 'queue recovery failed; will try again'))
        .then(() => {
          if (!stopping) scheduleRecovery()
        })
    }, recoveryIntervalMs)
    recoveryTimer.unref()
  }

  async function stats(): Promise<QueueStats> {
    const [ready, processing, delayed, dead] = await Promise.all([
      store.llen(keys.ready),
      store.llen(keys.processing),
      store.zcard(keys.delayed),
      store.llen(keys.dead),
    ])
    return { ready, processing, delayed, dead }
  }

  /** When the oldest ready job (the right end of the list) was first enqueued; null when none is ready. */
  async function oldestReadyEnqueuedAt(): Promise<number | null> {
    const [raw] = await store.lrange(keys.ready, -1, -1)
    return raw === undefined ? null : parseJob(raw).firstEnqueuedAt
  }

  async function enqueueMany(type: string, payloads: readonly unknown[]): Promise<string[]> {
    const firstEnqueuedAt = Date.now()
    const jobs = payloads.map((payload): Job => ({ id: randomUUID(), type, payload, attempts: 0, firstEnqueuedAt }))
    for (let i = 0; i < jobs.length; i += BATCH_SIZE) {
      await store.lpush(keys.ready, jobs.slice(i, i + BATCH_SIZE).map((job) => JSON.stringify(job)))
    }
    if (jobs.length > 0) wakeLocalWorkers(store, name)
    return jobs.map((job) => job.id)
  }

  async function enqueueOnce(type: string, payload: unknown, key: string): Promise<boolean> {
    const job: Job = { id: key, type, payload, attempts: 0, firstEnqueuedAt: Date.now() }
    const queued = await store.pushOnce(keys.once(key), ENQUEUE_ONCE_TTL_SECONDS, keys.ready, JSON.stringify(job))
    if (queued) wakeLocalWorkers(store, name)
    return queued
  }

  async function untilEmpty(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      // Recovering here, not only on the timer, runs a due retry as soon as it is due.
      await recover()
      const { ready, processing, delayed } = await stats()
      if (ready + processing + delayed === 0) return
      if (Date.now() > deadline) {
        throw new Error(`queue "${name}" did not drain in ${timeoutMs} ms (${ready} ready, ${processing} processing, ${delayed} delayed)`)
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS))
    }
  }

  const queue: Queue<Types> = {
    async enqueue(type, payload) {
      const [id] = await enqueueMany(type, [payload])
      return id!
    },

    enqueueMany,
    enqueueOnce,

    handle(type, handler) {
      // The map holds handlers of every payload type; `handle`'s signature already matched this one to its type.
      handlers.set(type, handler as JobHandler<unknown>)
      // Its series exist from the start, so dashboards and alerts never name a missing one.
      for (const outcome of ['processed', 'failed', 'dead']) count(jobsDone, { queue: name, type, outcome }, 0)
    },

    start() {
      if (workers.length > 0) return
      stopping = false
      registerLocalWorkers(store, name, idle.wakeAll)
      workers = Array.from({ length: concurrency }, () => workLoop())
      scheduleRecovery()
      watchQueue(name, { stats, oldestReadyEnqueuedAt })
      log.info({ concurrency, maxAttempts, visibilityTimeoutMs }, 'queue started')
    },

    async stop() {
      if (workers.length === 0) return
      stopping = true
      forgetQueue(name)
      if (recoveryTimer) clearTimeout(recoveryTimer)
      unregisterLocalWorkers(store, name, idle.wakeAll)
      idle.wakeAll()
      await Promise.all([...workers, recoveryInFlight])
      workers = []
      if (runReadyBeforeStopping) {
        const { delayed } = await stats()
        if (delayed > 0) log.warn({ delayed }, 'retries still waiting in memory are lost when this process exits')
      }
      log.info('queue stopped')
    },

    async drain({ timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS } = {}) {
      const startedHere = workers.length === 0
      if (startedHere) queue.start()
      try {
        await untilEmpty(timeoutMs)
      } finally {
        if (startedHere) await queue.stop()
      }
    },

    stats,
  }
  return queue
}

/** A job as stored; anything unreadable (written by hand, say) becomes a job no handler takes, so it is dead-lettered. */
function parseJob(raw: string): Job {
  try {
    // Cast: JSON.parse is untyped; the fields are checked on the next line before it is a Job.
    const job = JSON.parse(raw) as Partial<Job>
    if (typeof job.id === 'string' && typeof job.type === 'string' && typeof job.attempts === 'number') return job as Job
  } catch {
    // Falls through to the unreadable job below.
  }
  return { id: 'unreadable', type: '(unreadable job)', payload: raw, attempts: 0, firstEnqueuedAt: 0 }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Sleeps that an enqueue can cut short, so an idle worker starts on a new job at once. */
function idleSleepers() {
  const sleepers = new Set<() => void>()
  return {
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer)
          sleepers.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, ms)
        sleepers.add(wake)
      })
    },
    wakeAll(): void {
      for (const wake of [...sleepers]) wake()
    },
  }
}

/**
 * Started queues in this process, by store and name: an enqueue here wakes their idle workers at
 * once (all of them, on the in-process store). Workers in other processes find the job by polling.
 */
const localWorkers = new WeakMap<Store, Map<string, Set<() => void>>>()

function registerLocalWorkers(store: Store, name: string, wake: () => void): void {
  let byName = localWorkers.get(store)
  if (!byName) localWorkers.set(store, (byName = new Map()))
  let wakers = byName.get(name)
  if (!wakers) byName.set(name, (wakers = new Set()))
  wakers.add(wake)
}

function unregisterLocalWorkers(store: Store, name: string, wake: () => void): void {
  localWorkers.get(store)?.get(name)?.delete(wake)
}

function wakeLocalWorkers(store: Store, name: string): void {
  for (const wake of localWorkers.get(store)?.get(name) ?? []) wake()
}
