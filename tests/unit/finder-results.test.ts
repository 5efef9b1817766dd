import { describe, expect, test } from 'bun:test'
import type { NearbyReport } from '@/features/finder/search'
import { boundedMap } from '@/shared/bounded-map'
import { Results, type ResultTemplates } from '@views/finder/search'

const NOW = new Date('2026-12-04T12:00:00Z')

function report(changes: Partial<NearbyReport> = {}): NearbyReport {
  return {
    id: '3f6c1a52-8d0e-4b7a-9c2e-5a1b2c3d4e5f',
    status: 'active',
    kind: 'lost',
    foundState: null,
    name: 'Biscuit',
    photoId: null,
    colours: ['ginger'],
    pattern: 'tabby',
    lastSeenAt: new Date('2026-12-04T09:00:00Z'),
    placeLabel: 'near Kreuzberg, Germany',
    point: { lat: 52.499, lng: 13.403 },
    updatedAt: new Date('2026-12-01T10:00:00Z'),
    distanceM: 1234,
    ...changes,
  }
}

/** One set of kept templates for the whole file, as the finder's routes keep one. */
const templates: ResultTemplates = boundedMap(1000)

function rendered(reports: NearbyReport[], now = NOW): string {
  return String(Results({ page: { reports, nextCursor: null, via: 'redis' }, where: 'Kreuzberg, Germany', radiusKm: 5, photos: new Map(), nextHref: null, now, templates }))
}

describe('search results', () => {
  test('show each search its own distance and age from one kept rendering of the report', () => {
    const first = rendered([report()])
    expect(first).toContain('<strong>1.2 km away</strong>')
    expect(first).toContain('>3 hours ago</time>')
    const later = rendered([report({ distanceM: 5678 })], new Date('2026-12-06T12:00:00Z'))
    expect(later).toContain('<strong>5.7 km away</strong>')
    expect(later).toContain('>2 days ago</time>')
    // Nothing else differs.
    expect(later.replace('5.7 km', '1.2 km').replace('2 days ago', '3 hours ago')).toBe(first)
  })

  test('show a report as edited, not as kept before the edit', () => {
    rendered([report()])
    const edited = rendered([report({ name: 'Biscuit Jr', updatedAt: new Date('2026-12-04T11:00:00Z') })])
    expect(edited).toContain('Lost: Biscuit Jr')
  })

  test('render a report whose own text holds the mark templates are cut at whole, escaped', () => {
    const html = rendered([report({ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: '<b>\u0000slot\u0000</b>' })])
    expect(html).toContain('Lost: &lt;b&gt;\u0000slot\u0000&lt;/b&gt;')
    expect(html.match(/1\.2 km away/g)).toHaveLength(1)
    expect(html.match(/3 hours ago/g)).toHaveLength(1)
  })
})
