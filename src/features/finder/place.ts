/**
 * Reading a place from a form, given any of three ways: a town or neighbourhood name (resolved by
 * the offline gazetteer), latitude and longitude fields, or — with JavaScript — "use my location" or a
 * click on the map, which fill in those same two fields. Used by reports, sightings, search and
 * alert areas alike.
 */
import { approximateMetres, nearestPlace, resolvePlace, type Place } from '@/features/finder/gazetteer'
import type { LatLng } from '@/features/finder/geodesy'
import { textProblem } from '@/shared/text'

export interface PlaceInput {
  /** A town or neighbourhood, optionally with its country or US state: "Camden, NJ". */
  town: string
  lat: string
  lng: string
}

export type PlaceField = 'town' | 'lat' | 'lng'
export type PlaceErrors = Partial<Record<PlaceField, string>>

export type PlaceResult =
  | {
      ok: true
      point: LatLng
      /** The gazetteer's name when a town was given; null for numbers (the caller describes the point). */
      townLabel: string | null
      /** Other places with the typed name, for "did you mean …?" beside a result. */
      others: Place[]
    }
  | { ok: false; errors: PlaceErrors; suggestions: Place[] }

/** A form about a place, refused for its town, comes back with the places the town might have meant. */
export interface PlaceSuggestions {
  suggestions?: Place[]
}

/** A town name longer than this is not a town name. */
const TOWN_MAX = 120

export const PLACE_MESSAGES = {
  missing: 'Please give a town or neighbourhood, or a latitude and longitude.',
  unknownTown: (town: string) =>
    `We don’t know a place called “${town}”. We know towns and neighbourhoods (of 1,000 people or more), not streets and parks: give the nearest one or the exact spot, check the spelling, or add the country: “Camden, United Kingdom”.`,
  ambiguousTown: (town: string) => `There are several places called “${town}”. Which one? Choose below, or add the state or country: “${town}, United Kingdom”.`,
  latitude: 'Latitude must be a number from -90 to 90.',
  longitude: 'Longitude must be a number from -180 to 180.',
  pair: 'Please give both latitude and longitude.',
} as const

/**
 * The place in a form. A typed town wins over the number fields (the script clears the town when
 * the map or "use my location" fills the numbers), so a person who types a town gets that town.
 */
export function readPlace(input: PlaceInput): PlaceResult {
  const town = input.town.trim()
  if (town) return placeFromTown(town)
  const lat = input.lat.trim()
  const lng = input.lng.trim()
  if (!lat && !lng) return { ok: false, errors: { town: PLACE_MESSAGES.missing }, suggestions: [] }
  const errors: PlaceErrors = {}
  const latitude = coordinate(lat, 90)
  const longitude = coordinate(lng, 180)
  if (!lat || !lng) errors[lat ? 'lng' : 'lat'] = PLACE_MESSAGES.pair
  if (lat && latitude === null) errors.lat = PLACE_MESSAGES.latitude
  if (lng && longitude === null) errors.lng = PLACE_MESSAGES.longitude
  if (latitude === null || longitude === null) return { ok: false, errors, suggestions: [] }
  return { ok: true, point: { lat: latitude, lng: longitude }, townLabel: null, others: [] }
}

function placeFromTown(town: string): PlaceResult {
  const refused = textProblem(town, 'line')
  if (refused) return { ok: false, errors: { town: refused }, suggestions: [] }
  if (town.length > TOWN_MAX) return { ok: false, errors: { town: PLACE_MESSAGES.unknownTown(town.slice(0, 40) + '…') }, suggestions: [] }
  const resolved = resolvePlace(town)
  if (!resolved.ok) return { ok: false, errors: { town: PLACE_MESSAGES.unknownTown(town) }, suggestions: resolved.suggestions }
  const { place, others } = resolved
  if (isAmbiguous(town, place, others)) return { ok: false, errors: { town: PLACE_MESSAGES.ambiguousTown(town) }, suggestions: [place, ...others] }
  return { ok: true, point: { lat: place.lat, lng: place.lng }, townLabel: place.label, others }
}

/**
 * A bare name ("Springfield", "Portland") that a second place holds at a tenth of the first's size
 * or more: someone typing it may mean either, so they choose (the labels carry region and country).
 * A name one place holds nearly alone ("London", "Paris") is taken, and a search offers the others.
 * A name with a qualifier is never asked again: some labels are shared by two places.
 */
function isAmbiguous(typed: string, place: Place, others: Place[]): boolean {
  const runnerUp = others[0]
  return !typed.includes(',') && runnerUp !== undefined && runnerUp.population >= place.population * AMBIGUOUS_SHARE
}

/** Springfield, MA is 93 % of Springfield, MO; London, Canada 5 % of London, United Kingdom. */
const AMBIGUOUS_SHARE = 0.1

/** A decimal degree within ±`limit` ("52.52", "-0.12", "52,52" from a comma-decimal keyboard), or null. */
function coordinate(text: string, limit: number): number | null {
  if (!/^[-+]?\d{1,3}([.,]\d{1,12})?$/.test(text)) return null
  const value = Number(text.replace(',', '.'))
  return Number.isFinite(value) && Math.abs(value) <= limit ? value : null
}

/**
 * The town whose centre `point` is, when a place was given by its name (the point is then the
 * gazetteer's own, to a rounding error), or null for a spot picked on a map or typed as numbers.
 */
export function townCentreAt(point: LatLng): string | null {
  const town = nearestPlace(point)
  return town && approximateMetres(town, point) < 1 ? town.label : null
}
