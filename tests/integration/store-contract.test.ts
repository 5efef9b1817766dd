/**
 * One contract for both Store implementations: the in-process store always, Redis too when
 * REDIS_URL is set (CI). Whatever a feature can observe must be the same in both.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { Redis } from 'ioredis'
import { createRedisStore } from '@/infra/store/redis'
import type { Store } from '@/infra/store/store'
import { makeTestStore, testStoreKinds, type TestStore } from '@tests/helpers/store'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Redis's smallest key TTL is one second; a little more than that makes the expiry certain. */
const PAST_ONE_SECOND_MS = 1100
/** near-cache.ts's age limit for copies of keys other than records. */
const NEAR_MAX_AGE_MS = 5000
/** What a peekNear may answer: nothing (no copy held), or the value. */
const peekAnswers = (...answers: (string | null | undefined)[]) => answers
/** peekNear's parse for a value read as it is. */
const asIs = (value: string) => value

for (const kind of testStoreKinds()) {
  describe(`${kind} store`, () => {
    let testStore: TestStore
    let store: Store

    beforeEach(() => {
      testStore = makeTestStore(kind)
      store = testStore.store
    })
    afterEach(() => testStore.close())

    test('says which kind it is and answers ping', async () => {
      expect(store.kind).toBe(kind)
      await store.ping()
    })

    describe('string cache', () => {
      test('a value set is read back; a key never set reads as null', async () => {
        await store.set('fragment:feed:1', '<ul></ul>')
        expect(await store.get('fragment:feed:1')).toBe('<ul></ul>')
        expect(await store.get('fragment:feed:2')).toBeNull()
      })

      test('setIfAbsent sets only the first time and says which call did', async () => {
        expect(await store.setIfAbsent('dedupe:alert:7', 'first', 60)).toBe(true)
        expect(await store.setIfAbsent('dedupe:alert:7', 'second', 60)).toBe(false)
        expect(await store.get('dedupe:alert:7')).toBe('first')
      })

      test('del removes every key named, of any type, and ignores missing ones', async () => {
        await store.set('a', '1')
        await store.rpush('b', ['x'])
        await store.zadd('c', [{ member: 'm', score: 1 }])
        await store.del('a', 'b', 'c', 'never-set')
        await store.del()
        expect([await store.exists('a'), await store.exists('b'), await store.exists('c')]).toEqual([false, false, false])
      })

      test('keys with a TTL are gone after it, counters restart their window, a plain set clears the TTL', async () => {
        await store.set('cached', 'v', 1)
        expect(await store.setIfAbsent('mark', 'v', 1)).toBe(true)
        await store.set('expiring', 'v')
        await store.expire('expiring', 1)
        await store.set('renewed', 'v', 1)
        await store.set('renewed', 'v2')
        expect(await store.incr('attempts', 1)).toBe(1)
        await sleep(PAST_ONE_SECOND_MS / 2)
        // A later increment counts in the same window; it does not push the window's end back.
        expect(await store.incr('attempts', 1)).toBe(2)
        expect(await store.get('cached')).toBe('v')

        await sleep(PAST_ONE_SECOND_MS / 2 + 50)
        expect(await store.get('cached')).toBeNull()
        expect(await store.exists('expiring')).toBe(false)
        expect(await store.setIfAbsent('mark', 'again', 1)).toBe(true)
        expect(await store.incr('attempts', 1)).toBe(1)
        expect(await store.get('renewed')).toBe('v2')
      })

      test('getNear reads every write made through this store at once, and takes only near keys', async () => {
        expect(await store.getNear('near:k')).toBeNull()
        await store.set('near:k', 'v1', 60)
        expect(await store.getNear('near:k')).toBe('v1')
        await store.set('near:k', 'v2', 60)
        expect(await store.getNear('near:k')).toBe('v2')
        expect(await store.setIfAbsent('near:k', 'v3', 60)).toBe(false)
        await store.del('near:k')
        expect(await store.getNear('near:k')).toBeNull()
        expect(await store.setIfAbsent('near:k', 'v3', 60)).toBe(true)
        expect(await store.getNear('near:k')).toBe('v3')
        await expect(store.getNear('k')).rejects.toThrow(/near:/)
      })

      test('peekNear answers as getNear would or not at all, and never with a value written over', async () => {
        await store.set('near:p', 'v1', 60)
        expect(peekAnswers(undefined, 'v1')).toContain(store.peekNear('near:p', asIs))
        expect(await store.getNear('near:p')).toBe('v1')
        await store.set('near:p', 'v2', 60)
        expect(peekAnswers(undefined, 'v2')).toContain(store.peekNear('near:p', asIs))
        await store.del('near:p')
        expect(peekAnswers(undefined, null)).toContain(store.peekNear('near:p', asIs))
        expect(() => store.peekNear('p', asIs)).toThrow(/near:/)
      })

      test('peekNear parses a value once, however often it is read, and parses a new value anew', async () => {
        const parsed: string[] = []
        const parse = (value: string) => {
          parsed.push(value)
          return { value }
        }
        /** The parsed copy of `near:parsed`, once this process holds one (Redis: after its tracking vouches for it). */
        const held = async (value: string) => {
          const deadline = Date.now() + 2000
          while (Date.now() < deadline) {
            expect(await store.getNear('near:parsed')).toBe(value)
            const copy = store.peekNear('near:parsed', parse)
            if (copy !== undefined) return copy
            await sleep(10)
          }
          throw new Error(`no copy of ${value} was kept`)
        }
        await store.set('near:parsed', 'v1', 60)
        const first = await held('v1')
        expect(first).toEqual({ value: 'v1' })
        expect(store.peekNear('near:parsed', parse)).toBe(first)
        expect(parsed).toEqual(['v1'])
        await store.set('near:parsed', 'v2', 60)
        expect(await held('v2')).toEqual({ value: 'v2' })
        expect(parsed).toEqual(['v1', 'v2'])
      })

      test('a TTL that is not a whole number of seconds above zero is refused', async () => {
        await expect(store.set('k', 'v', 0)).rejects.toThrow()
        await expect(store.set('k', 'v', 1.5)).rejects.toThrow()
        await expect(store.setIfAbsent('k', 'v', 0)).rejects.toThrow()
        expect(await store.exists('k')).toBe(false)
      })

      test('reading a list as a string fails with a wrong-type error', async () => {
        await store.rpush('queue:q:ready', ['job'])
        await expect(store.get('queue:q:ready')).rejects.toThrow(/WRONGTYPE/)
      })

      test('incr refuses a key that holds something other than a whole number', async () => {
        await store.set('rate:x', 'not a number')
        await expect(store.incr('rate:x', 60)).rejects.toThrow()
      })
    })

    describe('sorted sets', () => {
      test('zrevrange gives the highest scores first, equal scores by member in reverse byte order', async () => {
        await store.zadd('timeline:1', [
          { member: 'post:a', score: 5 },
          { member: 'post:c', score: 5 },
          { member: 'post:b', score: 5 },
          { member: 'post:z', score: 1 },
          { member: 'post:top', score: 9 },
        ])
        expect(await store.zrevrange('timeline:1', 10)).toEqual([
          { member: 'post:top', score: 9 },
          { member: 'post:c', score: 5 },
          { member: 'post:b', score: 5 },
          { member: 'post:a', score: 5 },
          { member: 'post:z', score: 1 },
        ])
      })

      test('equal scores order members as Redis compares bytes, beyond ASCII too', async () => {
        // U+1F431 (a surrogate pair in JavaScript) sorts after U+FF5E in UTF-8, though not in UTF-16.
        const members = ['b', 'B', 'é', '～', '🐱', 'a', '']
        await store.zadd('z', members.map((member) => ({ member, score: 0 })))
        expect((await store.zrevrange('z', 10)).map(({ member }) => member)).toEqual(['🐱', '～', 'é', 'b', 'a', 'B', ''])
      })

      test('zrevrange pages with `below`: strictly lower scores, no repeats and no gaps', async () => {
        await store.zadd(
          'timeline:2',
          Array.from({ length: 7 }, (_, i) => ({ member: `post:${i}`, score: 1000 + i })),
        )
        const first = await store.zrevrange('timeline:2', 3)
        const second = await store.zrevrange('timeline:2', 3, first.at(-1)!.score)
        const third = await store.zrevrange('timeline:2', 3, second.at(-1)!.score)
        expect([...first, ...second, ...third].map(({ member }) => member)).toEqual([
          'post:6',
          'post:5',
          'post:4',
          'post:3',
          'post:2',
          'post:1',
          'post:0',
        ])
        expect(await store.zrevrange('timeline:2', 3, 1000)).toEqual([])
        expect(await store.zrevrange('timeline:2', 0)).toEqual([])
        expect(await store.zrevrange('never-set', 3)).toEqual([])
      })

      test('zadd updates the score of a member already there; infinite and fractional scores round-trip', async () => {
        await store.zadd('z', [
          { member: 'm', score: 1 },
          { member: 'low', score: -Infinity },
          { member: 'high', score: Infinity },
          { member: 'frac', score: 0.1 },
        ])
        await store.zadd('z', [{ member: 'm', score: 2.5 }])
        expect(await store.zrevrange('z', 10)).toEqual([
          { member: 'high', score: Infinity },
          { member: 'm', score: 2.5 },
          { member: 'frac', score: 0.1 },
          { member: 'low', score: -Infinity },
        ])
        expect(await store.zcard('z')).toBe(4)
      })

      test('ztrim keeps the highest-scored members; keeping none removes the key', async () => {
        await store.zadd('z', [
          { member: 'a', score: 1 },
          { member: 'b', score: 2 },
          { member: 'c', score: 3 },
          { member: 'd', score: 3 },
        ])
        await store.ztrim('z', 10)
        expect(await store.zcard('z')).toBe(4)
        await store.ztrim('z', 2)
        expect((await store.zrevrange('z', 10)).map(({ member }) => member)).toEqual(['d', 'c'])
        await store.ztrim('z', 0)
        expect(await store.exists('z')).toBe(false)
      })

      test('zrem removes members, and the key goes with its last member', async () => {
        await store.zadd('z', [
          { member: 'a', score: 1 },
          { member: 'b', score: 2 },
        ])
        await store.zrem('z', ['a', 'missing'])
        expect(await store.zcard('z')).toBe(1)
        await store.zrem('z', ['b'])
        await store.zrem('z', [])
        expect(await store.exists('z')).toBe(false)
        expect(await store.zcard('z')).toBe(0)
      })

      test('an expired sorted set reads as empty', async () => {
        await store.zadd('z', [{ member: 'a', score: 1 }])
        await store.expire('z', 0)
        expect(await store.zcard('z')).toBe(0)
      })
    })

    describe('lists', () => {
      test('lpush puts values at the head, the last one given first; rpush appends at the tail', async () => {
        await store.lpush('l', ['a', 'b'])
        await store.lpush('l', ['c'])
        await store.rpush('l', ['y', 'z'])
        expect(await store.lrange('l', 0, -1)).toEqual(['c', 'b', 'a', 'y', 'z'])
        expect(await store.lrange('l', 1, 2)).toEqual(['b', 'a'])
        expect(await store.lrange('l', -2, -1)).toEqual(['y', 'z'])
        expect(await store.lrange('l', 3, 100)).toEqual(['y', 'z'])
        expect(await store.lrange('l', 4, 1)).toEqual([])
        expect(await store.llen('l')).toBe(5)
      })

      test('lmove takes the tail of one list to the head of another, so lpush-fed lists give the oldest first', async () => {
        await store.lpush('ready', ['job:1'])
        await store.lpush('ready', ['job:2', 'job:3'])
        expect(await store.lmove('ready', 'processing')).toBe('job:1')
        expect(await store.lmove('ready', 'processing')).toBe('job:2')
        expect(await store.lrange('processing', 0, -1)).toEqual(['job:2', 'job:1'])
        expect(await store.lmove('ready', 'processing')).toBe('job:3')
        expect(await store.lmove('ready', 'processing')).toBeNull()
        expect(await store.exists('ready')).toBe(false)
      })

      test('lrem removes one occurrence, nearest the head, and says how many it removed', async () => {
        await store.rpush('l', ['a', 'b', 'a'])
        expect(await store.lrem('l', 'a')).toBe(1)
        expect(await store.lrange('l', 0, -1)).toEqual(['b', 'a'])
        expect(await store.lrem('l', 'missing')).toBe(0)
        expect(await store.lrem('never-set', 'a')).toBe(0)
        await store.lrem('l', 'b')
        await store.lrem('l', 'a')
        expect(await store.exists('l')).toBe(false)
      })
    })

    describe('queue moves', () => {
      test('zrangeUpTo lists members scored at most the bound, lowest first, up to the limit', async () => {
        await store.zadd('delayed', [
          { member: 'b', score: 20 },
          { member: 'a', score: 10 },
          { member: 'c', score: 30 },
        ])
        expect(await store.zrangeUpTo('delayed', 20, 10)).toEqual([
          { member: 'a', score: 10 },
          { member: 'b', score: 20 },
        ])
        expect(await store.zrangeUpTo('delayed', 100, 1)).toEqual([{ member: 'a', score: 10 }])
        expect(await store.zrangeUpTo('delayed', 5, 10)).toEqual([])
      })

      test('zmoveDueToList moves only due members, earliest first, to the head of the list', async () => {
        await store.lpush('ready', ['waiting'])
        await store.zadd('delayed', [
          { member: 'due:2', score: 2 },
          { member: 'due:1', score: 1 },
          { member: 'due:3', score: 3 },
          { member: 'later', score: 50 },
        ])
        expect(await store.zmoveDueToList('delayed', 'ready', 3, 2)).toBe(2)
        expect(await store.zmoveDueToList('delayed', 'ready', 3, 100)).toBe(1)
        expect(await store.zmoveDueToList('delayed', 'ready', 3, 100)).toBe(0)
        const taken = [] as (string | null)[]
        for (let i = 0; i < 4; i++) taken.push(await store.lmove('ready', 'processing'))
        expect(taken).toEqual(['waiting', 'due:1', 'due:2', 'due:3'])
        expect(await store.zrevrange('delayed', 10)).toEqual([{ member: 'later', score: 50 }])
      })

      test('zaddMissingFromList scores only the list elements the sorted set lacks', async () => {
        await store.rpush('processing', ['leased', 'unleased:1', 'unleased:2'])
        await store.zadd('leases', [{ member: 'leased', score: 5 }])
        expect(await store.zaddMissingFromList('leases', 'processing', 99)).toBe(2)
        expect(await store.zaddMissingFromList('leases', 'processing', 200)).toBe(0)
        expect(await store.zrangeUpTo('leases', 1000, 10)).toEqual([
          { member: 'leased', score: 5 },
          { member: 'unleased:1', score: 99 },
          { member: 'unleased:2', score: 99 },
        ])
        expect(await store.zaddMissingFromList('leases', 'never-set', 1)).toBe(0)
      })

      test('lremAndForward takes a value out of the list and the sorted set, and forwards it only if it was listed', async () => {
        await store.rpush('processing', ['job:a', 'job:b', 'job:c'])
        await store.zadd('leases', [
          { member: 'job:a', score: 1 },
          { member: 'job:b', score: 1 },
          { member: 'job:c', score: 1 },
          { member: 'job:orphan', score: 1 },
        ])
        expect(await store.lremAndForward('processing', 'leases', 'job:a')).toBe(true)
        expect(await store.lremAndForward('processing', 'leases', 'job:a', { list: 'dead', value: 'dup' })).toBe(false)
        expect(await store.lremAndForward('processing', 'leases', 'job:b', { list: 'dead', value: 'job:b failed' })).toBe(true)
        expect(await store.lremAndForward('processing', 'leases', 'job:c', { zset: 'delayed', member: 'job:c retry', score: 7 })).toBe(true)
        // A lease whose job is no longer in processing is dropped, and nothing is forwarded.
        expect(await store.lremAndForward('processing', 'leases', 'job:orphan', { list: 'ready', value: 'job:orphan' })).toBe(false)

        expect(await store.exists('processing')).toBe(false)
        expect(await store.exists('leases')).toBe(false)
        expect(await store.exists('ready')).toBe(false)
        expect(await store.lrange('dead', 0, -1)).toEqual(['job:b failed'])
        expect(await store.zrevrange('delayed', 10)).toEqual([{ member: 'job:c retry', score: 7 }])
      })
    })

    describe('geo', () => {
      // Berlin: the Brandenburg Gate, the TV tower (~2.2 km east), the Victory Column (~1.9 km west), and Potsdam.
      const gate = { lng: 13.377704, lat: 52.516275 }
      const places = [
        { member: 'report:tv-tower', lng: 13.409419, lat: 52.520815 },
        { member: 'report:victory-column', lng: 13.350112, lat: 52.514543 },
        { member: 'report:gate', ...gate },
        { member: 'report:potsdam', lng: 13.064473, lat: 52.390569 },
      ]

      test('geosearch answers members within the radius, nearest first', async () => {
        await store.geoadd('reports', places)
        const members = await store.geosearch('reports', gate.lng, gate.lat, 5000)
        expect(members).toEqual(['report:gate', 'report:victory-column', 'report:tv-tower'])
        expect(await store.geosearch('reports', gate.lng, gate.lat, 50_000, 2)).toEqual(members.slice(0, 2))
        expect(await store.geosearch('reports', gate.lng, gate.lat, 50_000, 0)).toEqual([])
        expect(await store.geosearch('never-set', gate.lng, gate.lat, 50_000)).toEqual([])
      })

      test('the radius is metres along the great circle: each member comes in within a metre of its distance', async () => {
        await store.geoadd('reports', places)
        // Within a metre, not exactly: Redis snaps points to a ~0.6 m grid.
        for (const place of places.filter(({ member }) => member !== 'report:gate')) {
          expect(Math.abs((await edgeRadiusM(store, 'reports', gate, place.member)) - greatCircleM(gate, place))).toBeLessThan(1)
        }
      })

      test('geoadd moves a member already there, and the geo key counts as a sorted set', async () => {
        await store.geoadd('reports', places)
        await store.geoadd('reports', [{ member: 'report:potsdam', ...gate }])
        expect((await store.geosearch('reports', gate.lng, gate.lat, 10)).sort()).toEqual(['report:gate', 'report:potsdam'])
        expect(await store.zcard('reports')).toBe(4)
        await store.zrem('reports', ['report:potsdam'])
        expect(await store.zcard('reports')).toBe(3)
      })

      test('a point beyond the latitudes Redis can index is refused and nothing is added', async () => {
        await expect(
          store.geoadd('reports', [
            { member: 'ok', lng: 0, lat: 0 },
            { member: 'pole', lng: 0, lat: 86 },
          ]),
        ).rejects.toThrow(/invalid longitude,latitude/)
        expect(await store.exists('reports')).toBe(false)
      })
    })

    describe('locks', () => {
      test('a lock is exclusive, and only its token releases it', async () => {
        const token = await store.acquireLock('lock:schedule:trending', 5000)
        expect(token).toBeString()
        expect(await store.acquireLock('lock:schedule:trending', 5000)).toBeNull()
        expect(await store.releaseLock('lock:schedule:trending', 'someone-else')).toBe(false)
        expect(await store.acquireLock('lock:schedule:trending', 5000)).toBeNull()
        expect(await store.releaseLock('lock:schedule:trending', token!)).toBe(true)
        expect(await store.releaseLock('lock:schedule:trending', token!)).toBe(false)
        expect(await store.acquireLock('lock:schedule:trending', 5000)).toBeString()
      })

      test('a lock expires after its TTL, and the old token cannot release the next holder', async () => {
        const first = await store.acquireLock('lock:x', 40)
        await sleep(80)
        const second = await store.acquireLock('lock:x', 5000)
        expect(second).toBeString()
        expect(second).not.toBe(first)
        expect(await store.releaseLock('lock:x', first!)).toBe(false)
        expect(await store.acquireLock('lock:x', 5000)).toBeNull()
      })

      test('extendLock keeps a lock for its holder only', async () => {
        const token = await store.acquireLock('lock:y', 60)
        expect(await store.extendLock('lock:y', 'someone-else', 5000)).toBe(false)
        expect(await store.extendLock('lock:y', token!, 5000)).toBe(true)
        await sleep(100)
        expect(await store.acquireLock('lock:y', 5000)).toBeNull()
        expect(await store.releaseLock('lock:y', token!)).toBe(true)
        expect(await store.extendLock('lock:y', token!, 5000)).toBe(false)
      })
    })
  })
}

describe.skipIf(!process.env.REDIS_URL)('the in-process store next to Redis (needs REDIS_URL)', () => {
  let memory: TestStore
  let redis: TestStore

  beforeEach(() => {
    memory = makeTestStore('memory')
    redis = makeTestStore('redis')
  })
  afterEach(() => Promise.all([memory.close(), redis.close()]))

  test('measures geo distances as Redis does, anywhere on the map: the same order, the same edges to the millimetre', async () => {
    const random = seededRandom(42)
    const points = Array.from({ length: 200 }, (_, i) => ({
      member: `p${i}`,
      lng: random() * 360 - 180,
      lat: random() * 170 - 85,
    }))
    const centre = { lng: 10.5, lat: 45.25 }
    for (const { store } of [memory, redis]) await store.geoadd('points', points)
    const [fromMemory, fromRedis] = await Promise.all(
      [memory, redis].map(({ store }) => store.geosearch('points', centre.lng, centre.lat, 3_000_000)),
    )
    expect(fromMemory!.length).toBeGreaterThan(5)
    expect(fromMemory).toEqual(fromRedis!)
    for (const member of fromRedis!.slice(0, 5)) {
      const [inMemory, inRedis] = await Promise.all([memory, redis].map(({ store }) => edgeRadiusM(store, 'points', centre, member)))
      expect(Math.abs(inMemory! - inRedis!)).toBeLessThanOrEqual(EDGE_PRECISION_M)
    }
  })
})

describe.skipIf(!process.env.REDIS_URL)('near copies on Redis (needs REDIS_URL)', () => {
  let here: TestStore
  let elsewhere: Store
  let admin: Redis

  beforeEach(() => {
    here = makeTestStore('redis')
    // Another instance of the app: its own connections, the same keys.
    elsewhere = createRedisStore({ url: process.env.REDIS_URL!, keyPrefix: here.prefix! })
    admin = new Redis(process.env.REDIS_URL!)
  })
  afterEach(async () => {
    await Promise.all([elsewhere.close(), admin.quit()])
    await here.close()
  })

  /** GETs Redis has answered, from every client: reads answered by a copy never reach it. */
  async function getsAnswered(): Promise<number> {
    const stats = await admin.info('commandstats')
    return Number(/cmdstat_get:calls=(\d+)/.exec(stats)?.[1] ?? 0)
  }

  /** Reads `key` until a copy answers them (tracking starts when the store's connection is ready). */
  async function untilCopied(key: string): Promise<void> {
    const deadline = Date.now() + 3000
    while (Date.now() < deadline) {
      await here.store.getNear(key)
      const before = await getsAnswered()
      for (let i = 0; i < 100; i++) await here.store.getNear(key)
      if ((await getsAnswered()) - before < 50) return
      await sleep(50)
    }
    throw new Error(`no copy of ${key} was kept`)
  }

  async function untilRead(key: string, expected: string | null): Promise<void> {
    const deadline = Date.now() + 1000
    while ((await here.store.getNear(key)) !== expected) {
      if (Date.now() > deadline) throw new Error(`${key} still reads ${await here.store.getNear(key)}, not ${expected}`)
      await sleep(5)
    }
  }

  test('a copy answers repeated reads, and a change from another instance replaces it at once', async () => {
    await here.store.set('near:session:a', 'alice', 60)
    await untilCopied('near:session:a')

    expect(here.store.peekNear('near:session:a', asIs)).toBe('alice')

    await elsewhere.set('near:session:a', 'alice, renamed', 60)
    await untilRead('near:session:a', 'alice, renamed')
    expect(peekAnswers(undefined, 'alice, renamed')).toContain(here.store.peekNear('near:session:a', asIs))
    await elsewhere.del('near:session:a')
    await untilRead('near:session:a', null)
    expect(peekAnswers(undefined, null)).toContain(here.store.peekNear('near:session:a', asIs))
  })

  test('a key that expires in Redis stops being read from its copy', async () => {
    await here.store.set('near:count', '3', 1)
    await untilCopied('near:count')
    await sleep(PAST_ONE_SECOND_MS)
    // Redis deletes an expired key when a client touches it, or in its expiry cycle; either way
    // it tells the tracking connection, and the copy goes.
    await elsewhere.exists('near:count')
    await untilRead('near:count', null)
  })

  test('when the tracking connection drops, the copies go with it: a change made meanwhile is read at once', async () => {
    await here.store.set('near:session:b', 'before', 60)
    await untilCopied('near:session:b')
    // Kills every connection in subscriber mode, the tracking one among them; ioredis reconnects it.
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
    await elsewhere.set('near:session:b', 'after', 60)
    await untilRead('near:session:b', 'after')
    // Tracking comes back with the connection, and copies with it.
    await untilCopied('near:session:b')
  })

  test('a near record’s copy answers for minutes, other keys’ copies for seconds', async () => {
    await here.store.set('near:record:test:1', 'kept', 60)
    await here.store.set('near:plain', 'brief', 60)
    await untilCopied('near:record:test:1')
    await untilCopied('near:plain')
    await sleep(NEAR_MAX_AGE_MS + 500)
    const readsAnswered = async (key: string) => {
      const before = await getsAnswered()
      for (let i = 0; i < 10; i++) await here.store.getNear(key)
      return (await getsAnswered()) - before
    }
    expect(await readsAnswered('near:record:test:1')).toBe(0)
    expect(await readsAnswered('near:plain')).toBeGreaterThan(0)
    // A record is still exact: a change from elsewhere replaces its copy at once.
    await elsewhere.set('near:record:test:1', 'changed', 60)
    await untilRead('near:record:test:1', 'changed')
  })

  test('keys outside near: are never copied', async () => {
    await here.store.set('plain', 'v')
    const before = await getsAnswered()
    for (let i = 0; i < 20; i++) await here.store.get('plain')
    expect((await getsAnswered()) - before).toBeGreaterThanOrEqual(20)
  })
})

const EDGE_PRECISION_M = 0.001

/** The smallest radius, to the millimetre, within which `member` is found from `centre` (bisected by asking). */
async function edgeRadiusM(store: Store, key: string, centre: { lng: number; lat: number }, member: string): Promise<number> {
  const finds = async (radiusM: number) => (await store.geosearch(key, centre.lng, centre.lat, radiusM)).includes(member)
  let [outside, inside] = [0, 20_000_000]
  if (!(await finds(inside))) throw new Error(`${member} is not in ${key}`)
  while (inside - outside > EDGE_PRECISION_M) {
    const middle = (outside + inside) / 2
    if (await finds(middle)) inside = middle
    else outside = middle
  }
  return inside
}

/** Haversine on the sphere Redis uses, straight from the formula, as an independent reference. */
function greatCircleM(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180
  const h =
    Math.sin(radians(b.lat - a.lat) / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(radians(b.lng - a.lng) / 2) ** 2
  return 2 * 6372797.560856 * Math.asin(Math.sqrt(h))
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
