/**
 * Memorial pages: the wall, making and editing, the page itself (shared and cached for signed-out
 * visitors, with a private fragment for what depends on the visitor), candles, tributes and flags.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Viewer } from '@/features/accounts/viewer'
import { checkFileCount } from '@/features/media/intake'
import { picturesInOrder, type MediaPicture, type UploadErrors } from '@/features/media/service'
import { anniversaryOn, dateParts, type DateParts } from '@/features/memorials/dates'
import type { MemorialsFeature } from '@/features/memorials/feature'
import type { CachedMemorialPage } from '@/features/memorials/page-cache'
import {
  canEdit,
  canView,
  memorialCacheTag,
  WALL_CACHE_TAG,
  type Memorial,
  type MemorialErrors,
  type MemorialInput,
} from '@/features/memorials/service'
import { looksLikeSlug } from '@/features/memorials/slugs'
import type { Store } from '@/infra/store/store'
import type { HttpContext } from '@/http/context'
import { HttpError, Redirect, refuse, throwIfAbandoned } from '@/http/errors'
import { fileCount, fileField, formText, readFormData, textField } from '@/http/form'
import { integerIdParam } from '@/http/params'
import { byAccount, byAddress, limitRate } from '@/http/rate-limit'
import { afterPost, page, renderSharedPage, seeOther, type PageView, type RenderContext } from '@/http/page'
import { sharedPageResponse, type PublicCache } from '@/http/shared-page'
import { requireViewer } from '@/http/viewer'
import { GalleryEditor, MemorialForm, MemorialFormPage, type MemorialFormValues } from '@views/memorials/memorial-form'
import {
  CandleBox,
  FlagThanks,
  MemorialHead,
  memorialTitle,
  MemorialPage,
  TributeCompose,
  TributeSent,
  VisitorParts,
  type Notice,
  type VisitorState,
} from '@views/memorials/memorial-page'
import { OwnerTributeItem, OwnerTributesPage } from '@views/memorials/owner-tributes'
import { WallCards, WallPage } from '@views/memorials/wall'

interface MemorialRouteDeps {
  config: Pick<Config, 'publicUrl' | 'memorials' | 'mediaMaxBytes' | 'mediaUploadRateLimit'>
  memorials: MemorialsFeature
  store: Store
  context: HttpContext
}

/** A day of serving a stale copy while the CDN fetches a fresh one. */
const STALE_WHILE_REVALIDATE_SECONDS = 86_400
/** Each memorial form takes one photo: a request with more is refused before any is read. */
const ONE_PHOTO = { mediaMaxFiles: 1 }
/**
 * Browsers keep a 301 with no caching headers for good; a memorial renamed back to an old name would
 * then loop between its two slugs. An hour is plenty for a redirect to do its work.
 */
const MOVED_CACHE = 'public, max-age=3600'

export function memorialRoutes({ config, memorials: feature, store, context }: MemorialRouteDeps) {
  const { memorials, tributes, candles, sharedPages, visitorKeys } = feature
  const pageUrl = (memorial: Pick<Memorial, 'slug'>) => new URL(`/memorials/${memorial.slug}`, config.publicUrl).href
  const sharedCache = (tags: string[], lastModified?: Date): PublicCache => ({
    sMaxAge: config.memorials.cacheSeconds,
    staleWhileRevalidate: STALE_WHILE_REVALIDATE_SECONDS,
    tags,
    ...(lastModified && { lastModified }),
  })

  /** The memorial at `slug` for an action: 404 when it doesn't exist or the viewer may not see it. */
  async function viewable(slug: string, viewer: Viewer | null): Promise<Memorial> {
    const found = looksLikeSlug(slug) ? await memorials.bySlug(slug) : null
    if (!found || !canView(found.memorial, viewer)) throw new HttpError(404)
    return found.memorial
  }

  /** The memorial at `slug` for its owner's pages and actions: 403 for anyone else who may see it. */
  async function owned(slug: string, render: RenderContext): Promise<{ memorial: Memorial; owner: Viewer }> {
    const viewer = requireViewer(render)
    const memorial = await viewable(slug, viewer)
    if (!canEdit(memorial, viewer)) throw new HttpError(403, 'Only the person who made this memorial can change it.')
    return { memorial, owner: viewer }
  }

  /** What this visitor sees of their own: their candle, the owner's tools, the tribute form. */
  async function visitorState(memorial: Memorial, render: RenderContext, ip: string, extra: Partial<VisitorState> = {}): Promise<VisitorState> {
    const key = await visitorKeys.keyFor(render.viewer, ip)
    const isOwner = canEdit(memorial, render.viewer)
    const [candle, waitingTributes] = await Promise.all([
      candles.candleState(memorial.id, key),
      isOwner ? tributes.waitingCount(memorial.id) : Promise.resolve(0),
    ])
    return { viewer: render.viewer, candle, isOwner, waitingTributes, notice: null, ...extra }
  }

  /**
   * The memorial page's view. With `visitor` null it is the shared page for signed-out visitors
   * (public memorials: cacheable by the CDN); with a visitor (signed in, or a private variant such
   * as `?candle=lit`) it includes their own parts and is private.
   */
  function memorialView(
    shared: CachedMemorialPage,
    visitor: VisitorState | null,
    { status = 200, fragment }: { status?: number; fragment?: () => JSX.Element } = {},
  ): PageView {
    const { memorial } = shared
    const url = pageUrl(memorial)
    const shareable = memorial.visibility === 'public' && visitor === null
    return {
      title: memorialTitle(memorial),
      description: shared.description,
      canonical: url,
      noindex: memorial.visibility !== 'public',
      head: MemorialHead({ page: shared, url, siteUrl: config.publicUrl.origin }),
      main: MemorialPage({ page: shared, visitor, anniversary: anniversaryOn(memorial, new Date()), url }),
      status,
      ...(fragment && { fragment }),
      ...(shareable && { publicCache: memorialCache(memorial.id, memorial.updatedAt) }),
    }
  }

  const memorialCache = (id: string, updatedAt: Date) => sharedCache([memorialCacheTag({ id })], updatedAt)

  function memorialPage(render: RenderContext, shared: CachedMemorialPage, visitor: VisitorState | null, options: { status?: number; fragment?: () => JSX.Element } = {}): Promise<Response> {
    return page(render, memorialView(shared, visitor, options))
  }

  /**
   * The hot path: a signed-out visit to a public memorial, answered from the whole page kept for
   * everyone (one small Store read; the bytes are in memory after the first). Null on a miss.
   */
  async function keptMemorialPage(request: Request, slug: string): Promise<Response | null> {
    const kept = looksLikeSlug(slug) ? await sharedPages.keptShared(slug) : null
    if (!kept) return null
    const cache = memorialCache(kept.memorialId, new Date(kept.updatedAt))
    return sharedPageResponse(request, { etag: kept.etag, html: () => sharedPages.sharedHtml(kept.etag) }, cache)
  }

  /** Renders the whole page every signed-out visitor gets, keeps it, and answers with it. */
  async function shareMemorialPage(request: Request, shared: CachedMemorialPage): Promise<Response> {
    const view = memorialView(shared, null)
    const rendered = await renderSharedPage(view)
    await sharedPages.keepShared(shared.memorial, rendered)
    return (await sharedPageResponse(request, { etag: rendered.etag, html: async () => rendered.html }, view.publicCache!))!
  }

  /** The shared page at `slug` that the viewer may see: 404 otherwise, 301 from an old slug. */
  async function sharedPageFor(slug: string, viewer: Viewer | null, search: string): Promise<CachedMemorialPage> {
    const found = looksLikeSlug(slug) ? await sharedPages.sharedPage(slug) : null
    if (!found) throw new HttpError(404)
    const memorial = 'page' in found ? found.page.memorial : found.movedFrom
    if (!canView(memorial, viewer)) throw new HttpError(404)
    if ('movedFrom' in found) throw new Redirect(`/memorials/${memorial.slug}${search}`, 301, { 'Cache-Control': MOVED_CACHE })
    return found.page
  }

  const formPage = async (render: RenderContext, form: MemorialFormProps, status = 200) => {
    const { memorial } = form
    const gallery = memorial ? await galleryEditor(memorial, { values: {}, errors: {} }) : undefined
    return page(render, {
      title: memorial ? `Edit the memorial for ${memorial.name}` : 'Make a memorial',
      main: MemorialFormPage({ ...form, maxBytes: config.mediaMaxBytes, ...(gallery && { gallery }) }),
      fragment: () => MemorialForm({ ...form, maxBytes: config.mediaMaxBytes }),
      noindex: true,
      status,
    })
  }

  async function galleryEditor(memorial: Memorial, form: { values: { alt?: string }; errors: UploadErrors }): Promise<JSX.Element> {
    const ids = await memorials.galleryIds(memorial.id)
    const pictures = await memorials.pictures(ids)
    const photos = picturesInOrder(ids, pictures)
    return GalleryEditor({ memorial, photos, ...form, maxBytes: config.mediaMaxBytes })
  }

  async function coverOf(memorial: Memorial): Promise<MediaPicture | null> {
    if (!memorial.coverMediaId) return null
    return (await memorials.pictures([memorial.coverMediaId])).get(memorial.coverMediaId) ?? null
  }

  // Read as FormData after the sign-in check, not by Elysia beforehand (see accounts' avatar route).
  async function createMemorial(render: RenderContext, request: Request, meta: { ip: string }) {
    const viewer = requireViewer(render)
    const form = await readFormData(request)
    const values = formValues(form)
    const tooMany = checkFileCount(fileCount(form), ONE_PHOTO)
    if (tooMany) return formPage(render, { memorial: null, values, errors: { cover: tooMany.message }, cover: null }, tooMany.status)
    const cover = await fileField(form, 'cover')
    if (cover) await limitRate(store, [byAddress('upload', meta.ip), byAccount('upload', viewer.id)], config.mediaUploadRateLimit)
    throwIfAbandoned(render.request)
    const result = await memorials.createMemorial(viewer, memorialInput(values), cover ? { bytes: cover, alt: values.coverAlt } : null)
    if (!result.ok) return formPage(render, { memorial: null, values, errors: result.errors, cover: null }, result.status)
    return afterPost(render, `/memorials/${result.value.slug}`)
  }

  return new Elysia({ name: 'memorials' })
    .use(context)
    .get('/memorials', async ({ render, query }) => {
      const wall = await memorials.wallPage(query.cursor)
      const covers = await memorials.pictures(wall.memorials.map((memorial) => memorial.coverMediaId))
      const own = render.viewer && !query.cursor ? await memorials.ownedBy(render.viewer.id) : null
      const cards = { ...wall, covers }
      return page(render, {
        title: 'Memorial wall',
        description: 'Cats who are missed, remembered by the people who loved them. Light a candle for them.',
        ...(!query.cursor && { canonical: new URL('/memorials', config.publicUrl).href }),
        main: WallPage({ wall: cards, own }),
        fragment: () => WallCards(cards),
        publicCache: sharedCache([WALL_CACHE_TAG]),
      })
    })
    .get('/memorials/new', async ({ render }) => {
      requireViewer(render)
      return formPage(render, { memorial: null, values: emptyFormValues(), errors: {}, cover: null })
    })
    // The form posts to its own address, so a refused memorial reloads as the form (/memorials is the old one).
    .post('/memorials/new', ({ render, request, meta }) => createMemorial(render, request, meta), { parse: 'none' })
    .post('/memorials', ({ render, request, meta }) => createMemorial(render, request, meta), { parse: 'none' })
    .get('/memorials/:slug', async ({ params, render, request, meta, query }) => {
      const search = new URL(request.url).search
      // Signed-out visitors share one cached page; anything else (signed in, `?candle=lit`) is theirs.
      const personal = render.viewer !== null || search !== ''
      if (!personal) {
        const kept = await keptMemorialPage(request, params.slug)
        if (kept) return kept
      }
      const shared = await sharedPageFor(params.slug, render.viewer, search)
      if (!personal && shared.memorial.visibility === 'public') return shareMemorialPage(request, shared)
      const visitor = personal ? await visitorState(shared.memorial, render, meta.ip, { notice: noticeFrom(query) }) : null
      return memorialPage(render, shared, visitor)
    })
    .get('/memorials/:slug/you', async ({ params, render, meta }) => {
      const shared = await sharedPageFor(params.slug, render.viewer, '')
      const visitor = await visitorState(shared.memorial, render, meta.ip)
      return memorialPage(render, shared, visitor, { fragment: () => VisitorParts({ memorial: shared.memorial, visitor }) })
    })
    .post('/memorials/:slug/candles', async ({ params, render, meta }) => {
      await limitRate(store, [byAddress('candle', meta.ip)], config.memorials.candleRateLimit)
      const memorial = await viewable(params.slug, render.viewer)
      const key = await visitorKeys.keyFor(render.viewer, meta.ip)
      throwIfAbandoned(render.request)
      const candle = await candles.lightCandle(memorial.id, key)
      return afterPost(render, `/memorials/${memorial.slug}?candle=lit#candle`, () => CandleBox({ memorial, state: candle }))
    })
    .post('/memorials/:slug/tributes', async ({ params, render, body, meta }) => {
      const viewer = requireViewer(render)
      const memorial = await viewable(params.slug, viewer)
      await limitRate(store, [byAccount('tribute', viewer.id), byAddress('tribute', meta.ip)], config.memorials.tributeRateLimit)
      const text = textField(body, 'body')
      throwIfAbandoned(render.request)
      const result = await tributes.leaveTribute(viewer, memorial, text)
      if (!result.ok) {
        const visitor = await visitorState(memorial, render, meta.ip, { tributeDraft: { body: text, error: result.errors.body ?? '' } })
        const shared = await sharedPageFor(memorial.slug, viewer, '')
        return memorialPage(render, shared, visitor, { status: 422, fragment: () => TributeCompose({ memorial, visitor }) })
      }
      const shown = result.value.status === 'shown'
      // The cached page drops the old list; the CDN is told only of what owners do (a busy memorial
      // would otherwise be purged with every kind word), so signed-out visitors see it within its lifetime.
      if (shown) await memorials.pageChanged(memorial, { purge: false })
      const notice: Notice = shown ? 'tribute-shown' : 'tribute-waiting'
      return afterPost(render, `/memorials/${memorial.slug}?tribute=${shown ? 'shown' : 'waiting'}#tributes`, async () => {
        const visitor = await visitorState(memorial, render, meta.ip, { notice })
        return TributeSent({ memorial, visitor, list: shown ? await sharedPages.tributeList(memorial) : null })
      })
    })
    .post('/memorials/:slug/tributes/:id/flag', async ({ params, render, meta }) => {
      await limitRate(store, [byAddress('flag', meta.ip)], config.memorials.flagRateLimit)
      const memorial = await viewable(params.slug, render.viewer)
      const tributeId = integerIdParam(params.id)
      const key = await visitorKeys.keyFor(render.viewer, meta.ip)
      const flagged = await tributes.flagTribute(memorial.id, tributeId, { key, memberId: render.viewer?.id ?? null })
      if (!flagged) throw new HttpError(404)
      if (!flagged.ok) refuse(flagged)
      if (flagged.value.held) await memorials.pageChanged(memorial, { purge: true })
      return afterPost(render, `/memorials/${memorial.slug}?flagged=1#tributes`, () => FlagThanks())
    })
    .get('/memorials/:slug/edit', async ({ params, render }) => {
      const { memorial } = await owned(params.slug, render)
      return formPage(render, { memorial, values: valuesOf(memorial), errors: {}, cover: await coverOf(memorial) })
    })
    .post(
      '/memorials/:slug/edit',
      async ({ params, render, request, meta }) => {
        const { memorial, owner } = await owned(params.slug, render)
        const form = await readFormData(request)
        const values = formValues(form)
        const refused = async (errors: MemorialErrors, status: number) =>
          formPage(render, { memorial, values, errors, cover: await coverOf(memorial) }, status)
        const tooMany = checkFileCount(fileCount(form), ONE_PHOTO)
        if (tooMany) return refused({ cover: tooMany.message }, tooMany.status)
        const cover = await fileField(form, 'cover')
        if (cover) await limitRate(store, [byAddress('upload', meta.ip), byAccount('upload', owner.id)], config.mediaUploadRateLimit)
        const result = await memorials.updateMemorial(memorial, memorialInput(values), {
          upload: cover ? { bytes: cover, alt: values.coverAlt } : null,
          remove: formText(form, 'remove_cover') === 'on',
        })
        if (!result.ok) return refused(result.errors, result.status)
        return afterPost(render, `/memorials/${result.value.slug}`)
      },
      { parse: 'none' },
    )
    .post(
      '/memorials/:slug/photos',
      async ({ params, render, request, meta }) => {
        const { memorial, owner } = await owned(params.slug, render)
        await limitRate(store, [byAddress('upload', meta.ip), byAccount('upload', owner.id)], config.mediaUploadRateLimit)
        const form = await readFormData(request)
        const values = { alt: formText(form, 'alt') }
        const refused = async (errors: UploadErrors, status: number) => {
          const editor = await galleryEditor(memorial, { values, errors })
          return page(render, { title: `Edit the memorial for ${memorial.name}`, main: editor, fragment: () => editor, status, noindex: true })
        }
        const tooMany = checkFileCount(fileCount(form), ONE_PHOTO)
        if (tooMany) return refused({ photo: tooMany.message }, tooMany.status)
        const result = await memorials.addPhoto(memorial, { bytes: await fileField(form, 'photo'), alt: values.alt })
        if (!result.ok) return refused(result.errors, result.status)
        return afterPost(render, `/memorials/${memorial.slug}/edit#gallery-editor`)
      },
      { parse: 'none' },
    )
    // A refused gallery photo is shown on the edit page, where its form is.
    .get('/memorials/:slug/photos', ({ params }) => seeOther(`/memorials/${encodeURIComponent(params.slug)}/edit#gallery-editor`))
    .post('/memorials/:slug/photos/:mediaId/remove', async ({ params, render }) => {
      const { memorial } = await owned(params.slug, render)
      if (!(await memorials.removePhoto(memorial, params.mediaId))) throw new HttpError(404)
      return afterPost(render, `/memorials/${memorial.slug}/edit#gallery-editor`)
    })
    .get('/memorials/:slug/tributes', async ({ params, render }) => {
      // The owner's list of every tribute; anyone else here reloaded a refused tribute, whose form is on the memorial.
      const memorial = await viewable(params.slug, render.viewer)
      if (!canEdit(memorial, render.viewer)) return seeOther(`/memorials/${memorial.slug}#tribute-compose`)
      const all = await tributes.tributesForOwner(memorial.id)
      return page(render, { title: `Tributes for ${memorial.name}`, main: OwnerTributesPage({ memorial, tributes: all }), noindex: true })
    })
    .post('/memorials/:slug/tributes/:id/:action', async ({ params, render }) => {
      const { memorial } = await owned(params.slug, render)
      const status = params.action === 'hide' ? 'hidden' : params.action === 'show' ? 'shown' : null
      if (!status) throw new HttpError(404)
      const tributeId = integerIdParam(params.id)
      const previous = await tributes.setTributeStatus(memorial.id, tributeId, status)
      if (previous === null) throw new HttpError(404)
      if (previous !== status) await memorials.pageChanged(memorial, { purge: true })
      return afterPost(render, `/memorials/${memorial.slug}/tributes`, async () => {
        const tribute = (await tributes.tributesForOwner(memorial.id)).find((candidate) => candidate.id === tributeId)!
        return OwnerTributeItem({ memorial, tribute })
      })
    })
}

type MemorialFormProps = Omit<Parameters<typeof MemorialForm>[0], 'maxBytes'>

function emptyFormValues(): MemorialFormValues {
  const blank: DateParts = { day: '', month: '', year: '' }
  return { name: '', born: blank, passed: blank, story: '', visibility: 'unlisted', showOnWall: false, tributesNeedApproval: false, coverAlt: '' }
}

function valuesOf(memorial: Memorial): MemorialFormValues {
  return {
    name: memorial.name,
    born: dateParts(memorial.born),
    passed: dateParts(memorial.passed),
    story: memorial.story,
    visibility: memorial.visibility,
    showOnWall: memorial.showOnWall,
    tributesNeedApproval: memorial.tributesNeedApproval,
    coverAlt: '',
  }
}

/** The memorial form as typed, ready to show again. */
function formValues(form: FormData): MemorialFormValues {
  const date = (name: string): DateParts => ({
    day: formText(form, `${name}_day`),
    month: formText(form, `${name}_month`),
    year: formText(form, `${name}_year`),
  })
  const visibility = formText(form, 'visibility')
  return {
    name: formText(form, 'name'),
    born: date('born'),
    passed: date('passed'),
    story: formText(form, 'story'),
    // Shown again as typed; the service refuses anything that isn't one of the three.
    visibility: (visibility || 'unlisted') as MemorialFormValues['visibility'],
    showOnWall: formText(form, 'show_on_wall') === 'on',
    tributesNeedApproval: formText(form, 'tributes_need_approval') === 'on',
    coverAlt: formText(form, 'cover_alt'),
  }
}

function memorialInput(values: MemorialFormValues): MemorialInput {
  const { coverAlt: _coverAlt, ...input } = values
  return input
}

function noticeFrom(query: Record<string, string | undefined>): Notice | null {
  if (query.tribute === 'shown') return 'tribute-shown'
  if (query.tribute === 'waiting') return 'tribute-waiting'
  if (query.flagged) return 'flagged'
  return null
}
