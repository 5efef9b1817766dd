/** Picks the Store for this process: Redis when `REDIS_URL` is set, else the in-process one. */
import type { Config } from '@/config'
import type { Logger } from '@/infra/log'
import { metricsEnabled } from '@/infra/metrics'
import { createMemoryStore } from '@/infra/store/memory'
import { createRedisStore } from '@/infra/store/redis'
import type { Store } from '@/infra/store/store'
import { timedStore } from '@/infra/store/timed'

export type { Forward, GeoMember, ScoredMember, Store } from '@/infra/store/store'

/** `log`, when given, receives Redis connection errors. */
export function createStore(config: Pick<Config, 'redisUrl' | 'redisKeyPrefix'>, log?: Logger): Store {
  const store = config.redisUrl ? createRedisStore({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, log }) : createMemoryStore()
  return metricsEnabled() ? timedStore(store) : store
}
