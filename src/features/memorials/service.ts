/**
 * Memorials: pages for cats that have died. Creating and editing them, their slugs (old ones keep
 * working), photos (through the media feature: only ids are kept here), the wall, and who may do what.
 *
 * Every change an owner makes goes through `ownerChanged`, which drops the cached page
 * (page-cache.ts) and purges the CDN; a tribute that appears drops the cached page too.
 *
 * @example
 * const result = await memorials.createMemorial(viewer, input, { bytes, alt })
 * if (result.ok) redirect(`/memorials/${result.value.slug}`)
 */
import { sql, type Kysely } from 'kysely'
import type { Viewer } from '@/features/accounts/viewer'
import type { Media, MediaPicture, UploadField, UploadInput } from '@/features/media/service'
import {
  inOrder,
  isInFuture,
  readPartialDate,
  utcDay,
  type DateParts,
  type PartialDate,
} from '@/features/memorials/dates'
import { slugCandidates, slugFromName } from '@/features/memorials/slugs'
import type { MemorialRow, Visibility } from '@/features/memorials/tables'
import { VISIBILITIES } from '@/features/memorials/tables'
import type { Cdn } from '@/infra/cdn'
import type { MemorialsDomain } from '@/schema'
import { decodeCursor, encodeCursor, pageOf } from '@/shared/cursor'
import { isUuid } from '@/shared/ids'
import type { FieldErrors, Result } from '@/shared/result'
import { textProblems } from '@/shared/text'

/** Long enough for "Sir Reginald Fluffington III, Duke of the Sofa"; the page heading stays one or two lines. */
export const NAME_MAX = 80
/** About four pages of a letter: room for a life, not for a novel. */
export const STORY_MAX = 10_000
/** A gallery is a handful of favourite photos; more would make the page heavy on a phone. */
export const GALLERY_MAX = 12
/** Cards per page of the wall: two screens on a phone, three rows on a wide screen. */
export const WALL_PAGE_SIZE = 24

/** CDN cache tag of every page that lists public memorials (the wall). */
export const WALL_CACHE_TAG = 'memorials:wall'
/** CDN cache tag of a memorial's page. */
export const memorialCacheTag = (memorial: { id: string }) => `memorial:${memorial.id}`

/** Slug candidates tried before giving up: the taken ones are read in one query first, so this only covers races. */
const SLUG_ATTEMPTS = 5
const UNIQUE_VIOLATION = '23505'

/** A memorial as the app sees it. */
export interface Memorial {
  id: string
  ownerId: string
  slug: string
  name: string
  born: PartialDate | null
  passed: PartialDate
  story: string
  coverMediaId: string | null
  visibility: Visibility
  showOnWall: boolean
  tributesNeedApproval: boolean
  candleCount: number
  createdAt: Date
  updatedAt: Date
}

/** The memorial form as typed. */
export interface MemorialInput {
  name: string
  born: DateParts
  passed: DateParts
  story: string
  visibility: string
  showOnWall: boolean
  tributesNeedApproval: boolean
}

/** A new cover photo, or taking the current one away (both null/false: keep it). */
export interface CoverChange {
  upload: UploadInput | null
  remove: boolean
}

export type MemorialField = 'name' | 'born' | 'passed' | 'story' | 'visibility' | 'cover' | 'coverAlt'
export type MemorialErrors = FieldErrors<MemorialField>

export const MEMORIAL_MESSAGES = {
  noName: 'Please give the name you called them.',
  nameTooLong: (length: number) => `A name can have at most ${NAME_MAX} characters; this one has ${length}.`,
  storyTooLong: (length: number) => `A story can have at most ${STORY_MAX.toLocaleString('en-GB')} characters; this one has ${length.toLocaleString('en-GB')}.`,
  noPassed: 'Please give at least the year they died.',
  passedBeforeBorn: 'The day they died comes before the day they were born. Please check both dates.',
  future: 'This date has not come yet. Please check it.',
  visibility: 'Please choose who can see the memorial.',
  galleryFull: `A gallery holds ${GALLERY_MAX} photos. Please remove one before adding another.`,
} as const

interface Deps {
  db: Kysely<MemorialsDomain>
  media: Media
  cdn: Cdn
  /** The rendered pages kept for memorials (page-cache.ts): dropped whenever what they show changes. */
  pageCache: { drop(slugs: readonly string[]): Promise<void> }
}

export function createMemorials({ db, media, cdn, pageCache }: Deps) {
  /** A slug for `name` that no memorial has or had, except `own` (a memorial may take back its old slug). */
  async function freeSlug(name: string, own: string | null): Promise<string> {
    const base = slugFromName(name)
    const like = `${base}-%`
    const taken = await db
      .selectFrom('memorials')
      .select('slug')
      .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', like)]))
      .$if(own !== null, (query) => query.where('id', '!=', own!))
      .unionAll(
        db
          .selectFrom('memorial_old_slugs')
          .select('slug')
          .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', like)]))
          .$if(own !== null, (query) => query.where('memorial_id', '!=', own!)),
      )
      .execute()
    const takenSlugs = new Set(taken.map((row) => row.slug))
    for (const candidate of slugCandidates(name)) if (!takenSlugs.has(candidate)) return candidate
    throw new Error('unreachable: slug candidates never run out')
  }

  /** Runs `write` with a free slug, trying the next one if another memorial took it meanwhile. */
  async function withFreeSlug<T>(name: string, own: string | null, write: (slug: string) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write(await freeSlug(name, own))
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= SLUG_ATTEMPTS) throw error
      }
    }
  }

  /** Uploads a new cover when one was sent; its errors are the form's cover errors. */
  async function uploadCover(ownerId: string, change: CoverChange): Promise<Result<string | null, MemorialField>> {
    if (!change.upload?.bytes) return { ok: true, value: null }
    const result = await media.upload(ownerId, change.upload)
    if (result.ok) return { ok: true, value: result.value.id }
    return { ok: false, status: result.status, errors: { cover: result.errors.photo, coverAlt: result.errors.alt } }
  }

  /** After any change by the owner: the next visit renders afresh, and the CDN forgets its copies. */
  async function ownerChanged(memorial: Memorial, previousSlug?: string): Promise<void> {
    await pageCache.drop(previousSlug && previousSlug !== memorial.slug ? [memorial.slug, previousSlug] : [memorial.slug])
    await cdn.purge([memorialCacheTag(memorial), WALL_CACHE_TAG])
  }

  /**
   * Marks the page changed: a new Last-Modified and the cached page dropped; `purge` also tells the
   * CDN (for what its owner did, not for a tribute written by someone else).
   */
  async function pageChanged(memorial: Memorial, { purge }: { purge: boolean }): Promise<void> {
    await db.updateTable('memorials').set({ updated_at: new Date() }).where('id', '=', memorial.id).execute()
    if (purge) await ownerChanged(memorial)
    else await pageCache.drop([memorial.slug])
  }

  return {
    pageChanged,

    /** Creates an unlisted (or as chosen) memorial with a fresh slug; the cover photo is optional. */
    async createMemorial(owner: Viewer, input: MemorialInput, cover: UploadInput | null, today = new Date()): Promise<Result<Memorial, MemorialField>> {
      const checked = checkMemorial(input, today)
      if (!checked.ok) return checked
      const uploaded = await uploadCover(owner.id, { upload: cover, remove: false })
      if (!uploaded.ok) return uploaded
      try {
        const row = await withFreeSlug(checked.value.name, null, (slug) =>
          db
            .insertInto('memorials')
            .values({ ...columnsOf(checked.value), owner_id: owner.id, slug, cover_media_id: uploaded.value })
            .returningAll()
            .executeTakeFirstOrThrow(),
        )
        return { ok: true, value: memorialOf(row) }
      } catch (error) {
        if (uploaded.value) await media.remove([uploaded.value], owner.id)
        throw error
      }
    },

    /**
     * Saves the owner's edit. A new name that makes a different slug moves the memorial to it and
     * keeps the old one (it answers with a 301); a replaced or removed cover photo is deleted.
     */
    async updateMemorial(memorial: Memorial, input: MemorialInput, cover: CoverChange, today = new Date()): Promise<Result<Memorial, MemorialField>> {
      const checked = checkMemorial(input, today)
      if (!checked.ok) return checked
      const uploaded = await uploadCover(memorial.ownerId, cover)
      if (!uploaded.ok) return uploaded
      const coverMediaId = uploaded.value ?? (cover.remove ? null : memorial.coverMediaId)
      const renamed = slugFromName(checked.value.name) !== slugFromName(memorial.name)
      let row: MemorialRow
      try {
        row = await withFreeSlug(checked.value.name, memorial.id, (newSlug) =>
          db.transaction().execute(async (trx) => {
            const slug = renamed ? newSlug : memorial.slug
            if (slug !== memorial.slug) {
              await trx.deleteFrom('memorial_old_slugs').where('slug', '=', slug).execute()
              await trx.insertInto('memorial_old_slugs').values({ slug: memorial.slug, memorial_id: memorial.id }).execute()
            }
            return trx
              .updateTable('memorials')
              .set({ ...columnsOf(checked.value), slug, cover_media_id: coverMediaId, updated_at: new Date() })
              .where('id', '=', memorial.id)
              .returningAll()
              .executeTakeFirstOrThrow()
          }),
        )
      } catch (error) {
        if (uploaded.value) await media.remove([uploaded.value], memorial.ownerId)
        throw error
      }
      if (memorial.coverMediaId && memorial.coverMediaId !== coverMediaId) await media.remove([memorial.coverMediaId], memorial.ownerId)
      const updated = memorialOf(row)
      await ownerChanged(updated, memorial.slug)
      return { ok: true, value: updated }
    },

    /** The memorial with this id, or null. */
    async byId(id: string): Promise<Memorial | null> {
      if (!isUuid(id)) return null
      const row = await db.selectFrom('memorials').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? memorialOf(row) : null
    },

    /** The memorial at `slug`, or the one that had `slug` before a rename (`moved`). */
    async bySlug(slug: string): Promise<{ memorial: Memorial; moved: boolean } | null> {
      const row = await db.selectFrom('memorials').selectAll().where('slug', '=', slug).executeTakeFirst()
      if (row) return { memorial: memorialOf(row), moved: false }
      const moved = await db
        .selectFrom('memorial_old_slugs')
        .innerJoin('memorials', 'memorials.id', 'memorial_old_slugs.memorial_id')
        .selectAll('memorials')
        .where('memorial_old_slugs.slug', '=', slug)
        .executeTakeFirst()
      return moved ? { memorial: memorialOf(moved), moved: true } : null
    },

    /** When the memorial's page last changed (null once it is gone): tells a slow render it is out of date. */
    async lastChanged(memorialId: string): Promise<Date | null> {
      const row = await db.selectFrom('memorials').select('updated_at').where('id', '=', memorialId).executeTakeFirst()
      return row?.updated_at ?? null
    },

    /** Gallery photo ids in the order they were added. */
    async galleryIds(memorialId: string): Promise<string[]> {
      const rows = await db.selectFrom('memorial_photos').select('media_id').where('memorial_id', '=', memorialId).orderBy('added_at').orderBy('media_id').execute()
      return rows.map((row) => row.media_id)
    },

    /** Adds one photo to the gallery (at most GALLERY_MAX); the value is its media id. */
    async addPhoto(memorial: Memorial, upload: UploadInput): Promise<Result<string, UploadField>> {
      const count = await db
        .selectFrom('memorial_photos')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('memorial_id', '=', memorial.id)
        .executeTakeFirstOrThrow()
      if (Number(count.n) >= GALLERY_MAX) return { ok: false, status: 422, errors: { photo: MEMORIAL_MESSAGES.galleryFull } }
      const result = await media.upload(memorial.ownerId, upload)
      if (!result.ok) return result
      await db.insertInto('memorial_photos').values({ memorial_id: memorial.id, media_id: result.value.id }).execute()
      await pageChanged(memorial, { purge: true })
      return { ok: true, value: result.value.id }
    },

    /** Takes a photo out of the gallery and deletes it; false when the gallery has no such photo. */
    async removePhoto(memorial: Memorial, mediaId: string): Promise<boolean> {
      if (!isUuid(mediaId)) return false
      const removed = await db
        .deleteFrom('memorial_photos')
        .where('memorial_id', '=', memorial.id)
        .where('media_id', '=', mediaId)
        .returning('media_id')
        .executeTakeFirst()
      if (!removed) return false
      await media.remove([mediaId], memorial.ownerId)
      await pageChanged(memorial, { purge: true })
      return true
    },

    /** Public memorials that chose the wall, newest first, from the cursor on (`idx_memorials_wall`). */
    async wallPage(rawCursor: string | null | undefined): Promise<{ memorials: Memorial[]; nextCursor: string | null }> {
      const cursor = decodeCursor(rawCursor, isUuid)
      const rows = await db
        .selectFrom('memorials')
        .selectAll()
        .where('visibility', '=', 'public')
        .where('show_on_wall', '=', true)
        .$if(cursor !== null, (query) => query.where(sql<boolean>`(created_at, id) < (${cursor!.at}, ${cursor!.id}::uuid)`))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(WALL_PAGE_SIZE + 1)
        .execute()
      const { shown, next } = pageOf(rows, WALL_PAGE_SIZE, (last) => encodeCursor({ at: last.created_at, id: last.id }))
      return { memorials: shown.map(memorialOf), nextCursor: next }
    },

    /** The memorials someone made, newest first, whatever their visibility. */
    async ownedBy(ownerId: string): Promise<Memorial[]> {
      const rows = await db.selectFrom('memorials').selectAll().where('owner_id', '=', ownerId).orderBy('created_at', 'desc').execute()
      return rows.map(memorialOf)
    },

    /** Photos by media id for these memorials' covers (and any other ids given). */
    pictures(ids: readonly (string | null)[]): Promise<Map<string, MediaPicture>> {
      return media.urlsFor(ids)
    },
  }
}

export type Memorials = ReturnType<typeof createMemorials>

/** Anyone may see a public or unlisted memorial; a private one only its owner. */
export function canView(memorial: Pick<Memorial, 'visibility' | 'ownerId'>, viewer: Viewer | null): boolean {
  return memorial.visibility !== 'private' || viewer?.id === memorial.ownerId
}

/** Only the owner edits, chooses photos and moderates tributes. */
export function canEdit(memorial: Pick<Memorial, 'ownerId'>, viewer: Viewer | null): viewer is Viewer {
  return viewer?.id === memorial.ownerId
}

interface CheckedMemorial {
  name: string
  born: PartialDate | null
  passed: PartialDate
  story: string
  visibility: Visibility
  showOnWall: boolean
  tributesNeedApproval: boolean
}

/** Checks the form: a name, sensible dates (not in the future, not died before born), a story that fits. */
export function checkMemorial(input: MemorialInput, today: Date): Result<CheckedMemorial, MemorialField> {
  const errors: MemorialErrors = {}
  const name = input.name.trim().replace(/\s+/g, ' ')
  const nameLength = [...name].length
  if (nameLength === 0) errors.name = MEMORIAL_MESSAGES.noName
  else if (nameLength > NAME_MAX) errors.name = MEMORIAL_MESSAGES.nameTooLong(nameLength)

  const story = input.story.replace(/\r\n?/g, '\n').trim()
  const storyLength = [...story].length
  if (storyLength > STORY_MAX) errors.story = MEMORIAL_MESSAGES.storyTooLong(storyLength)

  const day = utcDay(today)
  const born = readPartialDate(input.born, 'they were born')
  const passed = readPartialDate(input.passed, 'they died')
  if (!born.ok) errors.born = born.error
  else if (born.date && isInFuture(born.date, day)) errors.born = MEMORIAL_MESSAGES.future
  if (!passed.ok) errors.passed = passed.error
  else if (!passed.date) errors.passed = MEMORIAL_MESSAGES.noPassed
  else if (isInFuture(passed.date, day)) errors.passed = MEMORIAL_MESSAGES.future
  else if (born.ok && born.date && !inOrder(born.date, passed.date)) errors.passed = MEMORIAL_MESSAGES.passedBeforeBorn

  const visibility = VISIBILITIES.find((choice) => choice === input.visibility)
  if (!visibility) errors.visibility = MEMORIAL_MESSAGES.visibility
  Object.assign(errors, textProblems({ name: input.name, story: input.story }, ['story']))

  if (Object.keys(errors).length > 0 || !visibility || !passed.ok || !passed.date || !born.ok) return { ok: false, status: 422, errors }
  return {
    ok: true,
    value: { name, born: born.date, passed: passed.date, story, visibility, showOnWall: input.showOnWall, tributesNeedApproval: input.tributesNeedApproval },
  }
}

function columnsOf(memorial: CheckedMemorial) {
  return {
    name: memorial.name,
    born_year: memorial.born?.year ?? null,
    born_month: memorial.born?.month ?? null,
    born_day: memorial.born?.day ?? null,
    passed_year: memorial.passed.year,
    passed_month: memorial.passed.month,
    passed_day: memorial.passed.day,
    story: memorial.story,
    visibility: memorial.visibility,
    show_on_wall: memorial.showOnWall,
    tributes_need_approval: memorial.tributesNeedApproval,
  }
}

export function memorialOf(row: MemorialRow): Memorial {
  return {
    id: row.id,
    ownerId: row.owner_id,
    slug: row.slug,
    name: row.name,
    born: row.born_year === null ? null : { year: row.born_year, month: row.born_month, day: row.born_day },
    passed: { year: row.passed_year, month: row.passed_month, day: row.passed_day },
    story: row.story,
    coverMediaId: row.cover_media_id,
    visibility: row.visibility,
    showOnWall: row.show_on_wall,
    tributesNeedApproval: row.tributes_need_approval,
    candleCount: row.candle_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function isUniqueViolation(error: unknown): boolean {
  // Cast: a driver error is unknown; only its code is read, and it may be absent.
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION
}
