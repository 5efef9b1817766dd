/**
 * Where media bytes live: an S3-compatible bucket (`S3_BUCKET` set; Cloudflare R2 in production) or
 * files under `./data/media` served by the app at `/media` (embedded mode). Same contract for both.
 *
 * Keys are chosen by the caller and content-addressed (the media feature derives them from a hash of
 * the upload), so an object never changes once written and every response may be cached forever.
 * Keys use a small, URL-safe alphabet (see SAFE_KEY), which also keeps local paths inside
 * `mediaDir`.
 *
 * @example
 * const blobs = createBlobs(config)
 * await blobs.put('m/3f2a…/thumb.webp', bytes, 'image/webp')
 * blobs.url('m/3f2a…/thumb.webp') // 'https://media.example.org/m/3f2a…/thumb.webp' or '/media/m/3f2a…/thumb.webp'
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import type { Config, S3Config } from '@/config'

export interface Blobs {
  /** `s3` or `local`: logged at start-up. */
  readonly kind: 's3' | 'local'
  /** Stores `bytes` under `key`, replacing any object there (same key, same bytes: content-addressed). */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>
  /** The stored bytes, or null when there is no such object. */
  get(key: string): Promise<Uint8Array | null>
  exists(key: string): Promise<boolean>
  /** Deletes every key given; keys that do not exist are ignored. */
  delete(keys: readonly string[]): Promise<void>
  /** The public URL a browser fetches `key` from. */
  url(key: string): string
  /**
   * Every stored object whose key starts with `prefix` (e.g. `m/`), in pages, with when it was
   * written: for orphan sweeps and tests, never for serving pages.
   */
  list(prefix: string): AsyncIterable<StoredObject>
}

export interface StoredObject {
  key: string
  lastModified: Date
}

export type BlobsConfig = Pick<Config, 's3' | 'mediaDir' | 'mediaPublicUrl'>

/** Variants are content-addressed, so a URL's bytes never change: browsers and CDNs may keep them a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'

/** The URL path local media is served under (docs/architecture.md, URLs). */
export const LOCAL_MEDIA_PATH = '/media'

// Lowercase letters, digits, `.`, `_`, `-`, segments joined by `/`; every segment starts with a letter
// or digit, so `.`, `..` and hidden files (our temp files) can never be named. Safe in URLs as is.
const SAFE_KEY = /^(?:[a-z0-9][a-z0-9._-]*\/)*[a-z0-9][a-z0-9._-]*$/
// S3 allows 1024 bytes; ours are about 50 (`m/<32 hex>/medium.avif`), so anything long is a bug or an attack.
const MAX_KEY_LENGTH = 256
// DeleteObjects takes at most 1000 keys per request (S3 API limit).
const S3_DELETE_BATCH = 1000

/** Local files carry no content type, so the key's extension decides what the `/media` route sends. */
const CONTENT_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  png: 'image/png',
}

/** S3 when `config.s3` is set, else files under `config.mediaDir`. */
export function createBlobs(config: BlobsConfig): Blobs {
  return config.s3 ? s3Blobs(config.s3, config.mediaPublicUrl) : localBlobs(config.mediaDir)
}

/** True for keys this module will store or serve: see SAFE_KEY. */
function isSafeKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && SAFE_KEY.test(key) && !key.includes('..')
}

/** The content type served for `key`, from its extension; null for extensions we never serve. */
function contentTypeForKey(key: string): string | null {
  const extension = key.slice(key.lastIndexOf('.') + 1)
  return Object.hasOwn(CONTENT_TYPE_BY_EXTENSION, extension) ? CONTENT_TYPE_BY_EXTENSION[extension]! : null
}

/**
 * What the `/media/*` route sends for `key` in embedded mode, or null (answer 404) when the key is
 * unsafe (`../`, odd characters), has an extension we never serve, or names nothing.
 *
 * @example
 * const media = await readLocalMedia(blobs, params['*'])
 * if (!media) return notFound(set)
 * set.headers['content-type'] = media.contentType
 * set.headers['cache-control'] = IMMUTABLE_CACHE_CONTROL
 */
export async function readLocalMedia(
  blobs: Blobs,
  key: string,
): Promise<{ bytes: Uint8Array; contentType: string } | null> {
  if (!isSafeKey(key)) return null
  const contentType = contentTypeForKey(key)
  if (!contentType) return null
  const bytes = await blobs.get(key)
  return bytes ? { bytes, contentType } : null
}

function assertSafeKey(key: string): void {
  if (!isSafeKey(key)) throw new Error(`Unsafe media key ${JSON.stringify(key)}`)
}

function localBlobs(mediaDir: string): Blobs {
  const root = path.resolve(mediaDir)
  const fileFor = (key: string) => {
    assertSafeKey(key)
    return path.join(root, ...key.split('/'))
  }
  return {
    kind: 'local',
    async put(key, bytes, contentType) {
      const file = fileFor(key)
      if (contentTypeForKey(key) !== contentType) {
        throw new Error(`Local media is served by extension: ${key} cannot hold ${contentType}`)
      }
      await writeAtomically(file, bytes)
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(fileFor(key)))
      } catch (error) {
        if (isMissingFile(error)) return null
        throw error
      }
    },
    async exists(key) {
      try {
        return (await stat(fileFor(key))).isFile()
      } catch (error) {
        if (isMissingFile(error)) return false
        throw error
      }
    },
    async delete(keys) {
      const files = keys.map(fileFor)
      await Promise.all(files.map((file) => rm(file, { force: true })))
    },
    url(key) {
      assertSafeKey(key)
      return `${LOCAL_MEDIA_PATH}/${key}`
    },
    async *list(prefix) {
      for (const file of await listFiles(root)) {
        const key = path.relative(root, file).split(path.sep).join('/')
        // Temp files of writes in progress start with `.` and are not objects yet.
        if (!key.startsWith(prefix) || !isSafeKey(key)) continue
        try {
          yield { key, lastModified: (await stat(file)).mtime }
        } catch (error) {
          if (!isMissingFile(error)) throw error // deleted since the directory was read
        }
      }
    },
  }
}

async function listFiles(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true })
    return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
  } catch (error) {
    if (isMissingFile(error)) return [] // nothing stored yet
    throw error
  }
}

/**
 * Writes to a hidden temp file beside the target, then renames it into place: a reader (or a crash)
 * never sees half a file, because rename within one directory is atomic. The temp name starts with
 * `.`, which no safe key can name, so it is never served.
 */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file)
  const temp = path.join(dir, `.${path.basename(file)}.${randomUUID()}.tmp`)
  await mkdir(dir, { recursive: true })
  try {
    await writeFile(temp, bytes)
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

function isMissingFile(error: unknown): boolean {
  // Cast: a file-system failure is a Node system error with a code (or not an error at all: then no code).
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

function s3Blobs(s3: S3Config, publicBaseUrl: string | null): Blobs {
  const client = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint ?? undefined,
    forcePathStyle: s3.forcePathStyle,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
        : undefined,
    // Since 3.729 the SDK adds CRC32 checksums to every upload and validates them on download, which
    // not every S3-compatible store understands (the reason these switches exist). Nothing is lost:
    // SigV4 already signs each body's SHA-256 (`x-amz-content-sha256`).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  const base = (publicBaseUrl ?? pathStyleBase(s3)).replace(/\/+$/, '')
  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      assertSafeKey(key)
      await client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          CacheControl: IMMUTABLE_CACHE_CONTROL,
        }),
      )
    },
    async get(key) {
      assertSafeKey(key)
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
        return object.Body ? await object.Body.transformToByteArray() : new Uint8Array()
      } catch (error) {
        if (isS3NotFound(error)) return null
        throw error
      }
    },
    async exists(key) {
      assertSafeKey(key)
      try {
        await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))
        return true
      } catch (error) {
        if (isS3NotFound(error)) return false
        throw error
      }
    },
    async delete(keys) {
      keys.forEach(assertSafeKey)
      for (let start = 0; start < keys.length; start += S3_DELETE_BATCH) {
        const batch = keys.slice(start, start + S3_DELETE_BATCH)
        const result = await client.send(
          new DeleteObjectsCommand({
            Bucket: s3.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        )
        const failure = result.Errors?.[0]
        if (failure) throw new Error(`S3 could not delete ${failure.Key}: ${failure.Code} ${failure.Message}`)
      }
    },
    url(key) {
      assertSafeKey(key)
      return `${base}/${key}`
    },
    async *list(prefix) {
      let ContinuationToken: string | undefined
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, ContinuationToken }),
        )
        for (const object of page.Contents ?? []) {
          if (object.Key) yield { key: object.Key, lastModified: object.LastModified ?? new Date(0) }
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (ContinuationToken)
    },
  }
}

/**
 * The origin browsers load media from when it is not the site's own (for the CSP's `img-src`):
 * `MEDIA_PUBLIC_URL`'s, else the bucket's; null for local files, served by the app itself.
 */
export function mediaOrigin(config: Pick<Config, 's3' | 'mediaPublicUrl'>): string | null {
  if (!config.s3) return null
  return new URL(config.mediaPublicUrl ?? pathStyleBase(config.s3)).origin
}

/** Without `MEDIA_PUBLIC_URL`, objects are fetched from the bucket itself, path-style. */
function pathStyleBase(s3: S3Config): string {
  const endpoint = s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`
  return `${endpoint.replace(/\/+$/, '')}/${s3.bucket}`
}

/** HeadObject answers a bare 404 (`NotFound`), GetObject a `NoSuchKey` error: both mean "no object". */
function isS3NotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404
}
