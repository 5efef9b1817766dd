/**
 * Test images, made at run time with sharp (and, for what sharp refuses to write, by hand), so no
 * binary fixtures live in the repository except one 490-byte HEIC.
 *
 * "Photo-like" images are smooth colour fields with fine grain, seeded so every run makes the same
 * pixels: encoders work on them about as hard as on a real photo, unlike flat colour.
 */
import zlib from 'node:zlib'
import sharp, { type Sharp } from 'sharp'

/** Written into EXIF and XMP of `photoWithGps`; no variant may contain any of it. */
export const GPS = { latitude: 51.503428, longitude: -0.1275, make: 'Whiskers', model: 'CatCam 9' } as const

/** Appended to `polyglotJpeg`; must not survive into any variant. */
export const POLYGLOT_PAYLOAD = 'NINE-LIVES-POLYGLOT-PAYLOAD'

// Coarse random colours stretched over the photo make soft shapes; grain is the sensor noise on top.
const COARSE_CELLS = { width: 24, height: 18 }
const GRAIN_AMPLITUDE = 24

/** mulberry32: a tiny seeded PRNG, so the same seed gives the same picture on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A photo-like RGB image as a sharp pipeline; different seeds give unrelated pictures. */
export async function photoLike(width: number, height: number, seed = 1): Promise<Sharp> {
  const random = seededRandom(seed)
  const coarse = Buffer.alloc(COARSE_CELLS.width * COARSE_CELLS.height * 3)
  for (let i = 0; i < coarse.length; i++) coarse[i] = Math.floor(random() * 256)
  const pixels = await sharp(coarse, { raw: { ...COARSE_CELLS, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer()
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.min(255, Math.max(0, pixels[i]! + Math.floor((random() - 0.5) * GRAIN_AMPLITUDE)))
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
}

/** Degrees, minutes, seconds as the EXIF rationals sharp writes ("51/1 30/1 1234/100"). */
function exifDegrees(value: number): string {
  const degrees = Math.floor(Math.abs(value))
  const minutes = Math.floor((Math.abs(value) - degrees) * 60)
  const hundredthsOfSeconds = Math.round(((Math.abs(value) - degrees) * 60 - minutes) * 60 * 100)
  return `${degrees}/1 ${minutes}/1 ${hundredthsOfSeconds}/100`
}

const XMP_WITH_GPS =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/"' +
  ' exif:GPSLatitude="51,30.2056N" exif:GPSLongitude="0,7.65W"/>' +
  '</rdf:RDF></x:xmpmeta>'

/**
 * A JPEG as a phone writes it: camera make and model, GPS position (EXIF and XMP) and an EXIF
 * orientation. With orientation 6 the stored pixels lie on their side and must be turned 90°
 * clockwise to display; `marker` paints the stored top-left quarter red so tests can see the turn.
 */
export async function photoWithGps(
  options: { width?: number; height?: number; orientation?: number; seed?: number; marker?: boolean } = {},
): Promise<Buffer> {
  const { width = 640, height = 480, orientation = 6, seed = 1, marker = false } = options
  let photo = await photoLike(width, height, seed)
  if (marker) {
    const red = await sharp({
      create: { width: width / 2, height: height / 2, channels: 3, background: '#ff0000' },
    })
      .png()
      .toBuffer()
    photo = sharp(await photo.composite([{ input: red, left: 0, top: 0 }]).png().toBuffer())
  }
  return photo
    .withExif({
      IFD0: { Make: GPS.make, Model: GPS.model },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: exifDegrees(GPS.latitude),
        GPSLongitudeRef: 'W',
        GPSLongitude: exifDegrees(GPS.longitude),
      },
    })
    .withMetadata({ orientation })
    .withXmp(XMP_WITH_GPS)
    .jpeg({ quality: 90 })
    .toBuffer()
}

let twelveMegapixels: Promise<Buffer> | undefined

/** 4032 × 3024, as a 12 MP phone camera takes them, with GPS and orientation 6. Made once per run (~0.6 s). */
export function twelveMegapixelPhoto(): Promise<Buffer> {
  twelveMegapixels ??= photoWithGps({ width: 4032, height: 3024, orientation: 6 })
  return twelveMegapixels
}

export async function pngPhoto(seed = 2): Promise<Buffer> {
  return (await photoLike(400, 300, seed)).png().toBuffer()
}

export async function webpPhoto(seed = 3): Promise<Buffer> {
  return (await photoLike(400, 300, seed)).webp().toBuffer()
}

export async function avifPhoto(seed = 4): Promise<Buffer> {
  return (await photoLike(400, 300, seed)).avif({ effort: 2 }).toBuffer()
}

/** A half-transparent PNG: variants are flattened onto white. */
export async function transparentPng(): Promise<Buffer> {
  return sharp({ create: { width: 80, height: 60, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .png()
    .toBuffer()
}

/** A 16-bit greyscale PNG (scanners and editors write them): variants come out 8-bit sRGB. */
export async function sixteenBitGreyPng(): Promise<Buffer> {
  return (await photoLike(120, 90, 5)).greyscale().toColourspace('grey16').png().toBuffer()
}

/** A photo tagged with the Display P3 profile, as iPhones take them: variants are converted to sRGB. */
export async function displayP3Jpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#20c040' } })
    .withIccProfile('p3')
    .jpeg()
    .toBuffer()
}

async function frame(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 32, channels: 4, background: colour } }).png().toBuffer()
}

export async function animatedWebp(): Promise<Buffer> {
  return sharp([await frame('red'), await frame('blue')], { join: { animated: true } }).webp({ loop: 0 }).toBuffer()
}

export async function animatedGif(): Promise<Buffer> {
  return sharp([await frame('red'), await frame('blue')], { join: { animated: true } }).gif({ loop: 0 }).toBuffer()
}

export async function tiffPhoto(): Promise<Buffer> {
  return (await photoLike(64, 48)).tiff().toBuffer()
}

/** The first half of a JPEG: its header is intact, its pixels end half way. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await (await photoLike(400, 300)).jpeg().toBuffer()
  return whole.subarray(0, whole.length >> 1)
}

export function emptyFile(): Uint8Array {
  return new Uint8Array()
}

/** A JPEG whose name and Content-Type claim PNG: only the bytes count. */
export async function jpegNamedPng(): Promise<File> {
  const jpeg = await (await photoLike(200, 150)).jpeg().toBuffer()
  return new File([new Uint8Array(jpeg)], 'whiskers.png', { type: 'image/png' })
}

/** A 1-bit greyscale PNG signature, header and end, from which `pngBomb` is built. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const PNG_GREYSCALE = 0
const ONE_BIT = 1

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(zlib.crc32(typeAndData))
  return Buffer.concat([length, typeAndData, crc])
}

/**
 * A decompression bomb: a ~110 KB PNG that claims 30000 × 30000 pixels (900 MP) of black, which would
 * take 900 MB to 3.6 GB of memory to decode. Written by hand because sharp rightly refuses to make it.
 */
export function pngBomb(width = 30_000, height = 30_000): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = ONE_BIT
  header[9] = PNG_GREYSCALE
  // Each row is a filter-type byte then one bit per pixel, all zero: deflate squeezes ~1000:1.
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height)
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

export function svgWithScript(): Uint8Array {
  return new TextEncoder().encode(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">' +
      '<script>fetch("/settings",{method:"POST"})</script><rect width="200" height="200" fill="orange"/></svg>',
  )
}

/**
 * A valid JPEG with an HTML page and a zip archive appended: image viewers show the photo, browsers
 * sniffing HTML or unzip tools find the payload.
 */
export async function polyglotJpeg(): Promise<Buffer> {
  const jpeg = await (await photoLike(400, 300, 6)).jpeg().toBuffer()
  const html = `<html><body><script>alert("${POLYGLOT_PAYLOAD}")</script></body></html>`
  // A stored (uncompressed) zip entry: local header "PK\x03\x04", then the file name and contents in the clear.
  const zipEntry = Buffer.concat([
    Buffer.from('PK\x03\x04', 'latin1'),
    Buffer.alloc(22),
    Buffer.from(`payload.txt${POLYGLOT_PAYLOAD}`, 'latin1'),
  ])
  return Buffer.concat([jpeg, Buffer.from(html, 'latin1'), zipEntry])
}

/**
 * A real 64 × 48 HEIC (HEVC in HEIF, as iPhones save photos), made once with libheif's `heif-enc`
 * (x265): sharp can't write HEVC, and prebuilt sharp can't decode it either, which is what tests check.
 */
export function heicPhoto(): Buffer {
  return Buffer.from(HEIC_64X48_BASE64, 'base64')
}

const HEIC_64X48_BASE64 =
  'AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAa1tZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAACAAAAEGlkYXQAAAAAAEAAMAAAADhpbG9jAQAAAERAAAIAAQAAAAAAAAHRAAEAAAAAAAAAGQACAAEAAAAAAAAAAQAAAAAAAAAIAAAAOGlpbmYAAAAAAAIAAAAVaW5mZQIAAAEAAQAAaHZjMQAAAAAVaW5mZQIAAAAAAgAAZ3JpZAAAAADYaXBycAAAALZpcGNvAAAAdmh2Y0MBA3AAAAAAAAAAAAAe8AD8/fj4AAAPAyAAAQAYQAEMAf//A3AAAAMAkAAAAwAAAwAeugJAIQABACpCAQEDcAAAAwCQAAADAAADAB6gIIEFlurkprm4EBAwIAAAAwAgAAADACEiAAEABkQBwXPAiQAAABRpc3BlAAAAAAAAAEAAAABAAAAAFGlzcGUAAAAAAAAAQAAAADAAAAAQcGl4aQAAAAADCAgIAAAAGmlwbWEAAAAAAAAAAgABAoECAAICA4QAAAAaaXJlZgAAAAAAAAAOZGltZwACAAEAAQAAACFtZGF0AAAAFSgBrxmA70mlv/41n/mR6/zutaY+bg=='
