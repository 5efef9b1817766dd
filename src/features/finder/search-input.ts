/**
 * Reading the search form (/finder's query string) into a NearbySearch, with a message for each
 * value that can't be used: a latitude of 91, a radius of 0 or over the maximum, an unknown town
 * (with suggestions), an unreadable date.
 */
import { describePoint, type Place } from '@/features/finder/gazetteer'
import { readPlace, type PlaceErrors } from '@/features/finder/place'
import { decodeNearbyCursor, type NearbySearch } from '@/features/finder/search'
import { COLOURS, PATTERNS, REPORT_KINDS, isOneOf } from '@/features/finder/vocabulary'

export interface SearchQuery {
  near?: string
  lat?: string
  lng?: string
  radius_km?: string
  kind?: string
  colour?: string
  pattern?: string
  seen_since?: string
  cursor?: string
}

export type SearchErrors = PlaceErrors & { radius_km?: string; seen_since?: string }

export type SearchRead =
  | { ok: true; search: NearbySearch; where: string; radiusKm: number; others: Place[]; filterKey: string }
  | { ok: false; errors: SearchErrors; suggestions: Place[] }

/** A walk's worth: what most people search first. */
export const DEFAULT_RADIUS_KM = 5

/** True when the query asks for a search at all (an empty /finder shows just the form). */
export function asksForSearch(query: SearchQuery): boolean {
  return Boolean(query.near?.trim() || query.lat?.trim() || query.lng?.trim())
}

export function readSearch(query: SearchQuery, maxRadiusKm: number): SearchRead {
  const place = readPlace({ town: query.near ?? '', lat: query.lat ?? '', lng: query.lng ?? '' })
  const errors: SearchErrors = place.ok ? {} : { ...place.errors }
  const radiusText = (query.radius_km ?? '').trim().replace(',', '.')
  const radiusKm = radiusText === '' ? DEFAULT_RADIUS_KM : Number(radiusText)
  if (!Number.isFinite(radiusKm) || radiusKm <= 0 || radiusKm > maxRadiusKm) {
    errors.radius_km = `The radius must be more than 0 and at most ${maxRadiusKm} km.`
  }
  const seenSince = readDate(query.seen_since ?? '')
  if (seenSince === undefined) errors.seen_since = 'Please give a date like 2025-06-30.'
  if (!place.ok || Object.keys(errors).length > 0) return { ok: false, errors, suggestions: place.ok ? [] : place.suggestions }

  // Cast: isOneOf narrows `query.kind ?? ''`, not query.kind itself; these three are the same values, narrowed.
  const kind = isOneOf(REPORT_KINDS, query.kind ?? '') ? (query.kind as NearbySearch['kind']) : undefined
  const colour = isOneOf(COLOURS, query.colour ?? '') ? (query.colour as NearbySearch['colour']) : undefined
  const pattern = isOneOf(PATTERNS, query.pattern ?? '') ? (query.pattern as NearbySearch['pattern']) : undefined
  const search: NearbySearch = {
    centre: place.point,
    radiusM: radiusKm * 1000,
    kind,
    colour,
    pattern,
    seenSince: seenSince ?? undefined,
    cursor: decodeNearbyCursor(query.cursor),
  }
  return {
    ok: true,
    search,
    radiusKm,
    where: place.townLabel ?? describePoint(place.point).replace(/^near /, 'a point near '),
    others: place.others,
    filterKey: [kind, colour, pattern, seenSince?.toISOString()].map((value) => value ?? '').join('|'),
  }
}

/** A `YYYY-MM-DD` date as the start of that day (UTC), null when empty, undefined when unreadable. */
function readDate(text: string): Date | null | undefined {
  const trimmed = text.trim()
  if (!trimmed) return null
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return undefined
  const date = new Date(`${trimmed}T00:00:00Z`)
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== trimmed ? undefined : date
}
