import type { Place } from '@/features/finder/gazetteer'
import { shownKm } from '@/features/finder/geodesy'
import type { SearchErrors, SearchQuery } from '@/features/finder/search-input'
import type { ReportCard } from '@/features/finder/report-cards'
import type { NearbyPage, NearbyReport } from '@/features/finder/search'
import { COLOURS, LABELS, PATTERNS, REPORT_KINDS } from '@/features/finder/vocabulary'
import type { MediaPicture } from '@/features/media/service'
import { assetUrl } from '@/http/assets'
import type { BoundedMap } from '@/shared/bounded-map'
import { Choice } from '@views/components/choice'
import { EmptyState } from '@views/components/empty-state'
import { Field } from '@views/components/field'
import { Icon } from '@views/components/icon'
import type { KeptFragments } from '@views/components/kept-fragments'
import { Picture } from '@views/components/picture'
import { RelativeTime, timeAgo } from '@views/components/time'
import { MapBox, PlaceFields, type MapSettings } from '@views/finder/place-fields'

/** The search form as typed (query string values). */
export type SearchValues = Omit<SearchQuery, 'cursor'>


export interface SearchAreaProps {
  values: SearchValues
  errors: SearchErrors
  suggestions: Place[]
  /** Other places with the name searched for ("not this Camden?"). */
  others: Place[]
  /** The rendered results (cached per cell, src/features/finder/list-cache.ts), or '' before a search. */
  results: string
  map: MapSettings
  maxRadiusKm: number
  /** The filters as rendered, by what they show (made by the finder's routes). */
  keptFilters: KeptFragments
}

/** The search page's changing part: the form and the results. htmx swaps it whole on a search. */
export function SearchArea({ values, errors, suggestions, others, results, map, maxRadiusKm, keptFilters }: SearchAreaProps): JSX.Element {
  // A suggested town replaces whatever place was asked for, and keeps the filters.
  const params = (near: string) => `/finder?${new URLSearchParams({ ...withoutEmpty({ ...values, lat: undefined, lng: undefined }), near })}`
  return (
    <div id="finder-search" class="finder-search">
      {/* Results first, the form to search again below: on a phone the form is a screen or two tall. */}
      {others.length > 0 && (
        <p class="muted">
          Not the place you meant? Try{' '}
          {others.map((place, index) => (
            <>
              {index > 0 ? ', ' : ''}
              <a href={params(place.label)} safe>
                {place.label}
              </a>
            </>
          ))}
          .
        </p>
      )}
      {results as 'safe'}
      <form class="stack search-form" method="get" action="/finder" hx-get="/finder" hx-target="#finder-search" hx-swap="outerHTML" hx-push-url="true" novalidate>
        <PlaceFields
          legend="Near"
          townName="near"
          values={{ town: values.near, lat: values.lat, lng: values.lng }}
          errors={{ town: errors.town, lat: errors.lat, lng: errors.lng }}
          suggestions={suggestions}
          suggestionHref={params}
          map={{ tileUrl: null, attribution: map.attribution }}
        />
        {renderedFilters(keptFilters, values, errors, maxRadiusKm)}
        <button type="submit">Search nearby</button>
      </form>
    </div>
  )
}

/** The filters through `keptFilters`, by everything they show. */
function renderedFilters(keptFilters: KeptFragments, values: SearchValues, errors: SearchErrors, maxRadiusKm: number): JSX.Element {
  const shows = [values.radius_km, values.kind, values.colour, values.pattern, values.seen_since, errors.radius_km, errors.seen_since, maxRadiusKm].join('\n')
  // Each state of the filters is its own item: nothing else about it varies.
  return keptFilters(shows, '', () => (
    <div class="filters">
      <Field name="radius_km" label="Within (km)" type="number" value={values.radius_km ?? '5'} error={errors.radius_km} hint={`Up to ${maxRadiusKm} km.`} />
      <Choice name="kind" label="Lost or found" options={REPORT_KINDS} labels={LABELS.kind} value={values.kind} emptyLabel="Both" />
      <Choice name="colour" label="Colour" options={COLOURS} labels={LABELS.colour} value={values.colour} emptyLabel="Any colour" />
      <Choice name="pattern" label="Pattern" options={PATTERNS} labels={LABELS.pattern} value={values.pattern} emptyLabel="Any pattern" />
      <Field name="seen_since" label="Last seen since" type="date" value={values.seen_since} error={errors.seen_since} />
    </div>
  ))
}

function withoutEmpty(values: SearchValues): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => Boolean(entry[1])))
}

export function SearchPage(props: SearchAreaProps): JSX.Element {
  return (
    <>
      <h1>Lost and found cats</h1>
      <p>
        Search near a place, or <a href="/finder/new">report a lost or found cat</a>.
      </p>
      {props.map.tileUrl ? <MapBox class="finder-map" marker="data-results-map" map={props.map} /> : ''}
      <SearchArea {...props} />
      <script src={assetUrl('finder-place.js')} defer></script>
    </>
  )
}

export interface ResultsProps {
  page: NearbyPage
  /** Where the search was, in words ("Kreuzberg, Germany", "52.50, 13.40"). */
  where: string
  radiusKm: number
  photos: Map<string, MediaPicture>
  /** The URL of the next page, or null on the last. */
  nextHref: string | null
  now: Date
  /** Each report's result as a template (made by the finder's routes). */
  templates: ResultTemplates
}

/** The list of results: complete on its own; the map (with JS) only draws the same points. */
export function Results({ page, where, radiusKm, photos, nextHref, now, templates }: ResultsProps): JSX.Element {
  return (
    <section id="results" class="results" aria-labelledby="results-heading">
      <h2 id="results-heading" safe>
        {`Within ${radiusKm} km of ${where}`}
      </h2>
      {page.reports.length === 0 ? (
        <EmptyState icon="search" title="No lost or found cats reported here" actions={<ReportCatLink />}>
          Good news, perhaps. Widen the search with a larger distance below, or look again later. Has a cat gone missing, or turned up at your door? Report it and neighbours will look out for it.
        </EmptyState>
      ) : (
        <ol class="result-list">
          {page.reports.map((report) => renderedResult(templates, report, report.photoId ? (photos.get(report.photoId) ?? null) : null, now))}
        </ol>
      )}
      {nextHref ? (
        <p class="pager">
          <a href={nextHref}>More reports further away</a>
        </p>
      ) : (
        ''
      )}
    </section>
  )
}

/** An empty list's next step: the same for every visitor, so cached result lists stay shared. */
function ReportCatLink(): JSX.Element {
  return (
    <a class="button" href="/finder/new">
      <Icon name="plus" />
      Report a lost or found cat
    </a>
  )
}

/** /finder before any search (and for no alert area): the reports with the latest news, anywhere. */
export function LatestResults({ reports, photos, now }: { reports: ReportCard[]; photos: Map<string, MediaPicture>; now: Date }): JSX.Element {
  return (
    <section id="results" class="results" aria-labelledby="results-heading">
      <h2 id="results-heading">Latest reports</h2>
      {reports.length === 0 ? (
        <EmptyState icon="paw-print" title="No cats are reported lost or found right now" actions={<ReportCatLink />}>
          If your cat is missing, or a cat turned up at your door, report it: people nearby are told, and can send sightings.
        </EmptyState>
      ) : (
        <ol class="result-list">
          {reports.map((report) => (
            <ResultItem report={report} photo={report.photoId ? (photos.get(report.photoId) ?? null) : null} distance={null} ago={timeAgo(report.lastSeenAt, now)} />
          ))}
        </ol>
      )}
    </section>
  )
}

/**
 * A result is its report's markup with the two things that change from search to search put in:
 * the distance (rounded to 100 m) and the age ("3 hours ago"). The markup around them is kept by
 * report id with the version and photo it shows, in three pieces cut at those two places, so a
 * result costs a lookup, two comparisons and two concatenations: searches around a place show the
 * same reports again and again, each at a distance of its own. ~1 KB each.
 */
export type ResultTemplates = BoundedMap<string, KeptTemplate>

/** A result's markup before its distance, between its distance and its age, and after its age. */
type ResultTemplate = readonly [string, string, string]

export interface KeptTemplate {
  /** The report's `updatedAt` and photo it was made from. */
  version: number
  photoId: string | null
  /** Null when the report's own text holds the cut mark. */
  template: ResultTemplate | null
}

/**
 * Where the template is cut: a control character and a word, which escaped text can hold only if a
 * reporter typed exactly that (then the result is rendered whole instead, `resultTemplate`).
 */
const SLOT = '\u0000slot\u0000'

function renderedResult(templates: ResultTemplates, report: NearbyReport, photo: MediaPicture | null, now: Date): JSX.Element {
  const template = keptTemplate(templates, report, photo)
  const [distance, ago] = [shownKm(report.distanceM), timeAgo(report.lastSeenAt, now)]
  // Both are digits and words: nothing to escape.
  return template ? template[0] + distance + template[1] + ago + template[2] : <ResultItem report={report} photo={photo} distance={distance} ago={ago} />
}

function keptTemplate(templates: ResultTemplates, report: NearbyReport, photo: MediaPicture | null): ResultTemplate | null {
  const [version, photoId] = [report.updatedAt.getTime(), photo?.id ?? null]
  const kept = templates.get(report.id)
  if (kept && kept.version === version && kept.photoId === photoId) return kept.template
  const template = resultTemplate(report, photo)
  templates.set(report.id, { version, photoId, template })
  return template
}

/** The report's result cut at its two slots, or null when its own text holds the cut mark. */
function resultTemplate(report: NearbyReport, photo: MediaPicture | null): ResultTemplate | null {
  const pieces = String(<ResultItem report={report} photo={photo} distance={SLOT} ago={SLOT} />).split(SLOT)
  return pieces.length === 3 ? [pieces[0]!, pieces[1]!, pieces[2]!] : null
}

interface ResultItemProps {
  report: ReportCard
  photo: MediaPicture | null
  /** As shown: "2.4 km", "3 hours ago"; no distance in a list that was not searched from a place. */
  distance: string | null
  ago: string
}

/**
 * One result. The data attributes carry the public point for the map script (never the exact one),
 * which takes the marker's link from the heading's: twenty results make up most of a search page.
 */
function ResultItem({ report, photo, distance, ago }: ResultItemProps): JSX.Element {
  const description = looks(report)
  const title = reportTitle(report, description)
  return (
    <li class="result" data-lat={String(report.point.lat)} data-lng={String(report.point.lng)}>
      <a class="result-photo" href={`/finder/${report.id}`} tabindex="-1" aria-hidden="true">
        {photo ? <Picture picture={photo} sizes="96px" class="thumb" alt="" /> : (
          <span class="thumb no-photo">
            <Icon name="cat" />
          </span>
        )}
      </a>
      <div>
        <h3>
          <a href={`/finder/${report.id}`} safe>
            {title}
          </a>
        </h3>
        <p class="result-facts">
          <span safe>{description}</span> · {distance === null ? '' : <strong safe>{`${distance} away`}</strong>}
          {distance === null ? '' : ' · '}last seen <RelativeTime at={report.lastSeenAt} shown={ago} />
        </p>
        <p class="muted" safe>
          {report.placeLabel}
        </p>
      </div>
    </li>
  )
}

/** "Lost: Biscuit", "Found: ginger tabby". `description` saves working out `looks` again when the caller has it. */
export function reportTitle(report: Pick<NearbyReport, 'kind' | 'name' | 'colours' | 'pattern'>, description?: string): string {
  return `${LABELS.kind[report.kind]}: ${report.name ?? description ?? looks(report)}`
}

/** The labels as words inside a sentence, made once: every result on every search uses them. */
const COLOUR_WORDS = lowerCased(LABELS.colour)
const PATTERN_WORDS = lowerCased(LABELS.pattern)

function lowerCased<K extends string>(labels: Record<K, string>): Record<K, string> {
  // Cast: Object.fromEntries gives string keys; these are the labels' own K keys.
  return Object.fromEntries(Object.entries<string>(labels).map(([key, label]) => [key, label.toLowerCase()])) as Record<K, string>
}

/** "Ginger and white tabby", "Black cat". */
export function looks({ colours, pattern }: Pick<NearbyReport, 'colours' | 'pattern'>): string {
  const colourWords = colours.map((colour) => COLOUR_WORDS[colour])
  const colourText = colourWords.length > 1 ? `${colourWords.slice(0, -1).join(', ')} and ${colourWords.at(-1)}` : (colourWords[0] ?? '')
  const patternText = pattern === 'unknown' || pattern === 'other' ? 'cat' : PATTERN_WORDS[pattern]
  const text = [colourText, patternText].filter(Boolean).join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
