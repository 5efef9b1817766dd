/**
 * Intake: decides whether the bytes of one uploaded file are a photo we will take, before anything is
 * stored. The type comes only from the bytes (magic numbers, then sharp's metadata), never from the
 * file name or the Content-Type the browser sent, both of which the uploader controls.
 *
 * Polyglot files (a JPEG with a zip or HTML appended, say) are accepted as the photo they decode to:
 * the original is never stored or served, and every variant is re-encoded from decoded pixels, so
 * whatever rides along is dropped (tests/integration/media-process.test.ts checks the variants).
 *
 * @example
 * const result = await checkUpload(bytes, config)
 * if (!result.ok) return invalid(set, result.status, result.message)
 * const description = await describeImage(result.image)
 */
import sharp, { type FailOnOptions, type Metadata, type SharpOptions } from 'sharp'
import type { Config } from '@/config'

export type IntakeLimits = Pick<Config, 'mediaMaxBytes' | 'mediaMaxPixels' | 'mediaMaxFiles'>

/** What an accepted upload was. `heic` only where the installed libvips can decode HEVC. */
export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'heic'

export interface AcceptedImage {
  bytes: Uint8Array
  format: PhotoFormat
  /** Pixels across as the photo is displayed, i.e. after its EXIF orientation is applied. */
  width: number
  /** Pixels down as displayed. */
  height: number
}

export interface IntakeRejection {
  ok: false
  /** 413: too large a file, or too many; 415: not a kind of image we take; 422: empty, damaged or too many pixels. */
  status: 413 | 415 | 422
  /** A sentence for the person who uploaded, shown beside the form field. */
  message: string
}

export type IntakeResult = { ok: true; image: AcceptedImage } | IntakeRejection

// 'warning' (sharp's default) also refuses photos with harmless decoder warnings that some cameras
// and editors produce; 'error' still refuses truncated and corrupt data, which is what we must catch.
const FAIL_ON: FailOnOptions = 'error'

// Decoding to a thumbnail still reads every byte of compressed data (JPEG shrink-on-load only skips
// the inverse DCT), so truncation and corruption surface, at about a quarter of a full decode's cost.
const VERIFY_DECODE_SIZE = 64

const TAKEN = 'JPEG, PNG, WebP or AVIF'

const MESSAGES = {
  empty: 'The file is empty: please choose the photo again.',
  damaged: 'This photo seems damaged or incomplete: please try another copy of it.',
  notAPhoto: `This file isn't a photo we can read: please choose a ${TAKEN} image.`,
  svg: `SVG drawings can't be posted: please choose a photo (${TAKEN}).`,
  gif: `GIF images can't be posted: please choose a still photo (${TAKEN}).`,
  animated: 'Animated images can\'t be posted: please choose a still photo.',
  heic: "HEIC photos can't be read here yet: please export as JPEG.",
} as const

/** Refuses a request carrying more files than `MEDIA_MAX_FILES`; null when the count is fine. */
export function checkFileCount(count: number, limits: Pick<IntakeLimits, 'mediaMaxFiles'>): IntakeRejection | null {
  if (count <= limits.mediaMaxFiles) return null
  const photos = limits.mediaMaxFiles === 1 ? 'photo' : 'photos'
  return reject(413, `You can add at most ${limits.mediaMaxFiles} ${photos} at a time.`)
}

/**
 * Checks one uploaded file, cheapest test first: size, magic number, header (format, frames, pixel
 * count, all read without decoding), then a complete decode under `limitInputPixels`.
 */
export async function checkUpload(
  bytes: Uint8Array,
  limits: Pick<IntakeLimits, 'mediaMaxBytes' | 'mediaMaxPixels'>,
): Promise<IntakeResult> {
  const header = await checkHeader(bytes, limits)
  if (!header.ok) return header
  return (await checkDecodes(header.image)) ?? header
}

/**
 * Every check but the complete decode: size, magic number and header (format, frames, pixel count),
 * none of which decodes a pixel. An image that passes is not yet known to be whole: follow with
 * `checkDecodes` (`checkUpload` does both, one after the other).
 *
 * Split out for a caller that decodes the image anyway (processing, under the same `decodeOptions`):
 * its decode fails wherever `checkDecodes` would, so it runs `checkDecodes` only when that happens,
 * to tell damaged bytes from a fault of its own, and spares a whole photo a second decode.
 */
export async function checkHeader(
  bytes: Uint8Array,
  limits: Pick<IntakeLimits, 'mediaMaxBytes' | 'mediaMaxPixels'>,
): Promise<IntakeResult> {
  if (bytes.length === 0) return reject(422, MESSAGES.empty)
  if (bytes.length > limits.mediaMaxBytes) return reject(413, tooManyBytes(bytes.length, limits.mediaMaxBytes))

  const family = sniffFamily(bytes)
  if (family === 'svg') return reject(415, MESSAGES.svg)
  if (family === 'gif') return reject(415, MESSAGES.gif)
  if (family === null) return reject(415, MESSAGES.notAPhoto)

  const header = await readHeader(bytes)
  if (!header) return reject(422, MESSAGES.damaged)
  const format = photoFormat(family, header)
  if (!format) return reject(415, MESSAGES.notAPhoto)
  if ((header.pages ?? 1) > 1) return reject(415, MESSAGES.animated)
  const pixels = header.width * header.height
  if (pixels > limits.mediaMaxPixels) return reject(422, tooManyPixels(header, limits.mediaMaxPixels))

  const { width, height } = header.autoOrient
  return { ok: true, image: { bytes, format, width, height } }
}

/** The complete decode of an image `checkHeader` passed: null when it decodes whole, else why not. */
export async function checkDecodes(image: AcceptedImage): Promise<IntakeRejection | null> {
  // The header passed the pixel limit, so its own pixel count bounds the decode.
  if (await decodesCompletely(image.bytes, image.width * image.height)) return null
  // Prebuilt sharp reads HEIF containers but has no HEVC decoder; a failing HEIC is most likely that.
  return image.format === 'heic' ? reject(415, MESSAGES.heic) : reject(422, MESSAGES.damaged)
}

/**
 * The sharp input options every decode of an upload uses: refuse corrupt data, and never decode
 * more than `maxPixels` (guards the later pipelines too, should a header ever disagree with intake).
 */
export function decodeOptions(maxPixels: number): SharpOptions {
  return { failOn: FAIL_ON, limitInputPixels: maxPixels }
}

type Family = 'jpeg' | 'png' | 'webp' | 'heif' | 'gif' | 'svg'

// ISO-BMFF major brands of still HEIF images: AVIF (AV1) and HEIC (HEVC) variants, and the generic ones.
const HEIF_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'])

/**
 * Which family of file the bytes start like. Only the four photo families ever reach sharp, so
 * untrusted SVG, TIFF or PDF never meet librsvg, libtiff and friends; SVG and GIF are named so the
 * message can say what was wrong.
 */
function sniffFamily(bytes: Uint8Array): Family | null {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end))
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp'
  if (ascii(4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(8, 12))) return 'heif'
  if (ascii(0, 4) === 'GIF8') return 'gif'
  if (looksLikeSvg(bytes)) return 'svg'
  return null
}

// An SVG's root element comes after an optional BOM, XML declaration, comments and doctype.
const SVG_SNIFF_BYTES = 1024

function looksLikeSvg(bytes: Uint8Array): boolean {
  // TextDecoder drops a UTF-8 BOM; trimStart the whitespace before the first tag.
  const head = new TextDecoder().decode(bytes.subarray(0, SVG_SNIFF_BYTES)).trimStart().toLowerCase()
  return head.startsWith('<') && head.includes('<svg')
}

/** The header only: no pixels are decoded, so a bomb's claimed size costs nothing to read. */
async function readHeader(bytes: Uint8Array): Promise<Metadata | null> {
  try {
    // The pixel limit is ours to check (with a clear message) right after this, so none here.
    return await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch {
    return null
  }
}

/** The photo format when sharp agrees with the magic number; null when they disagree. */
function photoFormat(family: Family, header: Metadata): PhotoFormat | null {
  if (family === 'heif' && header.format === 'heif') {
    if (header.compression === 'av1') return 'avif'
    if (header.compression === 'hevc') return 'heic'
    return null
  }
  if (family === header.format && (family === 'jpeg' || family === 'png' || family === 'webp')) return family
  return null
}

async function decodesCompletely(bytes: Uint8Array, maxPixels: number): Promise<boolean> {
  try {
    await sharp(bytes, decodeOptions(maxPixels))
      .resize(VERIFY_DECODE_SIZE, VERIFY_DECODE_SIZE, { fit: 'inside' })
      .raw()
      .toBuffer()
    return true
  } catch {
    return false
  }
}

function reject(status: IntakeRejection['status'], message: string): IntakeRejection {
  return { ok: false, status, message }
}

function tooManyBytes(size: number, limit: number): string {
  return `This photo is ${byteSize(size, Math.ceil)}; the most we take is ${byteSize(limit, Math.floor)}.`
}

function tooManyPixels(header: Metadata, limit: number): string {
  const { width, height } = header.autoOrient
  return (
    `This photo is ${width} × ${height} pixels (${megapixels(width * height, Math.ceil)} megapixels); ` +
    `the most we take is ${megapixels(limit, Math.floor)} megapixels.`
  )
}

type Rounding = (n: number) => number

const MEGABYTE = 1024 * 1024
const KILOBYTE = 1024

// One decimal at most ("15 MB", not "15.0 MB"), whole kilobytes below a megabyte. Sizes round up and
// limits down, so a file just over the limit never reads as equal to it ("15.1 MB; … 15 MB").
function byteSize(bytes: number, round: Rounding): string {
  if (bytes < MEGABYTE) return `${round(bytes / KILOBYTE)} KB`
  return `${round((bytes / MEGABYTE) * 10) / 10} MB`
}

function megapixels(pixels: number, round: Rounding): string {
  return String(round(pixels / 100_000) / 10)
}
