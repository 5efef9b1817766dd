/**
 * A map that keeps about the `max` most recently used entries. A read is one lookup and a stamp
 * written on its entry; when a new entry takes the map past `max`, the least recently used quarter
 * goes in one pass (entries are copied into a new Map, the most recent three quarters by stamp).
 *
 * Why not a Map trimmed from its front (`map.delete(map.keys().next().value)`): in JavaScriptCore
 * that call walks over every entry deleted before it, so a full map trimmed on every set grows slow.
 * Why not two generations (a young and an old Map, the old dropped whole): when the entries in use
 * are a good part of `max`, nearly every read finds its entry in the old one and moves it.
 *
 * @example
 * const recent = boundedMap<string, number>(10_000)
 * recent.set('a', 1)
 * recent.get('a') // 1, and 'a' is now the most recently used
 */
export interface BoundedMap<K, V> {
  get(key: K): V | undefined
  set(key: K, value: V): void
  delete(key: K): void
  clear(): void
  readonly size: number
}

interface Slot<V> {
  value: V
  /** When it was last read or set, on the map's own clock. */
  used: number
}

/** `counted`, when given, hears of every `get`: true for a hit (the cache metrics, src/infra/metrics.ts `cacheCounter`). */
export function boundedMap<K, V>(max: number, counted?: (hit: boolean) => void): BoundedMap<K, V> {
  const keep = Math.max(1, max - Math.floor(max / 4))
  let entries = new Map<K, Slot<V>>()
  let clock = 0

  /** Keeps the `keep` most recently used entries. */
  function trim(): void {
    const stamps = new Float64Array(entries.size)
    let i = 0
    for (const slot of entries.values()) stamps[i++] = slot.used
    stamps.sort()
    const oldestKept = stamps[stamps.length - keep]!
    const kept = new Map<K, Slot<V>>()
    for (const [key, slot] of entries) if (slot.used >= oldestKept) kept.set(key, slot)
    entries = kept
  }

  return {
    get(key) {
      const slot = entries.get(key)
      counted?.(slot !== undefined)
      if (slot === undefined) return undefined
      slot.used = ++clock
      return slot.value
    },
    set(key, value) {
      const slot = entries.get(key)
      if (slot !== undefined) {
        slot.value = value
        slot.used = ++clock
        return
      }
      entries.set(key, { value, used: ++clock })
      if (entries.size > max) trim()
    },
    delete(key) {
      entries.delete(key)
    },
    clear() {
      entries = new Map()
    },
    get size() {
      return entries.size
    },
  }
}
