/**
 * Remembers what was asked for lately, for caches that keep only what is asked for twice: most
 * search pages and lists by coordinates are asked for once, and keeping each of them costs memory
 * (and, kept past a garbage collection, the collector's time) for nothing.
 *
 * The memory is a fixed table of `slots`, in two typed arrays: a key's 32-bit hash picks its slot
 * and is kept there with the time until which a repeat counts. A newer key that lands in the same
 * slot takes it, so now and then a key is forgotten early (it is then kept from its next ask), and
 * two keys that share a hash count as one (a page kept one ask early): both harmless here. Why not a
 * Map of the keys: nearly every ask is a new key, so each ask wrote an entry into a Map of thousands
 * that outlived the young generation, and every young-generation collection then walked the whole
 * Map again (JavaScriptCore remembers a written Map whole): ~0.7 ms of each collection's pause at
 * 1M reports, measured with `BUN_JSC_logGC=1`. The table holds no object at all.
 *
 * @example
 * const askedBefore = repeatAsks(10_000, 30_000)
 * if (askedBefore(key)) keep(key, value)   // false the first time, true on a repeat within 30 s
 */

/** Whether `key` was asked for within the last `withinMs` (by default, ever) and not pushed out since; remembers this ask either way. */
export function repeatAsks(slots: number, withinMs = Number.POSITIVE_INFINITY): (key: string) => boolean {
  const hashes = new Uint32Array(slots)
  /** Until when a repeat of the slot's key counts; 0 for a slot never used. */
  const until = new Float64Array(slots)
  return (key) => {
    const hash = Bun.hash.crc32(key)
    const slot = hash % slots
    const now = Date.now()
    const repeat = hashes[slot] === hash && until[slot]! > now
    hashes[slot] = hash
    until[slot] = now + withinMs
    return repeat
  }
}
