import { describe, expect, test } from 'bun:test'
import { repeatAsks } from '@/shared/repeat-asks'

describe('repeatAsks', () => {
  test('tells a repeat from a first ask, within its window', async () => {
    const askedBefore = repeatAsks(1000, 50)
    expect(askedBefore('a')).toBe(false)
    expect(askedBefore('a')).toBe(true)
    expect(askedBefore('b')).toBe(false)
    await Bun.sleep(60)
    expect(askedBefore('a')).toBe(false)
    expect(askedBefore('a')).toBe(true)
  })

  test('remembers most of as many keys as it has slots, and forgets the older when pushed out', () => {
    const askedBefore = repeatAsks(10_000)
    const keys = Array.from({ length: 2000 }, (_, i) => `/finder?lat=52.${i}&lng=13.4&radius_km=5`)
    for (const key of keys) askedBefore(key)
    const remembered = keys.filter((key) => askedBefore(key)).length
    // A fifth of the slots in use, two slots a key: a key is pushed out only when both of its slots
    // went to later keys. With one slot a key, ~18 % shared it and were never remembered.
    expect(remembered).toBeGreaterThan(1950)
    for (let i = 0; i < 100_000; i++) askedBefore(`other ${i}`)
    expect(keys.filter((key) => askedBefore(key)).length).toBeLessThan(20)
  })
})
