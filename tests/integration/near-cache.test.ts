/**
 * The near cache's race guard (src/infra/store/near-cache.ts): a read whose reply comes back after
 * Redis reported a change to its key may carry the old value, and must not be kept as a copy, or
 * the old value would outlive its invalidation for the copy's whole lifetime (ten minutes for a
 * record). The read is the test's own, so it can hold the reply back until the invalidation is in.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { createNearCache, type NearCache } from '@/infra/store/near-cache'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const asIs = (value: string) => value
/** A record's key: its copy would be trusted for minutes. */
const KEY = 'near:record:race:report'
/** Written after KEY: its copy going means KEY's invalidation (sent before it) is in too. */
const MARKER = 'near:record:race:marker'

describe.skipIf(!process.env.REDIS_URL)('the near cache (needs REDIS_URL)', () => {
  let prefix: string
  let cache: NearCache
  /** Another instance of the app, writing the same keys. */
  let elsewhere: Redis

  beforeEach(() => {
    prefix = `nl:test:near-cache:${randomUUID()}:`
    cache = createNearCache({ url: process.env.REDIS_URL!, keyPrefix: prefix })
    elsewhere = new Redis(process.env.REDIS_URL!)
  })
  afterEach(async () => {
    const keys = await elsewhere.keys(`${prefix}*`)
    if (keys.length > 0) await elsewhere.del(...keys)
    await Promise.all([cache.close(), elsewhere.quit()])
  })

  const readFromRedis = (key: string) => () => elsewhere.get(prefix + key)

  /** Waits until `check` holds, or fails after a few seconds. */
  async function until(what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`never: ${what}`)
      await sleep(5)
    }
  }

  /** Reads MARKER until a copy of it is kept: tracking has started. */
  async function markerCopied(): Promise<void> {
    const deadline = Date.now() + 5000
    while (cache.peek(MARKER, asIs) === undefined) {
      if (Date.now() > deadline) throw new Error('tracking never started')
      await cache.get(MARKER, readFromRedis(MARKER))
      await sleep(5)
    }
  }

  test('a read that races a change is answered, but not kept: the next read goes to Redis', async () => {
    await elsewhere.set(prefix + KEY, 'before')
    await elsewhere.set(prefix + MARKER, 'one')
    await markerCopied()

    // A read is sent and its reply ('before') is on its way when another instance changes the key.
    let reply!: (value: string | null) => void
    const racing = cache.get(KEY, () => new Promise((resolve) => (reply = resolve)))
    await elsewhere.set(prefix + KEY, 'after')
    await elsewhere.set(prefix + MARKER, 'two')
    await until('the invalidations arrive', () => cache.peek(MARKER, asIs) === undefined)
    reply('before')

    // The racing read gets what it read: it was sent before the change.
    expect(await racing).toBe('before')
    // But no copy of it stands for the key.
    expect(cache.peek(KEY, asIs)).toBeUndefined()
    let asked = 0
    const read = () => {
      asked++
      return elsewhere.get(prefix + KEY)
    }
    expect(await cache.get(KEY, read)).toBe('after')
    expect(asked).toBe(1)
    // A read with no change racing it is kept as usual.
    expect(await cache.get(KEY, read)).toBe('after')
    expect(asked).toBe(1)
  })
})
