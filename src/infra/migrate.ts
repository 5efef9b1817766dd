/**
 * Applies `migrations/<domain>/` to each domain's handle, each domain with its own migration table,
 * so that a domain can later live in a database of its own.
 *
 * Kysely's PostgreSQL adapter holds `pg_advisory_lock` for the whole run, so two instances starting
 * at once never race: the second waits, then finds nothing left to do.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely/migration'
import { DOMAINS, type DomainName } from '@/config'
import type { Databases } from '@/infra/db'
import type { Logger } from '@/infra/log'

const MIGRATIONS_ROOT = path.join(import.meta.dir, '..', '..', 'migrations')

export async function migrateAll(dbs: Databases, log: Logger): Promise<void> {
  // One domain after another: in embedded mode all four share one connection.
  for (const domain of DOMAINS) {
    const result = await migratorFor(dbs, domain).migrateToLatest()
    reportMigrations(domain, result, log)
  }
}

function migratorFor(dbs: Databases, domain: DomainName): Migrator {
  return new Migrator({
    db: dbs[domain],
    provider: new FileMigrationProvider({ fs, path, migrationFolder: path.join(MIGRATIONS_ROOT, domain) }),
    migrationTableName: `migrations_${domain}`,
    migrationLockTableName: `migrations_${domain}_lock`,
  })
}

function reportMigrations(domain: DomainName, { error, results }: MigrationResultSet, log: Logger): void {
  for (const step of results ?? []) {
    if (step.status === 'Success') log.info({ domain, migration: step.migrationName }, 'migration applied')
    if (step.status === 'Error') log.error({ domain, migration: step.migrationName }, 'migration failed')
  }
  if (error) throw new Error(`migrations for ${domain} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}
