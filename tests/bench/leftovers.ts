/**
 * What a benchmark leaves behind: the Redis keys of its app servers (sessions, rate limits, markers
 * without a TTL), and, when it is stopped before its `finally` runs (the runner's time limit, a
 * crash), its scratch databases and its own keys, among them CatFinder's GEO index (~100 MB at 1M
 * reports, no TTL). Every one of them is named after the benchmark process's pid, which is how the
 * runner finds them afterwards.
 */
import pg from 'pg'
import { deleteKeysUnder } from '@tests/helpers/store'

/** Key prefixes of a benchmark process: its servers' (tests/helpers/server.ts) and its own. */
function keyPrefixes(pid: number): string[] {
  return [`nl:server:${pid}-`, ...['feed', 'finder', 'media', 'push'].map((name) => `nl:bench:${name}:${pid}:`)]
}

/** Scratch databases (tests/bench/scratch-database.ts) end in the pid of the process that made them. */
const SCRATCH_NAME = '^nl_bench_[a-z]+_[0-9a-z]+_'

/** Drops the scratch databases and deletes the Redis keys of benchmark process `pid`; returns what it found. */
export async function removeLeftovers(pid: number, services: { baseUrl: string; redisUrl: string }): Promise<string[]> {
  const removed: string[] = []
  const admin = new pg.Client({ connectionString: services.baseUrl })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname ~ $1', [`${SCRATCH_NAME}${pid}$`])
    for (const { datname } of rows) {
      await admin.query(`drop database if exists "${datname}" with (force)`)
      removed.push(`database ${datname}`)
    }
  } finally {
    await admin.end()
  }
  for (const prefix of keyPrefixes(pid)) {
    if ((await deleteKeysUnder(services.redisUrl, prefix)) > 0) removed.push(`Redis keys ${prefix}*`)
  }
  return removed
}
