/**
 * Stores for tests: Redis under a key prefix of its own when `REDIS_URL` is set (CI), else the
 * in-process store. Closing a Redis test store deletes every key under its prefix.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { createMemoryStore } from '@/infra/store/memory'
import { createRedisStore } from '@/infra/store/redis'
import type { Store } from '@/infra/store/store'

export type TestStoreKind = Store['kind']

export interface TestStore {
  store: Store
  /** The Redis key prefix, or null for the in-process store. */
  prefix: string | null
  /** Closes the store and deletes what it wrote. */
  close(): Promise<void>
}

/** The kinds a contract-style test runs against: always memory, Redis too when `REDIS_URL` is set. */
export function testStoreKinds(): TestStoreKind[] {
  return process.env.REDIS_URL ? ['memory', 'redis'] : ['memory']
}

export function makeTestStore(kind: TestStoreKind = process.env.REDIS_URL ? 'redis' : 'memory'): TestStore {
  if (kind === 'memory') {
    const store = createMemoryStore()
    return { store, prefix: null, close: () => store.close() }
  }
  const url = process.env.REDIS_URL
  if (!url) throw new Error('a Redis test store needs REDIS_URL')
  const prefix = uniqueTestPrefix()
  const store = createRedisStore({ url, keyPrefix: prefix })
  return {
    store,
    prefix,
    async close() {
      await store.close()
      await deleteKeysUnder(url, prefix)
    },
  }
}

/** A prefix no other test, file or run shares. */
export function uniqueTestPrefix(): string {
  return `nl:test:${randomBytes(6).toString('hex')}:`
}

/**
 * SCAN and UNLINK on a client without a prefix: SCAN's MATCH pattern is never prefixed by ioredis.
 * Resolves to the number of keys deleted.
 */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url)
  let deleted = 0
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      if (keys.length > 0) deleted += await redis.unlink(...keys)
      cursor = next
    } while (cursor !== '0')
    return deleted
  } finally {
    await redis.quit()
  }
}
