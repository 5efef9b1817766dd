/**
 * The Store on Redis (production, CI). ioredis adds `keyPrefix` to every key argument, including
 * LMOVE's destination, GEOSEARCH's key and the KEYS of the Lua scripts below, so callers never see it.
 * Every multi-step operation that must not be split runs as one Lua script.
 */
import { randomUUID } from 'node:crypto'
import { tracingChannel } from 'node:diagnostics_channel'
import { Redis } from 'ioredis'
import type { Logger } from '@/infra/log'
import { createNearCache } from '@/infra/store/near-cache'
import { StoreUnavailable, type Forward, type GeoMember, type ScoredMember, type Store } from '@/infra/store/store'

/**
 * How long a command may wait for its reply before it fails with StoreUnavailable. Commands take well
 * under a millisecond here, so half a second only ever passes when Redis is stalled or unreachable;
 * a page then answers at once (from the database, or 503) instead of hanging until Redis returns.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 500
/** Reconnect quickly and keep trying: a page works again within a second of Redis's return. */
const RECONNECT_DELAY_MS = (attempt: number) => Math.min(attempt * 100, 1000)

export interface RedisStoreOptions {
  url: string
  keyPrefix: string
  /** Where connection errors go; without it ioredis prints them itself. */
  log?: Logger
}

/** The window starts at the first increment; a counter left without expiry (written by hand) gets one too. */
const INCR_WITH_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`

/** Only the holder of the token may release: an expired lock may already belong to someone else. */
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

/** ARGV[2] stays well under Lua's unpack limit (the queue moves at most a few hundred at once). */
const ZMOVE_DUE_TO_LIST = `
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[2])
if #due == 0 then return 0 end
redis.call('ZREM', KEYS[1], unpack(due))
redis.call('LPUSH', KEYS[2], unpack(due))
return #due`

const ZADD_MISSING_FROM_LIST = `
local added = 0
for _, value in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  added = added + redis.call('ZADD', KEYS[1], 'NX', ARGV[1], value)
end
return added`

/** The mark and the push happen together or not at all, so a job is never marked yet missing. */
const PUSH_ONCE = `
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[2])
return 1`

/** KEYS[3] is the destination (or KEYS[1] again when there is none); ARGV[2] says what kind it is. */
const LREM_AND_FORWARD = `
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if removed == 1 and ARGV[2] == 'list' then redis.call('LPUSH', KEYS[3], ARGV[3]) end
if removed == 1 and ARGV[2] == 'zset' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
return removed`

/**
 * Bun's TracingChannel has no `hasSubscribers` (Node's has had it since 22), and ioredis 6 reads its
 * absence as "someone listens": every command was traced for nobody, its arguments run through a
 * list of regular expressions and stringified, its promise wrapped twice. The getter is Node's own
 * definition: any of the channel's five events has a subscriber.
 */
function giveTracingChannelsHasSubscribers(): void {
  const prototype = Reflect.getPrototypeOf(tracingChannel('nl:probe'))
  if (!prototype || 'hasSubscribers' in prototype) return
  const events = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const
  Object.defineProperty(prototype, 'hasSubscribers', {
    get(this: Record<(typeof events)[number], { hasSubscribers: boolean }>) {
      return events.some((event) => this[event].hasSubscribers)
    },
  })
}
giveTracingChannelsHasSubscribers()

type ScriptArg = string | number
type Script = (...keysThenArgs: ScriptArg[]) => Promise<unknown>

export function createRedisStore({ url, keyPrefix, log }: RedisStoreOptions): Store {
  // Auto-pipelining sends the commands of concurrent requests in one write: a popular cached page
  // read by 32 requests at once costs one round trip instead of 32 (4× the GETs/s measured here).
  //
  // Fail fast while Redis is away (issue 18, defect 2): a command sent on a connection that then
  // drops is failed at once, not sent again on the next connection (maxRetriesPerRequest 0); one that
  // gets no reply fails after REDIS_COMMAND_TIMEOUT_MS; and once connected, a command issued while
  // disconnected fails at once instead of waiting in the offline queue to be sent — late — when
  // Redis returns. Until the first connection the queue is kept, so start-up need not wait for it;
  // what it holds is failed on each refused attempt.
  const redis = new Redis(url, {
    keyPrefix,
    enableAutoPipelining: true,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: RECONNECT_DELAY_MS,
  })
  redis.once('ready', () => {
    // ioredis reads the option at each command; there is no other way to turn the queue off later.
    redis.options.enableOfflineQueue = false
  })
  if (log) redis.on('error', (error: Error) => log.warn({ err: error }, 'Redis connection error'))
  const near = createNearCache({ url, keyPrefix, log })

  const script = (name: string, numberOfKeys: number, lua: string): Script => {
    redis.defineCommand(name, { numberOfKeys, lua })
    // defineCommand adds the method at run time; ioredis cannot type it, so it is looked up by name.
    const command = (redis as unknown as Record<string, Script>)[name]!
    return (...keysThenArgs) => command.apply(redis, keysThenArgs)
  }
  const incrWithWindow = script('nlIncrWithWindow', 1, INCR_WITH_WINDOW)
  const releaseLock = script('nlReleaseLock', 1, RELEASE_LOCK)
  const extendLock = script('nlExtendLock', 1, EXTEND_LOCK)
  const zmoveDueToList = script('nlZmoveDueToList', 2, ZMOVE_DUE_TO_LIST)
  const zaddMissingFromList = script('nlZaddMissingFromList', 2, ZADD_MISSING_FROM_LIST)
  const lremAndForward = script('nlLremAndForward', 3, LREM_AND_FORWARD)
  const pushOnce = script('nlPushOnce', 2, PUSH_ONCE)

  return failingAsUnavailable({
    kind: 'redis',

    get: (key) => redis.get(key),
    getNear: (key) => near.get(key, () => redis.get(key)),
    peekNear: (key, parse) => near.peek(key, parse),
    async set(key, value, ttlSeconds) {
      near.forget([key])
      if (ttlSeconds === undefined) await redis.set(key, value)
      else await redis.set(key, value, 'EX', ttlSeconds)
    },
    async setIfAbsent(key, value, ttlSeconds) {
      near.forget([key])
      return (await redis.set(key, value, 'EX', ttlSeconds, 'NX')) === 'OK'
    },
    async del(...keys) {
      near.forget(keys)
      if (keys.length > 0) await redis.del(...keys)
    },

    async zadd(key, entries) {
      if (entries.length === 0) return
      await redis.zadd(key, ...entries.flatMap(({ member, score }) => [formatScore(score), member]))
    },
    async zrem(key, members) {
      if (members.length > 0) await redis.zrem(key, ...members)
    },
    async zrevrange(key, limit, below) {
      if (limit <= 0) return []
      const max = below === undefined ? '+inf' : `(${formatScore(below)}`
      return scoredMembers(await redis.zrange(key, max, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, limit, 'WITHSCORES'))
    },
    async ztrim(key, keep) {
      await redis.zremrangebyrank(key, 0, -(Math.max(0, keep) + 1))
    },
    zcard: (key) => redis.zcard(key),
    async exists(key) {
      return (await redis.exists(key)) > 0
    },
    async expire(key, ttlSeconds) {
      near.forget([key])
      await redis.expire(key, ttlSeconds)
    },

    async lpush(key, values) {
      if (values.length > 0) await redis.lpush(key, ...values)
    },
    async rpush(key, values) {
      if (values.length > 0) await redis.rpush(key, ...values)
    },
    async pushOnce(mark, ttlSeconds, list, value) {
      return Number(await pushOnce(mark, list, ttlSeconds, value)) === 1
    },
    lmove: (from, to) => redis.lmove(from, to, 'RIGHT', 'LEFT'),
    lrem: (key, value) => redis.lrem(key, 1, value),
    lrange: (key, start, stop) => redis.lrange(key, start, stop),
    llen: (key) => redis.llen(key),

    async zrangeUpTo(key, maxScore, limit) {
      if (limit <= 0) return []
      return scoredMembers(await redis.zrange(key, '-inf', formatScore(maxScore), 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES'))
    },
    async zmoveDueToList(from, to, maxScore, limit) {
      if (limit <= 0) return 0
      return Number(await zmoveDueToList(from, to, formatScore(maxScore), limit))
    },
    async zaddMissingFromList(zset, list, score) {
      return Number(await zaddMissingFromList(zset, list, formatScore(score)))
    },
    async lremAndForward(from, zset, value, next) {
      return Number(await lremAndForward(from, zset, ...forwardKeyAndArgs(from, value, next))) === 1
    },

    async geoadd(key, entries) {
      if (entries.length === 0) return
      await redis.geoadd(key, ...entries.flatMap(({ member, lng, lat }: GeoMember) => [lng, lat, member]))
    },
    async geosearch(key, lng, lat, radiusM, limit) {
      if (limit !== undefined && limit <= 0) return []
      const count = limit === undefined ? [] : ['COUNT', limit]
      // Without WITHDIST/WITHCOORD/WITHHASH, Redis replies with the members' names alone; ioredis
      // types every GEOSEARCH reply `unknown[]`, whatever its options.
      return (await redis.geosearch(key, 'FROMLONLAT', lng, lat, 'BYRADIUS', radiusM, 'm', 'ASC', ...count)) as string[]
    },

    async incr(key, ttlSeconds) {
      return Number(await incrWithWindow(key, ttlSeconds))
    },

    async acquireLock(key, ttlMs) {
      const token = randomUUID()
      return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : null
    },
    async releaseLock(key, token) {
      return Number(await releaseLock(key, token)) === 1
    },
    async extendLock(key, token, ttlMs) {
      return Number(await extendLock(key, token, ttlMs)) === 1
    },

    async ping() {
      await redis.ping()
    },
    async close() {
      await near.close()
      await redis.quit().catch(() => redis.disconnect())
    },
  })
}

/** What ioredis says when it cannot reach Redis, rather than Redis refusing the command. */
function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (error.name === 'MaxRetriesPerRequestError') return true
  return /^(Command timed out|Connection is closed|Stream isn't writeable|LOADING )/.test(error.message)
}

/** Every command of `store` rejects with StoreUnavailable when Redis cannot be reached. */
function failingAsUnavailable(store: Store): Store {
  const wrapped: Record<string, unknown> = {}
  for (const [name, member] of Object.entries(store)) {
    if (typeof member !== 'function' || name === 'peekNear' || name === 'close') {
      wrapped[name] = member
      continue
    }
    wrapped[name] = (...args: unknown[]) =>
      // A Store method other than peekNear: it takes its own arguments and returns a promise.
      (member as (...args: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
        throw isUnreachable(error) ? new StoreUnavailable(name, { cause: error }) : error
      })
  }
  // Every member of `store` is copied under its own name, each method with its own signature.
  return wrapped as unknown as Store
}

/** KEYS[3] and ARGV[1..4] of LREM_AND_FORWARD. */
function forwardKeyAndArgs(from: string, value: string, next: Forward | undefined): ScriptArg[] {
  if (!next) return [from, value, 'none', '', '']
  if ('list' in next) return [next.list, value, 'list', next.value, '']
  return [next.zset, value, 'zset', next.member, formatScore(next.score)]
}

/** Redis spells infinite scores `+inf`/`-inf`; `String(Infinity)` would not round-trip through replies. */
function formatScore(score: number): string {
  if (Number.isNaN(score)) throw new Error('a sorted-set score must be a number (got NaN)')
  if (score === Infinity) return '+inf'
  if (score === -Infinity) return '-inf'
  return String(score)
}

function parseScore(text: string): number {
  if (text === 'inf' || text === '+inf') return Infinity
  if (text === '-inf') return -Infinity
  return Number(text)
}

/** A flat `[member, score, member, score, …]` WITHSCORES reply. */
function scoredMembers(flat: string[]): ScoredMember[] {
  const members: ScoredMember[] = []
  for (let i = 0; i < flat.length; i += 2) members.push({ member: flat[i]!, score: parseScore(flat[i + 1]!) })
  return members
}
