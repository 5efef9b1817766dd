/**
 * Remembers what was asked for lately, for caches that keep only what is asked for twice: most
 * search pages and lists by coordinates are asked for once, and keeping each of them costs memory
 * (and, kept past a garbage collection, the collector's time) for nothing.
 *
 * @example
 * const askedBefore = repeatAsks(10_000, 30_000)
 * if (askedBefore(key)) keep(key, value)   // false the first time, true on a repeat within 30 s
 */
import { boundedMap } from '@/shared/bounded-map'

/**
 * Whether a key was asked for within the last `withinMs` (by default, while it is among the `max`
 * most recently asked); remembers this ask either way.
 */
export function repeatAsks(max: number, withinMs = Number.POSITIVE_INFINITY): (key: string) => boolean {
  /** Key → until when another ask counts as a repeat. */
  const asked = boundedMap<string, number>(max)
  return (key) => {
    const now = Date.now()
    const until = asked.get(key)
    asked.set(key, now + withinMs)
    return until !== undefined && until > now
  }
}
