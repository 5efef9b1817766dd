/** Picks the Store for this process: Redis when `REDIS_URL` is set, else the in-process one. */
import type { Config } from '@/config'
import type { Logger } from '@/infra/log'
import { createMemoryStore } from '@/infra/store/memory'
import { createRedisStore } from '@/infra/store/redis'
import type { Store } from '@/infra/store/store'

export type { Forward, GeoMember, ScoredMember, Store } from '@/infra/store/store'

/** `log`, when given, receives Redis connection errors. */
export function createStore(config: Pick<Config, 'redisUrl' | 'redisKeyPrefix'>, log?: Logger): Store {
  if (!config.redisUrl) return createMemoryStore()
  return createRedisStore({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, log })
}
