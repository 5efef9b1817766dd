/**
 * Opens what the server and the CLI commands share: the databases (migrated) and the store,
 * with the embedded data folder locked when PGlite is used.
 */
import { mkdirSync } from 'node:fs'
import type { Config } from '@/config'
import { createDatabases, type Databases } from '@/infra/db'
import { lockDataDir } from '@/infra/data-dir-lock'
import type { Logger } from '@/infra/log'
import { migrateAll } from '@/infra/migrate'
import { createStore, type Store } from '@/infra/store'

export interface OpenedInfra {
  dbs: Databases
  store: Store
  close(): Promise<void>
}

export async function openInfra(config: Config, log: Logger, holder: string): Promise<OpenedInfra> {
  const unlock = config.databaseUrls ? () => {} : lockDataDir(config.dataDir, holder)
  try {
    if (!config.databaseUrls) mkdirSync(config.pgliteDataDir, { recursive: true })
    const dbs = await createDatabases(config)
    await migrateAll(dbs, log)
    const store = createStore(config, log)
    return {
      dbs,
      store,
      async close() {
        await Promise.allSettled([dbs.destroy(), store.close()])
        unlock()
      },
    }
  } catch (error) {
    unlock()
    throw error
  }
}
