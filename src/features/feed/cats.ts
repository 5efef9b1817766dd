/**
 * The cats people show on their profile and tag in posts: name, breed, colours, birthday and a
 * photo through the media feature (only its id is kept here). Each member's cats are read on every
 * page with the post composer (the home feed above all), so they are kept as a near record per
 * owner (src/infra/store/near-records.ts), marked changed when a cat is added or edited.
 *
 * @example
 * const result = await cats.add(viewer.id, { name: 'Biscuit', breed: '', colours: 'ginger', birthday: '', photo: null })
 * if (!result.ok) return invalid(…, CatForm({ values: input, errors: result.errors }))
 */
import { sql, type Kysely } from 'kysely'
import type { Media, MediaPicture, UploadInput } from '@/features/media/service'
import { nearRecords } from '@/infra/store/near-records'
import type { Store } from '@/infra/store/store'
import type { SocialDomain } from '@/schema'
import { refusal, type FieldErrors, type Result } from '@/shared/result'
import { textProblems } from '@/shared/text'

export const CAT_NAME_MAX = 60
export const CAT_BREED_MAX = 60
export const CAT_COLOURS_MAX = 100

export interface CatInput {
  name: string
  breed: string
  colours: string
  /** `YYYY-MM-DD` from a date field, or '' when not known. */
  birthday: string
  /** A new photo with its description, or null to keep the current one (or have none). */
  photo: UploadInput | null
}

export type CatField = 'name' | 'breed' | 'colours' | 'birthday' | 'photo' | 'alt'
export type CatErrors = FieldErrors<CatField>

export interface Cat {
  id: number
  ownerId: string
  name: string
  breed: string
  colours: string
  /** `YYYY-MM-DD`, or null. */
  birthday: string | null
  photo: MediaPicture | null
}

/** The cat as saved, or why not: 422 with a message per field, 413/415 for the photo, 404 for a cat not the member's. */
export type CatResult = Result<Cat, CatField>

/** Asked for a cat that isn't theirs, a member hears no more than this (whose it is stays theirs). */
export const NO_SUCH_CAT = 'You have no cat with that number.'

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** A new cat or an edit shows at once (marked changed); this only bounds what Redis keeps. */
const CATS_OF_OWNER_SECONDS = 60

interface CatRow {
  id: number
  owner_id: string
  name: string
  breed: string
  colours: string
  birthday: string | null
  photo_media_id: string | null
}

export function createCats({ db, media, store }: { db: Kysely<SocialDomain>; media: Media; store: Store }) {
  // A `date` comes back from pg as a Date at local midnight; as text it stays the day that was typed.
  const catColumns = ['id', 'owner_id', 'name', 'breed', 'colours', sql<string | null>`birthday::text`.as('birthday'), 'photo_media_id'] as const

  /** Each owner's cats, oldest first (as they joined the family); an owner without cats has an empty list. */
  const catsOfOwner = nearRecords({
    store,
    name: 'feed:cats-of',
    ttlSeconds: CATS_OF_OWNER_SECONDS,
    idOf: (owned: { ownerId: string; rows: CatRow[] }) => owned.ownerId,
    load: async (ownerIds: string[]) => {
      const rows = await db.selectFrom('cats').select(catColumns).where('owner_id', 'in', ownerIds).orderBy('created_at').orderBy('id').execute()
      return ownerIds.map((ownerId) => ({ ownerId, rows: rows.filter((row) => row.owner_id === ownerId) }))
    },
  })

  async function withPhotos(rows: readonly CatRow[]): Promise<Cat[]> {
    const photos = await media.urlsFor(rows.map((row) => row.photo_media_id))
    return rows.map((row) => ({
      id: row.id,
      ownerId: row.owner_id,
      name: row.name,
      breed: row.breed,
      colours: row.colours,
      birthday: row.birthday,
      photo: (row.photo_media_id && photos.get(row.photo_media_id)) || null,
    }))
  }

  /** Uploads the new photo, if any; its id, or the refusal to show beside the photo field. */
  async function uploadPhoto(ownerId: string, photo: UploadInput | null): Promise<Result<string | null, CatField>> {
    if (!photo) return { ok: true, value: null }
    const upload = await media.upload(ownerId, photo)
    return upload.ok ? { ok: true, value: upload.value.id } : upload
  }

  return {
    /** A member's cats, oldest first (as they joined the family). */
    async ofOwner(ownerId: string): Promise<Cat[]> {
      const owned = await catsOfOwner.byIds([ownerId])
      return withPhotos(owned.get(ownerId)?.rows ?? [])
    },

    /** One of the owner's cats, or null when it isn't theirs (or doesn't exist). */
    async ownedBy(ownerId: string, catId: number): Promise<Cat | null> {
      const row = await db.selectFrom('cats').select(catColumns).where('id', '=', catId).where('owner_id', '=', ownerId).executeTakeFirst()
      return row ? ((await withPhotos([row]))[0] ?? null) : null
    },

    async add(ownerId: string, input: CatInput): Promise<CatResult> {
      const errors = validateCat(input)
      if (Object.keys(errors).length > 0) return { ok: false, status: 422, errors }
      const photo = await uploadPhoto(ownerId, input.photo)
      if (!photo.ok) return photo
      const row = await db
        .insertInto('cats')
        .values({ owner_id: ownerId, ...catValues(input), photo_media_id: photo.value })
        .returning(catColumns)
        .executeTakeFirstOrThrow()
      await catsOfOwner.changed([ownerId])
      return { ok: true, value: (await withPhotos([row]))[0]! }
    },

    /** Changes the owner's cat; a new photo replaces the old one, which is then removed. */
    async edit(ownerId: string, catId: number, input: CatInput): Promise<CatResult> {
      const current = await db.selectFrom('cats').select('photo_media_id').where('id', '=', catId).where('owner_id', '=', ownerId).executeTakeFirst()
      if (!current) return refusal(404, NO_SUCH_CAT)
      const errors = validateCat(input)
      if (Object.keys(errors).length > 0) return { ok: false, status: 422, errors }
      const photo = await uploadPhoto(ownerId, input.photo)
      if (!photo.ok) return photo
      const row = await db
        .updateTable('cats')
        .set({ ...catValues(input), ...(photo.value && { photo_media_id: photo.value }) })
        .where('id', '=', catId)
        .where('owner_id', '=', ownerId)
        .returning(catColumns)
        .executeTakeFirstOrThrow()
      await catsOfOwner.changed([ownerId])
      if (photo.value && current.photo_media_id) await media.remove([current.photo_media_id], ownerId)
      return { ok: true, value: (await withPhotos([row]))[0]! }
    },

    /** Which of `catIds` belong to the owner (to tag a post with). */
    async ownedIds(ownerId: string, catIds: readonly number[]): Promise<number[]> {
      if (catIds.length === 0) return []
      const rows = await db.selectFrom('cats').select('id').where('owner_id', '=', ownerId).where('id', 'in', [...catIds]).execute()
      return rows.map((row) => row.id)
    },
  }
}

export type Cats = ReturnType<typeof createCats>

function catValues(input: CatInput) {
  return { name: input.name.trim(), breed: input.breed.trim(), colours: input.colours.trim(), birthday: input.birthday || null }
}

function validateCat(input: CatInput): CatErrors {
  const errors: CatErrors = {}
  const name = input.name.trim()
  if (!name) errors.name = 'Please give your cat’s name.'
  else if ([...name].length > CAT_NAME_MAX) errors.name = `A name can have at most ${CAT_NAME_MAX} characters.`
  if ([...input.breed.trim()].length > CAT_BREED_MAX) errors.breed = `A breed can have at most ${CAT_BREED_MAX} characters.`
  if ([...input.colours.trim()].length > CAT_COLOURS_MAX) errors.colours = `Colours can have at most ${CAT_COLOURS_MAX} characters.`
  if (input.birthday) {
    const day = new Date(`${input.birthday}T00:00:00Z`)
    if (!DATE.test(input.birthday) || Number.isNaN(day.getTime())) errors.birthday = 'Please give the birthday as a date, e.g. 2019-04-23.'
    else if (day.getTime() > Date.now()) errors.birthday = 'A birthday can’t be in the future.'
    else if (day.getUTCFullYear() < 1980) errors.birthday = 'That is older than any cat: please check the year.'
  }
  if (input.photo?.bytes && !input.photo.alt.trim()) errors.alt = 'Please describe the photo for people who can’t see it, e.g. “Biscuit asleep in a sunbeam”.'
  return { ...errors, ...textProblems({ name: input.name, breed: input.breed, colours: input.colours, alt: input.photo?.alt ?? '' }) }
}
