/**
 * Remembers what was asked for lately, for caches that keep only what is asked for twice: most
 * search pages and lists by coordinates are asked for once, and keeping each of them costs memory
 * (and, kept past a garbage collection, the collector's time) for nothing.
 *
 * The memory is a fixed table of `slots`, in two typed arrays: a key's 32-bit hash names two slots,
 * and the key is kept in the one that holds it already, else in the one asked for longer ago, with
 * the time of its ask. A key whose two slots both hold newer keys is pushed out, so now and then a
 * key is forgotten early (it is then kept from its next ask), and two keys that share a hash count
 * as one (a page kept one ask early): both harmless here. Two slots, not one: with one, two busy keys
 * whose hashes picked the same slot would push each other out on every ask and never be kept
 * (tests/unit/repeat-asks.test.ts).
 *
 * Why not a Map of the keys: nearly every ask is a new key, and JavaScriptCore walks a written Map
 * whole in every young-generation collection, so a Map of thousands lengthens every pause. The table
 * holds no object at all.
 *
 * @example
 * const askedBefore = repeatAsks(10_000, 30_000)
 * if (askedBefore(key)) keep(key, value)   // false the first time, true on a repeat within 30 s
 */

/** Whether `key` was asked for within the last `withinMs` (by default, ever) and not pushed out since; remembers this ask either way. */
export function repeatAsks(slots: number, withinMs = Number.POSITIVE_INFINITY): (key: string) => boolean {
  const hashes = new Uint32Array(slots)
  /** When the slot's key was last asked for; 0 for a slot never used. */
  const askedAt = new Float64Array(slots)
  /** The slot of `hash`: the one of its two that holds it, else the one asked for longer ago. */
  function slotOf(hash: number): number {
    const first = hash % slots
    const second = (Math.imul(hash, 0x9e3779b1) >>> 0) % slots
    if (hashes[first] === hash) return first
    if (hashes[second] === hash) return second
    return askedAt[first]! <= askedAt[second]! ? first : second
  }

  return (key) => {
    const hash = Bun.hash.crc32(key)
    const slot = slotOf(hash)
    const now = Date.now()
    const repeat = hashes[slot] === hash && askedAt[slot]! > 0 && now - askedAt[slot]! < withinMs
    hashes[slot] = hash
    askedAt[slot] = now
    return repeat
  }
}
