/**
 * Only one process may open the embedded database in DATA_DIR: PGlite has no locking of its own,
 * and two writers would corrupt it. The server holds a pid file; CLI commands refuse while it lives.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError'
}

const LOCK_FILE = 'server.pid'

/** Takes the lock for this process, or throws DataDirBusyError naming the process that holds it. */
export function lockDataDir(dataDir: string, holder: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, LOCK_FILE)
  const owner = liveOwner(file)
  if (owner) {
    throw new DataDirBusyError(
      `${dataDir} is in use by ${owner.holder} (pid ${owner.pid}): stop it first, or run this against PostgreSQL (DATABASE_URL)`,
    )
  }
  writeFileSync(file, JSON.stringify({ pid: process.pid, holder }))
  return () => {
    if (liveOwner(file)?.pid === process.pid) rmSync(file, { force: true })
  }
}

function liveOwner(file: string): { pid: number; holder: string } | null {
  try {
    // Cast: JSON.parse is untyped; this file holds only what this module wrote.
    const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; holder: string }
    process.kill(owner.pid, 0) // throws when no such process: a stale file from a crash
    return owner
  } catch {
    return null
  }
}
