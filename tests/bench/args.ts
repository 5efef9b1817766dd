/** What the benchmarks read from their command line and environment. */

/** The value after `name` on the command line (`--sizes 10000,100000`), or undefined. */
export function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at >= 0 ? process.argv[at + 1] : undefined
}

/** `--quick`: shorter loads (and, in some benchmarks, smaller sizes) for a check within minutes. */
export const QUICK = process.argv.includes('--quick')

/** `--prepare`: make or find the data sets, measure nothing (the runner does this before its rounds). */
export const PREPARE_ONLY = process.argv.includes('--prepare')

/**
 * Every HTTP load, the same in every benchmark so their figures compare: 32 connections, measured
 * for 8 s after 2 s of unmeasured warm-up (JIT, caches, connections); half that with `--quick`.
 */
export const LOAD = { connections: 32, durationMs: QUICK ? 4000 : 8000, warmupMs: QUICK ? 1000 : 2000 }

/** DATABASE_URL and REDIS_URL, which the benchmarks on real services need; without them, says so and exits. */
export function servicesFromEnv(): { baseUrl: string; redisUrl: string } {
  const baseUrl = process.env.DATABASE_URL
  const redisUrl = process.env.REDIS_URL
  if (!baseUrl || !redisUrl) {
    console.error('Set DATABASE_URL (any database on the server: the benchmark makes its own) and REDIS_URL.')
    process.exit(2)
  }
  return { baseUrl, redisUrl }
}
