import type { Place } from '@/features/finder/gazetteer'
import type { AlertArea, AlertAreaErrors } from '@/features/notifications/alert-areas'
import { DEFAULT_ALERT_RADIUS_KM } from '@/features/notifications/alert-areas'
import { assetUrl } from '@/http/assets'
import { Field } from '@views/components/field'
import { PlaceFields, type MapSettings } from '@views/finder/place-fields'

export interface AlertAreaSectionProps {
  area: AlertArea | null
  values: { town?: string; lat?: string; lng?: string; radius_km?: string }
  errors: AlertAreaErrors
  suggestions: Place[]
  maxKm: number
  map: MapSettings
  saved?: boolean
}

/** The id of the section: /settings#alert-area, and what a refused save re-renders. */
export const ALERT_AREA_ID = 'alert-area'

/** The alert-area part of /settings: home point and radius for lost-cat alerts. */
export function AlertAreaSection({ area, values, errors, suggestions, maxKm, map, saved }: AlertAreaSectionProps): JSX.Element {
  return (
    <section id={ALERT_AREA_ID} aria-labelledby="alert-area-heading">
      <h2 id="alert-area-heading">Lost cats near you</h2>
      <p>Give your home and a radius: your home page lists cats lost in that area, and you will hear about new ones. Your home is never shown to anyone.</p>
      {saved && (
        <p class="flash" role="status">
          Your alert area is saved.
        </p>
      )}
      {area ? <p safe>{`Now: within ${area.radiusM / 1000} km of ${area.placeLabel}.`}</p> : ''}
      <form class="stack" method="post" action="/settings/alert-area" novalidate>
        <PlaceFields legend="Home" values={values} errors={errors} suggestions={suggestions} map={map} hint="Your town or neighbourhood, or the exact spot below." />
        <Field name="radius_km" label="Radius (km)" type="number" value={values.radius_km ?? String(area ? area.radiusM / 1000 : DEFAULT_ALERT_RADIUS_KM)} error={errors.radiusKm} hint={`Up to ${maxKm} km.`} />
        <button type="submit">Save the alert area</button>
      </form>
      {area ? (
        <form method="post" action="/settings/alert-area/remove">
          <button type="submit" class="secondary">
            Remove the alert area
          </button>
        </form>
      ) : (
        ''
      )}
      <script src={assetUrl('finder-place.js')} defer></script>
    </section>
  )
}
