/**
 * HTTP load generator for the benchmarks: `connections` keep-alive connections, each sending its next
 * request as soon as the previous response is in (closed loop), for `durationMs`.
 *
 * It runs autocannon in its own Node.js process, separate from both the server (started by
 * tests/bench/run-server.ts) and the Bun process that orchestrates the benchmark, so none of them
 * share an event loop.
 *
 * Why autocannon and not a loop over Bun's fetch: on a 2-core machine the load generator and the
 * server share the CPU, so the cheaper the client, the truer the server's number. Measured against
 * /healthz, a 32-loop Bun fetch client topped out at ~31-35k req/s while autocannon (raw sockets,
 * its own HTTP parser) drove the same server to ~37-48k; on the signed-in home page (~1.2k req/s)
 * both agree. autocannon is the standard Node load tester, actively released (9.0.0, Nov 2026), and
 * has no install scripts. Its one weakness: latencies are whole milliseconds (HDR histogram of ms).
 *
 * Also a CLI: bun tests/bench/loadgen.ts http://127.0.0.1:3000/healthz [-c 32] [-d 10000] [-w 2000] [-H 'cookie: a=b']
 */
import { spawn } from 'node:child_process'
import { REPO_ROOT } from '@tests/helpers/server'

export interface MeasureOptions {
  url: string
  /** Concurrent connections, one request in flight on each. Default 32. */
  connections?: number
  /** Measured time. Default 10 s. */
  durationMs?: number
  /** Load sent first and not counted (JIT, caches, connection set-up). Default 0. */
  warmupMs?: number
  headers?: Record<string, string>
  method?: string
  body?: string
  /**
   * Paths to request in turn instead of the URL's own (varied queries, so no cache answers them all).
   * `{n}` in a path becomes the request's sequence number, for queries that must never repeat.
   */
  paths?: string[]
}

export interface MeasureResult {
  /** Responses received in the measured window (any status). */
  requests: number
  /** requests / measured seconds. */
  rps: number
  /** Latency percentiles of 2xx responses, in whole milliseconds (autocannon's resolution). */
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  /** Connection errors and timeouts, plus responses with a status >= 400. */
  errors: number
  /** e.g. { "200": 51234 }. Check it: a benchmark of a redirect to /login measures the wrong page. */
  statusCounts: Record<string, number>
  durationMs: number
  connections: number
}

// Runs under Node (autocannon's own runtime). Reads the options from stdin (a list of paths can be
// longer than argv may be), prints one JSON line.
const WORKER = `
import autocannon from 'autocannon'
let input = ''
for await (const chunk of process.stdin) input += chunk
const o = JSON.parse(input)
let next = 0
const r = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.durationMs / 1000,
  ...(o.warmupMs > 0 ? { warmup: { connections: o.connections, duration: o.warmupMs / 1000 } } : {}),
  method: o.method,
  headers: o.headers,
  ...(o.body !== undefined ? { body: o.body } : {}),
  ...(o.paths ? { requests: [{ setupRequest: (req) => ({ ...req, path: o.paths[next % o.paths.length].replace('{n}', String(next++)) }) }] } : {}),
  timeout: 10,
})
const statusCounts = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([s, v]) => [s, Number(v.count)]))
const clientErrors = Object.entries(statusCounts).filter(([s]) => Number(s) >= 400).reduce((n, [, c]) => n + c, 0)
process.stdout.write(JSON.stringify({
  requests: r.requests.total,
  rps: Math.round(r.requests.total / r.duration),
  p50Ms: r.latency.p50, p90Ms: r.latency.p90, p99Ms: r.latency.p99, maxMs: r.latency.max,
  errors: r.errors + r.timeouts + clientErrors,
  statusCounts,
  durationMs: Math.round(r.duration * 1000),
  connections: r.connections,
}) + '\\n')
`

export async function measure(options: MeasureOptions): Promise<MeasureResult> {
  const settings = {
    url: options.url,
    connections: options.connections ?? 32,
    durationMs: options.durationMs ?? 10_000,
    warmupMs: options.warmupMs ?? 0,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    body: options.body,
    paths: options.paths,
  }
  // cwd = the repo, so the worker's `import 'autocannon'` resolves from our node_modules.
  const child = spawn('node', ['--input-type=module', '-e', WORKER], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.end(JSON.stringify(settings))
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`load generator failed (exit ${code}) for ${options.url}\n${stderr.trim()}`)
  return JSON.parse(stdout.trim().split('\n').pop()!) as MeasureResult
}

/** One report line, e.g. `GET /healthz  41234 req/s  p50 0 ms  p99 2 ms  (200: 412340)`. */
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
