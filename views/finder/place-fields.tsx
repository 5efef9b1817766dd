import type { Place } from '@/features/finder/gazetteer'
import type { PlaceErrors, PlaceInput } from '@/features/finder/place'
import { assetUrl } from '@/http/assets'
import { Field } from '@views/components/field'

export interface MapSettings {
  /** Leaflet tile URL template, or null when the operator turned the map off. */
  tileUrl: string | null
  attribution: string
}

export interface PlaceFieldsProps {
  legend: string
  values: Partial<PlaceInput>
  errors: PlaceErrors
  /** Places whose names are close to an unknown one, offered as one-click answers. */
  suggestions: Place[]
  map: MapSettings
  hint?: string
  /** The town field's name: `town` in forms, `near` in the search form. */
  townName?: string
  /** Where a suggestion leads instead of re-submitting the form (the search form's GET links). */
  suggestionHref?: (label: string) => string
}

/**
 * Straight quotes: every character on the search page's frame is Latin-1, so a page of Latin-1
 * results is one byte a character in memory (one curly quote makes JavaScriptCore hold the whole
 * page at two), which is less to copy, hash and compress on every uncached search.
 */
const TOWN_HINT = 'A town or neighbourhood, e.g. "Kreuzberg" or "Camden, NJ"; for a street or park, the exact spot.'

/**
 * The three ways to give a place: a town or neighbourhood, latitude and longitude, or (with JS,
 * static/finder-place.js) "Use my location" and a click on the map, which fill in the numbers.
 * Suggestions for an unknown town are submit buttons, so choosing one works without JavaScript.
 */
export function PlaceFields({ legend, values, errors, suggestions, map, hint, townName = 'town', suggestionHref }: PlaceFieldsProps): JSX.Element {
  return (
    <fieldset class="place-fields" data-place-fields>
      <legend safe>{legend}</legend>
      <Field name={townName} label="Town or neighbourhood" value={values.town} error={errors.town} hint={hint ?? TOWN_HINT} autocomplete="off" maxlength={120} />
      {suggestions.length > 0 && (
        <div class="suggestions" role="group" aria-label="Did you mean">
          <p>Did you mean:</p>
          <ul class="inline-list">
            {suggestions.map((place) => (
              <li>
                {suggestionHref ? (
                  <a href={suggestionHref(place.label)} safe>
                    {place.label}
                  </a>
                ) : (
                  <button type="submit" class="secondary" name="town_choice" value={place.label} safe>
                    {place.label}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p class="hint">Or give the exact spot:</p>
      <div class="coordinates">
        <Field name="lat" label="Latitude" value={values.lat} error={errors.lat} hint="-90 to 90, e.g. 52.4997" autocomplete="off" maxlength={20} />
        <Field name="lng" label="Longitude" value={values.lng} error={errors.lng} hint="-180 to 180, e.g. 13.4034" autocomplete="off" maxlength={20} />
      </div>
      <p class="place-tools" hidden>
        <button type="button" class="secondary" data-use-my-location>
          Use my location
        </button>{' '}
        <span class="hint" role="status" data-place-status></span>
      </p>
      {map.tileUrl ? <MapBox class="place-map" marker="data-place-map" map={map} /> : ''}
    </fieldset>
  )
}

/**
 * An empty box for a Leaflet map, hidden until static/finder-place.js fills it; it carries the tile
 * URL and where to load Leaflet from.
 */
export function MapBox({ class: className, marker, map }: { class: string; marker: 'data-place-map' | 'data-results-map'; map: MapSettings }): JSX.Element {
  const markerAttribute = { [marker]: '' }
  return (
    <div
      class={className}
      {...markerAttribute}
      data-tiles={map.tileUrl ?? ''}
      data-attribution={map.attribution}
      data-leaflet-js={assetUrl('leaflet.js')}
      data-leaflet-css={assetUrl('leaflet.css')}
      hidden
    ></div>
  )
}
