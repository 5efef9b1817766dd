/**
 * The Store in process memory (embedded mode, tests without Redis), with the semantics Redis has
 * where a caller could notice: TTLs, wrong-type errors, empty collections vanishing, equal scores
 * ordered by member bytes, geo points snapped to Redis's 52-bit geohash grid and measured with its
 * haversine. Every method body runs without awaiting, so each one is atomic like a Redis command.
 */
import { randomUUID } from 'node:crypto'
import { checkNearKey, parsedOnce, type Forward, type ParsedOnce, type ScoredMember, type Store } from '@/infra/store/store'

/** Reads already hide expired keys; the sweep only gives their memory back, so it need not be frequent. */
const SWEEP_INTERVAL_MS = 10_000

/** A string keeps what peekNear's parse made of it until the string is replaced. */
type Entry = ({ kind: 'string'; value: string } & ParsedOnce) | { kind: 'list'; items: string[] } | { kind: 'zset'; members: SortedSet }
type Kind = Entry['kind']
type EntryOf<K extends Kind> = Extract<Entry, { kind: K }>

export function createMemoryStore(): Store {
  const entries = new Map<string, Entry>()
  const expiresAt = new Map<string, number>()

  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [key, at] of expiresAt) if (now > at) forget(key)
  }, SWEEP_INTERVAL_MS)
  sweep.unref()

  function forget(key: string): void {
    entries.delete(key)
    expiresAt.delete(key)
  }

  /** The live entry at `key`; like Redis, a key is gone once its deadline has passed. */
  function live(key: string): Entry | undefined {
    const at = expiresAt.get(key)
    if (at !== undefined && Date.now() > at) forget(key)
    return entries.get(key)
  }

  function read<K extends Kind>(key: string, kind: K): EntryOf<K> | undefined {
    const entry = live(key)
    if (entry && entry.kind !== kind) throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value')
    // Cast: the kind was just checked: an entry of kind K is an EntryOf<K>.
    return entry as EntryOf<K> | undefined
  }

  function list(key: string): EntryOf<'list'> {
    let entry = read(key, 'list')
    if (!entry) entries.set(key, (entry = { kind: 'list', items: [] }))
    return entry
  }

  function zset(key: string): SortedSet {
    let entry = read(key, 'zset')
    if (!entry) entries.set(key, (entry = { kind: 'zset', members: new SortedSet() }))
    return entry.members
  }

  /** Redis deletes a list or sorted set (and its TTL) when its last element goes. */
  function dropIfEmpty(key: string): void {
    const entry = entries.get(key)
    if ((entry?.kind === 'list' && entry.items.length === 0) || (entry?.kind === 'zset' && entry.members.size === 0)) {
      forget(key)
    }
  }

  function setString(key: string, value: string, ttlMs?: number): void {
    entries.set(key, { kind: 'string', value })
    if (ttlMs === undefined) expiresAt.delete(key)
    else expiresAt.set(key, Date.now() + ttlMs)
  }

  /** EXPIRE/PEXPIRE: a deadline in the past deletes the key at once. */
  function expireIn(key: string, ttlMs: number): void {
    if (!live(key)) return
    if (ttlMs <= 0) forget(key)
    else expiresAt.set(key, Date.now() + ttlMs)
  }

  function lpush(key: string, values: readonly string[]): void {
    if (values.length === 0) return
    const entry = list(key)
    // LPUSH a b c leaves c b a at the head. (concat, not a spread: a spread of many values overflows the stack)
    entry.items = [...values].reverse().concat(entry.items)
  }

  function lremOne(key: string, value: string): number {
    const items = read(key, 'list')?.items ?? []
    const index = items.indexOf(value)
    if (index < 0) return 0
    items.splice(index, 1)
    dropIfEmpty(key)
    return 1
  }

  function zremOne(key: string, member: string): void {
    read(key, 'zset')?.members.remove(member)
    dropIfEmpty(key)
  }

  function nearEntry(key: string): EntryOf<'string'> | undefined {
    checkNearKey(key)
    return read(key, 'string')
  }

  function forward(next: Forward): void {
    if ('list' in next) lpush(next.list, [next.value])
    else zset(next.zset).add(next.member, checkedScore(next.score))
  }

  return {
    kind: 'memory',

    async get(key) {
      return read(key, 'string')?.value ?? null
    },
    // Already in this process: nothing nearer to keep.
    async getNear(key) {
      return nearEntry(key)?.value ?? null
    },
    peekNear<T>(key: string, parse: (value: string) => T): T | null {
      const entry = nearEntry(key)
      return entry ? parsedOnce(entry, entry.value, parse) : null
    },
    async set(key, value, ttlSeconds) {
      setString(key, value, ttlSeconds === undefined ? undefined : positiveWhole(ttlSeconds, 'set') * 1000)
    },
    async setIfAbsent(key, value, ttlSeconds) {
      const ttlMs = positiveWhole(ttlSeconds, 'set') * 1000
      if (live(key)) return false
      setString(key, value, ttlMs)
      return true
    },
    async del(...keys) {
      for (const key of keys) forget(key)
    },

    async zadd(key, scored) {
      if (scored.length === 0) return
      // Like ZADD, one bad score refuses the whole call.
      const checked = scored.map(({ member, score }) => ({ member, score: checkedScore(score) }))
      const members = zset(key)
      for (const { member, score } of checked) members.add(member, score)
    },
    async zrem(key, members) {
      const sorted = read(key, 'zset')?.members
      for (const member of members) sorted?.remove(member)
      dropIfEmpty(key)
    },
    async zrevrange(key, limit, below) {
      if (limit <= 0) return []
      const ascending = read(key, 'zset')?.members.ascending() ?? []
      const page: ScoredMember[] = []
      for (let i = ascending.length - 1; i >= 0 && page.length < limit; i--) {
        const entry = ascending[i]!
        if (below === undefined || entry.score < below) page.push({ ...entry })
      }
      return page
    },
    async ztrim(key, keep) {
      const members = read(key, 'zset')?.members
      if (!members) return
      const lowest = members.ascending().slice(0, Math.max(0, members.size - Math.max(0, keep)))
      for (const { member } of lowest) members.remove(member)
      dropIfEmpty(key)
    },
    async zcard(key) {
      return read(key, 'zset')?.members.size ?? 0
    },
    async exists(key) {
      return live(key) !== undefined
    },
    async expire(key, ttlSeconds) {
      expireIn(key, wholeNumber(ttlSeconds) * 1000)
    },

    async lpush(key, values) {
      lpush(key, values)
    },
    async pushOnce(mark, ttlSeconds, key, value) {
      const ttlMs = positiveWhole(ttlSeconds, 'pushOnce') * 1000
      if (live(mark)) return false
      setString(mark, '1', ttlMs)
      lpush(key, [value])
      return true
    },
    async rpush(key, values) {
      if (values.length === 0) return
      const { items } = list(key)
      for (const value of values) items.push(value)
    },
    async lmove(from, to) {
      const source = read(from, 'list')
      if (!source) return null
      read(to, 'list') // LMOVE checks the destination's type before it pops
      const value = source.items.pop()!
      dropIfEmpty(from)
      list(to).items.unshift(value)
      return value
    },
    async lrem(key, value) {
      return lremOne(key, value)
    },
    async lrange(key, start, stop) {
      const items = read(key, 'list')?.items ?? []
      const from = start < 0 ? Math.max(0, items.length + start) : start
      const to = stop < 0 ? items.length + stop : Math.min(stop, items.length - 1)
      return from > to ? [] : items.slice(from, to + 1)
    },
    async llen(key) {
      return read(key, 'list')?.items.length ?? 0
    },

    async zrangeUpTo(key, maxScore, limit) {
      return dueMembers(read(key, 'zset')?.members, maxScore, limit).map((entry) => ({ ...entry }))
    },
    async zmoveDueToList(from, to, maxScore, limit) {
      const due = dueMembers(read(from, 'zset')?.members, maxScore, limit).map(({ member }) => member)
      if (due.length === 0) return 0
      read(to, 'list') // fail on a wrong-typed destination before anything moves
      for (const member of due) zremOne(from, member)
      lpush(to, due)
      return due.length
    },
    async zaddMissingFromList(zsetKey, listKey, score) {
      const items = read(listKey, 'list')?.items ?? []
      if (items.length === 0) return 0
      const members = zset(zsetKey)
      return items.filter((value) => members.addIfMissing(value, checkedScore(score))).length
    },
    async lremAndForward(from, zsetKey, value, next) {
      const removed = lremOne(from, value) === 1
      zremOne(zsetKey, value)
      if (removed && next) forward(next)
      return removed
    },

    async geoadd(key, points) {
      if (points.length === 0) return
      const scored = points.map(({ member, lng, lat }) => ({ member, score: geohashScore(lng, lat) }))
      const members = zset(key)
      for (const { member, score } of scored) members.add(member, score)
    },
    async geosearch(key, lng, lat, radiusM, limit) {
      checkLngLat(lng, lat)
      if (radiusM < 0) throw new Error('ERR radius cannot be negative')
      if (limit !== undefined && limit <= 0) return []
      const hits = (read(key, 'zset')?.members.ascending() ?? [])
        .map(({ member, score }) => ({ member, distanceM: distanceFrom(lng, lat, geohashPoint(score)) }))
        .filter((hit) => hit.distanceM <= radiusM)
        .sort((a, b) => a.distanceM - b.distanceM || compareAsRedis(a.member, b.member))
      return hits.slice(0, limit).map(({ member }) => member)
    },

    async incr(key, ttlSeconds) {
      const windowMs = wholeNumber(ttlSeconds) * 1000
      const current = read(key, 'string')?.value ?? '0'
      if (!/^-?\d+$/.test(current)) throw new Error('ERR value is not an integer or out of range')
      const count = Number(current) + 1
      const keepsDeadline = expiresAt.has(key)
      entries.set(key, { kind: 'string', value: String(count) })
      // As the Redis script does: a counter left without a deadline (written by hand) gets one too.
      if (count === 1 || !keepsDeadline) expireIn(key, windowMs)
      return count
    },

    async acquireLock(key, ttlMs) {
      positiveWhole(ttlMs, 'set')
      if (live(key)) return null
      const token = randomUUID()
      setString(key, token, ttlMs)
      return token
    },
    async releaseLock(key, token) {
      if (read(key, 'string')?.value !== token) return false
      forget(key)
      return true
    },
    async extendLock(key, token, ttlMs) {
      if (read(key, 'string')?.value !== token) return false
      expireIn(key, wholeNumber(ttlMs))
      return true
    },

    async ping() {},
    async close() {
      clearInterval(sweep)
      entries.clear()
      expiresAt.clear()
    },
  }
}

/** A sorted set as Redis orders it: by score, equal scores by member bytes. */
class SortedSet {
  private readonly scores = new Map<string, number>()
  /** Sorted lazily: timelines take many writes between reads. */
  private order: ScoredMember[] | null = null

  get size(): number {
    return this.scores.size
  }

  add(member: string, score: number): void {
    if (this.scores.get(member) === score) return
    this.scores.set(member, score)
    this.order = null
  }

  addIfMissing(member: string, score: number): boolean {
    if (this.scores.has(member)) return false
    this.add(member, score)
    return true
  }

  remove(member: string): void {
    if (this.scores.delete(member)) this.order = null
  }

  ascending(): readonly ScoredMember[] {
    this.order ??= [...this.scores]
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => (a.score === b.score ? compareAsRedis(a.member, b.member) : a.score < b.score ? -1 : 1))
    return this.order
  }
}

function dueMembers(members: SortedSet | undefined, maxScore: number, limit: number): ScoredMember[] {
  const due: ScoredMember[] = []
  for (const entry of members?.ascending() ?? []) {
    if (due.length >= limit || entry.score > maxScore) break
    due.push(entry)
  }
  return due
}

/**
 * Redis compares members as UTF-8 bytes. UTF-16 code units sort the same way except that surrogate
 * pairs (code points above U+FFFF) must sort after U+E000–U+FFFF, so surrogates are lifted above both.
 */
function compareAsRedis(a: string, b: string): number {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return liftSurrogate(x) - liftSurrogate(y)
  }
  return a.length - b.length
}

function liftSurrogate(codeUnit: number): number {
  return codeUnit >= 0xd800 && codeUnit <= 0xdfff ? codeUnit + 0x10000 : codeUnit
}

function checkedScore(score: number): number {
  if (Number.isNaN(score)) throw new Error('a sorted-set score must be a number (got NaN)')
  return score
}

/** SET … EX/PX accepts only a whole number above zero, with Redis's error otherwise. */
function positiveWhole(ttl: number, command: string): number {
  if (wholeNumber(ttl) <= 0) throw new Error(`ERR invalid expire time in '${command}' command`)
  return ttl
}

function wholeNumber(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error('ERR value is not an integer or out of range')
  return value
}

// Geo, as Redis computes it (src/geohash.c, src/geohash_helper.c): points are stored as a 52-bit
// interleaved geohash in a sorted set, read back as the centre of their cell, and measured with the
// haversine formula on a sphere of Redis's radius. Matching this keeps radius edges identical.

const EARTH_RADIUS_M = 6372797.560856
const GEO_STEP_BITS = 26
const GEO_CELLS = 2 ** GEO_STEP_BITS
const LAT_LIMIT = 85.05112878 // Web Mercator's limit; Redis refuses points beyond it
const DEGREES_TO_RADIANS = Math.PI / 180

function checkLngLat(lng: number, lat: number): void {
  if (!(lng >= -180 && lng <= 180 && lat >= -LAT_LIMIT && lat <= LAT_LIMIT)) {
    throw new Error(`ERR invalid longitude,latitude pair ${lng.toFixed(6)},${lat.toFixed(6)}`)
  }
}

function geohashScore(lng: number, lat: number): number {
  checkLngLat(lng, lat)
  const latCell = Math.trunc(((lat + LAT_LIMIT) / (2 * LAT_LIMIT)) * GEO_CELLS)
  const lngCell = Math.trunc(((lng + 180) / 360) * GEO_CELLS)
  // Latitude bits take the even positions and longitude bits the odd ones (interleave64).
  let score = 0
  for (let bit = GEO_STEP_BITS; bit >= 0; bit--) {
    score = score * 4 + bitAt(lngCell, bit) * 2 + bitAt(latCell, bit)
  }
  return score
}

function geohashPoint(score: number): { lng: number; lat: number } {
  let latCell = 0
  let lngCell = 0
  let rest = score
  for (let bit = 0; bit <= GEO_STEP_BITS; bit++) {
    latCell += (rest % 2) * 2 ** bit
    rest = Math.floor(rest / 2)
    lngCell += (rest % 2) * 2 ** bit
    rest = Math.floor(rest / 2)
  }
  const lng = cellCentre(lngCell, -180, 180)
  const lat = cellCentre(latCell, -LAT_LIMIT, LAT_LIMIT)
  return { lng: Math.min(180, Math.max(-180, lng)), lat: Math.min(LAT_LIMIT, Math.max(-LAT_LIMIT, lat)) }
}

/** Computed in Redis's order of operations, so the last bits agree too. */
function cellCentre(cell: number, min: number, max: number): number {
  const scale = max - min
  return (min + (cell / GEO_CELLS) * scale + (min + ((cell + 1) / GEO_CELLS) * scale)) / 2
}

function bitAt(value: number, bit: number): number {
  return Math.floor(value / 2 ** bit) % 2
}

/** geohashGetDistance, step for step (with its shortcut when the longitudes match). */
function distanceFrom(lng: number, lat: number, point: { lng: number; lat: number }): number {
  const v = Math.sin((point.lng * DEGREES_TO_RADIANS - lng * DEGREES_TO_RADIANS) / 2)
  const lat1 = lat * DEGREES_TO_RADIANS
  const lat2 = point.lat * DEGREES_TO_RADIANS
  if (v === 0) return EARTH_RADIUS_M * Math.abs(lat2 - lat1)
  const u = Math.sin((lat2 - lat1) / 2)
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(u * u + Math.cos(lat1) * Math.cos(lat2) * v * v))
}
