/**
 * The one narrow interface over Redis (production) and an in-process map (embedded mode).
 *
 * Keys are given without the prefix; the Redis implementation adds `REDIS_KEY_PREFIX` to every key.
 * Only what features need is here: a string cache with TTL, sorted sets (timelines), lists and the
 * queue's atomic moves between them (src/infra/queue.ts),
 * geo (nearby reports), counters with expiry (rate limits) and locks with expiry (scheduler).
 */
export interface Store {
  /** `redis` or `memory`: logged at start-up. */
  readonly kind: 'redis' | 'memory'

  // String cache
  get(key: string): Promise<string | null>
  /**
   * `get` for the few keys nearly every request reads: answered from a copy in this process that
   * the Store keeps exact (src/infra/store/near-cache.ts), so a hit costs no round trip. Only for
   * keys made with `nearKey`; written with `set`, `setIfAbsent` and `del` like any other.
   */
  getNear(key: string): Promise<string | null>
  /**
   * What `getNear` would answer, when this process can tell without waiting: its copy (or, in the
   * embedded store, the value itself), as `parse` makes it; undefined when only `getNear` can tell.
   * A page reading dozens of near records skips a promise for each, and `parse` runs once per value
   * held, not once per read: the parsed value is kept with the copy and goes with it. It is shared
   * by every reader, so never to be changed, and a key is always to be read with the same `parse`.
   */
  peekNear<T>(key: string, parse: (value: string) => T): T | null | undefined
  /** Sets a value; with `ttlSeconds` it expires. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
  /** Sets only when absent (dedupe marks); true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>
  del(...keys: string[]): Promise<void>

  // Sorted sets: members ordered by score
  zadd(key: string, entries: readonly ScoredMember[]): Promise<void>
  zrem(key: string, members: readonly string[]): Promise<void>
  /** Highest scores first, scores strictly below `below` when given; at most `limit`. */
  zrevrange(key: string, limit: number, below?: number): Promise<ScoredMember[]>
  /** Keeps the `keep` highest-scored members and drops the rest. */
  ztrim(key: string, keep: number): Promise<void>
  zcard(key: string): Promise<number>
  exists(key: string): Promise<boolean>
  expire(key: string, ttlSeconds: number): Promise<void>

  // Lists (queue): head is the left end
  lpush(key: string, values: readonly string[]): Promise<void>
  rpush(key: string, values: readonly string[]): Promise<void>
  /**
   * Pushes `value` on the head of `list` unless `mark` is set, and sets `mark` (with its TTL), as one
   * atomic step: true when it pushed. Enqueueing once by key (src/infra/queue.ts `enqueueOnce`).
   */
  pushOnce(mark: string, ttlSeconds: number, list: string, value: string): Promise<boolean>
  /** Atomically pops the right end of `from` and pushes it on the left of `to` (LMOVE RIGHT LEFT). */
  lmove(from: string, to: string): Promise<string | null>
  /** Removes one occurrence of `value`; returns how many were removed. */
  lrem(key: string, value: string): Promise<number>
  lrange(key: string, start: number, stop: number): Promise<string[]>
  llen(key: string): Promise<number>

  // Queue moves (src/infra/queue.ts): each is one atomic step, so workers and recoverers on several
  // instances never lose or duplicate a job between two structures
  /** Lowest scores first, scores at most `maxScore`; at most `limit`. */
  zrangeUpTo(key: string, maxScore: number, limit: number): Promise<ScoredMember[]>
  /** Moves members scored at most `maxScore` (lowest first, at most `limit`) from sorted set `from` to the head of list `to`; returns how many moved. */
  zmoveDueToList(from: string, to: string, maxScore: number, limit: number): Promise<number>
  /** Gives each element of list `list` that has no score in sorted set `zset` the score `score` (ZADD NX); returns how many got one. */
  zaddMissingFromList(zset: string, list: string, score: number): Promise<number>
  /** Removes one `value` from list `from` and drops it from sorted set `zset`; only if it was in the list, stores `next`. True when it was. */
  lremAndForward(from: string, zset: string, value: string, next?: Forward): Promise<boolean>

  // Geo: members at points, searched by radius (measured on a sphere, as Redis does)
  geoadd(key: string, entries: readonly GeoMember[]): Promise<void>
  /** Members within `radiusM` metres of the point, nearest first. */
  geosearch(key: string, lng: number, lat: number, radiusM: number, limit?: number): Promise<string[]>

  // Counters with expiry (rate limits): the window starts at the first increment
  incr(key: string, ttlSeconds: number): Promise<number>

  // Locks with expiry: a token proves ownership for release and extend
  acquireLock(key: string, ttlMs: number): Promise<string | null>
  releaseLock(key: string, token: string): Promise<boolean>
  extendLock(key: string, token: string, ttlMs: number): Promise<boolean>

  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * A Store command that failed because the Store cannot be reached (Redis down, restarting, or not
 * answering within its command timeout), not because of what was asked. Pages that only read a cache
 * go to the database instead (`orUnavailable`); writes that need the Store answer 503 (src/http/errors.ts).
 * A command that timed out may still have been carried out: whatever it did must be safe to do again.
 */
export class StoreUnavailable extends Error {
  constructor(readonly command: string, options: { cause: unknown }) {
    super(`the store is unavailable (${command})`, options)
    this.name = 'StoreUnavailable'
  }
}

/** The store's answer, or `fallback` when the store cannot be reached: for caches, never for state. */
export async function orUnavailable<T>(read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read
  } catch (error) {
    if (error instanceof StoreUnavailable) return fallback
    throw error
  }
}

/** What every key read with `getNear` starts with: Redis reports changes under it to each instance. */
export const NEAR_PREFIX = 'near:'

export const nearKey = (key: string) => `${NEAR_PREFIX}${key}`

/**
 * Near keys whose values change only by writes, which Redis reports at once: near records
 * (src/infra/store/near-records.ts, changed through `markChanged`) and any token a feature rewrites
 * with a fresh value when what it stands for changes. Their TTL only frees memory, so a copy may
 * outlive it (near-cache.ts keeps such copies longer).
 */
export const NEAR_RECORD_PREFIX = `${NEAR_PREFIX}record:`

/** A held value that keeps what a reader's `parse` made of it (`peekNear`); replaced with the value. */
export interface ParsedOnce {
  parsed?: { of: unknown }
}

/** `value` as `parse` makes it, parsed the first time it is asked for and kept on `holder` after. */
export function parsedOnce<T>(holder: ParsedOnce, value: string, parse: (value: string) => T): T {
  holder.parsed ??= { of: parse(value) }
  // One held value per key, and each key has one reader (its feature's record type), so what was kept
  // is this same parse's T. The holders of all keys share one type, hence `unknown` in between.
  return holder.parsed.of as T
}

/** `getNear` of any other key is a mistake: no change to it would ever reach the copy. */
export function checkNearKey(key: string): void {
  if (!key.startsWith(NEAR_PREFIX)) throw new Error(`getNear takes keys under ${NEAR_PREFIX} only (got ${key})`)
}

export interface ScoredMember {
  member: string
  score: number
}

export interface GeoMember {
  member: string
  lng: number
  lat: number
}

/** Where `lremAndForward` puts what it took: pushed on the head of a list, or added to a sorted set. */
export type Forward = { list: string; value: string } | { zset: string; member: string; score: number }

/**
 * What a cache key holds for a while after its source changed. A reader that loaded the old value just
 * before the change could otherwise put it back after the change deleted it; with the mark in place,
 * readers go to the source and fill with `setIfAbsent`, which the mark refuses.
 */
export const CHANGED_MARK = '!changed'

/** After a write to the source of cached values: drops them, and keeps racing readers from restoring them. */
export async function markChanged(store: Store, keys: readonly string[], ttlSeconds: number): Promise<void> {
  await Promise.all(keys.map((key) => store.set(key, CHANGED_MARK, ttlSeconds)))
}
