/**
 * Calls that share one run while it is in flight: the first caller for a key runs the work, and
 * everyone who asks for the same key before it finishes gets the same promise. Nothing is kept
 * afterwards (that is a cache's job); this only stops a burst of identical misses from each doing
 * the same database reads and rendering.
 *
 * @example
 * const lookups = singleFlight<string, Page | null>()
 * const page = await lookups.run(slug, () => renderPage(slug))
 */
export function singleFlight<K, V>() {
  const inFlight = new Map<K, Promise<V>>()
  return {
    async run(key: K, work: () => Promise<V>): Promise<V> {
      const running = inFlight.get(key)
      if (running) return running
      const started = work()
      inFlight.set(key, started)
      try {
        return await started
      } finally {
        if (inFlight.get(key) === started) inFlight.delete(key)
      }
    },

    /** Later callers start afresh instead of joining a run already going (its data is out of date). */
    forget(key: K): void {
      inFlight.delete(key)
    },
  }
}
