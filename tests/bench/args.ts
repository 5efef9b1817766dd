/** What the benchmarks read from their command line and environment. */

/** The value after `name` on the command line (`--sizes 10000,100000`), or undefined. */
export function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at >= 0 ? process.argv[at + 1] : undefined
}

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
