/**
 * Starting the app for a benchmark: the real server in its own process (tests/helpers/server.ts),
 * production settings, its log written to a file instead of a pipe, plus the two things every
 * benchmark here needs: a signed-in session cookie, and cold/warm start-up times.
 *
 * Also a CLI for trying things by hand (prints the URL and a session cookie, stops on Ctrl-C):
 *   bun tests/bench/run-server.ts
 *   bun tests/bench/loadgen.ts http://127.0.0.1:PORT/ -H 'cookie: nl_session=…'
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { startServer, type RunningServer, type StartServerOptions } from '@tests/helpers/server'

export type { RunningServer }

/**
 * Server processes for a latency benchmark: one per core but one. The load generator, Redis and
 * PostgreSQL share this machine; with a server process on every core all of them contend for the
 * cores, and the scheduler's time slices land in the latency tail (on 2 cores, the cold home feed:
 * p99 24–38 ms with two processes, 15–23 ms with one, in the same hour). Benchmarks also measure
 * their main page with a process on every core, production's setting on a machine of its own.
 */
export const SERVER_PROCESSES = Math.max(1, availableParallelism() - 1)

/**
 * Set by `npm run bench -- --tree DIR`: every app server a benchmark starts runs from that checkout
 * (its src, node_modules and package.json), while the data sets, the load generator and the floor
 * stay this checkout's, so two commits are measured the same way.
 */
export const APP_TREE_ENV = 'NL_BENCH_APP_TREE'
/** Set by the runner's `--metrics-off`: the servers run with METRICS=off. Otherwise metrics are on, as in production. */
export const METRICS_OFF_ENV = 'NL_BENCH_METRICS_OFF'

export interface BenchServerOptions {
  /** Reuse a DATA_DIR (kept afterwards), e.g. for a warm start. */
  dataDir?: string
  env?: Record<string, string | undefined>
  /** Run against the caller's DATABASE_URL/REDIS_URL instead of embedded mode. */
  inheritServices?: boolean
}

/**
 * The server's log goes to a file, not a pipe, so neither process pays for shipping it; a failed
 * start still shows its tail (startServer reads it back). At tens of thousands of requests a second
 * the access log grows by megabytes a second, so the file is deleted when the server stops.
 */
export async function startBenchServer(options: BenchServerOptions = {}): Promise<RunningServer> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'nl-bench-log-'))
  const server: StartServerOptions = {
    output: { file: path.join(logDir, 'server.log') },
    // An embedded cold start (PGlite's cluster and every migration) took over a minute on this
    // 2-core machine while others' test suites ran on it.
    timeoutMs: 180_000,
    env: {
      // Measure what production runs: production error handling and checks, info logs (with the
      // access log line per request, which is part of a request's real cost).
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      // One benchmark client signs up from one address; never let the limiter shape the numbers.
      AUTH_RATE_LIMIT: '100000',
      METRICS: process.env[METRICS_OFF_ENV] ? 'off' : 'on',
      ...options.env,
    },
  }
  if (options.dataDir) server.dataDir = options.dataDir
  const tree = process.env[APP_TREE_ENV]
  if (tree) server.tree = tree
  if (options.inheritServices) server.inheritServices = true
  const removeLog = () => rmSync(logDir, { recursive: true, force: true })
  try {
    const running = await startServer(server)
    return { ...running, stop: () => running.stop().finally(removeLog) }
  } catch (error) {
    removeLog()
    throw error
  }
}

/**
 * User + system CPU the server and the processes it started (`WEB_PROCESSES`) have used so far, in
 * ms, from /proc/<pid>/stat (in clock ticks): steadier than latency on a shared machine.
 */
export function serverCpuMs(pid: number): number {
  let ticks = 0
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis don't:
    // ppid is the 2nd of them, utime and stime the 12th and 13th.
    const fields = statOf(entry)?.split(') ')[1]?.split(' ')
    if (fields && (Number(entry) === pid || Number(fields[1]) === pid)) ticks += Number(fields[11]) + Number(fields[12])
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100

/** A process's /proc stat line, or null when it has gone meanwhile. */
function statOf(pid: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
}

/**
 * Signs up a fresh user through the real form POST and returns the Cookie header value of its
 * session (e.g. `nl_session=…`), to send with requests to signed-in pages.
 */
export async function signedInCookie(server: RunningServer): Promise<string> {
  const handle = `bench_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const response = await fetch(`${server.url}/signup`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ handle, email: `${handle}@example.test`, password: 'correct horse battery staple' }),
  })
  const body = await response.text()
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => !pair.endsWith('='))
  if (response.status !== 303 || !cookie) {
    throw new Error(`sign-up for the benchmark failed: ${response.status}, cookie ${cookie ?? 'none'}\n${body.slice(0, 2000)}`)
  }
  return cookie
}

export interface StartupTimes {
  /** Empty DATA_DIR: PGlite creates its cluster and every migration runs. */
  firstMs: number
  /** The same DATA_DIR again: open the existing database, no migrations to apply. */
  warmMs: number
}

/**
 * Embedded-mode start-up, measured from spawning `bun src/main.ts` to the first 200 from /healthz
 * (what a newcomer waits for after `npm start`), on a fresh DATA_DIR and then on the same one again.
 */
export async function measureStartup(): Promise<StartupTimes> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nl-bench-start-'))
  try {
    const first = await startBenchServer({ dataDir })
    await first.stop()
    const warm = await startBenchServer({ dataDir })
    await warm.stop()
    return { firstMs: first.startupMs, warmMs: warm.startupMs }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const server = await startBenchServer({ inheritServices: process.argv.includes('--services') })
  console.log(`server:  ${server.url}  (pid ${server.pid}, started in ${server.startupMs} ms)`)
  console.log(`cookie:  ${await signedInCookie(server)}`)
  console.log('Ctrl-C to stop')
  process.once('SIGINT', async () => {
    await server.stop()
    process.exit(0)
  })
}
