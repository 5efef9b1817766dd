/**
 * One Kysely handle per data domain (docs/architecture.md, Data domains).
 *
 * With PostgreSQL each domain gets its own `pg` Pool, so a domain can move to its own database by
 * setting its URL. Embedded, one PGlite instance (PostgreSQL + PostGIS in WebAssembly) serves all
 * four: PGlite has a single connection, so all four handles share one Kysely instance and its
 * connection mutex — and a transaction must never use an outer handle, or it waits on itself.
 */
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import { DOMAINS, type Config, type DomainName } from '@/config'
import { forgetPool, watchPool } from '@/infra/metrics'
import { queryMetrics } from '@/infra/query-metrics'
import type { DomainSchemas } from '@/schema'

export type Databases = { [D in DomainName]: Kysely<DomainSchemas[D]> } & {
  readonly kind: 'postgres' | 'pglite'
  /** Closes every pool (or the PGlite instance) once. */
  destroy(): Promise<void>
}

// Dates come back as JS Dates by default; bigint counts (count(*)) come back as strings, so parse
// int8 as a number: no count in this app comes near 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10))

/** Connections per domain pool. Four pools per instance; PgBouncer sits in front at scale. */
const POOL_SIZE_PER_DOMAIN = 10

export async function createDatabases(config: Pick<Config, 'databaseUrls' | 'pgliteDataDir'>): Promise<Databases> {
  return config.databaseUrls ? postgresDatabases(config.databaseUrls) : pgliteDatabases(config.pgliteDataDir)
}

function postgresDatabases(urls: Record<DomainName, string>): Databases {
  // Domains that share a URL share a pool: one set of connections per actual database.
  const byUrl = new Map<string, Kysely<unknown>>()
  const pools: pg.Pool[] = []
  const handleFor = (url: string) => {
    let handle = byUrl.get(url)
    if (!handle) {
      const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE_PER_DOMAIN })
      pools.push(pool)
      watchPool(DOMAINS.filter((domain) => urls[domain] === url).join('+'), pool)
      handle = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) })
      byUrl.set(url, handle)
    }
    return handle
  }
  // Each domain's handle times its own queries; domains on one URL still share the pool.
  const handles = Object.fromEntries(DOMAINS.map((domain) => [domain, handleFor(urls[domain]).withPlugin(queryMetrics(domain))]))
  return {
    // Cast: Object.fromEntries gives string keys; DOMAINS.map put a handle for every domain in it.
    ...(handles as Omit<Databases, 'kind' | 'destroy'>),
    kind: 'postgres',
    destroy: async () => {
      for (const pool of pools) forgetPool(pool)
      await Promise.all([...byUrl.values()].map((handle) => handle.destroy()))
    },
  }
}

async function pgliteDatabases(dataDir: string): Promise<Databases> {
  // Imported lazily: the WebAssembly build is only loaded when the embedded mode is used.
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  // Full-text search (src/infra/search-text.ts) needs these two; they ship with PGlite.
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent')
  const pglite = await PGlite.create({ dataDir, extensions: { postgis, pg_trgm, unaccent } })
  const shared = new Kysely<unknown>({ dialect: new PGliteDialect({ pglite }) })
  const handles = Object.fromEntries(DOMAINS.map((domain) => [domain, shared.withPlugin(queryMetrics(domain))]))
  return {
    // Cast: Object.fromEntries gives string keys; DOMAINS.map put a handle for every domain in it.
    ...(handles as Omit<Databases, 'kind' | 'destroy'>),
    kind: 'pglite',
    destroy: () => shared.destroy(),
  }
}
