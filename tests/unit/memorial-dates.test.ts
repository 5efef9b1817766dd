import { describe, expect, test } from 'bun:test'
import { anniversaryOn, formatPartialDate, inOrder, readPartialDate } from '@/features/memorials/dates'
import { slugFromName, slugCandidates } from '@/features/memorials/slugs'

const parts = (day: string, month: string, year: string) => ({ day, month, year })

describe('dates as people know them', () => {
  test('a year, a month or a full date; nothing at all is "not known"', () => {
    expect(readPartialDate(parts('', '', ''), 'x')).toEqual({ ok: true, date: null })
    expect(readPartialDate(parts('', '', '2009'), 'x')).toEqual({ ok: true, date: { year: 2009, month: null, day: null } })
    expect(readPartialDate(parts('', '3', '2009'), 'x')).toEqual({ ok: true, date: { year: 2009, month: 3, day: null } })
    expect(readPartialDate(parts('29', '2', '2024'), 'x')).toEqual({ ok: true, date: { year: 2024, month: 2, day: 29 } })
    expect(readPartialDate(parts('29', '2', '2023'), 'x').ok).toBe(false)
    expect(readPartialDate(parts('1', '', '2023'), 'x').ok).toBe(false)
    expect(readPartialDate(parts('', '13', '2023'), 'x').ok).toBe(false)
    expect(readPartialDate(parts('', '', 'soon'), 'x').ok).toBe(false)
  })

  test('died before born only when certain, given how much of each date is known', () => {
    const date = (year: number, month: number | null = null, day: number | null = null) => ({ year, month, day })
    expect(inOrder(date(2010), date(2010, 3))).toBe(true)
    expect(inOrder(date(2010, 3, 5), date(2010, 3))).toBe(true)
    expect(inOrder(date(2010, 3, 5), date(2010, 3, 4))).toBe(false)
    expect(inOrder(date(2011), date(2010, 12, 31))).toBe(false)
  })

  test('formats', () => {
    expect(formatPartialDate({ year: 2009, month: null, day: null })).toBe('2009')
    expect(formatPartialDate({ year: 2009, month: 3, day: null })).toBe('March 2009')
    expect(formatPartialDate({ year: 2009, month: 3, day: 14 })).toBe('14 March 2009')
  })

  test('anniversaries: full dates only, 29 February on the 28th in other years, never the day itself', () => {
    const passed = { year: 2020, month: 2, day: 29 }
    expect(anniversaryOn({ born: null, passed }, new Date('2023-02-28T09:00:00Z'))).toEqual({ kind: 'passing', years: 3 })
    expect(anniversaryOn({ born: null, passed }, new Date('2024-02-28T09:00:00Z'))).toBeNull()
    expect(anniversaryOn({ born: null, passed }, new Date('2024-02-29T09:00:00Z'))).toEqual({ kind: 'passing', years: 4 })
    expect(anniversaryOn({ born: null, passed }, new Date('2020-02-29T09:00:00Z'))).toBeNull()
    const born = { year: 2008, month: 7, day: 1 }
    expect(anniversaryOn({ born, passed }, new Date('2025-07-01T09:00:00Z'))).toEqual({ kind: 'birthday', years: 17 })
    expect(anniversaryOn({ born: { year: 2008, month: 7, day: null }, passed }, new Date('2025-07-01T09:00:00Z'))).toBeNull()
  })
})

describe('slugs', () => {
  test('readable, ASCII, and never a reserved word', () => {
    expect(slugFromName('Mrs. Biscuit O’Malley')).toBe('mrs-biscuit-omalley')
    expect(slugFromName('Zoë & Chloé')).toBe('zoe-chloe')
    expect(slugFromName('ミケ')).toBe('cat')
    expect(slugFromName('x'.repeat(200))).toHaveLength(60)
    const [first, second] = slugCandidates('Admin')
    expect(first).toBe('admin-2')
    expect(second).toBe('admin-3')
    const [tom, tom2] = slugCandidates('Tom')
    expect([tom, tom2]).toEqual(['tom', 'tom-2'])
  })
})
