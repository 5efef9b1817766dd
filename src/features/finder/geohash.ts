/**
 * Geohash cells: the nearby lists' generations are kept per cell (list-cache.ts), and a search
 * remembers the circle it needed per cell (search.ts).
 */
import type { LatLng } from '@/features/finder/geodesy'

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz'

/** The geohash of a point at `precision` characters. */
export function geohash(point: LatLng, precision: number): string {
  let [latMin, latMax, lngMin, lngMax] = [-90, 90, -180, 180]
  let hash = ''
  let bits = 0
  let value = 0
  let evenBit = true
  while (hash.length < precision) {
    if (evenBit) {
      const mid = (lngMin + lngMax) / 2
      value = value * 2 + (point.lng >= mid ? 1 : 0)
      if (point.lng >= mid) lngMin = mid
      else lngMax = mid
    } else {
      const mid = (latMin + latMax) / 2
      value = value * 2 + (point.lat >= mid ? 1 : 0)
      if (point.lat >= mid) latMin = mid
      else latMax = mid
    }
    evenBit = !evenBit
    if (++bits === 5) {
      hash += BASE32[value]
      bits = 0
      value = 0
    }
  }
  return hash
}

/** The cell of `hash` and the eight around it (fewer at the poles), wrapping at the antimeridian. */
export function geohashNeighbourhood(hash: string): string[] {
  const { lat, lng, latSize, lngSize } = geohashCell(hash)
  const cells = new Set<string>()
  for (const dLat of [-1, 0, 1]) {
    const cellLat = lat + dLat * latSize
    if (cellLat < -90 || cellLat > 90) continue
    for (const dLng of [-1, 0, 1]) {
      const cellLng = ((lng + dLng * lngSize + 540) % 360) - 180
      cells.add(geohash({ lat: cellLat, lng: cellLng }, hash.length))
    }
  }
  return [...cells]
}

function geohashCell(hash: string): { lat: number; lng: number; latSize: number; lngSize: number } {
  let [latMin, latMax, lngMin, lngMax] = [-90, 90, -180, 180]
  let evenBit = true
  for (const char of hash) {
    const value = BASE32.indexOf(char)
    for (let bit = 4; bit >= 0; bit--) {
      const on = ((value >> bit) & 1) === 1
      if (evenBit) {
        const mid = (lngMin + lngMax) / 2
        if (on) lngMin = mid
        else lngMax = mid
      } else {
        const mid = (latMin + latMax) / 2
        if (on) latMin = mid
        else latMax = mid
      }
      evenBit = !evenBit
    }
  }
  return { lat: (latMin + latMax) / 2, lng: (lngMin + lngMax) / 2, latSize: latMax - latMin, lngSize: lngMax - lngMin }
}
