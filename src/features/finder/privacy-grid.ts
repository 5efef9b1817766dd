/**
 * The privacy grid (docs/architecture.md, Locations): every exact point is shown, stored for search
 * and indexed as the centre of its cell on a grid `FINDER_GRID_METRES` across, never as itself.
 */
import { METRES_PER_DEGREE, type LatLng } from '@/features/finder/geodesy'

/** Six decimals (~0.1 m) keep stored and printed public points short and identical everywhere. */
const PUBLIC_DECIMALS = 6
/** Near the poles a cell of `gridMetres` would need thousands of degrees of longitude: stop at 1 %. */
const MIN_LONGITUDE_SCALE = 0.01

/**
 * The public point of an exact one: the centre of its cell on a grid `gridMetres` across. Every exact
 * point in a cell has the same public point, so nothing finer than the cell can be learnt from it,
 * however many searches or reports one makes.
 *
 * @example publicPoint({ lat: 52.520008, lng: 13.404954 }, 250) // { lat: 52.520129, lng: 13.405449 }
 */
export function publicPoint(exact: LatLng, gridMetres: number): LatLng {
  const latStep = gridMetres / METRES_PER_DEGREE
  const latCells = Math.ceil(180 / latStep)
  const row = Math.min(latCells - 1, Math.floor((exact.lat + 90) / latStep))
  const lat = Math.min(90, -90 + (row + 0.5) * latStep)
  // Whole cells around the globe on each row, so a cell never straddles the antimeridian.
  const scale = Math.max(MIN_LONGITUDE_SCALE, Math.cos((lat * Math.PI) / 180))
  const lngCells = Math.max(1, Math.floor((360 * METRES_PER_DEGREE * scale) / gridMetres))
  const lngStep = 360 / lngCells
  const column = Math.min(lngCells - 1, Math.floor((exact.lng + 180) / lngStep))
  return { lat: round(lat, PUBLIC_DECIMALS), lng: round(-180 + (column + 0.5) * lngStep, PUBLIC_DECIMALS) }
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}
