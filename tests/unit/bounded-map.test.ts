import { describe, expect, test } from 'bun:test'
import { boundedMap } from '@/shared/bounded-map'

describe('boundedMap', () => {
  test('holds at most `max` entries and keeps the most recently set', () => {
    const map = boundedMap<number, string>(100)
    for (let i = 0; i < 1000; i++) map.set(i, `v${i}`)
    expect(map.size).toBeLessThanOrEqual(100)
    for (let i = 950; i < 1000; i++) expect(map.get(i)).toBe(`v${i}`)
    expect(map.get(0)).toBeUndefined()
  })

  test('an entry read stays while entries set after it would have pushed it out', () => {
    const map = boundedMap<string, number>(10)
    map.set('hot', 1)
    for (let i = 0; i < 100; i++) {
      map.set(`cold${i}`, i)
      expect(map.get('hot')).toBe(1)
    }
  })

  test('what goes is the least recently used, however often the others were read', () => {
    const map = boundedMap<string, number>(8)
    map.set('hot', 0)
    map.set('warm', 0)
    for (let i = 0; i < 100; i++) {
      for (let read = 0; read < 50; read++) map.get('hot')
      expect(map.get('warm')).toBe(0)
      map.set(`cold${i}`, i)
    }
    expect(map.get('hot')).toBe(0)
    expect(map.get('cold99')).toBe(99)
    expect(map.get('cold0')).toBeUndefined()
  })

  test('set replaces, delete and clear remove, undefined values count as present', () => {
    const map = boundedMap<string, number | undefined>(10)
    map.set('a', 1)
    map.set('a', 2)
    expect(map.get('a')).toBe(2)
    expect(map.size).toBe(1)
    map.delete('a')
    expect(map.get('a')).toBeUndefined()
    map.set('b', undefined)
    map.set('c', 3)
    expect(map.size).toBe(2)
    map.clear()
    expect(map.size).toBe(0)
  })
})
