/**
 * Lost and found reports: publishing, reading (public and reporter's views), editing with the history
 * of key facts, status changes and "still looking". Every change that shows in public goes on to the
 * GEO index, the nearby lists kept around it and the CDN through `published`.
 */
import type { Kysely, Selectable } from 'kysely'
import type { Media, UploadErrors, UploadField } from '@/features/media/service'
import { geographyPoint, latOf, lngOf, type LatLng } from '@/features/finder/geodesy'
import type { GeoIndex, IndexedReport } from '@/features/finder/geo-index'
import type { ReportCards } from '@/features/finder/report-cards'
import type { NearbyListCache } from '@/features/finder/list-cache'
import { checkReport, type ReportErrors, type ReportFacts, type ReportField, type ReportInput } from '@/features/finder/report-input'
import type { EditedFact, LostCatsTable } from '@/features/finder/tables'
import type { Place } from '@/features/finder/gazetteer'
import type { PlaceSuggestions } from '@/features/finder/place'
import type { Colour, ReportStatus } from '@/features/finder/vocabulary'
import type { Outbox } from '@/infra/outbox'
import type { FinderDomain } from '@/schema'
import { isUuid } from '@/shared/ids'
import { refusal, type Refused, type RefusalStatus, type Result } from '@/shared/result'
import { textProblem } from '@/shared/text'

/** A report as anyone may see it: the public point only, no microchip number. */
export interface PublicReport {
  id: string
  reporterId: string
  kind: LostCatsTable['kind']
  foundState: LostCatsTable['found_state']
  name: string | null
  photoIds: string[]
  colours: Colour[]
  pattern: LostCatsTable['pattern']
  breed: string | null
  sex: LostCatsTable['sex']
  neutered: LostCatsTable['neutered']
  ageBand: LostCatsTable['age_band']
  microchipped: LostCatsTable['microchipped']
  collar: LostCatsTable['collar']
  collarNote: string | null
  description: string
  reward: string | null
  lastSeenAt: Date
  place: LatLng & { label: string }
  status: ReportStatus
  happyNote: string | null
  alertsSentAt: Date | null
  lastActivityAt: Date
  reminderSentAt: Date | null
  createdAt: Date
  updatedAt: Date
}

/** What only the reporter sees besides: the exact point and the microchip number. */
export interface ReporterReport extends PublicReport {
  exact: LatLng
  microchipNumber: string | null
}

export interface ReportEdit {
  id: number
  editorId: string
  before: EditedFact
  after: EditedFact
  at: Date
}

/** Why an action on a report is refused, and what the person is told. */
export const REPORT_REFUSALS = {
  notFound: refusal(404),
  notYours: refusal(403, 'This is someone else’s report: only the person who reported it can change it.'),
  closed: refusal(409, 'This report is closed, so it takes no more sightings or new conversations. Its reporter can reopen it.'),
} satisfies Record<string, Refused>

export interface PhotoUpload {
  files: Uint8Array[]
  alt: string
  /** On edit: the ids of current photos to keep, in order. */
  keep?: string[]
}

/** The saved report's id, or why not: the form's messages (with places to choose from), or a refusal. */
export type SaveResult = Result<string, ReportField, PlaceSuggestions>

/** What the neighbours hear about a report: that it is there, and later that the cat is home. */
export type ReportNews = 'reported' | 'reunited'

export type StatusChange = { status: 'reunited'; happyNote: string } | { status: 'closed' } | { status: 'active' }

/** The database refuses more (lost_cats.photo_media_ids); four or so say everything about a cat. */
export const MAX_PHOTOS = 6
const HAPPY_NOTE_MAX = 1000

/** What the finder's outbox holds: who hears of a new report, or of its reunion (handled by notifications). */
export interface FinderOutboxJobs {
  'alerts.fanOut': { reportId: string; news?: ReportNews }
}

export interface ReportsDeps {
  db: Kysely<FinderDomain>
  media: Media
  geoIndex: GeoIndex
  /** The nearby lists kept around a report: dropped when it changes. */
  lists: Pick<NearbyListCache, 'dropAround'>
  cards: ReportCards
  gridMetres: number
  /** Purges the CDN's copies of pages showing these tags. */
  purge: (tags: string[]) => Promise<void>
  /**
   * The alert to members whose alert area holds the report, or the good news to those it alerted:
   * written with the report in one transaction, queued after (src/infra/outbox.ts).
   */
  announcements: Outbox<FinderOutboxJobs>
}

export function createReports({ db, media, geoIndex, lists, cards, gridMetres, purge, announcements }: ReportsDeps) {
  const publicColumns = [
    'id',
    'reporter_id',
    'kind',
    'found_state',
    'name',
    'photo_media_ids',
    'colours',
    'pattern',
    'breed',
    'sex',
    'neutered',
    'age_band',
    'microchipped',
    'collar',
    'collar_note',
    'description',
    'reward',
    'last_seen_at',
    'place_label',
    'status',
    'happy_note',
    'alerts_sent_at',
    'last_activity_at',
    'reminder_sent_at',
    'created_at',
    'updated_at',
  ] as const

  const selectPublic = () =>
    db.selectFrom('lost_cats').select([...publicColumns, latOf('public_point').as('lat'), lngOf('public_point').as('lng')])

  async function reporterView(id: string): Promise<ReporterReport | null> {
    if (!isUuid(id)) return null
    const row = await selectPublic()
      .select(['microchip_number', latOf('exact_point').as('exact_lat'), lngOf('exact_point').as('exact_lng')])
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) return null
    return { ...toPublic(row), exact: { lat: row.exact_lat, lng: row.exact_lng }, microchipNumber: row.microchip_number }
  }

  /** The report if `viewerId` reported it; otherwise why not. */
  async function ownReport(viewerId: string, id: string): Promise<Result<ReporterReport>> {
    const report = await reporterView(id)
    if (!report) return REPORT_REFUSALS.notFound
    return report.reporterId === viewerId ? { ok: true, value: report } : REPORT_REFUSALS.notYours
  }

  /** Uploads a form's photos; if one is refused, removes the ones already stored. */
  async function uploadPhotos(ownerId: string, upload: PhotoUpload): Promise<Result<string[], UploadField>> {
    const ids: string[] = []
    for (const bytes of upload.files) {
      const result = await media.upload(ownerId, { bytes, alt: upload.alt })
      if (!result.ok) {
        await media.remove(ids, ownerId)
        return result
      }
      ids.push(result.value.id)
    }
    return { ok: true, value: ids }
  }

  /**
   * Tells every copy of the public picture about a change: search cards, GEO index, the nearby lists
   * kept around it, CDN. `created`: the report is new, so no card of it can be kept anywhere yet.
   */
  async function published(before: IndexedReport | null, after: IndexedReport | null, { created = false } = {}): Promise<void> {
    // Cards first: from here on a search reads the report anew (for the cards' two minutes, from PostgreSQL).
    if (!created) await cards.changed([(before ?? after)!.id])
    const moved = before && (!after || before.point.lat !== after.point.lat || before.point.lng !== after.point.lng)
    if (moved) await geoIndex.remove([before])
    if (after) await geoIndex.add([after])
    await lists.dropAround(...[before?.point, after?.point].filter((point): point is LatLng => Boolean(point)))
    // Search pages are not purged: reports change all the time, and the CDN keeps those 30 s at most.
    await purge([`report:${(before ?? after)!.id}`])
  }

  const indexed = (report: Pick<PublicReport, 'id' | 'place' | 'status'>): IndexedReport | null =>
    report.status === 'active' ? { id: report.id, point: { lat: report.place.lat, lng: report.place.lng } } : null

  function refuseForm(errors: ReportErrors, suggestions: Place[] = [], status: RefusalStatus = 422): SaveResult {
    return { ok: false, status, errors, suggestions }
  }

  return {
    reporterView,
    ownReport,

    /** A report as anyone sees it (any status), or null. */
    async publicReport(id: string): Promise<PublicReport | null> {
      if (!isUuid(id)) return null
      const row = await selectPublic().where('id', '=', id).executeTakeFirst()
      return row ? toPublic(row) : null
    },

    /**
     * Publishes a report. It counts as announced at once (`alerts_sent_at`): the alert to members
     * nearby is queued, and the in-app "lost near you" shows it straight away, so from now on its
     * key facts keep a history.
     */
    async create(reporterId: string, input: ReportInput, photos: PhotoUpload, now = new Date()): Promise<SaveResult> {
      const checked = checkReport(input, { now, gridMetres })
      const photoErrors = photoProblems(photos)
      if (!checked.ok || photoErrors) return refuseForm({ ...(checked.ok ? {} : checked.errors), ...photoErrors }, checked.ok ? [] : checked.suggestions)
      const uploaded = await uploadPhotos(reporterId, photos)
      if (!uploaded.ok) return refuseForm(photoFieldErrors(uploaded.errors), [], uploaded.status)
      const { facts } = checked
      const { row, alert } = await db
        .transaction()
        .execute(async (trx) => {
          const row = await trx
            .insertInto('lost_cats')
            .values({ reporter_id: reporterId, ...factColumns(facts), photo_media_ids: uploaded.value, alerts_sent_at: now, last_activity_at: now })
            .returning('id')
            .executeTakeFirstOrThrow()
          return { row, alert: await announcements.add(trx, 'alerts.fanOut', { reportId: row.id, news: 'reported' }) }
        })
        .catch(async (error: unknown) => {
          await media.remove(uploaded.value, reporterId)
          throw error
        })
      await announcements.send([alert])
      await published(null, { id: row.id, point: facts.public }, { created: true })
      return { ok: true, value: row.id }
    },

    /**
     * Saves the reporter's changes. Once the report has been announced, changes to its photos, kind
     * or place are written to its edit history; photos it no longer shows stay stored for that history.
     */
    async update(editorId: string, id: string, input: ReportInput, photos: PhotoUpload, now = new Date()): Promise<SaveResult> {
      const own = await ownReport(editorId, id)
      if (!own.ok) return own
      const current = own.value
      const checked = checkReport(input, { now, gridMetres })
      const kept = (photos.keep ?? []).filter((photoId) => current.photoIds.includes(photoId))
      const photoErrors = photoProblems(photos, kept.length)
      if (!checked.ok || photoErrors) return refuseForm({ ...(checked.ok ? {} : checked.errors), ...photoErrors }, checked.ok ? [] : checked.suggestions)
      const uploaded = await uploadPhotos(editorId, photos)
      if (!uploaded.ok) return refuseForm(photoFieldErrors(uploaded.errors), [], uploaded.status)
      const { facts } = checked
      const photoIds = [...kept, ...uploaded.value]
      const edits = current.alertsSentAt ? keyFactEdits(current, facts, photoIds) : []
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('lost_cats')
          .set({ ...factColumns(facts), photo_media_ids: photoIds, updated_at: now, last_activity_at: now, reminder_sent_at: null })
          .where('id', '=', id)
          .execute()
        if (edits.length > 0) {
          await trx
            .insertInto('report_edits')
            .values(edits.map((edit) => ({ report_id: id, editor_id: editorId, field: edit.before.field, before: JSON.stringify(edit.before), after: JSON.stringify(edit.after) })))
            .execute()
        }
      })
      const dropped = current.photoIds.filter((photoId) => !photoIds.includes(photoId))
      if (!current.alertsSentAt && dropped.length > 0) await media.remove(dropped, editorId)
      await published(indexed(current), indexed({ id, status: current.status, place: { ...facts.public, label: facts.placeLabel } }))
      return { ok: true, value: id }
    },

    /** Reunited (with an optional happy note), closed, or active again; only by the reporter. */
    async setStatus(viewerId: string, id: string, change: StatusChange, now = new Date()): Promise<Result<PublicReport, 'happyNote'>> {
      const own = await ownReport(viewerId, id)
      if (!own.ok) return own
      const current = own.value
      const happyNote = change.status === 'reunited' ? change.happyNote.trim() : ''
      const refused = textProblem(happyNote, 'lines')
      if (refused) return { ok: false, status: 422, errors: { happyNote: refused } }
      if ([...happyNote].length > HAPPY_NOTE_MAX) {
        return { ok: false, status: 422, errors: { happyNote: `A happy ending can have at most ${HAPPY_NOTE_MAX} characters.` } }
      }
      // Everyone who was told the cat is missing can stop looking.
      const reunion = current.status === 'active' && change.status === 'reunited'
      const goodNews = await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('lost_cats')
          .set({
            status: change.status,
            happy_note: happyNote || null,
            closed_at: change.status === 'active' ? null : now,
            last_activity_at: now,
            reminder_sent_at: null,
            updated_at: now,
          })
          .where('id', '=', id)
          .execute()
        return reunion ? [await announcements.add(trx, 'alerts.fanOut', { reportId: id, news: 'reunited' })] : []
      })
      await announcements.send(goodNews)
      const after = { ...current, status: change.status, happyNote: happyNote || null }
      await published(indexed(current), indexed(after))
      return { ok: true, value: after }
    },

    /** "Still looking": counts as activity, so the report doesn't expire. */
    async renew(viewerId: string, id: string, now = new Date()): Promise<Result<void>> {
      const own = await ownReport(viewerId, id)
      if (!own.ok) return own
      if (own.value.status !== 'active') return REPORT_REFUSALS.closed
      await db.updateTable('lost_cats').set({ last_activity_at: now, reminder_sent_at: null }).where('id', '=', id).execute()
      return { ok: true, value: undefined }
    },

    /** Whether a member has reported anything (the demo seed runs once per member). */
    async anyBy(reporterId: string): Promise<boolean> {
      return Boolean(await db.selectFrom('lost_cats').select('id').where('reporter_id', '=', reporterId).limit(1).executeTakeFirst())
    },

    /** A sighting or message counts as activity on the report; a sighting also changes its page. */
    async touch(id: string, now = new Date()): Promise<void> {
      await db.updateTable('lost_cats').set({ last_activity_at: now, reminder_sent_at: null }).where('id', '=', id).where('status', '=', 'active').execute()
      await purge([`report:${id}`])
    },

    /**
     * Moves the report's last-seen place and time to a confirmed sighting (only ever later in time).
     * A move of an announced report is a change of place, so it goes into the edit history too.
     */
    async moveLastSeen(report: ReporterReport, editorId: string, sighting: { exact: LatLng; public: LatLng; label: string; seenAt: Date }): Promise<void> {
      if (sighting.seenAt <= report.lastSeenAt) return
      const before: EditedFact = { field: 'place', label: report.place.label, lat: report.place.lat, lng: report.place.lng }
      const after: EditedFact = { field: 'place', label: sighting.label, ...sighting.public }
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('lost_cats')
          .set({
            exact_point: geographyPoint(sighting.exact),
            public_point: geographyPoint(sighting.public),
            place_label: sighting.label,
            last_seen_at: sighting.seenAt,
            last_activity_at: new Date(),
            updated_at: new Date(),
          })
          .where('id', '=', report.id)
          .execute()
        if (report.alertsSentAt && !samePoint(before, after)) {
          await trx
            .insertInto('report_edits')
            .values({ report_id: report.id, editor_id: editorId, field: 'place', before: JSON.stringify(before), after: JSON.stringify(after) })
            .execute()
        }
      })
      await published(indexed(report), indexed({ ...report, place: { ...sighting.public, label: sighting.label } }))
    },

    /** The key-fact history of a report, oldest first. */
    async editHistory(id: string): Promise<ReportEdit[]> {
      const rows = await db.selectFrom('report_edits').selectAll().where('report_id', '=', id).orderBy('created_at').orderBy('id').execute()
      return rows.map((row) => ({ id: row.id, editorId: row.editor_id, before: row.before, after: row.after, at: row.created_at }))
    },

    /** Every active report's public point, in batches by id, to rebuild the GEO index. */
    async *activeForIndex(batchSize = 10_000): AsyncIterable<IndexedReport[]> {
      let after = '00000000-0000-0000-0000-000000000000'
      while (true) {
        const rows = await db
          .selectFrom('lost_cats')
          .select(['id', latOf('public_point').as('lat'), lngOf('public_point').as('lng')])
          .where('status', '=', 'active')
          .where('id', '>', after)
          .orderBy('id')
          .limit(batchSize)
          .execute()
        if (rows.length === 0) return
        yield rows.map((row) => ({ id: row.id, point: { lat: row.lat, lng: row.lng } }))
        after = rows.at(-1)!.id
      }
    },

    published,
  }
}

export type Reports = ReturnType<typeof createReports>


type PublicRow = Pick<
  Selectable<LostCatsTable>,
  | 'id'
  | 'reporter_id'
  | 'kind'
  | 'found_state'
  | 'name'
  | 'photo_media_ids'
  | 'colours'
  | 'pattern'
  | 'breed'
  | 'sex'
  | 'neutered'
  | 'age_band'
  | 'microchipped'
  | 'collar'
  | 'collar_note'
  | 'description'
  | 'reward'
  | 'last_seen_at'
  | 'place_label'
  | 'status'
  | 'happy_note'
  | 'alerts_sent_at'
  | 'last_activity_at'
  | 'reminder_sent_at'
  | 'created_at'
  | 'updated_at'
> & { lat: number; lng: number }

function toPublic(row: PublicRow): PublicReport {
  return {
    id: row.id,
    reporterId: row.reporter_id,
    kind: row.kind,
    foundState: row.found_state,
    name: row.name,
    photoIds: row.photo_media_ids,
    colours: row.colours,
    pattern: row.pattern,
    breed: row.breed,
    sex: row.sex,
    neutered: row.neutered,
    ageBand: row.age_band,
    microchipped: row.microchipped,
    collar: row.collar,
    collarNote: row.collar_note,
    description: row.description,
    reward: row.reward,
    lastSeenAt: row.last_seen_at,
    place: { lat: row.lat, lng: row.lng, label: row.place_label },
    status: row.status,
    happyNote: row.happy_note,
    alertsSentAt: row.alerts_sent_at,
    lastActivityAt: row.last_activity_at,
    reminderSentAt: row.reminder_sent_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** The columns a form sets, from checked facts. */
function factColumns(facts: ReportFacts) {
  return {
    kind: facts.kind,
    found_state: facts.foundState,
    name: facts.name,
    colours: facts.colours,
    pattern: facts.pattern,
    breed: facts.breed,
    sex: facts.sex,
    neutered: facts.neutered,
    age_band: facts.ageBand,
    microchipped: facts.microchipped,
    microchip_number: facts.microchipNumber,
    collar: facts.collar,
    collar_note: facts.collarNote,
    description: facts.description,
    reward: facts.reward,
    last_seen_at: facts.lastSeenAt,
    exact_point: geographyPoint(facts.exact),
    public_point: geographyPoint(facts.public),
    place_label: facts.placeLabel,
  }
}

/** Which key facts an edit changes, as before/after pairs of public values. */
function keyFactEdits(current: PublicReport, facts: ReportFacts, photoIds: string[]): { before: EditedFact; after: EditedFact }[] {
  const edits: { before: EditedFact; after: EditedFact }[] = []
  if (current.photoIds.join() !== photoIds.join()) {
    edits.push({ before: { field: 'photos', mediaIds: current.photoIds }, after: { field: 'photos', mediaIds: photoIds } })
  }
  if (current.kind !== facts.kind || current.foundState !== facts.foundState) {
    edits.push({
      before: { field: 'kind', kind: current.kind, foundState: current.foundState },
      after: { field: 'kind', kind: facts.kind, foundState: facts.foundState },
    })
  }
  const placeBefore: EditedFact = { field: 'place', label: current.place.label, lat: current.place.lat, lng: current.place.lng }
  const placeAfter: EditedFact = { field: 'place', label: facts.placeLabel, ...facts.public }
  if (!samePoint(placeBefore, placeAfter) || current.place.label !== facts.placeLabel) edits.push({ before: placeBefore, after: placeAfter })
  return edits
}

function samePoint(a: LatLng, b: LatLng): boolean {
  return a.lat === b.lat && a.lng === b.lng
}

function photoProblems(photos: PhotoUpload, kept = 0): ReportErrors | null {
  if (kept + photos.files.length > MAX_PHOTOS) return { photos: `A report can show at most ${MAX_PHOTOS} photos.` }
  if (photos.files.length > 0 && !photos.alt.trim()) {
    return { photoAlt: 'Please describe the photos for people who can’t see them, e.g. “Biscuit, a ginger tabby, on the sofa”.' }
  }
  return null
}

function photoFieldErrors(errors: UploadErrors): ReportErrors {
  return { ...(errors.photo && { photos: errors.photo }), ...(errors.alt && { photoAlt: errors.alt }) }
}
