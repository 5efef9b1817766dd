/**
 * Sightings and "searched here, not seen" entries: the timeline of a report. Any member may add one
 * to an active report; the reporter hears of it, sees its exact place, and may confirm a sighting,
 * which moves the report's last-seen place and time there.
 */
import type { Kysely } from 'kysely'
import type { Media, UploadErrors } from '@/features/media/service'
import { describePoint } from '@/features/finder/gazetteer'
import { geographyPoint, latOf, lngOf, type LatLng } from '@/features/finder/geodesy'
import { publicPoint } from '@/features/finder/privacy-grid'
import { readPlace, type PlaceErrors, type PlaceInput, type PlaceSuggestions } from '@/features/finder/place'
import { readPastTime } from '@/features/finder/report-input'
import { REPORT_REFUSALS, type ReporterReport, type Reports } from '@/features/finder/reports'
import { SIGHTING_KINDS, isOneOf, type SightingKind } from '@/features/finder/vocabulary'
import type { FinderDomain } from '@/schema'
import type { FieldErrors, Result } from '@/shared/result'
import { textProblems } from '@/shared/text'

export interface SightingInput {
  kind: string
  seenAt: string
  timezoneOffset: string
  note: string
  place: PlaceInput
  photo: Uint8Array | null
  photoAlt: string
}

export type SightingField = 'kind' | 'seenAt' | 'note' | 'photo' | 'photoAlt' | keyof PlaceErrors
export type SightingErrors = FieldErrors<SightingField>

export interface Sighting {
  id: number
  authorId: string
  kind: SightingKind
  seenAt: Date
  /** Public point (the privacy grid), for everyone. */
  point: LatLng
  placeLabel: string
  note: string
  photoId: string | null
  confirmedAt: Date | null
  createdAt: Date
}

/** A sighting as its report's reporter sees it: with the exact point, to go and look. */
export interface ReporterSighting extends Sighting {
  exact: LatLng
}

/** The sighting and the report it was added to, or why not (the form's messages, or a refusal). */
export type SightingResult = Result<{ sighting: Sighting; report: ReporterReport }, SightingField, PlaceSuggestions>

/** The timeline shows this many, newest first; a report with more is the exception, and old entries matter least. */
export const TIMELINE_LIMIT = 100
const NOTE_MAX = 1000

export interface SightingsDeps {
  db: Kysely<FinderDomain>
  media: Media
  reports: Reports
  gridMetres: number
  notify: (userId: string, text: string, url: string) => Promise<void>
}

export function createSightings({ db, media, reports, gridMetres, notify }: SightingsDeps) {
  const selectSightings = () =>
    db
      .selectFrom('sightings')
      .select([
        'id',
        'author_id',
        'kind',
        'seen_at',
        'place_label',
        'note',
        'photo_media_id',
        'confirmed_at',
        'created_at',
        latOf('public_point').as('lat'),
        lngOf('public_point').as('lng'),
        latOf('exact_point').as('exact_lat'),
        lngOf('exact_point').as('exact_lng'),
      ])

  return {
    /**
     * Adds a sighting to an active report. A closed report takes none (409), and nothing is
     * stored; neither is anything when a field is wrong.
     */
    async add(authorId: string, reportId: string, input: SightingInput, now = new Date()): Promise<SightingResult> {
      const report = await reports.reporterView(reportId)
      if (!report) return REPORT_REFUSALS.notFound
      if (report.status !== 'active') return REPORT_REFUSALS.closed
      const errors: SightingErrors = {}
      const kind = isOneOf(SIGHTING_KINDS, input.kind) ? input.kind : ((errors.kind = 'Please say whether you saw the cat.'), 'seen' as const)
      const place = readPlace(input.place)
      if (!place.ok) Object.assign(errors, place.errors)
      const seenAt = readSeenAt(input, place.ok ? place.point : null, now, errors)
      const note = input.note.trim()
      if ([...note].length > NOTE_MAX) errors.note = `At most ${NOTE_MAX} characters, please.`
      if (input.photo && !input.photoAlt.trim()) errors.photoAlt = 'Please describe the photo for people who can’t see it.'
      Object.assign(errors, textProblems({ note: input.note, photoAlt: input.photoAlt }, ['note']))
      if (Object.keys(errors).length > 0 || !place.ok || !seenAt) {
        return { ok: false, status: 422, errors, suggestions: place.ok ? [] : place.suggestions }
      }
      let photoId: string | null = null
      if (input.photo) {
        const uploaded = await media.upload(authorId, { bytes: input.photo, alt: input.photoAlt })
        if (!uploaded.ok) return { ok: false, status: uploaded.status, errors: photoErrors(uploaded.errors), suggestions: [] }
        photoId = uploaded.value.id
      }
      const shown = publicPoint(place.point, gridMetres)
      const label = place.townLabel ?? describePoint(shown)
      const row = await db
        .insertInto('sightings')
        .values({
          report_id: reportId,
          author_id: authorId,
          kind,
          seen_at: seenAt,
          exact_point: geographyPoint(place.point),
          public_point: geographyPoint(shown),
          place_label: label,
          note,
          photo_media_id: photoId,
        })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow()
      await reports.touch(reportId, now)
      if (authorId !== report.reporterId) {
        const what = kind === 'seen' ? `Someone saw ${report.name ?? 'the cat you reported'}` : `Someone searched for ${report.name ?? 'the cat you reported'}`
        await notify(report.reporterId, `${what} ${label.startsWith('near ') ? label : `in ${label}`}.`, `/finder/${reportId}#sightings`)
      }
      const sighting: Sighting = { id: row.id, authorId, kind, seenAt, point: shown, placeLabel: label, note, photoId, confirmedAt: null, createdAt: row.created_at }
      return { ok: true, value: { sighting, report } }
    },

    /** Who added a sighting and to which report, or null when there is no such sighting (for a flag). */
    async sightingOf(sightingId: number): Promise<{ reportId: string; authorId: string } | null> {
      if (!Number.isSafeInteger(sightingId)) return null
      const row = await db.selectFrom('sightings').select(['report_id', 'author_id']).where('id', '=', sightingId).executeTakeFirst()
      return row ? { reportId: row.report_id, authorId: row.author_id } : null
    },

    /** A report's timeline, newest first: public points for everyone, exact ones for its reporter. */
    async timeline(reportId: string): Promise<ReporterSighting[]> {
      const rows = await selectSightings().where('report_id', '=', reportId).orderBy('seen_at', 'desc').orderBy('id', 'desc').limit(TIMELINE_LIMIT).execute()
      return rows.map((row) => ({
        id: row.id,
        authorId: row.author_id,
        kind: row.kind,
        seenAt: row.seen_at,
        point: { lat: row.lat, lng: row.lng },
        exact: { lat: row.exact_lat, lng: row.exact_lng },
        placeLabel: row.place_label,
        note: row.note,
        photoId: row.photo_media_id,
        confirmedAt: row.confirmed_at,
        createdAt: row.created_at,
      }))
    },

    /** The reporter's "Yes, that was my cat": marks the sighting and moves the last-seen place there. */
    async confirm(viewerId: string, reportId: string, sightingId: number): Promise<Result<void>> {
      const own = await reports.ownReport(viewerId, reportId)
      if (!own.ok) return own
      const report = own.value
      if (report.status !== 'active') return REPORT_REFUSALS.closed
      const row = await selectSightings().where('id', '=', sightingId).where('report_id', '=', reportId).where('kind', '=', 'seen').executeTakeFirst()
      if (!row) return REPORT_REFUSALS.notFound
      await db.updateTable('sightings').set({ confirmed_at: new Date() }).where('id', '=', sightingId).execute()
      await reports.moveLastSeen(report, viewerId, {
        exact: { lat: row.exact_lat, lng: row.exact_lng },
        public: { lat: row.lat, lng: row.lng },
        label: row.place_label,
        seenAt: row.seen_at,
      })
      return { ok: true, value: undefined }
    },
  }
}

export type Sightings = ReturnType<typeof createSightings>

const SEEN_AT_MESSAGES = {
  missing: 'Please give the date and time.',
  future: 'That time is in the future. Please give the time you were there.',
  too_old: 'That is more than a year ago. Please give a time within the last year.',
} as const

function readSeenAt(input: SightingInput, point: LatLng | null, now: Date, errors: SightingErrors): Date | null {
  const time = readPastTime(input.seenAt, input.timezoneOffset, point, now)
  if (time.ok) return time.at
  errors.seenAt = SEEN_AT_MESSAGES[time.problem]
  return null
}

function photoErrors(errors: UploadErrors): SightingErrors {
  return { ...(errors.photo && { photo: errors.photo }), ...(errors.alt && { photoAlt: errors.alt }) }
}
