/**
 * Media: every photo in Nine Lives — avatars now, posts, cats, reports and memorials later — is
 * uploaded through `upload`, kept as one `media` row plus nine variants in blob storage, and shown
 * through `urlsFor` and the Picture component. Other features keep only media ids.
 *
 * An upload is processed in the request (about a second of CPU for a 12 MP photo on 2 cores), at
 * most `MEDIA_PROCESSING_CONCURRENCY` at once per instance, so memory stays bounded however many
 * people upload at the same moment; the rest wait their turn.
 *
 * Variants are content-addressed (`m/<hash>/<name>.<ext>`, src/features/media/process.ts), so two
 * uploads of the same bytes share their objects. A row always has all its objects: storing and
 * deleting the objects of one content hash happen under a Store lock named after it, on every
 * instance, and a hash's objects are deleted only when no row uses it any more.
 *
 * @example
 * const media = createMedia({ db: dbs.social, blobs, store, config, log })
 * const result = await media.upload(viewer.id, { bytes, alt: 'Tabby asleep on a red blanket' })
 * if (!result.ok) return invalid(…, result.status, result.errors)
 * const pictures = await media.urlsFor([result.value.id])   // Map: id → what <Picture> needs
 */
import type { Kysely } from 'kysely'
import type { Config } from '@/config'
import { checkDecodes, checkHeader, checkUpload, type AcceptedImage, type IntakeRejection } from '@/features/media/intake'
import {
  configureSharp,
  contentHashOf,
  planVariants,
  processImage,
  variantKeys,
  type RenderedVariant,
  type VariantFormat,
} from '@/features/media/process'
import type { MediaRow } from '@/features/media/tables'
import type { Blobs } from '@/infra/blobs'
import type { Logger } from '@/infra/log'
import { releaseFreeMemory } from '@/infra/native-memory'
import { nearRecords } from '@/infra/store/near-records'
import type { Store } from '@/infra/store/store'
import type { SocialDomain } from '@/schema'
import type { FieldErrors, Result } from '@/shared/result'
import { isUuid } from '@/shared/ids'
import { Semaphore } from '@/shared/semaphore'
import { textProblem } from '@/shared/text'

export type MediaConfig = Pick<Config, 'mediaMaxBytes' | 'mediaMaxPixels' | 'mediaProcessingConcurrency'>

export interface MediaDeps {
  db: Kysely<SocialDomain>
  blobs: Blobs
  store: Store
  config: MediaConfig
  log: Logger
}

/** WCAG asks for a short text alternative; 300 characters is a long sentence, not an essay. */
export const ALT_MAX = 300

export interface UploadInput {
  /** The uploaded file's bytes; null when the form came without a file. */
  bytes: Uint8Array | null
  /** The description of the photo for people who can't see it, as typed. */
  alt: string
}

export type UploadField = 'photo' | 'alt'
export type UploadErrors = FieldErrors<UploadField>

/** The stored photo's row, or why it was refused (413, 415, 422) with a message per field. */
export type UploadResult = Result<MediaRow, UploadField>

/** One variant as a `srcset` candidate. */
export interface PictureSource {
  url: string
  width: number
  height: number
}

/** Everything the Picture component needs to show one photo (views/components/picture.tsx). */
export interface MediaPicture {
  id: string
  alt: string
  /** Size of `fallback`: the `<img>`'s width and height, which give the box its proportions. */
  width: number
  height: number
  /** A tiny blurred preview, as a data URI, shown under the photo until it paints. */
  placeholder: string
  /** The photo's dominant colour, `#rrggbb`. */
  colour: string
  /** Per format, the variants smallest first, one per distinct width (a small upload has fewer). */
  sources: Record<VariantFormat, PictureSource[]>
  /** The medium JPEG: the `src` of the `<img>`, for browsers that read no `srcset`. */
  fallback: PictureSource
}

export const UPLOAD_MESSAGES = {
  noPhoto: 'Please choose a photo to upload.',
  noAlt: 'Please describe the photo for people who can’t see it, e.g. “Ginger cat asleep on a red blanket”.',
  altTooLong: (length: number) => `A description can have at most ${ALT_MAX} characters; this one has ${length}.`,
} as const

// A lock outlives a crashed holder by at most this; storing nine variants takes well under a second.
const CONTENT_LOCK_TTL_MS = 60_000
// Only uploads and deletes of the very same bytes wait on each other, so a long wait means trouble.
const CONTENT_LOCK_WAIT_MS = 30_000
const CONTENT_LOCK_POLL_MS = 25

// Objects younger than this may belong to an upload still storing its row: the sweep leaves them.
const ORPHAN_GRACE_MS = 24 * 60 * 60 * 1000
// Content hashes checked against the table per query during a sweep.
const ORPHAN_BATCH = 500

export function createMedia({ db, blobs, store, config, log }: MediaDeps) {
  configureSharp()
  const processing = new Semaphore(config.mediaProcessingConcurrency)

  /** Runs `work` while holding the lock on one content hash's objects (see the module comment). */
  async function withContentLock<T>(contentHash: string, work: () => Promise<T>): Promise<T> {
    const key = `media:content:${contentHash}`
    const deadline = Date.now() + CONTENT_LOCK_WAIT_MS
    let token = await store.acquireLock(key, CONTENT_LOCK_TTL_MS)
    while (!token) {
      if (Date.now() > deadline) throw new Error(`media content lock ${contentHash} still busy after ${CONTENT_LOCK_WAIT_MS} ms`)
      await Bun.sleep(CONTENT_LOCK_POLL_MS)
      token = await store.acquireLock(key, CONTENT_LOCK_TTL_MS)
    }
    try {
      return await work()
    } finally {
      await store.releaseLock(key, token)
    }
  }

  /** What pages show of photos, from near copies: the rows never change, they only go (`remove`). */
  const pictureRows = nearRecords({
    store,
    name: 'media:picture',
    ttlSeconds: PICTURE_CACHE_SECONDS,
    load: (ids: string[]): Promise<PictureRow[]> =>
      db.selectFrom('media').select(['id', 'content_hash', 'width', 'height', 'dominant_colour', 'placeholder', 'alt']).where('id', 'in', ids).execute(),
    idOf: (row) => row.id,
  })

  /** Rows that use a content hash's objects. */
  async function usesOf(contentHash: string): Promise<number> {
    const row = await db
      .selectFrom('media')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('content_hash', '=', contentHash)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Puts a variant a row already shares only if its object is missing (a bucket restored without it). */
  async function putIfMissing(variant: RenderedVariant): Promise<void> {
    if (!(await blobs.exists(variant.key))) await blobs.put(variant.key, variant.bytes, variant.contentType)
  }

  /** Deletes a content hash's objects if no row uses them any more. Call under its lock. */
  async function deleteObjectsIfUnused(contentHash: string): Promise<boolean> {
    if ((await usesOf(contentHash)) > 0) return false
    await blobs.delete(variantKeys(contentHash))
    return true
  }

  /**
   * Processes an accepted photo and stores it, under its content lock: each variant is put as soon
   * as it is encoded (the big ones finish first, and go while the small ones encode), then the row
   * is inserted. If anything fails, the objects this call put are deleted again before the error
   * goes on; a failure of the processing itself comes out as ProcessingFailed.
   */
  async function processAndStore(ownerId: string, alt: string, image: AcceptedImage): Promise<StoredUpload> {
    const contentHash = contentHashOf(image.bytes)
    return withContentLock(contentHash, async () => {
      // Without a row using this hash nothing needs its objects: put all nine (no HEAD requests; the
      // leftovers of a failed upload are overwritten with the same bytes) and, on failure, delete
      // them all. With one, put only the keys that are missing, and delete nothing on failure: the
      // other row needs them.
      const shared = (await usesOf(contentHash)) > 0
      // Each put's outcome (its error, or null), looked at once processing is done: a put that
      // fails meanwhile must not go unhandled.
      const puts: Promise<unknown>[] = []
      const ours: string[] = []
      const putSoon = (variant: RenderedVariant) => {
        if (!shared) ours.push(variant.key)
        const put = shared ? putIfMissing(variant) : blobs.put(variant.key, variant.bytes, variant.contentType)
        puts.push(put.then(() => null, (error: unknown) => error ?? new Error('a put failed')))
      }
      try {
        const { description } = await processImage(image, { contentHash, onVariant: putSoon }).catch((error: unknown) => {
          throw new ProcessingFailed(error)
        })
        const processedAt = performance.now()
        // Every put has ended before the row, or the clean-up, goes ahead.
        const failed = (await Promise.all(puts)).find((error) => error !== null)
        if (failed) throw failed
        const row = await db
          .insertInto('media')
          .values({
            owner_id: ownerId,
            content_hash: description.contentHash,
            width: description.width,
            height: description.height,
            dominant_colour: description.dominantColour,
            placeholder: description.placeholder,
            perceptual_hash: description.perceptualHash,
            alt,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        return { row, shared, processedAt }
      } catch (error) {
        await Promise.all(puts) // none may still be running when the clean-up deletes
        await blobs.delete(ours).catch((cleanupError: unknown) => {
          // The sweep (collectOrphans) removes them later; the upload's own error is what matters.
          log.error({ err: cleanupError, contentHash }, 'could not delete the objects of a failed upload')
        })
        throw error
      }
    })
  }

  return {
    /**
     * Checks, processes and stores one uploaded photo with its description. Refusals (no photo, a
     * file we don't take, a missing or overlong description) come back as field errors with the
     * status to answer; storage failures throw, after deleting whatever this call stored.
     */
    async upload(ownerId: string, input: UploadInput): Promise<UploadResult> {
      const alt = input.alt.trim()
      const altError = altProblem(alt)
      const { bytes } = input
      if (!bytes) return refuse(422, { photo: UPLOAD_MESSAGES.noPhoto, alt: altError })

      const started = performance.now()
      let slotAt = started
      const processed = await processing.run(async () => {
        slotAt = performance.now()
        // A bad description alone costs no processing; both messages still come back together.
        if (altError) return { intake: await checkUpload(bytes, config), stored: null }
        const header = await checkHeader(bytes, config)
        if (!header.ok) return { intake: header, stored: null }
        try {
          return { intake: header, stored: await processAndStore(ownerId, alt, header.image) }
        } catch (error) {
          if (!(error instanceof ProcessingFailed)) throw error
          // Processing decodes every pixel under the same options as the verification decode, so
          // a whole photo never fails it; only when it fails does that decode run, to tell damaged
          // bytes (a clear 422) from a fault of ours (thrown on).
          const refusal = await checkDecodes(header.image)
          if (refusal) return { intake: refusal, stored: null }
          throw error.cause
        } finally {
          // Before the next upload may start: memory stays bounded by the concurrency, not by luck.
          releaseProcessingMemory()
        }
      })
      const { intake, stored } = processed
      if (!intake.ok) return refuse(intake.status, { photo: intake.message, alt: altError })
      if (!stored) return refuse(422, { alt: altError })

      const { row, shared, processedAt } = stored
      log.info(
        {
          mediaId: row.id,
          contentHash: row.content_hash,
          bytes: bytes.length,
          format: intake.image.format,
          shared,
          // Waiting for a processing slot (MEDIA_PROCESSING_CONCURRENCY), then processing (puts of
          // the first variants overlap it), then the last puts and the row.
          queuedMs: Math.round(slotAt - started),
          processMs: Math.round(processedAt - slotAt),
          storeMs: Math.round(performance.now() - processedAt),
        },
        'photo stored',
      )
      return { ok: true, value: row }
    },

    /**
     * What the Picture component needs for each id, in one query; ids that name no photo are left
     * out of the map (a caller shows nothing, or a default, for them).
     */
    async urlsFor(ids: readonly (string | null | undefined)[]): Promise<Map<string, MediaPicture>> {
      const wanted = [...new Set(ids)].filter(isUuid)
      if (wanted.length === 0) return new Map()
      const rows = await pictureRows.byIds(wanted)
      return new Map([...rows.values()].map((row) => [row.id, pictureOf(row, blobs)]))
    },

    /**
     * Deletes the owner's photos among `ids` and, for each content hash no other row uses, its
     * objects. Returns how many rows went. Objects that fail to delete are logged and left to the
     * sweep: the person's action has already succeeded.
     */
    async remove(ids: readonly string[], ownerId: string): Promise<number> {
      const wanted = [...new Set(ids)].filter(isUuid)
      if (wanted.length === 0) return 0
      // Marked before the rows go: a reader between the two cannot keep a photo that is gone.
      await pictureRows.changed(wanted)
      const removed = await db
        .deleteFrom('media')
        .where('id', 'in', wanted)
        .where('owner_id', '=', ownerId)
        .returning(['id', 'content_hash'])
        .execute()
      for (const contentHash of new Set(removed.map((row) => row.content_hash))) {
        await withContentLock(contentHash, () => deleteObjectsIfUnused(contentHash)).catch((error: unknown) => {
          log.error({ err: error, contentHash }, 'could not delete the objects of a removed photo')
        })
      }
      return removed.length
    },

    /**
     * The orphan sweep, for a scheduled job: deletes objects under `m/` that no row uses and that
     * are older than `graceMs` (younger ones may belong to an upload about to insert its row).
     * Lists the whole prefix, so run it rarely (daily); returns how many objects went.
     */
    async collectOrphans({ graceMs = ORPHAN_GRACE_MS }: { graceMs?: number } = {}): Promise<number> {
      const cutoff = Date.now() - graceMs
      let deleted = 0
      const sweep = async (batch: Map<string, boolean>) => {
        const hashes = [...batch].filter(([, old]) => old).map(([hash]) => hash)
        if (hashes.length === 0) return
        const used = await db.selectFrom('media').select('content_hash').distinct().where('content_hash', 'in', hashes).execute()
        const usedSet = new Set(used.map((row) => row.content_hash))
        for (const hash of hashes) {
          if (usedSet.has(hash)) continue
          // Re-checked under the lock: an upload of the same bytes may have stored its row since.
          if (await withContentLock(hash, () => deleteObjectsIfUnused(hash))) deleted += variantKeys(hash).length
        }
      }
      // hash → true while every object seen under it is older than the cutoff.
      let batch = new Map<string, boolean>()
      for await (const object of blobs.list('m/')) {
        const hash = object.key.split('/')[1]
        if (!hash || !/^[0-9a-f]{32}$/.test(hash)) continue
        const old = object.lastModified.getTime() < cutoff
        batch.set(hash, (batch.get(hash) ?? true) && old)
        if (batch.size >= ORPHAN_BATCH) {
          await sweep(batch)
          batch = new Map()
        }
      }
      await sweep(batch)
      if (deleted > 0) log.info({ deleted }, 'orphaned media objects deleted')
      return deleted
    },
  }
}

export type Media = ReturnType<typeof createMedia>

/**
 * Gives back what processing one upload used, about 15 ms in all (1–2% of an upload), measured on
 * a server taking 12 MP photos one after another: RSS climbed from 160 MB to over 500 MB without it
 * and stays near 150 MB with it (4 at once then peak at ~340 MB, under the 400 MB target).
 *
 * - A full garbage collection: processing leaves ~20 MB of dead buffers outside the JS heap (the
 *   decoded 2048 px pixels, copies of the upload) that JavaScriptCore's heuristics barely count,
 *   so they would otherwise linger until some later collection.
 * - `malloc_trim`: libvips' freed memory back from glibc's arenas (src/infra/native-memory.ts).
 */
/** A stored upload, and when its processing ended (for the log). */
interface StoredUpload {
  row: MediaRow
  /** Another row already had these objects. */
  shared: boolean
  processedAt: number
}

/** Processing threw (sharp refused the pixels, or failed): the upload checks whether the bytes are damaged. */
class ProcessingFailed extends Error {
  override name = 'ProcessingFailed'
  constructor(override readonly cause: unknown) {
    super('processing the photo failed', { cause })
  }
}

function releaseProcessingMemory(): void {
  Bun.gc(true)
  releaseFreeMemory()
}

/** Trimmed, then required and at most ALT_MAX characters (counted as people count them). */
function altProblem(alt: string): string | undefined {
  if (!alt) return UPLOAD_MESSAGES.noAlt
  const refused = textProblem(alt, 'line')
  if (refused) return refused
  const length = [...alt].length
  return length > ALT_MAX ? UPLOAD_MESSAGES.altTooLong(length) : undefined
}

function refuse(status: IntakeRejection['status'], errors: UploadErrors): UploadResult {
  // Cast: Object.fromEntries gives string keys; these are UploadErrors' own, filtered.
  const present = Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as UploadErrors
  return { ok: false, status, errors: present }
}

/**
 * The pictures of `ids`, in that order, from a map `urlsFor` gave: ids that name no photo (any more)
 * are left out. A post's, report's or gallery's photos, as its page shows them.
 */
export function picturesInOrder(ids: readonly string[], pictures: ReadonlyMap<string, MediaPicture>): MediaPicture[] {
  const inOrder: MediaPicture[] = []
  for (const id of ids) {
    const picture = pictures.get(id)
    if (picture) inOrder.push(picture)
  }
  return inOrder
}

/** Pages show the same photos again and again; ten minutes keeps the popular ones near. */
const PICTURE_CACHE_SECONDS = 600

type PictureRow = Pick<MediaRow, 'id' | 'content_hash' | 'width' | 'height' | 'dominant_colour' | 'placeholder' | 'alt'>

function pictureOf(row: PictureRow, blobs: Blobs): MediaPicture {
  const plan = planVariants({ contentHash: row.content_hash, width: row.width, height: row.height })
  const sources: Record<VariantFormat, PictureSource[]> = { avif: [], webp: [], jpeg: [] }
  for (const variant of plan) {
    const list = sources[variant.format]
    // A photo narrower than a variant box gets same-sized variants; a srcset lists each width once.
    if (list.some((source) => source.width === variant.width)) continue
    list.push({ url: blobs.url(variant.key), width: variant.width, height: variant.height })
  }
  const medium = plan.find((variant) => variant.name === 'medium' && variant.format === 'jpeg')!
  const fallback = { url: blobs.url(medium.key), width: medium.width, height: medium.height }
  return {
    id: row.id,
    alt: row.alt,
    width: fallback.width,
    height: fallback.height,
    placeholder: row.placeholder,
    colour: row.dominant_colour,
    sources,
    fallback,
  }
}
