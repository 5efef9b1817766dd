/**
 * A small deterministic generator (a linear congruential one: Numerical Recipes' constants), so a
 * test over random points can be replayed from its seed.
 *
 * @example
 * const next = seededRandom(7)
 * const lat = next() * 180 - 90
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}
