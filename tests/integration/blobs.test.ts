import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { createBlobs, IMMUTABLE_CACHE_CONTROL, readLocalMedia, type Blobs } from '@/infra/blobs'
import { startS3, type LoopbackS3 } from '@tests/helpers/s3'

const UNSAFE_KEYS = [
  '../outside.jpg',
  'm/../../outside.jpg',
  '/etc/passwd',
  'm//thumb.jpg',
  '.hidden.jpg',
  'M/Thumb.JPG',
  'm/%2e%2e/x.jpg',
  'm\\x.jpg',
  '',
]

let keyCounter = 0
/** A fresh content-addressed-looking key per test, so tests never see each other's objects. */
function freshKey(extension = 'webp'): string {
  keyCounter += 1
  return `m/${Date.now().toString(16)}${keyCounter.toString(16).padStart(4, '0')}/thumb.${extension}`
}

const bytes = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 5])

/** What both storages promise; `store` gives the one under test once `beforeAll` has made it. */
function blobContract(kind: 'local' | 's3', store: () => Blobs) {
  describe(`${kind} storage`, () => {
    test('a stored object reads back byte for byte and exists', async () => {
      const key = freshKey()
      await store().put(key, bytes, 'image/webp')
      expect(await store().get(key)).toEqual(bytes)
      expect(await store().exists(key)).toBe(true)
    })

    test('storing the same key again replaces it without error (content-addressed puts are idempotent)', async () => {
      const key = freshKey()
      await store().put(key, bytes, 'image/webp')
      await store().put(key, bytes, 'image/webp')
      expect(await store().get(key)).toEqual(bytes)
    })

    test('a key never stored reads as null and does not exist', async () => {
      const key = freshKey()
      expect(await store().get(key)).toBeNull()
      expect(await store().exists(key)).toBe(false)
    })

    test('deleting removes every key given and ignores keys that are not there', async () => {
      const keys = [freshKey(), freshKey('avif'), freshKey('jpg')]
      await store().put(keys[0]!, bytes, 'image/webp')
      await store().put(keys[1]!, bytes, 'image/avif')
      await store().delete([...keys, freshKey()])
      for (const key of keys) expect(await store().exists(key)).toBe(false)
      await store().delete([])
    })

    test('keys outside the safe alphabet are refused before touching storage', async () => {
      for (const key of UNSAFE_KEYS) {
        await expect(store().put(key, bytes, 'image/jpeg')).rejects.toThrow('Unsafe media key')
        await expect(store().get(key)).rejects.toThrow('Unsafe media key')
        expect(() => store().url(key)).toThrow('Unsafe media key')
      }
    })
  })
}

describe('blobs', () => {
  let mediaDir: string
  let local: Blobs
  let s3: LoopbackS3
  let bucket: Blobs

  beforeAll(async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'nine-lives-blobs-'))
    mediaDir = path.join(parent, 'media')
    // A file beside mediaDir that a traversal would reach.
    await writeFile(path.join(parent, 'outside.jpg'), 'secret')
    local = createBlobs({ s3: null, mediaDir, mediaPublicUrl: null })
    s3 = await startS3()
    bucket = createBlobs({ s3: s3.config, mediaDir, mediaPublicUrl: null })
  })

  afterAll(async () => {
    await s3.stop()
    await rm(path.dirname(mediaDir), { recursive: true, force: true })
  })

  blobContract('local', () => local)
  blobContract('s3', () => bucket)

  test('each storage says which kind it is', () => {
    expect(local.kind).toBe('local')
    expect(bucket.kind).toBe('s3')
  })

  describe('local files', () => {
    test('are served from /media by key, with the type their extension names', async () => {
      const key = freshKey('avif')
      await local.put(key, bytes, 'image/avif')
      expect(local.url(key)).toBe(`/media/${key}`)
      expect(await readLocalMedia(local, key)).toEqual({ bytes, contentType: 'image/avif' })
    })

    test('cannot hold a content type their extension would not serve', async () => {
      await expect(local.put(freshKey('webp'), bytes, 'text/html')).rejects.toThrow('served by extension')
    })

    test('are written whole: no temp file is left beside the object', async () => {
      const key = freshKey()
      await local.put(key, bytes, 'image/webp')
      const folder = path.join(mediaDir, path.dirname(key))
      expect(await readdir(folder)).toEqual([path.basename(key)])
    })

    test('the /media reader refuses traversal, odd keys and unserved extensions instead of reading', async () => {
      for (const key of UNSAFE_KEYS) expect(await readLocalMedia(local, key)).toBeNull()
      expect(await readLocalMedia(local, freshKey('html'))).toBeNull()
      expect(await readLocalMedia(local, freshKey())).toBeNull()
    })
  })

  describe('S3 objects', () => {
    test('are stored with their content type and cached as immutable for a year', async () => {
      const key = freshKey('jpg')
      await bucket.put(key, bytes, 'image/jpeg')
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.config.bucket, Key: key }))
      expect(head.ContentType).toBe('image/jpeg')
      expect(head.CacheControl).toBe(IMMUTABLE_CACHE_CONTROL)
      expect(head.CacheControl).toBe('public, max-age=31536000, immutable')
    })

    test('without a public base URL are fetched from the bucket path-style, with their headers', async () => {
      const key = freshKey('webp')
      await bucket.put(key, bytes, 'image/webp')
      const url = bucket.url(key)
      expect(url).toBe(`${s3.config.endpoint}/${s3.config.bucket}/${key}`)
      const response = await fetch(url)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('image/webp')
      expect(response.headers.get('cache-control')).toBe(IMMUTABLE_CACHE_CONTROL)
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes)
    })

    test('with MEDIA_PUBLIC_URL are addressed under the CDN base, with or without a trailing slash', () => {
      for (const base of ['https://media.ninelives.example/', 'https://media.ninelives.example']) {
        const cdn = createBlobs({ s3: s3.config, mediaDir, mediaPublicUrl: base })
        expect(cdn.url('m/abc/thumb.webp')).toBe('https://media.ninelives.example/m/abc/thumb.webp')
      }
      const underPath = createBlobs({ s3: s3.config, mediaDir, mediaPublicUrl: 'https://cdn.example/cats/' })
      expect(underPath.url('m/abc/full.avif')).toBe('https://cdn.example/cats/m/abc/full.avif')
    })
  })
})
