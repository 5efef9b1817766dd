/**
 * CatFinder's pages: search (/finder), the report form (/finder/new, /finder/:id/edit), the report
 * page with its sightings, status and history (/finder/:id), the message relay
 * (/finder/:id/messages) and the printable flyer (/finder/:id/flyer). Parse, authorize, call the
 * service, render: the rules live in the service.
 */
import { Elysia } from 'elysia'
import encodeQR from 'qr'
import type { Config } from '@/config'
import type { Accounts } from '@/features/accounts/service'
import { isStaff, type Viewer } from '@/features/accounts/viewer'
import { placesWithin } from '@/features/finder/gazetteer'
import { PLACE_MESSAGES, townCentreAt } from '@/features/finder/place'
import type { ReportErrors, ReportInput } from '@/features/finder/report-input'
import type { PublicReport, StatusChange } from '@/features/finder/reports'
import { asksForSearch, readSearch, type SearchQuery } from '@/features/finder/search-input'
import { encodeNearbyCursor, type NearbyPage } from '@/features/finder/search'
import type { Finder } from '@/features/finder/feature'
import type { SightingInput } from '@/features/finder/sightings'
import { checkFileCount } from '@/features/media/intake'
import { picturesInOrder, type Media, type MediaPicture } from '@/features/media/service'
import type { AlertAreas } from '@/features/notifications/alert-areas'
import type { HttpContext } from '@/http/context'
import { doneOrRefuse, HttpError, refuse, throwIfAbandoned } from '@/http/errors'
import { fileCount, fileField, fileFields, formText, readFormData, textField } from '@/http/form'
import { integerIdParam } from '@/http/params'
import { byAccount, byAddress, limitRate } from '@/http/rate-limit'
import { afterPost, page, seeOther, type RenderContext } from '@/http/page'
import { requireViewer } from '@/http/viewer'
import type { Store } from '@/infra/store/store'
import { boundedMap } from '@/shared/bounded-map'
import { integerId } from '@/shared/ids'
import { keptFragments } from '@views/components/kept-fragments'
import { Flyer } from '@views/finder/flyer'
import { MessagesPage, ThreadView } from '@views/finder/messages'
import { LostNearYou, NEAR_YOU_LIMIT } from '@views/finder/near-you'
import type { MapSettings } from '@views/finder/place-fields'
import { ReportForm, ReportFormPage, type ReportFormProps } from '@views/finder/report-form'
import { ReportHead, ReportPage, type PersonName, type SightingFormState } from '@views/finder/report-page'
import { LatestResults, Results, SearchArea, SearchPage, type ResultTemplates, type SearchAreaProps, type SearchValues } from '@views/finder/search'
import { cacheCounter } from '@/infra/metrics'

export interface FinderRouteDeps {
  config: Pick<Config, 'finder' | 'publicUrl' | 'mediaMaxFiles'>
  finder: Finder
  media: Media
  accounts: Accounts
  /** For /finder before a search: a member's alert area is where they look first. */
  alertAreas: Pick<AlertAreas, 'alertAreaOf'>
  store: Store
  context: HttpContext
  /** Posts a reunited report's happy ending to the feed (the feed feature's post creation). */
  postToFeed: ((viewer: Viewer, text: string) => Promise<void>) | null
}

/** Signed-out visitors share these pages through the CDN; every change to a report purges its tag. */
const REPORT_CACHE = { sMaxAge: 60, staleWhileRevalidate: 300 }
/** Search results age quickly: the freshness promise is in src/features/finder/list-cache.ts. */
const SEARCH_CACHE = { sMaxAge: 30, staleWhileRevalidate: 60 }
/**
 * Search results as templates, by report (views/finder/search.tsx `ResultTemplates`): rendering
 * twenty results afresh (or keeping a rendering per distance and age) was a quarter of an uncached
 * search page's CPU. ~1 KB each; 50,000 hold every result of a thousand busy places at once.
 */
const RESULT_TEMPLATES_KEPT = 50_000
/**
 * The search filters as rendered, by what they show: nearly every search shows them as they come (or
 * with the same few choices made), and rendering three selects of a dozen options afresh was a tenth
 * of an uncached search page's CPU.
 */
const FILTERS_KEPT = 1000
/** The search form's fields: any of them in the query means the form was sent. */
const SEARCH_FIELDS = ['near', 'lat', 'lng', 'radius_km', 'kind', 'colour', 'pattern', 'seen_since'] as const satisfies readonly (keyof SearchQuery)[]
/** Labels on the static map: a few towns for orientation, not an atlas. */
const MAP_PLACES = 6
const MAP_PLACES_RADIUS_M = 15_000

const NEW_REPORT_TITLE = 'Report a lost or found cat'
const NEW_REPORT_FORM = { action: '/finder/new', submitLabel: 'Publish the report' }

/** Why a member whose address is unconfirmed cannot send a message yet, and what to do. */
export const UNCONFIRMED_EMAIL = 'Please confirm your email address first: open the link we sent when you signed up, or send a new one from your settings (Email address).'

export function finderRoutes({ config, finder, media, accounts, alertAreas, store, context, postToFeed }: FinderRouteDeps) {
  const map: MapSettings = { tileUrl: config.finder.mapTileUrl, attribution: config.finder.mapAttribution }
  const absolute = (path: string) => new URL(path, config.publicUrl).toString()
  const templates: ResultTemplates = boundedMap(RESULT_TEMPLATES_KEPT, cacheCounter('finder-result-templates'))
  const keptFilters = keptFragments(FILTERS_KEPT, 'finder-filters')

  async function people(ids: string[]): Promise<Map<string, PersonName>> {
    const profiles = await accounts.profilesByIds(ids)
    return new Map([...profiles].map(([id, profile]) => [id, { handle: profile.handle, displayName: profile.displayName }]))
  }

  // ---------------------------------------------------------------------------------------------
  // Search

  async function renderResults(found: NearbyPage, where: string, radiusKm: number, query: SearchQuery): Promise<string> {
    const photos = await media.urlsFor(found.reports.map((report) => report.photoId))
    const nextHref = found.nextCursor ? `/finder?${new URLSearchParams({ ...definedOnly(query), cursor: encodeNearbyCursor(found.nextCursor) })}` : null
    return Results({ page: found, where, radiusKm, photos, nextHref, now: new Date(), templates })
  }

  /** Before any search: the reports in the member's alert area, or else the latest reports anywhere. */
  async function startingResults(viewer: Viewer | null): Promise<string> {
    const area = viewer ? await alertAreas.alertAreaOf(viewer.id) : null
    if (area) {
      const radiusKm = area.radiusM / 1000
      const found = await finder.search.activeNear({ centre: area.home, radiusM: area.radiusM })
      return renderResults(found, area.placeLabel, radiusKm, { lat: String(area.home.lat), lng: String(area.home.lng), radius_km: String(radiusKm) })
    }
    const reports = await finder.search.latestActive()
    return LatestResults({ reports, photos: await media.urlsFor(reports.map((report) => report.photoId)), now: new Date() })
  }

  async function searchPage(render: RenderContext, query: SearchQuery) {
    const values: SearchValues = definedOnly(query)
    const base: SearchAreaProps = { values, map, maxRadiusKm: config.finder.searchRadiusMaxKm, others: [], suggestions: [], errors: {}, results: '', keptFilters }
    const view = (props: SearchAreaProps, status = 200) =>
      page(render, {
        title: 'Lost and found cats',
        description: 'Search lost and found cats near a place, and report a cat you lost or found.',
        canonical: absolute('/finder'),
        main: SearchPage(props),
        fragment: () => SearchArea(props),
        status,
        publicCache: { ...SEARCH_CACHE, tags: ['finder:nearby'] },
      })
    if (!asksForSearch(query)) {
      // The form sent without a place says so; /finder with nothing asked shows reports straight away.
      if (SEARCH_FIELDS.some((field) => query[field] !== undefined)) return view({ ...base, errors: { town: PLACE_MESSAGES.missing } }, 422)
      return view({ ...base, results: await startingResults(render.viewer) })
    }
    const read = readSearch(query, config.finder.searchRadiusMaxKm)
    if (!read.ok) return view({ ...base, errors: read.errors, suggestions: read.suggestions }, 422)
    const renderList = () => finder.search.activeNear(read.search).then((found) => renderResults(found, read.where, read.radiusKm, query))
    const results = read.search.cursor
      ? await renderList()
      : await finder.listCache.cached({ centre: read.search.centre, radiusM: read.search.radiusM, key: `${read.filterKey}|${read.where}` }, renderList)
    return view({ ...base, others: read.others, results })
  }

  // ---------------------------------------------------------------------------------------------
  // The report page

  async function reportPage(render: RenderContext, id: string, sightingForm: SightingFormState = { values: {}, errors: {}, suggestions: [] }, status = 200, statusProblem?: string) {
    const viewer = render.viewer
    const report = await finder.reports.publicReport(id)
    if (!report) throw new HttpError(404)
    const isReporter = viewer?.id === report.reporterId
    const [reporterView, sightings, edits, scamCounts] = await Promise.all([
      isReporter ? finder.reports.reporterView(id) : null,
      finder.sightings.timeline(id),
      finder.reports.editHistory(id),
      isStaff(viewer) ? finder.messages.scamCounts(id) : null,
    ])
    // Everyone but the reporter gets sightings without their exact points.
    const shownSightings = isReporter ? sightings : sightings.map(({ exact: _exact, ...sighting }) => sighting)
    const historyPhotoIds = edits.flatMap((edit) => [edit.before, edit.after]).flatMap((fact) => (fact.field === 'photos' ? fact.mediaIds : []))
    const [photoMap, names] = await Promise.all([
      media.urlsFor([...report.photoIds, ...sightings.map((sighting) => sighting.photoId), ...historyPhotoIds]),
      people([...sightings.map((sighting) => sighting.authorId), ...edits.map((edit) => edit.editorId)]),
    ])
    const photos = picturesInOrder(report.photoIds, photoMap)
    const url = absolute(`/finder/${id}`)
    const description = shareDescription(report)
    return page(render, {
      title: pageTitle(report),
      description,
      canonical: url,
      head: ReportHead({ report, photo: ogImage(photos[0]), url, description }),
      main: ReportPage({
        report,
        reporterOnly: reporterView ? { exact: reporterView.exact, townCentre: townCentreAt(reporterView.exact), microchipNumber: reporterView.microchipNumber } : null,
        viewer,
        photos,
        sightings: shownSightings,
        people: names,
        otherPhotos: photoMap,
        edits,
        nearbyPlaces: placesWithin(report.place, MAP_PLACES_RADIUS_M, MAP_PLACES),
        sightingForm,
        map,
        gridMetres: config.finder.gridMetres,
        url,
        scamCounts,
        statusProblem,
        canPostToFeed: postToFeed !== null,
        now: new Date(),
      }),
      status,
      publicCache: { ...REPORT_CACHE, tags: [`report:${id}`], lastModified: report.updatedAt },
    })
  }

  function ogImage(photo: MediaPicture | undefined): string | null {
    const largest = photo?.sources.jpeg.at(-1)
    return largest ? absolute(largest.url) : null
  }

  // ---------------------------------------------------------------------------------------------
  // The report form

  function formPage(render: RenderContext, props: Omit<ReportFormProps, 'map' | 'maxFilesPerUpload'>, title: string, status = 200) {
    const form = ReportForm({ ...props, map, maxFilesPerUpload: config.mediaMaxFiles })
    return page(render, { title, main: ReportFormPage({ title, form }), status, noindex: true })
  }

  /** Reads the report form; a request with too many files is refused before any is read. */
  async function readReportForm(request: Request) {
    const form = await readFormData(request)
    const tooMany = checkFileCount(fileCount(form), config)
    const files = tooMany ? [] : await fileFields(form, 'photos')
    const input: ReportInput = {
      kind: formText(form, 'kind'),
      foundState: formText(form, 'found_state'),
      name: formText(form, 'name'),
      colours: form.getAll('colours').filter((value): value is string => typeof value === 'string'),
      pattern: formText(form, 'pattern'),
      breed: formText(form, 'breed'),
      sex: formText(form, 'sex'),
      neutered: formText(form, 'neutered'),
      ageBand: formText(form, 'age_band'),
      microchipped: formText(form, 'microchipped'),
      microchipNumber: formText(form, 'microchip_number'),
      collar: formText(form, 'collar'),
      collarNote: formText(form, 'collar_note'),
      lastSeenAt: formText(form, 'last_seen_at'),
      timezoneOffset: formText(form, 'timezone_offset'),
      description: formText(form, 'description'),
      reward: formText(form, 'reward'),
      place: { town: formText(form, 'town_choice') || formText(form, 'town'), lat: formText(form, 'lat'), lng: formText(form, 'lng') },
    }
    const keep = form.getAll('keep_photo').filter((value): value is string => typeof value === 'string')
    return { input, photos: { files, alt: formText(form, 'photo_alt'), keep }, tooMany }
  }

  function refusedForm(input: ReportInput, photos: { alt: string; files: unknown[] }, errors: ReportErrors & { form?: string }, suggestions: ReportFormProps['suggestions']) {
    return { values: { ...input, photoAlt: photos.alt }, errors, suggestions, photosDropped: photos.files.length > 0 }
  }

  async function publishReport(render: RenderContext, request: Request, meta: { ip: string }) {
    const viewer = requireViewer(render)
    await limitRate(store, [byAccount('finder:report', viewer.id), byAddress('finder:report', meta.ip)], config.finder.reportRateLimit)
    const { input, photos, tooMany } = await readReportForm(request)
    if (tooMany) return formPage(render, { ...NEW_REPORT_FORM, ...refusedForm(input, photos, { photos: tooMany.message }, []) }, NEW_REPORT_TITLE, tooMany.status)
    throwIfAbandoned(render.request)
    const saved = await finder.reports.create(viewer.id, input, photos)
    if (!saved.ok) return formPage(render, { ...NEW_REPORT_FORM, ...refusedForm(input, photos, saved.errors, saved.suggestions ?? []) }, NEW_REPORT_TITLE, saved.status)
    return afterPost(render, `/finder/${saved.value}`)
  }

  return new Elysia({ name: 'finder' })
    .use(context)
    // Cast: a query without a schema is typed as strings by name; SearchQuery names the ones read, all optional.
    .get('/finder', ({ render, query }) => searchPage(render, query as SearchQuery))

    .get('/finder/new', ({ render }) => {
      requireViewer(render)
      return formPage(render, { ...NEW_REPORT_FORM, values: {}, errors: {}, suggestions: [] }, NEW_REPORT_TITLE)
    })

    // The form posts to its own address, so a refused form reloads as the form; /finder is the old one.
    .post('/finder/new', ({ render, request, meta }) => publishReport(render, request, meta), { parse: 'none' })
    .post('/finder', ({ render, request, meta }) => publishReport(render, request, meta), { parse: 'none' })

    .get('/finder/:id', ({ render, params }) => reportPage(render, params.id))

    .get('/finder/:id/edit', async ({ render, params }) => {
      const viewer = requireViewer(render)
      const report = doneOrRefuse(await finder.reports.ownReport(viewer.id, params.id))
      const photos = await media.urlsFor(report.photoIds)
      return formPage(
        render,
        {
          action: `/finder/${report.id}/edit`,
          submitLabel: 'Save the changes',
          values: formValuesOf(report),
          errors: {},
          suggestions: [],
          currentPhotos: picturesInOrder(report.photoIds, photos),
          timesInUtc: true,
        },
        'Edit the report',
      )
    })

    .post(
      '/finder/:id/edit',
      async ({ render, request, params }) => {
        const viewer = requireViewer(render)
        const { input, photos, tooMany } = await readReportForm(request)
        const base = { action: `/finder/${params.id}/edit`, submitLabel: 'Save the changes' }
        if (tooMany) return formPage(render, { ...base, ...refusedForm(input, photos, { photos: tooMany.message }, []) }, 'Edit the report', tooMany.status)
        const saved = await finder.reports.update(viewer.id, params.id, input, photos)
        if (!saved.ok) {
          if (saved.status === 403 || saved.status === 404) refuse(saved)
          const current = await finder.reports.reporterView(params.id)
          const pictureMap = await media.urlsFor(current?.photoIds ?? [])
          const currentPhotos = picturesInOrder(current?.photoIds ?? [], pictureMap)
          return formPage(render, { ...base, ...refusedForm(input, photos, saved.errors, saved.suggestions ?? []), currentPhotos }, 'Edit the report', saved.status)
        }
        return afterPost(render, `/finder/${params.id}`)
      },
      { parse: 'none' },
    )

    .post('/finder/:id/status', async ({ render, params, body }) => {
      const viewer = requireViewer(render)
      const change = statusChange(textField(body, 'status'), textField(body, 'happy_note'))
      if (!change) throw new HttpError(400)
      const result = await finder.reports.setStatus(viewer.id, params.id, change)
      if (!result.ok) {
        if (result.status !== 422) refuse(result)
        return reportPage(render, params.id, undefined, 422, result.errors.happyNote)
      }
      const report = result.value
      if (report.status === 'reunited' && textField(body, 'post_to_feed') === 'yes' && postToFeed) {
        await postToFeed(viewer, happyEndingPost(report, absolute(`/finder/${params.id}`)))
      }
      return afterPost(render, `/finder/${params.id}`)
    })

    // The status forms are on the report page: a refused change, reloaded, opens it there.
    .get('/finder/:id/status', ({ params }) => seeOther(`/finder/${params.id}`))

    .post('/finder/:id/renew', async ({ render, params }) => {
      const viewer = requireViewer(render)
      doneOrRefuse(await finder.reports.renew(viewer.id, params.id))
      return afterPost(render, `/finder/${params.id}`)
    })

    .get('/finder/:id/sightings', ({ params }) => seeOther(`/finder/${params.id}#sightings`))

    .post(
      '/finder/:id/sightings',
      async ({ render, request, params, meta }) => {
        const viewer = requireViewer(render)
        await limitRate(store, [byAccount('finder:sighting', viewer.id), byAddress('finder:sighting', meta.ip)], config.finder.sightingRateLimit)
        const form = await readFormData(request)
        const tooMany = checkFileCount(fileCount(form), { mediaMaxFiles: 1 })
        const input: SightingInput = {
          kind: formText(form, 'kind'),
          seenAt: formText(form, 'seen_at'),
          timezoneOffset: formText(form, 'timezone_offset'),
          note: formText(form, 'note'),
          place: { town: formText(form, 'town_choice') || formText(form, 'town'), lat: formText(form, 'lat'), lng: formText(form, 'lng') },
          photo: tooMany ? null : await fileField(form, 'photo'),
          photoAlt: formText(form, 'photo_alt'),
        }
        const values = { kind: input.kind, seen_at: input.seenAt, note: input.note, photo_alt: input.photoAlt, ...input.place }
        if (tooMany) return reportPage(render, params.id, { values, errors: { photo: tooMany.message }, suggestions: [] }, tooMany.status)
        throwIfAbandoned(render.request)
        const result = await finder.sightings.add(viewer.id, params.id, input)
        if (!result.ok) {
          if (result.status === 404 || result.status === 409) refuse(result)
          return reportPage(render, params.id, { values, errors: result.errors, suggestions: result.suggestions ?? [] }, result.status)
        }
        return afterPost(render, `/finder/${params.id}#sightings`)
      },
      { parse: 'none' },
    )

    .post('/finder/:id/sightings/:sightingId/confirm', async ({ render, params }) => {
      const viewer = requireViewer(render)
      const sightingId = integerIdParam(params.sightingId)
      doneOrRefuse(await finder.sightings.confirm(viewer.id, params.id, sightingId))
      return afterPost(render, `/finder/${params.id}#sightings`)
    })

    .get('/finder/:id/messages', async ({ render, params, query }) => {
      const viewer = requireViewer(render)
      return messagesPage(render, viewer, params.id, threadParam(query.thread))
    })

    .post('/finder/:id/messages', async ({ render, params, body, meta }) => {
      const viewer = requireViewer(render)
      await limitRate(store, [byAccount('finder:message', viewer.id), byAddress('finder:message', meta.ip)], config.finder.messageRateLimit)
      const threadId = threadParam(textField(body, 'thread'))
      const draft = textField(body, 'body')
      // The relay hides addresses both ways; an unconfirmed address could be a throwaway made to pester a reporter.
      if (!viewer.emailVerified) return messagesPage(render, viewer, params.id, threadId, { error: UNCONFIRMED_EMAIL, draft }, 403)
      throwIfAbandoned(render.request)
      const sent = await finder.messages.send(viewer.id, params.id, { threadId, body: draft })
      if (!sent.ok) {
        if (sent.status !== 422) refuse(sent)
        return messagesPage(render, viewer, params.id, threadId, { error: sent.errors.body, draft }, 422)
      }
      const thread = sent.value
      const location = `/finder/${params.id}/messages${viewer.id === thread.reporterId ? `?thread=${thread.id}` : ''}`
      return afterPost(render, location, async () => {
        const report = (await finder.reports.publicReport(params.id))!
        const names = await people([thread.reporterId, thread.correspondentId])
        return ThreadView({ report, viewerId: viewer.id, inbox: null, thread, people: names })
      })
    })

    .get('/finder/:id/flyer', async ({ render, params }) => {
      const report = await finder.reports.publicReport(params.id)
      if (!report) throw new HttpError(404)
      const photos = await media.urlsFor(report.photoIds.slice(0, 1))
      const url = absolute(`/finder/${report.id}`)
      const qrSvg = encodeQR(url, 'svg', { ecc: 'medium', border: 2 })
      return page(render, {
        title: `Flyer: ${pageTitle(report)}`,
        noindex: true,
        main: Flyer({ report, photo: photos.get(report.photoIds[0] ?? '') ?? null, url, qrSvg }),
        publicCache: { ...REPORT_CACHE, tags: [`report:${report.id}`] },
      })
    })

  async function messagesPage(render: RenderContext, viewer: Viewer, reportId: string, threadId: number | null, form: { error?: string; draft?: string } = {}, status = 200) {
    const report = await finder.reports.publicReport(reportId)
    if (!report) throw new HttpError(404)
    const isReporter = viewer.id === report.reporterId
    const [threads, shown] = await Promise.all([isReporter ? finder.messages.inbox(viewer.id, reportId) : null, finder.messages.threadFor(viewer.id, reportId, threadId)])
    const inbox = threads && doneOrRefuse(threads)
    const thread = doneOrRefuse(shown)
    const names = await people([report.reporterId, ...(inbox ?? []).map((summary) => summary.correspondentId), ...(thread ? [thread.correspondentId] : [])])
    const props = { report, viewerId: viewer.id, inbox, thread, people: names, ...form }
    return page(render, { title: `Messages: ${pageTitle(report)}`, noindex: true, main: MessagesPage(props), fragment: () => ThreadView(props), status })
  }
}

/**
 * "Lost near you" for the home page and the second column: the nearest cats reported lost in a
 * member's alert area that have a photo, as a self-contained section (empty for a member without an
 * alert area). Found cats are left out (the member is asked to look out for lost ones), and so are
 * reports without a photo: a neighbour recognises a cat by its picture; the search lists them all.
 */
export function lostNearYou({ finder, alertAreas, media }: { finder: Finder; alertAreas: AlertAreas; media: Media }) {
  return async (viewer: Viewer): Promise<JSX.Element> => {
    const area = await alertAreas.alertAreaOf(viewer.id)
    if (!area) return ''
    const nearby = await finder.search.activeNear({ centre: area.home, radiusM: area.radiusM, kind: 'lost' })
    const reports = nearby.reports.filter((report) => report.photoId !== null).slice(0, NEAR_YOU_LIMIT)
    const photos = await media.urlsFor(reports.map((report) => report.photoId))
    return LostNearYou({ area, reports, photos, now: new Date() })
  }
}

function statusChange(status: string, happyNote: string): StatusChange | null {
  if (status === 'reunited') return { status, happyNote }
  return status === 'closed' || status === 'active' ? { status } : null
}

/** The thread a reporter asks for; none (their inbox alone) when it names no thread. */
function threadParam(raw: unknown): number | null {
  const id = integerId(raw)
  return id !== null && id > 0 ? id : null
}

function definedOnly<T extends object>(values: T): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '' && entry[0] !== 'cursor'))
}

function pageTitle(report: PublicReport): string {
  return `${report.kind === 'lost' ? 'Lost' : 'Found'}: ${report.name ?? 'a cat'} — ${report.place.label}`
}

function shareDescription(report: PublicReport): string {
  const start = `${report.kind === 'lost' ? 'Lost' : 'Found'} cat ${report.place.label}.`
  const text = report.description ? `${start} ${report.description}` : start
  return text.length > 200 ? `${text.slice(0, 197)}…` : text
}

function happyEndingPost(report: PublicReport, url: string): string {
  const note = report.happyNote ? `${report.happyNote}\n\n` : ''
  return `${report.name ?? 'The cat I reported'} is home again! ${note}Thank you to everyone who looked. ${url}`
}

/** The form's values from a stored report, for the edit form (the reporter sees the exact point). */
function formValuesOf(report: NonNullable<Awaited<ReturnType<Finder['reports']['reporterView']>>>): ReportFormProps['values'] {
  return {
    kind: report.kind,
    foundState: report.foundState ?? '',
    name: report.name ?? '',
    colours: report.colours,
    pattern: report.pattern,
    breed: report.breed ?? '',
    sex: report.sex,
    neutered: report.neutered,
    ageBand: report.ageBand,
    microchipped: report.microchipped,
    microchipNumber: report.microchipNumber ?? '',
    collar: report.collar,
    collarNote: report.collarNote ?? '',
    lastSeenAt: report.lastSeenAt.toISOString().slice(0, 16),
    timezoneOffset: '0',
    description: report.description,
    reward: report.reward ?? '',
    place: { town: '', lat: String(report.exact.lat), lng: String(report.exact.lng) },
  }
}
