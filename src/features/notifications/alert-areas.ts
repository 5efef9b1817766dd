/**
 * Alert areas: where a member wants to hear about lost cats — a home point (given like any place:
 * town, numbers, or the map) and a radius, default 5 km, at most ALERT_RADIUS_MAX_KM. The home point
 * is exact and never shown to anyone but its member. The home page lists "lost near you" from it;
 * lost-cat alerts go to the areas `areasContainingQuery` finds (lost-cat-alerts.ts).
 */
import { sql, type Kysely } from 'kysely'
import type { Config } from '@/config'
import { describePoint } from '@/features/finder/gazetteer'
import { geographyPoint, latOf, lngOf, type LatLng } from '@/features/finder/geodesy'
import { readPlace, type PlaceErrors, type PlaceField, type PlaceInput, type PlaceSuggestions } from '@/features/finder/place'
import type { AccountsDomain } from '@/schema'
import type { Result } from '@/shared/result'

export interface AlertArea {
  home: LatLng
  radiusM: number
  placeLabel: string
}

export interface AlertAreaInput {
  place: PlaceInput
  radiusKm: string
}

export type AlertAreaErrors = PlaceErrors & { radiusKm?: string }
/** The area as saved, or the form's messages (with places the town might have meant). */
export type AlertAreaResult = Result<AlertArea, PlaceField | 'radiusKm', PlaceSuggestions>

/** A walk around the block and a bit: where neighbours would notice a strange cat. */
export const DEFAULT_ALERT_RADIUS_KM = 5
/** 100 m, the migration's lower bound: less than a street is no area. */
const MIN_ALERT_RADIUS_KM = 0.1

export function createAlertAreas(db: Kysely<AccountsDomain>, config: Pick<Config, 'finder'>) {
  const maxKm = config.finder.alertRadiusMaxKm

  return {
    maxKm,

    async alertAreaOf(userId: string): Promise<AlertArea | null> {
      const row = await db
        .selectFrom('alert_areas')
        .select(['radius_m', 'place_label', latOf('home_point').as('lat'), lngOf('home_point').as('lng')])
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row ? { home: { lat: row.lat, lng: row.lng }, radiusM: row.radius_m, placeLabel: row.place_label } : null
    },

    /** Saves (or replaces) a member's alert area, or says which fields are wrong. */
    async save(userId: string, input: AlertAreaInput): Promise<AlertAreaResult> {
      const place = readPlace(input.place)
      const errors: AlertAreaErrors = place.ok ? {} : { ...place.errors }
      const radiusKm = input.radiusKm.trim() === '' ? DEFAULT_ALERT_RADIUS_KM : Number(input.radiusKm.replace(',', '.'))
      if (!Number.isFinite(radiusKm) || radiusKm < MIN_ALERT_RADIUS_KM || radiusKm > maxKm) {
        errors.radiusKm = `The radius must be from ${MIN_ALERT_RADIUS_KM} to ${maxKm} km.`
      }
      if (!place.ok || Object.keys(errors).length > 0) return { ok: false, status: 422, errors, suggestions: place.ok ? [] : place.suggestions }
      const area: AlertArea = { home: place.point, radiusM: Math.round(radiusKm * 1000), placeLabel: place.townLabel ?? describePoint(place.point) }
      const values = { home_point: geographyPoint(area.home), radius_m: area.radiusM, place_label: area.placeLabel, updated_at: new Date() }
      await db
        .insertInto('alert_areas')
        .values({ user_id: userId, ...values })
        .onConflict((conflict) => conflict.column('user_id').doUpdateSet(values))
        .execute()
      return { ok: true, value: area }
    },

    async remove(userId: string): Promise<void> {
      await db.deleteFrom('alert_areas').where('user_id', '=', userId).execute()
    },

    /** The members whose alert area contains a point, on the ellipsoid. */
    async areasContaining(point: LatLng): Promise<{ userId: string; radiusM: number }[]> {
      const rows = await areasContainingQuery(db, point, maxKm).execute()
      return rows.map((row) => ({ userId: row.user_id, radiusM: row.radius_m }))
    },
  }
}

export type AlertAreas = ReturnType<typeof createAlertAreas>

/**
 * The alert areas that contain a point. The GiST index on home_point finds those within the largest
 * radius anyone may choose; each row's own radius then decides. An area saved before the maximum was
 * lowered counts as the new maximum. `reachM` widens every area to at least that many metres (a
 * boosted report reaches further than people's own radius); 0 keeps each area as saved.
 */
export function areasContainingQuery(db: Kysely<AccountsDomain>, point: LatLng, maxKm: number, reachM = 0) {
  const at = geographyPoint(point)
  return db
    .selectFrom('alert_areas')
    .select(['alert_areas.user_id', 'alert_areas.radius_m'])
    .where(sql<boolean>`ST_DWithin(alert_areas.home_point, ${at}, ${Math.max(maxKm * 1000, reachM)})`)
    .where(sql<boolean>`ST_DWithin(alert_areas.home_point, ${at}, greatest(alert_areas.radius_m, ${reachM}::integer))`)
}
