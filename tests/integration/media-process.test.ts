import { beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import ExifReader from 'exifreader'
import sharp from 'sharp'
import { checkFileCount, checkUpload, type AcceptedImage, type IntakeLimits } from '@/features/media/intake'
import {
  describeImage,
  hammingDistance,
  processImage,
  renderVariants,
  variantKeys,
  type RenderedVariant,
} from '@/features/media/process'
import * as images from '@tests/helpers/images'

// Rendering all variants of several photos takes seconds; on a busy 2-core CI box, more than Bun's 5 s default.
setDefaultTimeout(30_000)

// The defaults from config.ts: 15 MB, 40 MP, 4 files.
const LIMITS: IntakeLimits = { mediaMaxBytes: 15 * 1024 * 1024, mediaMaxPixels: 40_000_000, mediaMaxFiles: 4 }

async function accept(bytes: Uint8Array, limits: IntakeLimits = LIMITS): Promise<AcceptedImage> {
  const result = await checkUpload(bytes, limits)
  if (!result.ok) throw new Error(`expected the upload to be accepted, got ${result.status}: ${result.message}`)
  return result.image
}

async function rejection(bytes: Uint8Array, limits: IntakeLimits = LIMITS) {
  const result = await checkUpload(bytes, limits)
  if (result.ok) throw new Error(`expected the upload to be refused, but it was accepted as ${result.image.format}`)
  return { status: result.status, message: result.message }
}

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, 'latin1'))
}

/** Red, green and blue of one displayed pixel of an encoded image. */
async function pixelAt(bytes: Uint8Array, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true })
  const offset = (y * info.width + x) * info.channels
  return [data[offset]!, data[offset + 1]!, data[offset + 2]!]
}

describe('media intake', () => {
  test('an empty file is refused as empty', async () => {
    expect(await rejection(images.emptyFile())).toEqual({
      status: 422,
      message: 'The file is empty: please choose the photo again.',
    })
  })

  test('a file over the byte limit is refused with 413, naming its size and the limit', async () => {
    const photo = await images.pngPhoto()
    const { status, message } = await rejection(photo, { ...LIMITS, mediaMaxBytes: 64 * 1024 })
    expect(status).toBe(413)
    expect(message).toBe(`This photo is ${Math.ceil(photo.length / 1024)} KB; the most we take is 64 KB.`)
  })

  test('a PNG decompression bomb is refused from its header alone, quickly and without decoding', async () => {
    const bomb = images.pngBomb()
    expect(bomb.length).toBeLessThan(150 * 1024)
    const rssBefore = process.memoryUsage().rss
    const started = performance.now()
    expect(await rejection(bomb)).toEqual({
      status: 422,
      message: 'This photo is 30000 × 30000 pixels (900 megapixels); the most we take is 40 megapixels.',
    })
    expect(performance.now() - started).toBeLessThan(1000)
    // Decoding would need at least 900 MB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024)
  })

  test('the pixel limit counts the photo as displayed', async () => {
    const sideways = await images.photoWithGps({ width: 640, height: 480, orientation: 6 })
    expect(await rejection(sideways, { ...LIMITS, mediaMaxPixels: 200_000 })).toEqual({
      status: 422,
      message: 'This photo is 480 × 640 pixels (0.4 megapixels); the most we take is 0.2 megapixels.',
    })
  })

  test('a truncated JPEG is refused as damaged, though its header reads fine', async () => {
    const truncated = await images.truncatedJpeg()
    expect((await sharp(truncated).metadata()).format).toBe('jpeg')
    expect(await rejection(truncated)).toEqual({
      status: 422,
      message: 'This photo seems damaged or incomplete: please try another copy of it.',
    })
  })

  test('a file that starts like a JPEG but is not one is refused as damaged', async () => {
    const fake = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode('not really a jpeg at all')])
    expect((await rejection(fake)).status).toBe(422)
  })

  test('an SVG (with a script) is refused without being parsed as an image', async () => {
    expect(await rejection(images.svgWithScript())).toEqual({
      status: 415,
      message: "SVG drawings can't be posted: please choose a photo (JPEG, PNG, WebP or AVIF).",
    })
  })

  test('animated images are refused: animated WebP as animated, any GIF as GIF', async () => {
    expect(await rejection(await images.animatedWebp())).toEqual({
      status: 415,
      message: "Animated images can't be posted: please choose a still photo.",
    })
    expect(await rejection(await images.animatedGif())).toEqual({
      status: 415,
      message: "GIF images can't be posted: please choose a still photo (JPEG, PNG, WebP or AVIF).",
    })
  })

  test('TIFF, text and other files are refused as not a photo we read', async () => {
    const notAPhoto = {
      status: 415 as const,
      message: "This file isn't a photo we can read: please choose a JPEG, PNG, WebP or AVIF image.",
    }
    expect(await rejection(await images.tiffPhoto())).toEqual(notAPhoto)
    expect(await rejection(new TextEncoder().encode('<html><body>hello</body></html>'))).toEqual(notAPhoto)
    expect(await rejection(new TextEncoder().encode('PK\x03\x04 a zip file'))).toEqual(notAPhoto)
  })

  // Prebuilt sharp reads HEIF containers but ships no HEVC decoder (patents), so HEIC can't be decoded.
  test('a HEIC photo gets a message saying to export it as JPEG', async () => {
    expect(await rejection(images.heicPhoto())).toEqual({
      status: 415,
      message: "HEIC photos can't be read here yet: please export as JPEG.",
    })
  })

  test('JPEG, PNG, WebP and AVIF are accepted, their type read from the bytes', async () => {
    expect((await accept(await images.photoWithGps())).format).toBe('jpeg')
    expect((await accept(await images.pngPhoto())).format).toBe('png')
    expect((await accept(await images.webpPhoto())).format).toBe('webp')
    expect((await accept(await images.avifPhoto())).format).toBe('avif')
  })

  test('a JPEG named .png and sent as image/png is taken as the JPEG it is', async () => {
    const file = await images.jpegNamedPng()
    expect(file.name).toBe('whiskers.png')
    const image = await accept(new Uint8Array(await file.arrayBuffer()))
    expect(image).toMatchObject({ format: 'jpeg', width: 200, height: 150 })
  })

  test('more files than the limit in one request are refused with 413', () => {
    expect(checkFileCount(4, LIMITS)).toBeNull()
    expect(checkFileCount(5, LIMITS)).toEqual({
      ok: false,
      status: 413,
      message: 'You can add at most 4 photos at a time.',
    })
  })
})

describe('media processing', () => {
  let gpsPhoto: Buffer
  let gpsVariants: RenderedVariant[]

  beforeAll(async () => {
    gpsPhoto = await images.photoWithGps({ width: 640, height: 480, orientation: 6, marker: true })
    gpsVariants = await renderVariants(await accept(gpsPhoto))
  })

  test('the photo is described as displayed (orientation applied), with every variant planned', async () => {
    const description = await describeImage(await accept(gpsPhoto))
    expect(description).toMatchObject({ width: 480, height: 640 })
    expect(description.contentHash).toMatch(/^[0-9a-f]{32}$/)
    expect(description.dominantColour).toMatch(/^#[0-9a-f]{6}$/)
    expect(description.variants.map((v) => `${v.key} ${v.width}x${v.height} ${v.contentType}`)).toEqual(
      [
        'thumb.avif 320x427 image/avif',
        'thumb.webp 320x427 image/webp',
        'thumb.jpg 320x427 image/jpeg',
        // Never enlarged: medium and full stay at the photo's own 480 × 640.
        'medium.avif 480x640 image/avif',
        'medium.webp 480x640 image/webp',
        'medium.jpg 480x640 image/jpeg',
        'full.avif 480x640 image/avif',
        'full.webp 480x640 image/webp',
        'full.jpg 480x640 image/jpeg',
      ].map((line) => `m/${description.contentHash}/${line}`),
    )
  })

  test('every variant is the format and size its plan claims', async () => {
    const landscape = await accept(await (await images.photoLike(2400, 1800, 7)).jpeg().toBuffer())
    const tall = await accept(await (await images.photoLike(500, 3000, 8)).png().toBuffer())
    const sizes = async (image: AcceptedImage) => {
      const planned = (await describeImage(image)).variants
      const rendered = await renderVariants(image)
      expect(rendered.map(({ bytes, ...plan }) => plan)).toEqual(planned)
      for (const variant of rendered) {
        const metadata = await sharp(variant.bytes).metadata()
        expect(`${metadata.mediaType}`).toBe(variant.contentType)
        expect([metadata.width, metadata.height]).toEqual([variant.width, variant.height])
      }
      return [...new Set(rendered.map((v) => `${v.name} ${v.width}x${v.height}`))]
    }
    expect(await sizes(landscape)).toEqual(['thumb 320x240', 'medium 960x720', 'full 2048x1536'])
    // Heights are capped too, so a tall image gets narrower rather than becoming a long strip.
    expect(await sizes(tall)).toEqual(['thumb 107x640', 'medium 320x1920', 'full 341x2048'])
  })

  test('a 12 MP phone photo is accepted and described in well under a second', async () => {
    const image = await accept(await images.twelveMegapixelPhoto())
    expect(image).toMatchObject({ format: 'jpeg', width: 3024, height: 4032 })
    const started = performance.now()
    const description = await describeImage(image)
    expect(performance.now() - started).toBeLessThan(500)
    const full = description.variants.find((v) => v.name === 'full')!
    expect([full.width, full.height]).toEqual([1536, 2048])
  })

  test('no variant carries EXIF, GPS, XMP, IPTC or an ICC profile from the upload', async () => {
    const uploaded = ExifReader.load(gpsPhoto, { expanded: true })
    expect(uploaded.gps?.Latitude).toBeCloseTo(images.GPS.latitude, 3)
    expect(gpsVariants).toHaveLength(9)
    for (const variant of gpsVariants) {
      const metadata = await sharp(variant.bytes).metadata()
      expect(metadata.exif).toBeUndefined()
      expect(metadata.xmp).toBeUndefined()
      expect(metadata.iptc).toBeUndefined()
      expect(metadata.icc).toBeUndefined()
      expect(metadata.orientation).toBeUndefined()
      const tags = ExifReader.load(Buffer.from(variant.bytes), { expanded: true })
      expect(Object.keys(tags)).toEqual(['file'])
      for (const text of [images.GPS.make, images.GPS.model, 'adobe:ns:meta', 'Exif\0\0']) {
        expect(contains(variant.bytes, text)).toBe(false)
      }
    }
  })

  test('the EXIF orientation is applied to the pixels: the stored top-left shows at the top right', async () => {
    const medium = gpsVariants.find((v) => v.name === 'medium' && v.format === 'webp')!
    expect([medium.width, medium.height]).toEqual([480, 640])
    const isMarkerRed = ([red, green, blue]: [number, number, number]) => red > 200 && green + blue < 60
    expect(isMarkerRed(await pixelAt(medium.bytes, 360, 160))).toBe(true)
    for (const [x, y] of [[120, 160], [120, 480], [360, 480]] as const) {
      expect(isMarkerRed(await pixelAt(medium.bytes, x, y))).toBe(false)
    }
  })

  test('a Display P3 photo is converted to sRGB and a transparent one is flattened onto white', async () => {
    const p3 = (await renderVariants(await accept(await images.displayP3Jpeg()))).find((v) => v.format === 'jpeg')!
    const stored = await pixelAt(await sharp(await images.displayP3Jpeg(), { ignoreIcc: true }).png().toBuffer(), 0, 0)
    const shown = await pixelAt(p3.bytes, 10, 10)
    // The sRGB colour the test image was made from is #20c040; its P3 numbers are far from it.
    expect(Math.abs(stored[0] - 0x20)).toBeGreaterThan(40)
    for (const [channel, expected] of [0x20, 0xc0, 0x40].entries()) {
      expect(Math.abs(shown[channel]! - expected)).toBeLessThanOrEqual(10)
    }

    const transparent = (await renderVariants(await accept(await images.transparentPng()))).find(
      (v) => v.format === 'webp',
    )!
    expect(await pixelAt(transparent.bytes, 5, 5)).toEqual([255, 255, 255])
  })

  test('a 16-bit greyscale PNG comes out as 8-bit sRGB', async () => {
    for (const variant of await renderVariants(await accept(await images.sixteenBitGreyPng()))) {
      const metadata = await sharp(variant.bytes).metadata()
      expect([metadata.space, metadata.depth, metadata.channels]).toEqual(['srgb', 'uchar', 3])
    }
  })

  test('a polyglot (JPEG + HTML + zip) is taken as its photo and nothing appended survives', async () => {
    const polyglot = await images.polyglotJpeg()
    expect(contains(polyglot, images.POLYGLOT_PAYLOAD)).toBe(true)
    const variants = await renderVariants(await accept(polyglot))
    for (const variant of variants) {
      for (const text of [images.POLYGLOT_PAYLOAD, '<script', '<html', 'PK\x03\x04']) {
        expect(contains(variant.bytes, text)).toBe(false)
      }
    }
  })

  test('the placeholder is a tiny inline WebP shaped like the photo', async () => {
    const photos = [
      await images.twelveMegapixelPhoto(),
      gpsPhoto,
      await images.pngPhoto(),
      await (await images.photoLike(500, 3000, 8)).png().toBuffer(),
    ]
    for (const photo of photos) {
      const image = await accept(photo)
      const { placeholder } = await describeImage(image)
      expect(placeholder).toStartWith('data:image/webp;base64,')
      expect(placeholder.length).toBeLessThanOrEqual(300)
      const webp = Buffer.from(placeholder.slice('data:image/webp;base64,'.length), 'base64')
      const { width, height } = await sharp(webp).metadata()
      expect(Math.max(width, height)).toBe(16)
      expect(Math.abs(width / height - image.width / image.height)).toBeLessThan(0.2)
    }
  })

  test('the dominant colour of a flat photo is that colour', async () => {
    const orange = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#e07020' } })
      .jpeg()
      .toBuffer()
    const { dominantColour } = await describeImage(await accept(orange))
    const channels = [1, 3, 5].map((at) => Number.parseInt(dominantColour.slice(at, at + 2), 16))
    for (const [channel, expected] of [0xe0, 0x70, 0x20].entries()) {
      expect(Math.abs(channels[channel]! - expected)).toBeLessThanOrEqual(8)
    }
  })

  test('the perceptual hash stays close for the same photo re-encoded and is far for different photos', async () => {
    const photo = await images.photoLike(800, 600, 11)
    const original = await photo.clone().jpeg({ quality: 92 }).toBuffer()
    const reencoded = await photo.clone().resize(600).webp({ quality: 55 }).toBuffer()
    const recompressed = await photo.clone().jpeg({ quality: 40 }).toBuffer()
    const hashOf = async (bytes: Uint8Array) => (await describeImage(await accept(bytes))).perceptualHash

    const originalHash = await hashOf(original)
    expect(originalHash).toMatch(/^[0-9a-f]{16}$/)
    expect(await hashOf(original)).toBe(originalHash)
    expect(hammingDistance(originalHash, await hashOf(reencoded))).toBeLessThanOrEqual(6)
    expect(hammingDistance(originalHash, await hashOf(recompressed))).toBeLessThanOrEqual(6)

    for (const seed of [12, 13, 14]) {
      const other = await (await images.photoLike(800, 600, seed)).jpeg().toBuffer()
      expect(hammingDistance(originalHash, await hashOf(other))).toBeGreaterThanOrEqual(16)
    }
  })

  test('hamming distance counts the differing bits of two hashes', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0)
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64)
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2)
  })

  test('the same upload always gets the same keys; a different one gets others', async () => {
    const photo = await images.pngPhoto()
    const first = await describeImage(await accept(photo))
    const again = await describeImage(await accept(Buffer.from(photo)))
    const other = await describeImage(await accept(await images.pngPhoto(99)))
    expect(again.variants.map((v) => v.key)).toEqual(first.variants.map((v) => v.key))
    expect(other.contentHash).not.toBe(first.contentHash)
    // What a delete removes is exactly what was planned (and so stored), found from the hash alone.
    expect(variantKeys(first.contentHash)).toEqual(first.variants.map((v) => v.key))
  })

  test('processing in one decode gives the same plan and variants as describing and rendering apart', async () => {
    const image = await accept(await images.photoWithGps({ width: 800, height: 600, seed: 7 }))
    const [apart, together] = [await describeImage(image), await processImage(image)]
    expect(hammingDistance(together.description.perceptualHash, apart.perceptualHash)).toBeLessThanOrEqual(4)
    const same = ({ contentHash, width, height, variants }: typeof apart) => ({ contentHash, width, height, variants })
    expect(same(together.description)).toEqual(same(apart))
    expect(together.description.placeholder).toStartWith('data:image/webp;base64,')
    const rendered = await renderVariants(image)
    expect(together.variants.map(({ bytes: _, ...variant }) => variant)).toEqual(rendered.map(({ bytes: _, ...variant }) => variant))
  })
})
