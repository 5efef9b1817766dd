/**
 * A small closed-loop HTTP load generator for the benchmarks: `connections` loops, each sending one
 * request at a time over a keep-alive connection (Bun's fetch pools and reuses sockets), for
 * `durationMs`. Run it in a different process from the server (tests/bench/run-server.ts starts the
 * server as a child), so the two never share an event loop and the numbers mean something.
 *
 * Why not autocannon: it runs under Node, which would mean a second runtime in the bench command;
 * this is ~150 lines of our own, drives more requests per second from one core than the server
 * under test can answer, and is used the same way for every route, so ratios between routes are fair.
 *
 * Also a CLI: bun tests/bench/loadgen.ts http://127.0.0.1:3000/healthz [-c 32] [-d 10000] [-H 'cookie: a=b']
 */

export interface MeasureOptions {
  url: string
  /** Concurrent requests in flight, one per keep-alive connection. Default 32. */
  connections?: number
  /** How long to send new requests, after the warm-up. Default 10 s. */
  durationMs?: number
  /** Requests sent but not counted first (JIT, caches, connection set-up). Default 0. */
  warmupMs?: number
  headers?: Record<string, string>
  method?: string
  body?: string
}

export interface MeasureResult {
  /** Responses received within the measured window (any status). */
  requests: number
  /** requests / measured seconds. */
  rps: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  /** Requests with no response (connection refused/reset, timeout) plus responses with status >= 400. */
  errors: number
  /** e.g. { "200": 51234 }; check it: a benchmark of a redirect to /login measures the wrong page. */
  statusCounts: Record<string, number>
  durationMs: number
  connections: number
}

/** A request that takes this long past the end of the run is abandoned and counted as an error. */
const GRACE_MS = 10_000

export async function measure(options: MeasureOptions): Promise<MeasureResult> {
  const connections = options.connections ?? 32
  const durationMs = options.durationMs ?? 10_000
  const warmupMs = options.warmupMs ?? 0
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    // Measure the response we asked for, not the page a redirect leads to (and not two requests).
    redirect: 'manual',
    keepalive: true,
    ...(options.body !== undefined ? { body: options.body } : {}),
  }

  const latencies = new Samples()
  const statusCounts: Record<string, number> = {}
  let requests = 0
  let errors = 0

  const start = performance.now()
  const measureFrom = start + warmupMs
  const stopAt = measureFrom + durationMs
  // One signal for the whole run (a timer per request would cost more than the request):
  // it aborts whatever is still stuck GRACE_MS after the end.
  const abort = new AbortController()
  const graceTimer = setTimeout(() => abort.abort(), warmupMs + durationMs + GRACE_MS)
  init.signal = abort.signal

  const loop = async () => {
    while (true) {
      const sentAt = performance.now()
      if (sentAt >= stopAt) return
      let status: number | null = null
      try {
        const response = await fetch(options.url, init)
        await response.arrayBuffer() // read the whole body: that is part of the cost, and frees the socket
        status = response.status
      } catch {
        status = null
      }
      const doneAt = performance.now()
      if (sentAt < measureFrom) continue // warm-up
      requests++
      latencies.add(doneAt - sentAt)
      if (status === null) errors++
      else {
        statusCounts[status] = (statusCounts[status] ?? 0) + 1
        if (status >= 400) errors++
      }
    }
  }

  await Promise.all(Array.from({ length: connections }, loop))
  clearTimeout(graceTimer)
  // In-flight requests at stopAt finish after it; count the time they took.
  const measuredMs = Math.max(performance.now() - measureFrom, 1)
  const sorted = latencies.sorted()
  return {
    requests,
    rps: Math.round((requests / measuredMs) * 1000),
    p50Ms: round(percentile(sorted, 0.5)),
    p90Ms: round(percentile(sorted, 0.9)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.length ? sorted[sorted.length - 1]! : 0),
    errors,
    statusCounts,
    durationMs: Math.round(measuredMs),
    connections,
  }
}

/** Latencies in a growable Float64Array: a million samples cost 8 MB and sort in well under a second. */
class Samples {
  private data = new Float64Array(1 << 16)
  private length = 0
  add(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = value
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort()
  }
}

/** Nearest-rank percentile. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}

/** One line for a report, e.g. `GET /healthz  41234 req/s  p50 0.71 ms  p99 2.10 ms  (200: 412340)`. */
export function formatResult(label: string, result: MeasureResult): string {
  const statuses = Object.entries(result.statusCounts)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ')
  const errors = result.errors ? `  ${result.errors} errors` : ''
  return `${label}  ${result.rps} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  (${statuses || 'no responses'})${errors}`
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const options: MeasureOptions = { url: '', headers: {} }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const next = () => args[++i] ?? ''
    if (arg === '-c' || arg === '--connections') options.connections = Number(next())
    else if (arg === '-d' || arg === '--duration') options.durationMs = Number(next())
    else if (arg === '-w' || arg === '--warmup') options.warmupMs = Number(next())
    else if (arg === '-H' || arg === '--header') {
      const [name, ...value] = next().split(':')
      options.headers![name!.trim()] = value.join(':').trim()
    } else options.url = arg
  }
  if (!options.url) {
    console.error('usage: bun tests/bench/loadgen.ts <url> [-c connections] [-d durationMs] [-w warmupMs] [-H "name: value"]')
    process.exit(2)
  }
  console.log(JSON.stringify(await measure(options), null, 2))
}
