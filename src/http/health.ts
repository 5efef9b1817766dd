/** `/healthz`: the process answers. `/readyz`: it can reach every database and the store. */
import { sql } from 'kysely'
import { Elysia } from 'elysia'
import { DOMAINS } from '@/config'
import type { Databases } from '@/infra/db'
import type { Store } from '@/infra/store/store'

/** A readiness probe that hangs is worse than one that fails: the load balancer waits on it. */
const READY_TIMEOUT_MS = 2000

export function healthRoutes({ dbs, store }: { dbs: Databases; store: Store }) {
  return new Elysia({ name: 'health' })
    .get('/healthz', ({ set }) => {
      set.headers['cache-control'] = 'no-store'
      return 'ok'
    })
    .get('/readyz', async ({ set }) => {
      set.headers['cache-control'] = 'no-store'
      const checks = [...new Set(DOMAINS.map((domain) => dbs[domain]))].map((db) => sql`select 1`.execute(db))
      try {
        await withTimeout(Promise.all([...checks, store.ping()]), READY_TIMEOUT_MS)
        return 'ready'
      } catch {
        set.status = 503
        return 'not ready'
      }
    })
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())])
}
