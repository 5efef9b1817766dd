/**
 * Profile photos through HTTP, end to end: the form at /settings, the media service, storage, the
 * page that shows the photo and the URLs it links to. Everything runs against both storages: the
 * context's own (loopback S3 in the real-services run, local files otherwise) and the other one,
 * built beside it on the same databases.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import ExifReader from 'exifreader'
import sharp from 'sharp'
import { createApp } from '@/app'
import { contentHashOf, variantKeys } from '@/features/media/process'
import { createMedia } from '@/features/media/service'
import type { Blobs } from '@/infra/blobs'
import { createQueue } from '@/infra/queue'
import type { Jobs } from '@/jobs'
import type { TestContext } from '@tests/helpers/context'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import * as images from '@tests/helpers/images'
import { startTestMediaStorage, type TestMediaStorage } from '@tests/helpers/media-storage'

// Some tests upload three or four photos; on a busy 2-core CI box that can pass Bun's 5 s default.
setDefaultTimeout(30_000)

const ctx = await testContext()
const other = await startTestMediaStorage(ctx.media.kind === 's3' ? 'local' : 's3')
afterAll(() => other.stop())

/** The same app on the same databases and store, with the other storage. */
function contextWith(media: TestMediaStorage): TestContext {
  const config = { ...ctx.config, ...media.config }
  const queue = createQueue<Jobs>({ store: ctx.infra.store, name: `media-test-${media.kind}`, log: ctx.infra.log, concurrency: 1 })
  const infra = { ...ctx.infra, config, queue, blobs: media.blobs }
  const { app, services } = createApp(infra)
  return { config, infra, app, services, media, mailbox: ctx.mailbox }
}

const ALT = 'Me holding Biscuit, a ginger cat'
const secondPhoto = new File([new Uint8Array(await images.pngPhoto(52))], 'two.png', { type: 'image/png' })

// -- what a browser would do --------------------------------------------------------------------

function photoFile(bytes: Uint8Array, name = 'IMG_0001.jpg', type = 'image/jpeg'): File {
  return new File([new Uint8Array(bytes)], name, { type })
}

interface UploadOptions {
  alt?: string
  /** Extra files sent with the photo (the too-many-files case). */
  extraFiles?: File[]
  htmx?: boolean
  headers?: Record<string, string>
}

function uploadAvatar(browser: TestClient, photo: File | null, options: UploadOptions = {}): Promise<Response> {
  const form = new FormData()
  // A file input left empty: browsers send a nameless, empty part.
  form.append('photo', photo ?? new File([], '', { type: 'application/octet-stream' }))
  for (const file of options.extraFiles ?? []) form.append('photo', file)
  form.append('alt', options.alt ?? ALT)
  return browser.post('/settings/avatar', form, { htmx: options.htmx, headers: options.headers })
}

interface ParsedPicture {
  sources: { type: string; candidates: { url: string; width: number }[] }[]
  img: Record<string, string>
  placeholder: string
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {}
  for (const [, name, value] of tag.matchAll(/([a-z][a-z-]*)="([^"]*)"/g)) found[name!] = value!.replaceAll('&amp;', '&')
  for (const [, name] of tag.matchAll(/\s([a-z][a-z-]*)(?=[\s>/])(?!=)/g)) found[name!] ??= ''
  return found
}

function candidates(srcset: string): { url: string; width: number }[] {
  return srcset.split(', ').map((candidate) => {
    const [url, descriptor] = candidate.split(' ')
    return { url: url!, width: Number(descriptor!.replace(/w$/, '')) }
  })
}

/** Every Picture component in a page: its <source>s, its <img>, and its placeholder. */
function picturesIn(html: string): ParsedPicture[] {
  return [...html.matchAll(/<span class="picture[^"]*">(.*?)<\/picture><\/span>/gs)].map(([, inner]) => {
    const placeholder = attributes(/<img class="picture-placeholder"[^>]*>/.exec(inner!)![0]).src!
    const sources = [...inner!.matchAll(/<source[^>]*>/g)].map(([tag]) => {
      const attrs = attributes(tag)
      return { type: attrs.type!, candidates: candidates(attrs.srcset!) }
    })
    const img = attributes(/<picture>.*<img([^>]*)>/s.exec(inner!)![1]!)
    return { sources, img, placeholder }
  })
}

/** What a browser gets for a media URL: through the app for /media, from the bucket otherwise. */
async function load(setup: TestContext, url: string): Promise<Response> {
  if (url.startsWith('/')) return setup.app.handle(new Request(setup.config.publicUrl.origin + url))
  return fetch(url)
}

// -- what is stored -----------------------------------------------------------------------------

async function userId(setup: TestContext, handle: string): Promise<string> {
  return (await setup.services.accounts.findByHandle(handle))!.id
}

async function avatarOf(setup: TestContext, handle: string): Promise<string | null> {
  return (await setup.services.accounts.findByHandle(handle))!.avatar_media_id
}

async function mediaRowsOf(setup: TestContext, ownerId: string) {
  return setup.infra.dbs.social.selectFrom('media').selectAll().where('owner_id', '=', ownerId).execute()
}

async function storedKeys(setup: TestContext): Promise<string[]> {
  const keys: string[] = []
  for await (const object of setup.media.blobs.list('m/')) keys.push(object.key)
  return keys.sort()
}

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, 'latin1'))
}

const FORMAT_OF_TYPE: Record<string, string> = { 'image/avif': 'heif', 'image/webp': 'webp', 'image/jpeg': 'jpeg' }

for (const setup of [ctx, contextWith(other)]) {
  const kind = setup.media.kind
  const client = () => new TestClient(setup)

  describe(`profile photos (${kind} storage)`, () => {
    test('a 12 MP phone photo with GPS becomes the profile photo; every URL the page gives loads, with no EXIF and the size the page claims', async () => {
      const browser = client()
      const { handle } = await browser.signUp('Biscuit')
      const photo = await images.twelveMegapixelPhoto()
      expect(ExifReader.load(photo, { expanded: true }).gps?.Latitude).toBeCloseTo(images.GPS.latitude, 3)

      const response = await uploadAvatar(browser, photoFile(photo))
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe('/settings')

      const settings = await browser.get('/settings')
      expect(settings.status).toBe(200)
      const html = await settings.text()
      // The header shows it twice (on the account menu and its profile link), beside words: decorative.
      const [menu, profileLink, main] = picturesIn(html)
      for (const header of [menu, profileLink]) {
        expect(header!.img.alt).toBe('')
        expect(header!.img.loading).toBe('lazy')
      }
      expect(main!.img.alt).toBe(ALT)
      expect(main!.img.fetchpriority).toBe('high')
      expect(main!.img.loading).toBe('eager')
      expect(main!.sources.map((source) => source.type)).toEqual(['image/avif', 'image/webp'])
      if (kind === 's3') {
        const bucketOrigin = new URL(setup.config.s3!.endpoint!).origin
        expect(settings.headers.get('content-security-policy')).toContain(`img-src 'self' data: blob: ${bucketOrigin}`)
      }

      // Displayed 3024 × 4032 (the EXIF orientation turns it upright): each variant keeps that shape.
      const width = Number(main!.img.width)
      const height = Number(main!.img.height)
      expect([width, height]).toEqual([960, 1280])
      const all = [
        ...main!.sources.map((source) => ({ type: source.type, candidates: source.candidates })),
        { type: 'image/jpeg', candidates: candidates(main!.img.srcset!) },
      ]
      for (const { type, candidates: list } of all) {
        expect(list.map((candidate) => candidate.width)).toEqual([320, 960, 1536])
        for (const candidate of list) {
          const object = await load(setup, candidate.url)
          expect(object.status).toBe(200)
          expect(object.headers.get('content-type')).toBe(type)
          expect(object.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
          if (kind === 'local') expect(object.headers.get('x-content-type-options')).toBe('nosniff')
          const bytes = new Uint8Array(await object.arrayBuffer())
          const metadata = await sharp(bytes).metadata()
          expect(metadata.format as string).toBe(FORMAT_OF_TYPE[type]!)
          expect(metadata.width).toBe(candidate.width)
          expect(Math.abs(metadata.height - (candidate.width * height) / width)).toBeLessThanOrEqual(1)
          expect(metadata.exif).toBeUndefined()
          expect(metadata.xmp).toBeUndefined()
          expect(Object.keys(ExifReader.load(Buffer.from(bytes), { expanded: true }))).toEqual(['file'])
          for (const text of [images.GPS.make, images.GPS.model, 'Exif\0\0']) expect(contains(bytes, text)).toBe(false)
        }
      }
      const fallback = await sharp(new Uint8Array(await (await load(setup, main!.img.src!)).arrayBuffer())).metadata()
      expect([fallback.format, fallback.width, fallback.height]).toEqual(['jpeg', width, height])

      const placeholder = Buffer.from(main!.placeholder.replace(/^data:image\/webp;base64,/, ''), 'base64')
      expect(main!.placeholder.length).toBeLessThan(300)
      expect((await sharp(placeholder).metadata()).width).toBeLessThanOrEqual(16)

      const rows = await mediaRowsOf(setup, await userId(setup, handle))
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ alt: ALT, width: 3024, height: 4032 })
      expect(await avatarOf(setup, handle)).toBe(rows[0]!.id)
      const stored = await storedKeys(setup)
      for (const key of variantKeys(rows[0]!.content_hash)) expect(stored).toContain(key)
    })

    test('the new photo shows small in the header of every page, on the link to the profile', async () => {
      const browser = client()
      const { handle } = await browser.signUp()
      expect(await uploadAvatar(browser, photoFile(await images.pngPhoto(21), 'me.png', 'image/png'))).toHaveProperty('status', 303)
      const home = await (await browser.get('/')).text()
      const links = [...home.matchAll(/<a href="([^"]*)"[^>]*>((?:(?!<\/a>).)*)<\/a>/gs)]
      const withAvatar = links.filter(([, , inside]) => inside!.includes('class="picture avatar avatar-small"'))
      expect(withAvatar.map(([, href]) => href)).toEqual([`/@${handle}`])
    })

    test('replacing the photo deletes the old one: its row and its objects', async () => {
      const browser = client()
      const { handle } = await browser.signUp()
      const owner = await userId(setup, handle)
      await uploadAvatar(browser, photoFile(await images.pngPhoto(31), 'first.png', 'image/png'))
      const [first] = await mediaRowsOf(setup, owner)
      const response = await uploadAvatar(browser, photoFile(await images.webpPhoto(32), 'second.webp', 'image/webp'), { alt: 'Biscuit again' })
      expect(response.status).toBe(303)
      // The old photo goes in a queued job, after the response.
      expect(await mediaRowsOf(setup, owner)).toHaveLength(2)
      await setup.infra.queue.drain()

      const rows = await mediaRowsOf(setup, owner)
      expect(rows).toHaveLength(1)
      expect(rows[0]!.alt).toBe('Biscuit again')
      expect(await avatarOf(setup, handle)).toBe(rows[0]!.id)
      const stored = await storedKeys(setup)
      for (const key of variantKeys(first!.content_hash)) expect(stored).not.toContain(key)
      for (const key of variantKeys(rows[0]!.content_hash)) expect(stored).toContain(key)
    })

    test('objects two members share stay until the last one stops using them', async () => {
      const shared = await images.pngPhoto(41)
      const alice = client()
      const bob = client()
      await alice.signUp('alice')
      const { handle: bobHandle } = await bob.signUp('bob')
      expect((await uploadAvatar(alice, photoFile(shared, 'cat.png', 'image/png'))).status).toBe(303)
      expect((await uploadAvatar(bob, photoFile(shared, 'same-cat.png', 'image/png'))).status).toBe(303)
      const [bobsPhoto] = await mediaRowsOf(setup, await userId(setup, bobHandle))
      const keys = variantKeys(bobsPhoto!.content_hash)

      await uploadAvatar(alice, photoFile(await images.pngPhoto(42), 'new.png', 'image/png'))
      await setup.infra.queue.drain()
      for (const key of keys) expect(await setup.media.blobs.exists(key)).toBe(true)
      await uploadAvatar(bob, photoFile(await images.pngPhoto(43), 'new.png', 'image/png'))
      await setup.infra.queue.drain()
      for (const key of keys) expect(await setup.media.blobs.exists(key)).toBe(false)
    })

    test('a JPEG named .png is taken as the JPEG it is', async () => {
      const browser = client()
      const { handle } = await browser.signUp()
      const response = await uploadAvatar(browser, await images.jpegNamedPng())
      expect(response.status).toBe(303)
      expect(await mediaRowsOf(setup, await userId(setup, handle))).toHaveLength(1)
    })

    test('a polyglot JPEG is taken as the photo it shows, and nothing appended to it reaches any variant', async () => {
      const browser = client()
      const { handle } = await browser.signUp()
      expect((await uploadAvatar(browser, photoFile(await images.polyglotJpeg(), 'innocent.jpg'))).status).toBe(303)
      const [row] = await mediaRowsOf(setup, await userId(setup, handle))
      for (const key of variantKeys(row!.content_hash)) {
        const bytes = (await setup.media.blobs.get(key))!
        for (const text of [images.POLYGLOT_PAYLOAD, '<script', 'PK\x03\x04']) expect(contains(bytes, text)).toBe(false)
      }
    })

    describe('a refused upload gets its status, a clear message and the form with what was typed, and stores nothing', () => {
      const typedAlt = 'Biscuit on the sofa'
      const cases: [name: string, photo: () => Promise<File | null>, status: number, message: string, options?: UploadOptions][] = [
        ['a truncated JPEG', async () => photoFile(await images.truncatedJpeg()), 422, 'This photo seems damaged or incomplete'],
        ['a file of zero bytes', async () => photoFile(images.emptyFile(), 'empty.jpg'), 422, 'The file is empty'],
        ['a PNG decompression bomb', async () => photoFile(images.pngBomb(), 'bomb.png', 'image/png'), 422, 'the most we take is 40 megapixels'],
        ['an SVG with a script', async () => photoFile(images.svgWithScript(), 'cat.svg', 'image/svg+xml'), 415, 'SVG drawings can'],
        ['an animated GIF', async () => photoFile(await images.animatedGif(), 'cat.gif', 'image/gif'), 415, 'GIF images can'],
        ['a HEIC photo this sharp cannot decode', async () => photoFile(images.heicPhoto(), 'IMG_1.HEIC', 'image/heic'), 415, 'please export as JPEG'],
        [
          'a file over the byte limit',
          async () => photoFile(new Uint8Array(ctx.config.mediaMaxBytes + 1).fill(0xff), 'huge.jpg'),
          413,
          'the most we take is 15 MB',
        ],
        [
          'two files at once',
          async () => photoFile(await images.pngPhoto(51), 'one.png', 'image/png'),
          413,
          'You can add at most 1 photo at a time.',
          { extraFiles: [secondPhoto] },
        ],
        ['no file chosen', async () => null, 422, 'Please choose a photo to upload.'],
        ['a good photo without a description', async () => photoFile(await images.pngPhoto(53), 'a.png', 'image/png'), 422, 'Please describe the photo', { alt: '   ' }],
        [
          'a description over 300 characters',
          async () => photoFile(await images.pngPhoto(54), 'a.png', 'image/png'),
          422,
          'A description can have at most 300 characters; this one has 301.',
          { alt: 'é'.repeat(301) },
        ],
      ]
      for (const [name, photo, status, message, options = {}] of cases) {
        test(name, async () => {
          const browser = client()
          const { handle } = await browser.signUp()
          const before = await storedKeys(setup)
          const alt = options.alt ?? typedAlt
          const response = await uploadAvatar(browser, await photo(), { ...options, alt })
          expect(response.status).toBe(status)
          const html = await response.text()
          expect(html).toContain(message)
          expect(html).toContain('<form class="stack" method="post" action="/settings/avatar"')
          if (alt.trim()) expect(html).toContain(`value="${alt}"`)
          expect(html).toContain('aria-invalid="true"')
          expect(await mediaRowsOf(setup, await userId(setup, handle))).toHaveLength(0)
          expect(await avatarOf(setup, handle)).toBeNull()
          expect(await storedKeys(setup)).toEqual(before)
        })
      }
    })

    test('markup typed as the description comes back as inert text', async () => {
      const browser = client()
      await browser.signUp()
      const response = await uploadAvatar(browser, null, { alt: '"><script>alert(1)</script>' })
      const html = await response.text()
      expect(html).not.toContain('"><script>')
      expect(html).toContain('value="&#34;><script>alert(1)</script>"')
    })

    test('signed out, an upload is refused with 401 and nothing is stored', async () => {
      const before = await storedKeys(setup)
      const rowsBefore = await setup.infra.dbs.social.selectFrom('media').select('id').execute()
      const response = await uploadAvatar(client(), photoFile(await images.pngPhoto(61), 'a.png', 'image/png'))
      expect(response.status).toBe(401)
      expect(await response.text()).toContain('Please sign in')
      expect(await setup.infra.dbs.social.selectFrom('media').select('id').execute()).toHaveLength(rowsBefore.length)
      expect(await storedKeys(setup)).toEqual(before)
    })

    test('an upload sent from another site is refused with 403 and nothing is stored', async () => {
      const browser = client()
      const { handle } = await browser.signUp()
      const before = await storedKeys(setup)
      const response = await uploadAvatar(browser, photoFile(await images.pngPhoto(62), 'a.png', 'image/png'), {
        headers: { Origin: 'https://evil.example' },
      })
      expect(response.status).toBe(403)
      expect(await response.text()).toContain('sent from another site')
      expect(await mediaRowsOf(setup, await userId(setup, handle))).toHaveLength(0)
      expect(await storedKeys(setup)).toEqual(before)
    })

    test('sent the way upload-progress.js sends it, a refusal is just the section and success names the page to go to', async () => {
      const browser = client()
      await browser.signUp()
      const refused = await uploadAvatar(browser, null, { htmx: true })
      expect(refused.status).toBe(422)
      const fragment = await refused.text()
      expect(fragment.startsWith('<section id="profile-photo"')).toBe(true)
      expect(fragment).not.toContain('<html')
      expect(fragment).toContain(`value="${ALT}"`)

      const saved = await uploadAvatar(browser, photoFile(await images.pngPhoto(63), 'a.png', 'image/png'), { htmx: true })
      expect(saved.status).toBe(200)
      expect(saved.headers.get('hx-redirect')).toBe('/settings')
    })
  })
}

describe('the settings page', () => {
  test('has the profile photo form, which works without JavaScript, and loads the progress script', async () => {
    const browser = new TestClient(ctx)
    await browser.signUp()
    const html = await (await browser.get('/settings')).text()
    expect(html).toContain('You have no profile photo yet.')
    expect(html).toContain('enctype="multipart/form-data"')
    expect(html).toMatch(/<input id="field-photo" name="photo" type="file"[^>]* accept="image\/\*"/)
    expect(html).toContain('<label for="field-alt">Describe the photo</label>')
    expect(html).toContain('<button type="submit">Save photo</button>')
    expect(html).toMatch(/<script src="\/assets\/[a-z0-9]+\/upload-progress\.js" defer><\/script>/)
    expect(html).not.toContain('style=')
  })

  test('uploads are rate-limited per account with a clear 429', async () => {
    const browser = new TestClient(ctx)
    await browser.signUp()
    const limit = ctx.config.mediaUploadRateLimit.attempts
    let last: Response | null = null
    for (let attempt = 0; attempt <= limit; attempt++) last = await uploadAvatar(browser, null)
    expect(last!.status).toBe(429)
    expect(await last!.text()).toContain('Too many attempts')
  })
})

describe('local media at /media', () => {
  const local = ctx.media.kind === 'local' ? ctx : contextWith(other)

  test('unknown keys and paths that try to leave the media folder are 404', async () => {
    for (const path of [
      '/media/m/00000000000000000000000000000000/thumb.webp',
      '/media/m/%2e%2e/%2e%2e/etc/passwd',
      '/media/..%2f..%2fpackage.json',
      '/media/m/x/.hidden.jpg',
      '/media/m/x/thumb.svg',
    ]) {
      const response = await local.app.handle(new Request(local.config.publicUrl.origin + path))
      expect(response.status).toBe(404)
    }
  })

  test('with S3 there is no /media route at all', async () => {
    const s3 = ctx.media.kind === 's3' ? ctx : contextWith(other)
    const response = await s3.app.handle(new Request(`${s3.config.publicUrl.origin}/media/m/00000000000000000000000000000000/thumb.webp`))
    expect(response.status).toBe(404)
  })
})

describe('the orphan sweep', () => {
  test('deletes old objects no photo uses and keeps the ones a photo uses', async () => {
    const browser = new TestClient(ctx)
    const { handle } = await browser.signUp()
    await uploadAvatar(browser, photoFile(await images.pngPhoto(71), 'a.png', 'image/png'))
    const [row] = await mediaRowsOf(ctx, await userId(ctx, handle))
    const stray = 'm/0123456789abcdef0123456789abcdef/thumb.webp'
    await ctx.media.blobs.put(stray, new Uint8Array([1, 2, 3]), 'image/webp')

    expect(await ctx.services.media.collectOrphans()).toBe(0) // too young: might be an upload in progress
    expect(await ctx.services.media.collectOrphans({ graceMs: 0 })).toBeGreaterThanOrEqual(1)
    expect(await ctx.media.blobs.exists(stray)).toBe(false)
    for (const key of variantKeys(row!.content_hash)) expect(await ctx.media.blobs.exists(key)).toBe(true)
  })
})

describe('nothing is half-stored', () => {
  const { media: storage, infra } = ctx

  test('when a put fails, the objects this upload already put are deleted and no row is written', async () => {
    let puts = 0
    const flaky: Blobs = {
      ...storage.blobs,
      async put(key, bytes, contentType) {
        // The fifth put fails, while others have succeeded or are on their way.
        if (++puts === 5) throw new Error('the bucket is unwell')
        await storage.blobs.put(key, bytes, contentType)
      },
    }
    const media = createMedia({ db: infra.dbs.social, blobs: flaky, store: infra.store, config: ctx.config, log: infra.log })
    const before = await storedKeys(ctx)
    const owner = crypto.randomUUID()
    await expect(media.upload(owner, { bytes: await images.pngPhoto(81), alt: ALT })).rejects.toThrow('the bucket is unwell')
    expect(await storedKeys(ctx)).toEqual(before)
    expect(await mediaRowsOf(ctx, owner)).toHaveLength(0)
  })

  test('when the row cannot be written, every object put for it is deleted', async () => {
    const before = await storedKeys(ctx)
    const photo = await images.pngPhoto(82)
    // Not a uuid: PostgreSQL refuses the insert after the nine puts.
    await expect(ctx.services.media.upload('not-a-user-id', { bytes: photo, alt: ALT })).rejects.toThrow()
    expect(await storedKeys(ctx)).toEqual(before)
    const rows = await infra.dbs.social.selectFrom('media').select('id').where('content_hash', '=', contentHashOf(photo)).execute()
    expect(rows).toHaveLength(0)
  })

  test('when the profile cannot point at the new photo, the photo is removed again', async () => {
    const before = await storedKeys(ctx)
    const nobody = crypto.randomUUID()
    await expect(ctx.services.avatars.replace(nobody, { bytes: await images.pngPhoto(83), alt: ALT })).rejects.toThrow('no user')
    expect(await mediaRowsOf(ctx, nobody)).toHaveLength(0)
    expect(await storedKeys(ctx)).toEqual(before)
  })
})
