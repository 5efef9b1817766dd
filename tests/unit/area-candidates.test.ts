/**
 * The nearest reports of a kept area, against a look through all of them: for centres anywhere in
 * the area's cell, `nearestInArea` names exactly the nearest accepted reports by (distance, id), and
 * every accepted report nearer than the reach it gives is among them.
 */
import { describe, expect, test } from 'bun:test'
import { nearestInArea, packedReports, type KeptArea } from '@/features/finder/area-candidates'
import { sphereDistanceM, type LatLng } from '@/features/finder/geodesy'
import { geohash, geohashCentre } from '@/features/finder/geohash'
import type { GeoCandidate, PlacedCandidate } from '@/features/finder/geo-index'
import { seededRandom } from '@tests/helpers/random'


/** An area kept around a cell's centre: `count` reports within `reachM`, some sharing a point. */
function areaAround(centre: LatLng, count: number, reachM: number, next: () => number): { area: KeptArea; reports: GeoCandidate[] } {
  const degrees = reachM / 111_320
  const reports: GeoCandidate[] = []
  while (reports.length < count) {
    const shared = reports.length > 0 && next() < 0.2 ? reports[Math.floor(next() * reports.length)]!.point : null
    const point = shared ?? { lat: centre.lat + (next() - 0.5) * 2 * degrees, lng: centre.lng + (next() - 0.5) * 4 * degrees }
    // Ids of varied lengths: the area keeps them end to end.
    if (sphereDistanceM(point, centre) <= reachM) reports.push({ id: `r${String(reports.length).padStart(4, '0')}-${Math.floor(next() * 1e6)}`, point })
  }
  return { area: { centre, reachM, ...packedReports(centre, reports) }, reports }
}

const byDistanceThenId = (a: PlacedCandidate, b: PlacedCandidate) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

describe('the nearest reports of a kept area', () => {
  test('are those a look through every kept report finds, for centres anywhere in the cell', () => {
    const next = seededRandom(11)
    const cell = geohash({ lat: 51.5072, lng: -0.1276 }, 6)
    const { centre, halfDiagonalM } = geohashCentre(cell)
    let checked = 0
    for (let round = 0; round < 40; round++) {
      const { area, reports } = areaAround(centre, 20 + Math.floor(next() * 236), halfDiagonalM + 200 + next() * 1500, next)
      for (let search = 0; search < 25; search++) {
        const searchCentre = { lat: centre.lat + (next() - 0.5) * 0.0055, lng: centre.lng + (next() - 0.5) * 0.011 }
        const count = 1 + Math.floor(next() * 60)
        const accept = (candidate: PlacedCandidate) => candidate.id.charCodeAt(candidate.id.length - 1) % 3 !== 0
        const found = nearestInArea(area, searchCentre, count, accept)
        expect(found).not.toBeNull()
        const all = reports
          .map(({ id, point }) => ({ id, point, distanceM: sphereDistanceM(point, searchCentre) }))
          .filter(accept)
          .sort(byDistanceThenId)
        // Every accepted report nearer than the reach is named, in order, and nothing else is.
        const nearer = all.filter((candidate) => candidate.distanceM < found!.reachM)
        expect(found!.candidates.slice(0, nearer.length)).toEqual(nearer)
        expect(found!.candidates).toEqual(all.slice(0, found!.candidates.length))
        expect(found!.candidates.length).toBeLessThanOrEqual(count)
        // The reach is what the triangle inequality promises, or the last of a full list.
        const promised = area.reachM - sphereDistanceM(searchCentre, centre)
        expect(found!.reachM).toBeLessThanOrEqual(promised)
        if (found!.candidates.length < count) expect(found!.reachM).toBeGreaterThan(promised - 0.1)
        checked++
      }
    }
    expect(checked).toBe(1000)
  })

  test('are none when the centre lies beyond what the area holds', () => {
    const { area } = areaAround({ lat: 48.85, lng: 2.35 }, 50, 800, seededRandom(3))
    expect(nearestInArea(area, { lat: 48.85, lng: 2.37 }, 21, () => true)).toBeNull()
  })
})
