/** Fixed-window rate limits on Store counters, keyed by whatever the caller names (address, account). */
import type { Store } from '@/infra/store/store'
import { HttpError } from '@/http/errors'

export interface RateLimit {
  attempts: number
  windowSeconds: number
}

/**
 * Counts one attempt under each key and throws a 429 when any is over its limit.
 *
 * Example: `await limitRate(store, ['login:ip:' + ip, 'login:account:' + handle], config.authRateLimit)`
 */
export async function limitRate(store: Store, keys: readonly string[], limit: RateLimit): Promise<void> {
  const counts = await Promise.all(keys.map((key) => store.incr(`rate:${key}`, limit.windowSeconds)))
  if (counts.some((count) => count > limit.attempts)) {
    const minutes = Math.ceil(limit.windowSeconds / 60)
    throw new HttpError(429, `Too many attempts. Please wait up to ${minutes} minutes and try again.`, {
      'Retry-After': String(limit.windowSeconds),
    })
  }
}
