/**
 * Copies in this process of the Redis keys that nearly every request reads (a session, the unread
 * count, a home feed's version, the post, author and photo records every feed page shows), so a page
 * that needs nothing else costs no round trip at all.
 *
 * Redis keeps the copies exact (server-assisted client-side caching, CLIENT TRACKING in broadcast
 * mode): it tells this process of every change to a key under `near:` — a write from any instance,
 * a deletion, an expiry — and the copy goes. Writes through this process drop their copies at once,
 * before the command is even sent, so a member always reads their own change. While the tracking
 * connection is down nothing is copied and every read goes to Redis.
 *
 * A read that races a change (the invalidation arrives before the reply of a read sent earlier) is
 * not copied, so an old value never outlives its invalidation. Copies also go after NEAR_MAX_AGE_MS
 * (ten minutes for keys under NEAR_RECORD_PREFIX, RECORD_MAX_AGE_MS), which bounds the unexpected and
 * expiries Redis reports late.
 */
import { Redis } from 'ioredis'
import type { Logger } from '@/infra/log'
import { checkNearKey, NEAR_PREFIX, NEAR_RECORD_PREFIX, parsedOnce, type ParsedOnce } from '@/infra/store/store'
import { boundedMap } from '@/shared/bounded-map'
import { cacheCounter } from '@/infra/metrics'

/** Redis's channel for invalidation messages sent to a RESP2 connection (CLIENT TRACKING … REDIRECT). */
const INVALIDATE_CHANNEL = '__redis__:invalidate'
/** Seconds are plenty for a page that is reloaded, and short enough that nothing can surprise for long. */
const NEAR_MAX_AGE_MS = 5_000
/**
 * Keys under NEAR_RECORD_PREFIX change only by writes (a record's marks, a feature's fresh tokens),
 * which Redis reports at once, and their expiry only frees Redis's memory; yet Redis may report an expiry late (it deletes expired keys it
 * is not asked for in sampled sweeps), which is what NEAR_MAX_AGE_MS bounds for other keys. A
 * record's copy is kept up to ten minutes (while Redis keeps the record: its expiry drops the copy
 * too). Kept 5 s, a third of the record reads of a search at 1M reports went to Redis; kept a
 * minute, one search in twenty still waited a round trip for a card whose copy had aged out.
 */
const RECORD_MAX_AGE_MS = 10 * 60_000
/**
 * What the members and searches of the last minute read, mostly under a kilobyte each: tens of MB
 * at most. 50,000 was less than the cards of a thousand busy search areas and the other keys
 * together, and a copy pushed out is a GET on the next read.
 */
const MAX_COPIES = 100_000

interface Copy extends ParsedOnce {
  value: string | null
  /** Until when the copy may be trusted without a word from Redis (NEAR_MAX_AGE_MS, RECORD_MAX_AGE_MS). */
  until: number
}

interface PendingRead {
  count: number
  /** An invalidation for the key arrived while a read was in flight: its reply may be old. */
  stale: boolean
}

export interface NearCache {
  /** `read` (the Redis GET) through a copy in this process, while tracking vouches for it. */
  get(key: string, read: () => Promise<string | null>): Promise<string | null>
  /** The copy of `key`, parsed once, or undefined when there is none to vouch for (then `get`). */
  peek<T>(key: string, parse: (value: string) => T): T | null | undefined
  /** Drops the copies of keys this process is about to write. */
  forget(keys: readonly string[]): void
  close(): Promise<void>
}

export function createNearCache({ url, keyPrefix, log }: { url: string; keyPrefix: string; log?: Logger }): NearCache {
  const copies = boundedMap<string, Copy>(MAX_COPIES)
  const counted = cacheCounter('near-copies')
  const pending = new Map<string, PendingRead>()
  // Bumped whenever tracking starts or stops: a read that spans one is never copied.
  let epoch = 0
  let tracking = false
  let closed = false

  function invalidate(key: string): void {
    copies.delete(key)
    const read = pending.get(key)
    if (read) read.stale = true
  }

  /** Every copy goes, and no read in flight may become one. */
  function dropAll(): void {
    epoch++
    copies.clear()
    for (const read of pending.values()) read.stale = true
  }

  function stopTracking(): void {
    tracking = false
    dropAll()
  }

  // RESP2: ioredis hands RESP3 invalidation pushes to nobody, but delivers RESP2 ones as messages.
  // The connection redirects its own tracking to itself, so one connection going down stops both.
  const subscriber = new Redis(url, { protocol: 2, autoResubscribe: false, enableOfflineQueue: false, lazyConnect: true })
  subscriber.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
    if (channel.toString() !== INVALIDATE_CHANNEL) return
    // A null list: Redis flushed everything.
    if (keys === null) return dropAll()
    for (const key of keys) invalidate(key.toString().slice(keyPrefix.length))
  })
  subscriber.on('ready', () => {
    startTracking().catch((error: unknown) => {
      if (!closed) log?.warn({ err: error }, 'near cache: could not start tracking; reading Redis directly')
    })
  })
  subscriber.on('close', stopTracking)
  if (log) subscriber.on('error', (error: Error) => log.warn({ err: error }, 'near cache: Redis connection error'))
  subscriber.connect().catch(() => {
    // ioredis keeps retrying; 'ready' starts tracking when it gets through.
  })

  async function startTracking(): Promise<void> {
    const id = await subscriber.client('ID')
    await subscriber.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id), 'BCAST', 'PREFIX', keyPrefix + NEAR_PREFIX)
    await subscriber.subscribe(INVALIDATE_CHANNEL)
    dropAll()
    tracking = true
  }

  function keep(key: string, value: string | null): void {
    copies.set(key, { value, until: Date.now() + (key.startsWith(NEAR_RECORD_PREFIX) ? RECORD_MAX_AGE_MS : NEAR_MAX_AGE_MS) })
  }

  /** The copy of `key` while it may still be trusted. */
  function held(key: string): Copy | undefined {
    checkNearKey(key)
    if (!tracking) return undefined
    const copy = copies.get(key)
    const fresh = copy && Date.now() < copy.until ? copy : undefined
    counted(fresh !== undefined)
    return fresh
  }

  return {
    async get(key, read) {
      const copy = held(key)
      if (copy) return copy.value
      if (!tracking) return read()
      const startedIn = epoch
      const entry = pending.get(key) ?? { count: 0, stale: false }
      entry.count++
      pending.set(key, entry)
      try {
        const value = await read()
        if (!entry.stale && tracking && epoch === startedIn) keep(key, value)
        return value
      } finally {
        if (--entry.count === 0) pending.delete(key)
      }
    },
    peek<T>(key: string, parse: (value: string) => T): T | null | undefined {
      const copy = held(key)
      if (!copy) return undefined
      return copy.value === null ? null : parsedOnce(copy, copy.value, parse)
    },
    forget(keys) {
      for (const key of keys) if (key.startsWith(NEAR_PREFIX)) invalidate(key)
    },
    async close() {
      closed = true
      stopTracking()
      subscriber.disconnect()
    },
  }
}
