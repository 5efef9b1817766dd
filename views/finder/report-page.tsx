import { UploadScripts } from '@views/components/upload-scripts'
import type { Viewer } from '@/features/accounts/viewer'
import type { Place } from '@/features/finder/gazetteer'
import type { LatLng } from '@/features/finder/geodesy'
import type { PublicReport, ReportEdit } from '@/features/finder/reports'
import type { ReporterSighting, SightingErrors, Sighting } from '@/features/finder/sightings'
import { LABELS, SIGHTING_KINDS } from '@/features/finder/vocabulary'
import type { EditedFact } from '@/features/finder/tables'
import type { MediaPicture } from '@/features/media/service'
import { Choice } from '@views/components/choice'
import { Field } from '@views/components/field'
import { Icon } from '@views/components/icon'
import { JsonLd } from '@views/components/json-ld'
import { Picture } from '@views/components/picture'
import { TextArea } from '@views/components/text-area'
import { RelativeTime } from '@views/components/time'
import { PlaceFields, type MapSettings } from '@views/finder/place-fields'
import { looks, reportTitle } from '@views/finder/search'
import { StaticMap } from '@views/finder/static-map'
import { FlagLink } from '@views/components/flag-link'

/** A person shown beside a sighting or message: never more than their public handle. */
export interface PersonName {
  handle: string
  displayName: string
}

export interface SightingFormState {
  values: { kind?: string; seen_at?: string; note?: string; photo_alt?: string; town?: string; lat?: string; lng?: string }
  errors: SightingErrors
  suggestions: Place[]
}

export interface ReportPageProps {
  report: PublicReport
  /** Only for the reporter: where exactly, and the microchip number. */
  /** `townCentre` names the town when the report was placed by its name: its point is then the town's centre. */
  reporterOnly: { exact: LatLng; townCentre: string | null; microchipNumber: string | null } | null
  viewer: Viewer | null
  photos: MediaPicture[]
  sightings: (Sighting | ReporterSighting)[]
  people: Map<string, PersonName>
  /** Photos of sightings and of earlier versions in the edit history. */
  otherPhotos: Map<string, MediaPicture>
  edits: ReportEdit[]
  nearbyPlaces: Place[]
  sightingForm: SightingFormState
  map: MapSettings
  gridMetres: number
  url: string
  /** For moderators: flagged messages about this report. */
  scamCounts: { total: number; lastWeek: number } | null
  statusProblem?: string
  /** Whether the happy ending can go to the feed too (the feed feature is there). */
  canPostToFeed: boolean
  now: Date
}

export function ReportPage(props: ReportPageProps): JSX.Element {
  const { report, reporterOnly, viewer, photos, now } = props
  const title = reportTitle(report)
  return (
    <article class="report" aria-labelledby="report-title">
      <header class="report-header">
        <p class={`status status-${report.status}`} safe>
          {statusLine(report)}
        </p>
        <h1 id="report-title" safe>
          {title}
        </h1>
        <p>
          Last seen <RelativeTime at={report.lastSeenAt} now={now} /> <span safe>{report.place.label}</span>
        </p>
      </header>
      {report.status === 'reunited' && (
        <section class="happy-ending" aria-labelledby="happy-heading">
          <h2 id="happy-heading">Reunited!</h2>
          {report.happyNote ? <p safe>{report.happyNote}</p> : <p>This cat is back home. Thank you to everyone who looked.</p>}
        </section>
      )}
      {photos.length > 0 && (
        <div class={photos.length > 1 ? 'report-photos several' : 'report-photos'}>
          {photos.map((photo, index) => (
            <Picture picture={photo} sizes={photos.length > 1 ? '(min-width: 48rem) 36rem, 88vw' : '(min-width: 48rem) 40rem, 100vw'} priority={index === 0} />
          ))}
        </div>
      )}
      {reporterOnly ? <ReporterPanel report={report} reporterOnly={reporterOnly} statusProblem={props.statusProblem} canPostToFeed={props.canPostToFeed} /> : ''}
      <Facts report={report} />
      {report.description ? (
        <section aria-labelledby="description-heading">
          <h2 id="description-heading">Description</h2>
          <p class="prewrap" safe>
            {report.description}
          </p>
        </section>
      ) : (
        ''
      )}
      <StaticMap
        centre={report.place}
        gridMetres={props.gridMetres}
        places={props.nearbyPlaces}
        label={`Map of the area around ${report.place.label}`}
        marks={props.sightings.map((sighting) => ({ point: sighting.point, kind: sighting.kind }))}
      />
      <Actions report={report} viewer={viewer} url={props.url} />
      {reporterOnly ? '' : <p class="flag-line"><FlagLink kind="report" id={report.id} /></p>}
      <SafetyNote report={report} isReporter={Boolean(reporterOnly)} />
      <Timeline {...props} />
      {report.status === 'active' && <SightingSection {...props} />}
      {props.edits.length > 0 && <EditHistory edits={props.edits} people={props.people} photos={props.otherPhotos} />}
      {props.scamCounts ? (
        <p class="moderator-note" safe>
          {`Moderators: ${props.scamCounts.total} message(s) about this report were flagged as possible scams (${props.scamCounts.lastWeek} in the last 7 days).`}
        </p>
      ) : (
        ''
      )}
    </article>
  )
}

/** "Found · Taken in, safe with the finder · Reunited". */
function statusLine(report: PublicReport): string {
  const kind = report.kind === 'found' && report.foundState ? `${LABELS.kind.found} · ${LABELS.foundState[report.foundState]}` : LABELS.kind[report.kind]
  return report.status === 'active' ? kind : `${kind} · ${LABELS.status[report.status]}`
}

function Facts({ report }: { report: PublicReport }): JSX.Element {
  const rows: [string, string][] = [
    ['Looks', looks(report)],
    ['Breed', report.breed ?? 'Not known'],
    ['Sex', LABELS.sex[report.sex]],
    ['Neutered', LABELS.yesNo[report.neutered]],
    ['Age', LABELS.ageBand[report.ageBand]],
    ['Microchipped', LABELS.yesNo[report.microchipped]],
    ['Collar', report.collarNote ? `${LABELS.yesNo[report.collar]}: ${report.collarNote}` : LABELS.yesNo[report.collar]],
    ...(report.reward ? ([['Reward', report.reward]] as [string, string][]) : []),
  ]
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <>
          <dt safe>{term}</dt>
          <dd safe>{value}</dd>
        </>
      ))}
    </dl>
  )
}

interface ReporterPanelProps {
  report: PublicReport
  reporterOnly: NonNullable<ReportPageProps['reporterOnly']>
  statusProblem: string | undefined
  canPostToFeed: boolean
}

function ReporterPanel({ report, reporterOnly, statusProblem, canPostToFeed }: ReporterPanelProps): JSX.Element {
  return (
    <section class="reporter-panel" aria-labelledby="reporter-heading">
      <h2 id="reporter-heading">Your report</h2>
      <p>
        {reporterOnly.townCentre ? (
          <>
            Only you see this. Town centre of <span safe>{reporterOnly.townCentre}</span>: you named the town, so alerts reckon from its centre (edit the
            report to give the spot); everyone else sees an area about the size of a few streets.
          </>
        ) : (
          <>
            Only you see this. Exact spot: <span safe>{`${reporterOnly.exact.lat.toFixed(5)}, ${reporterOnly.exact.lng.toFixed(5)}`}</span>; everyone else sees
            an area about the size of a few streets.
          </>
        )}
        {reporterOnly.microchipNumber ? <span safe>{` Microchip number: ${reporterOnly.microchipNumber}.`}</span> : ''}
      </p>
      {report.status === 'active' && report.colours.length === 0 && report.pattern === 'unknown' ? (
        <p class="flash">
          <Icon name="sparkles" />
          <span>
            Published. Now <a href={`/finder/${report.id}/edit#details`}>help people recognise her</a>: her colours, pattern, age, chip and collar.
          </span>
        </p>
      ) : (
        ''
      )}
      <p class="actions">
        <a class="button secondary" href={`/finder/${report.id}/edit`}>
          Edit the report
        </a>{' '}
        <a class="button secondary" href={`/finder/${report.id}/messages`}>
          Messages
        </a>
      </p>
      {statusProblem ? (
        <p class="form-error" role="alert" safe>
          {statusProblem}
        </p>
      ) : (
        ''
      )}
      {report.status === 'active' ? (
        <>
          {report.reminderSentAt ? (
            <form method="post" action={`/finder/${report.id}/renew`}>
              <p>Nothing has happened on this report for a while. Still looking?</p>
              <button type="submit">Keep it active</button>
            </form>
          ) : (
            ''
          )}
          <form class="stack" method="post" action={`/finder/${report.id}/status`}>
            <input type="hidden" name="status" value="reunited" />
            <TextArea name="happy_note" label="Happy ending (optional)" hint="How did you find each other? Shown on the report." maxlength={1000} rows={3} />
            {canPostToFeed && (
              <label class="option">
                <input type="checkbox" name="post_to_feed" value="yes" /> Also post the happy ending to my feed
              </label>
            )}
            <button type="submit">Mark as reunited</button>
          </form>
          <form method="post" action={`/finder/${report.id}/status`}>
            <input type="hidden" name="status" value="closed" />
            <button type="submit" class="secondary">
              Close the report
            </button>
          </form>
        </>
      ) : (
        <form method="post" action={`/finder/${report.id}/status`}>
          <input type="hidden" name="status" value="active" />
          <button type="submit" class="secondary">
            Reopen the report
          </button>
        </form>
      )}
    </section>
  )
}

function Actions({ report, viewer, url }: { report: PublicReport; viewer: Viewer | null; url: string }): JSX.Element {
  const text = `${reportTitle(report)} — ${report.place.label}`
  const shareUrl = encodeURIComponent(url)
  const shareText = encodeURIComponent(text)
  return (
    <section class="report-actions" aria-labelledby="share-heading">
      <h2 id="share-heading">Help spread the word</h2>
      <ul class="inline-list share-links">
        <li>
          <a href={`https://wa.me/?text=${shareText}%20${shareUrl}`} rel="noopener">
            Share on WhatsApp
          </a>
        </li>
        <li>
          <a href={`https://www.facebook.com/sharer/sharer.php?u=${shareUrl}`} rel="noopener">
            Share on Facebook
          </a>
        </li>
        <li>
          <a href={`https://x.com/intent/post?url=${shareUrl}&text=${shareText}`} rel="noopener">
            Share on X
          </a>
        </li>
        <li>
          <a href={`mailto:?subject=${shareText}&body=${shareUrl}`}>Share by email</a>
        </li>
        <li>
          {/* A page of its own, not swapped in by htmx: its print stylesheet is in place before anyone prints. */}
          <a href={`/finder/${report.id}/flyer`} hx-boost="false">
            Print a flyer
          </a>
        </li>
      </ul>
      <p class="share-url">
        Link: <code safe>{url}</code>
      </p>
      {report.status === 'active' && viewer?.id !== report.reporterId && (
        <p>
          <a class="button" href={viewer ? `/finder/${report.id}/messages` : `/login?next=${encodeURIComponent(`/finder/${report.id}/messages`)}`}>
            Message the reporter
          </a>
        </p>
      )}
    </section>
  )
}

function SafetyNote({ report, isReporter }: { report: PublicReport; isReporter: boolean }): JSX.Element {
  return (
    <aside class="safety-note" aria-label="Stay safe from scams">
      {isReporter || report.kind === 'lost' ? (
        <p>
          <strong>Beware of reward scams.</strong> Before you go anywhere or pay anything, ask whoever says they have your cat for a fresh photo
          with something of today in it — a note with today’s date, or today’s newspaper. Never send a verification code, gift cards, a
          transfer or a “release” or “transport” fee.
        </p>
      ) : (
        <p>
          <strong>Is this your cat?</strong> Be ready to show photos of your cat, vet records or a microchip number to the vet or shelter —
          never in a message.
        </p>
      )}
    </aside>
  )
}

function Timeline({ sightings, people, otherPhotos, report, viewer, now }: ReportPageProps): JSX.Element {
  const isReporter = viewer?.id === report.reporterId
  return (
    <section id="sightings" aria-labelledby="sightings-heading">
      <h2 id="sightings-heading">Sightings and searches</h2>
      {sightings.length === 0 ? (
        <p class="muted">No sightings yet. Seen this cat, or looked somewhere? Add it below: every place helps.</p>
      ) : (
        <ol class="timeline">
          {sightings.map((sighting) => (
            <li class={`sighting sighting-${sighting.kind}`}>
              <p>
                <strong>{sighting.kind === 'seen' ? 'Seen' : 'Searched here, not seen'}</strong> <RelativeTime at={sighting.seenAt} now={now} />{' '}
                <span safe>{sighting.placeLabel}</span>
                {sighting.confirmedAt ? <span class="badge">Confirmed by the reporter</span> : ''}
              </p>
              {sighting.note ? (
                <p class="prewrap" safe>
                  {sighting.note}
                </p>
              ) : (
                ''
              )}
              {sighting.photoId && otherPhotos.get(sighting.photoId) ? <Picture picture={otherPhotos.get(sighting.photoId)!} sizes="160px" class="thumb" /> : ''}
              <p class="muted" safe>
                {`by @${people.get(sighting.authorId)?.handle ?? 'a member'}`}
              </p>
              {viewer?.id === sighting.authorId ? '' : <FlagLink kind="sighting" id={sighting.id} label="Report sighting" />}
              {isReporter && 'exact' in sighting && (
                <p class="muted" safe>
                  {`Exact spot (only you see it): ${sighting.exact.lat.toFixed(5)}, ${sighting.exact.lng.toFixed(5)}`}
                </p>
              )}
              {isReporter && report.status === 'active' && sighting.kind === 'seen' && !sighting.confirmedAt && (
                <form method="post" action={`/finder/${report.id}/sightings/${sighting.id}/confirm`}>
                  <button type="submit" class="secondary">
                    That was my cat: move the last-seen place here
                  </button>
                </form>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function SightingSection({ report, viewer, sightingForm, map }: ReportPageProps): JSX.Element {
  if (!viewer) {
    return (
      <p>
        <a href={`/login?next=${encodeURIComponent(`/finder/${report.id}`)}`}>Sign in</a> to add a sighting or a place you searched.
      </p>
    )
  }
  return <SightingForm reportId={report.id} state={sightingForm} map={map} />
}

/** The form to add a sighting: plain multipart (a photo may come along), boosted by htmx. */
export function SightingForm({ reportId, state, map }: { reportId: string; state: SightingFormState; map: MapSettings }): JSX.Element {
  const { values, errors, suggestions } = state
  return (
    <form id="sighting-form" class="stack" method="post" action={`/finder/${reportId}/sightings`} enctype="multipart/form-data" novalidate>
      <h2>Add a sighting</h2>
      <Choice name="kind" label="What happened" options={SIGHTING_KINDS} labels={{ seen: 'I saw this cat', not_seen: 'I searched here and did not see it' }} value={values.kind ?? 'seen'} error={errors.kind} />
      <Field name="seen_at" label="When (date and time)" type="datetime-local" value={values.seen_at} error={errors.seenAt} hint="Your local time." required />
      <input type="hidden" name="timezone_offset" value="" data-timezone-offset />
      <PlaceFields legend="Where" values={{ town: values.town, lat: values.lat, lng: values.lng }} errors={errors} suggestions={suggestions} map={map} hint="A town or neighbourhood, or for a street or park the exact spot below." />
      <TextArea name="note" label="Note" value={values.note} error={errors.note} hint="Which way was it going? Did it look hurt? Never your address or phone number." maxlength={1000} rows={3} />
      <Field name="photo" label="Photo (optional)" type="file" accept="image/*" error={errors.photo} />
      <Field name="photo_alt" label="Describe the photo" value={values.photo_alt} error={errors.photoAlt} maxlength={300} />
      <button type="submit">Add the sighting</button>
      <UploadScripts progress={false} />
    </form>
  )
}

function EditHistory({ edits, people, photos }: { edits: ReportEdit[]; people: Map<string, PersonName>; photos: Map<string, MediaPicture> }): JSX.Element {
  return (
    <section class="edit-history" aria-labelledby="history-heading">
      <h2 id="history-heading">Changes since this report was shared</h2>
      <p class="muted">Photos, lost or found, and place are kept here when they change, so a shared report can’t quietly become another.</p>
      <ol class="list">
        {edits.map((edit) => (
          <li>
            <p>
              <RelativeTime at={edit.at} /> <span safe>{`@${people.get(edit.editorId)?.handle ?? 'the reporter'} changed the ${edit.before.field}:`}</span>
            </p>
            <p>
              <span class="muted">Before:</span> <FactValue fact={edit.before} photos={photos} />
            </p>
            <p>
              <span class="muted">After:</span> <FactValue fact={edit.after} photos={photos} />
            </p>
          </li>
        ))}
      </ol>
    </section>
  )
}

function FactValue({ fact, photos }: { fact: EditedFact; photos: Map<string, MediaPicture> }): JSX.Element {
  if (fact.field === 'kind') {
    return <span>{(fact.foundState ? `${LABELS.kind[fact.kind]} (${LABELS.foundState[fact.foundState]})` : LABELS.kind[fact.kind]) as 'safe'}</span>
  }
  if (fact.field === 'place') return <span safe>{fact.label}</span>
  if (fact.mediaIds.length === 0) return <span>no photos</span>
  return (
    <span class="history-photos">
      {fact.mediaIds.map((id) => {
        const photo = photos.get(id)
        return photo ? <Picture picture={photo} sizes="64px" class="thumb-small" /> : <span class="muted">(photo removed)</span>
      })}
    </span>
  )
}

/** Open Graph, Twitter card and JSON-LD for a shared link: public point and facts only. */
export function ReportHead({ report, photo, url, description }: { report: PublicReport; photo: string | null; url: string; description: string }): JSX.Element {
  const title = reportTitle(report)
  return (
    <>
      <meta property="og:type" content="article" />
      <meta property="og:title" content={title} />
      <meta property="og:description" content={description} />
      <meta property="og:url" content={url} />
      {photo ? <meta property="og:image" content={photo} /> : ''}
      <meta name="twitter:card" content={photo ? 'summary_large_image' : 'summary'} />
      <meta property="place:location:latitude" content={String(report.place.lat)} />
      <meta property="place:location:longitude" content={String(report.place.lng)} />
      <JsonLd
        data={{
          '@context': 'https://schema.org',
          '@type': 'SocialMediaPosting',
          headline: title,
          description,
          url,
          datePublished: report.createdAt.toISOString(),
          dateModified: report.updatedAt.toISOString(),
          ...(photo && { image: photo }),
          contentLocation: {
            '@type': 'Place',
            name: report.place.label,
            geo: { '@type': 'GeoCoordinates', latitude: report.place.lat, longitude: report.place.lng },
          },
        }}
      />
    </>
  )
}
