/**
 * A database of a benchmark's own for one run, beside the one DATABASE_URL names: the memorial and
 * media benchmarks make their data through the real forms every time, and must neither find an
 * earlier run's data nor leave theirs in the caller's database.
 */
import pg from 'pg'

export interface ScratchDatabase {
  url: string
  drop(): Promise<void>
}

export async function createScratchDatabase(baseUrl: string, purpose: string): Promise<ScratchDatabase> {
  const name = `nl_bench_${purpose}_${Date.now().toString(36)}_${process.pid}`
  await asAdmin(baseUrl, (admin) => admin.query(`create database "${name}"`))
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => asAdmin(baseUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`)) }
}

async function asAdmin(baseUrl: string, work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    await work(admin)
  } finally {
    await admin.end()
  }
}
