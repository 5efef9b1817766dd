/**
 * Prometheus metrics (prom-client), one registry per process. Code that counts or times something
 * imports the metric it needs from here and records into it; `/metrics` (src/http/metrics.ts) shows
 * them. The list, with what each is for, is in docs/operations.md.
 *
 * Labels are bounded sets: a route *pattern* (never a path), a status class, a data domain and a
 * query's kind and table (never its SQL), a Store command, a cache's name, a job type, a push
 * service's host. With METRICS=off (`disableMetrics`) nothing records: the benchmarks measure what
 * the metrics cost by comparing the two.
 */
import client from 'prom-client'

export const registry = new client.Registry()

let enabled = true

/** METRICS=off: every recording below becomes a no-op, and the process series are not collected. */
export function disableMetrics(): void {
  enabled = false
}

export function metricsEnabled(): boolean {
  return enabled
}

/**
 * Event-loop lag, heap, RSS, CPU and open files. Bun has no GC events, so that series is left out,
 * and so are the lag's min, max, mean and deviation, which read 9.2e9 or NaN while empty.
 */
export function collectProcessMetrics(): void {
  if (!enabled) return
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 })
  for (const name of ['gc_duration_seconds', 'eventloop_lag_min_seconds', 'eventloop_lag_max_seconds', 'eventloop_lag_mean_seconds', 'eventloop_lag_stddev_seconds']) {
    registry.removeSingleMetric(`nodejs_${name}`)
  }
}

// Seconds: from 1 ms (a cached page) to 10 s (a slow upload).
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
// A Store command or a query: from 0.1 ms (a near copy, an in-process store) to 1 s.
const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

new client.Gauge({
  name: 'server_processes',
  help: 'Server processes whose metrics this scrape holds (WEB_PROCESSES when all answered).',
  registers: [registry],
  aggregator: 'sum',
  collect() {
    this.set(1)
  },
})

// ---- HTTP ---------------------------------------------------------------------------------------

export const httpRequestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from receiving a request to handing over its response, by route pattern and status class.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
})

export const httpRequestsInFlight = new client.Gauge({
  name: 'http_requests_in_flight',
  help: 'Requests received and not yet answered.',
  registers: [registry],
})

export const httpResponseBytes = new client.Counter({
  name: 'http_response_bytes_total',
  help: 'Bytes of response bodies whose size is known when sent (not streamed ones), by route pattern.',
  labelNames: ['route'] as const,
  registers: [registry],
})

// ---- Databases ----------------------------------------------------------------------------------

export const dbQueryDuration = new client.Histogram({
  name: 'db_query_duration_seconds',
  help: 'Time from building a query to its result, waiting for a connection included, by data domain and query (kind and table).',
  labelNames: ['domain', 'query'] as const,
  buckets: FAST_BUCKETS,
  registers: [registry],
})

/** Pools to read at each scrape: the domains that share one, and the pool. */
const pools = new Map<string, { waitingCount: number; totalCount: number; idleCount: number }>()

/** Counts `pool`'s waiting clients at each scrape, under the domains that share it ("accounts+social"). */
export function watchPool(domains: string, pool: { waitingCount: number; totalCount: number; idleCount: number }): void {
  pools.set(domains, pool)
}

/** Stops counting `pool` (closed), unless another has taken its name since. */
export function forgetPool(pool: object): void {
  for (const [name, watched] of pools) if (watched === pool) pools.delete(name)
}

new client.Gauge({
  name: 'db_pool_waiting',
  help: 'Queries waiting for a connection, per pool (named by the data domains that share it).',
  labelNames: ['pool'] as const,
  registers: [registry],
  collect() {
    this.reset()
    for (const [name, pool] of pools) this.set({ pool: name }, pool.waitingCount)
  },
})

new client.Gauge({
  name: 'db_pool_connections',
  help: 'Open connections per pool, by state (idle or busy).',
  labelNames: ['pool', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset()
    for (const [name, pool] of pools) {
      this.set({ pool: name, state: 'idle' }, pool.idleCount)
      this.set({ pool: name, state: 'busy' }, pool.totalCount - pool.idleCount)
    }
  },
})

// ---- Store and caches ---------------------------------------------------------------------------

export const storeCommandDuration = new client.Histogram({
  name: 'store_command_duration_seconds',
  help: 'Time of each Store command (Redis or the in-process store), timed at the Store interface, by command and outcome.',
  labelNames: ['command', 'outcome'] as const,
  buckets: FAST_BUCKETS,
  registers: [registry],
})

export const cacheLookups = new client.Counter({
  name: 'cache_lookups_total',
  help: 'Look-ups in each cache of docs/caching.md, by cache name and result (hit or miss).',
  labelNames: ['cache', 'result'] as const,
  registers: [registry],
})

/**
 * The counter of one cache: `counted(true)` for a hit, `counted(false)` for a miss, `n` look-ups at
 * once. Its two series exist from the start (at 0), so a dashboard never names a missing one.
 */
export function cacheCounter(cache: string): (hit: boolean, n?: number) => void {
  const hits = cacheLookups.labels({ cache, result: 'hit' })
  const misses = cacheLookups.labels({ cache, result: 'miss' })
  hits.inc(0)
  misses.inc(0)
  return (hit, n = 1) => {
    if (enabled && n > 0) (hit ? hits : misses).inc(n)
  }
}

/** `value`, counted by `counted` as a hit when it is not null. */
export async function countedLookup<T>(counted: (hit: boolean) => void, value: Promise<T | null>): Promise<T | null> {
  const found = await value
  counted(found !== null)
  return found
}

// ---- Queue and scheduler ------------------------------------------------------------------------

export const jobsDone = new client.Counter({
  name: 'queue_jobs_total',
  help: 'Jobs run, by queue, job type and outcome: processed, failed (will retry) or dead (dead-lettered).',
  labelNames: ['queue', 'type', 'outcome'] as const,
  registers: [registry],
})

export const jobDuration = new client.Histogram({
  name: 'queue_job_duration_seconds',
  help: 'Time a job handler ran, by queue and job type.',
  labelNames: ['queue', 'type'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
})

/** What a queue tells at each scrape: its lengths, and when its oldest ready job was first enqueued. */
export interface WatchedQueue {
  stats(): Promise<{ ready: number; processing: number; delayed: number; dead: number }>
  oldestReadyEnqueuedAt(): Promise<number | null>
}

const queues = new Map<string, WatchedQueue>()

export function watchQueue(name: string, queue: WatchedQueue): void {
  queues.set(name, queue)
}

export function forgetQueue(name: string): void {
  queues.delete(name)
}

new client.Gauge({
  name: 'queue_jobs',
  help: 'Jobs in each queue, by state: ready, processing, delayed (a retry waiting) or dead.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset()
    for (const [name, queue] of queues) {
      const stats = await queue.stats().catch(() => null)
      if (!stats) continue
      for (const [state, count] of Object.entries(stats)) this.set({ queue: name, state }, count)
    }
  },
})

new client.Gauge({
  name: 'queue_oldest_ready_job_age_seconds',
  help: 'How long the oldest ready job has waited since first enqueued (0 when none waits).',
  labelNames: ['queue'] as const,
  registers: [registry],
  aggregator: 'max',
  async collect() {
    this.reset()
    for (const [name, queue] of queues) {
      const at = await queue.oldestReadyEnqueuedAt().catch(() => undefined)
      if (at === undefined) continue
      this.set({ queue: name }, at === null ? 0 : Math.max(0, (Date.now() - at) / 1000))
    }
  },
})

export const scheduledRuns = new client.Counter({
  name: 'scheduled_job_runs_total',
  help: 'Runs of each scheduled job on this instance, by outcome (ok or failed).',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
})

export const scheduledDuration = new client.Histogram({
  name: 'scheduled_job_duration_seconds',
  help: 'Time each scheduled job ran.',
  labelNames: ['job'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
  registers: [registry],
})

// ---- Pushes and media ---------------------------------------------------------------------------

export const pushes = new client.Counter({
  name: 'push_messages_total',
  help: 'Web pushes sent, by push service host and outcome: accepted, failed, or gone (the subscription has expired).',
  labelNames: ['host', 'outcome'] as const,
  registers: [registry],
})

export const mediaProcessing = new client.Histogram({
  name: 'media_processing_duration_seconds',
  help: 'Time to decode, check and encode the sizes of one uploaded photo, by outcome.',
  labelNames: ['outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
  registers: [registry],
})

mediaProcessing.zero({ outcome: 'ok' })

/** Starts a timer that, ended, observes seconds into `histogram` — or nothing with metrics off. */
export function timer<L extends string>(histogram: client.Histogram<L>): (labels: Partial<Record<L, string>>) => void {
  if (!enabled) return () => {}
  const startedAt = performance.now()
  return (labels) => histogram.observe(labels, (performance.now() - startedAt) / 1000)
}

/** `counter.inc(labels)`, or nothing with metrics off. */
export function count<L extends string>(counter: client.Counter<L>, labels: Partial<Record<L, string>>, by = 1): void {
  if (enabled) counter.inc(labels, by)
}
