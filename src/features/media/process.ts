/**
 * Processing an accepted photo with sharp, in two parts so an upload can answer before the heavy work:
 *
 * - `describeImage` (tens of milliseconds; run in the request): size, dominant colour, a tiny inline
 *   placeholder, a perceptual hash, and the plan of every variant with its key and exact size, so the
 *   page can lay the photo out and show the placeholder before any variant exists.
 * - `renderVariants` (about a second for a 12 MP photo on 2 cores; run by a queue job): every
 *   variant's bytes, at exactly the planned sizes.
 *
 * `processImage` does both from one decode, for uploads processed in the request (what the media
 * service does today, a few at a time per instance).
 *
 * Every output is auto-oriented, converted to sRGB, flattened onto white and carries no metadata at
 * all (no EXIF, GPS, XMP, IPTC or ICC): sharp writes none unless asked with `withMetadata` and
 * friends, which this module never calls. The original upload is never kept, so nothing it carried
 * (camera data, GPS, a payload appended to the file) reaches anyone.
 *
 * Keys are content-addressed: `m/<first 32 hex of the upload's SHA-256>/<variant>.<ext>`.
 *
 * @example
 * const description = await describeImage(image)        // in the request: store it with the media row
 * // … later, in a queue job that has the same bytes and ran them through checkUpload again:
 * for (const variant of await renderVariants(image)) await blobs.put(variant.key, variant.bytes, variant.contentType)
 */
import { createHash } from 'node:crypto'
import os from 'node:os'
import sharp, { type AvifOptions, type JpegOptions, type KernelEnum, type Sharp, type WebpOptions } from 'sharp'
import { decodeOptions, type AcceptedImage } from '@/features/media/intake'
import { mediaProcessing, timer } from '@/infra/metrics'
import { tuneMallocForImages } from '@/infra/native-memory'
import { Semaphore } from '@/shared/semaphore'

export type VariantName = 'thumb' | 'medium' | 'full'
export type VariantFormat = 'avif' | 'webp' | 'jpeg'

export interface Size {
  width: number
  height: number
}

export interface PlannedVariant extends Size {
  name: VariantName
  format: VariantFormat
  /** Where the variant is stored (`Blobs.put`) and served from (`Blobs.url`). */
  key: string
  contentType: string
}

export interface RenderedVariant extends PlannedVariant {
  bytes: Uint8Array
}

export interface ImageDescription extends Size {
  /** First 32 hex digits of the SHA-256 of the uploaded bytes: names the variants' folder. */
  contentHash: string
  /** The most common colour, `#rrggbb`: a background while even the placeholder loads. */
  dominantColour: string
  /** A blurred preview at most 16 px across, as a `data:image/webp;base64,…` URI of at most ~300 bytes. */
  placeholder: string
  /** 64-bit difference hash (dHash) as 16 hex digits: see `perceptualHashOf`. Compare with `hammingDistance`. */
  perceptualHash: string
  /** Every variant `renderVariants` will produce, smallest first. */
  variants: PlannedVariant[]
}

/**
 * The box each variant fits inside, never enlarged. Widths are what `srcset` offers; heights are
 * capped at twice the width (thumb, medium) so a very tall image gets narrower instead of becoming a
 * 320 × 6000 strip. Each box fits inside the next, so all are resized from the `full` pixels.
 */
export const VARIANT_BOXES: Readonly<Record<VariantName, Size>> = {
  // Grid tiles and small cards: 160 CSS px at 2× density.
  thumb: { width: 320, height: 640 },
  // A phone's full width at 2–3× (360–480 CSS px) and a desktop feed column at 1×.
  medium: { width: 960, height: 1920 },
  // The photo opened on its own; beyond 2048 px the bytes grow faster than what a phone or laptop shows.
  full: { width: 2048, height: 2048 },
}

const VARIANT_NAMES: readonly VariantName[] = ['thumb', 'medium', 'full']

const FORMATS: Readonly<Record<VariantFormat, { extension: string; contentType: string }>> = {
  avif: { extension: 'avif', contentType: 'image/avif' },
  webp: { extension: 'webp', contentType: 'image/webp' },
  jpeg: { extension: 'jpg', contentType: 'image/jpeg' },
}

/** Order of `<source>` preference: smallest files first, JPEG as the fallback every browser reads. */
const VARIANT_FORMATS: readonly VariantFormat[] = ['avif', 'webp', 'jpeg']

/** Encoder settings per format; exported for the benchmark's bare-sharp floor (tests/bench/media-floor.ts). */
export const ENCODERS: { readonly avif: AvifOptions; readonly webp: WebpOptions; readonly jpeg: JpegOptions } = {
  // Effort 3 of 0–9: the full variant in under a second, far smaller than effort 2; sharp's default 4
  // takes about four times as long for a little less. Quality 50 (sharp's default) is about JPEG 80 to
  // the eye. 4:2:0 chroma, as in every JPEG and WebP variant: much less memory and time than sharp's
  // AVIF default of 4:4:4, for a difference no one sees in a photo.
  avif: { quality: 50, effort: 3, chromaSubsampling: '4:2:0' },
  // Effort 4 (sharp's default) costs a few hundred ms at 2048 px; 5–6 save little for a lot more time.
  webp: { quality: 75, effort: 4 },
  // Only the fallback for old browsers; mozjpeg (trellis quantisation, progressive) makes it ~35%
  // smaller than plain libjpeg at the same quality in about the same time.
  jpeg: { quality: 78, mozjpeg: true },
}

// Lanczos-3 is the sharpest of sharp's kernels for downscaling photos (and its default): fur stays fur.
export const RESIZE_KERNEL: keyof KernelEnum = 'lanczos3'

// JPEG cannot hold transparency and the three formats must look alike, so every output is flattened
// onto the white that pages show photos on.
export const FLATTEN_BACKGROUND = '#ffffff'

// Enough pixels for a 16 px placeholder, a 9 × 8 hash and a colour histogram; JPEG shrink-on-load
// decodes a 12 MP photo at 1/8 scale for this, so describing costs a fraction of a full decode.
const PREVIEW_BOX = 64

// The placeholder fits a 16 px square: a 4:3 photo gives 16 × 12. The browser stretches it over the
// photo's box; a light blur keeps that smooth rather than blocky. At quality 40 it is ~100 bytes, a
// data URI of ~160 characters: small enough to inline in every feed item (tests hold it under 300).
const PLACEHOLDER_BOX = 16
const PLACEHOLDER_BLUR_SIGMA = 0.6
const PLACEHOLDER_WEBP: WebpOptions = { quality: 40, effort: 6 }

// dHash compares each pixel with its right-hand neighbour on a 9 × 8 greyscale thumbnail: 8 × 8 = 64 bits.
const DHASH_WIDTH = 9
const DHASH_HEIGHT = 8

// 128 bits of SHA-256 are plenty to name uploads without collisions and keep URLs short.
const CONTENT_HASH_HEX_DIGITS = 32
// All variants under one short prefix, so lifecycle rules, CDN routes and orphan sweeps can scope to it.
const KEY_PREFIX = 'm'

/**
 * Process-wide sharp settings, applied once at start (the media service does it; the benchmark's
 * floor too, so both measure the same thing):
 *
 * - no libvips operation cache: every upload is new bytes, so the cache (up to 50 MB by default)
 *   would only hold memory that no later request reuses;
 * - one libvips thread per image: `renderVariants` already runs one encode per core, which keeps
 *   the cores busy; more threads per image only multiply buffers (and glibc's fragmentation, the
 *   reason sharp itself picks 1 there);
 * - glibc's malloc tuned for big pixel buffers (src/infra/native-memory.ts), so freed image memory
 *   goes back to the kernel instead of fragmenting its heaps.
 */
export function configureSharp(): void {
  tuneMallocForImages()
  sharp.cache(false)
  sharp.concurrency(SHARP_THREADS_PER_IMAGE)
}

const SHARP_THREADS_PER_IMAGE = 1

/** The first 32 hex digits of the SHA-256 of `bytes`: the same upload always gets the same keys. */
export function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, CONTENT_HASH_HEX_DIGITS)
}

/** Every key an upload's variants are stored under: what to delete when its last use goes. */
export function variantKeys(contentHash: string): string[] {
  return VARIANT_NAMES.flatMap((name) => VARIANT_FORMATS.map((format) => variantKey(contentHash, name, format)))
}

/** Where one variant of an upload is stored, e.g. `m/3f2a…/medium.webp`. */
function variantKey(contentHash: string, name: VariantName, format: VariantFormat): string {
  return `${KEY_PREFIX}/${contentHash}/${name}.${FORMATS[format].extension}`
}

/** Every variant of a photo of this displayed size, with its exact dimensions: what `renderVariants` makes. */
export function planVariants(photo: Size & { contentHash: string }): PlannedVariant[] {
  return VARIANT_NAMES.flatMap((name) => {
    const size = fitInside(photo, VARIANT_BOXES[name])
    return VARIANT_FORMATS.map((format) => ({
      name,
      format,
      ...size,
      key: variantKey(photo.contentHash, name, format),
      contentType: FORMATS[format].contentType,
    }))
  })
}

/** The fast part: what the page needs before any variant exists. */
export async function describeImage(image: AcceptedImage): Promise<ImageDescription> {
  const preview = await decodeOriented(image, previewSize(image))
  return describeFrom(image, contentHashOf(image.bytes), preview)
}

export interface ProcessOptions {
  /** `contentHashOf(image.bytes)`, when the caller has it already. */
  contentHash?: string
  /** Told of each variant as soon as it is encoded, so it can be stored while the rest encode. */
  onVariant?: (variant: RenderedVariant) => void
}

/**
 * Both parts from a single decode, for an upload processed in the request: the preview is scaled
 * from the decoded `full` pixels instead of decoding the upload a second time (which costs ~40 ms
 * of CPU for a 12 MP JPEG, while the encodes already keep every core busy). The description can
 * differ from `describeImage`'s in the last bits of colour; the perceptual hash by a bit or two at
 * most, far inside any matching threshold.
 */
export async function processImage(
  image: AcceptedImage,
  { contentHash = contentHashOf(image.bytes), onVariant }: ProcessOptions = {},
): Promise<{ description: ImageDescription; variants: RenderedVariant[] }> {
  const timed = timer(mediaProcessing)
  try {
    const full = await decodeFull(image)
    const [description, variants] = await Promise.all([
      scaled(full, previewSize(image)).then((preview) => describeFrom(image, contentHash, preview)),
      encodeAll(planVariants({ contentHash, width: image.width, height: image.height }), full, onVariant),
    ])
    timed({ outcome: 'ok' })
    return { description, variants }
  } catch (error) {
    timed({ outcome: 'failed' })
    throw error
  }
}

function previewSize(image: Size): Size {
  return fitInside(image, { width: PREVIEW_BOX, height: PREVIEW_BOX })
}

async function describeFrom(image: AcceptedImage, contentHash: string, preview: Sharp): Promise<ImageDescription> {
  const [dominantColour, placeholder, perceptualHash] = await Promise.all([
    dominantColourOf(preview),
    placeholderOf(preview),
    perceptualHashOf(preview),
  ])
  return {
    contentHash,
    width: image.width,
    height: image.height,
    dominantColour,
    placeholder,
    perceptualHash,
    variants: planVariants({ contentHash, width: image.width, height: image.height }),
  }
}

/**
 * The heavy part: decodes the upload once into `full`-sized, oriented sRGB pixels, then encodes
 * every planned variant from clones of those pixels, biggest first, as many at once as there are
 * cores (see `heavyWork`). Returns the variants in plan order.
 */
export async function renderVariants(image: AcceptedImage): Promise<RenderedVariant[]> {
  const plan = planVariants({ contentHash: contentHashOf(image.bytes), width: image.width, height: image.height })
  return encodeAll(plan, await decodeFull(image))
}

/** The upload decoded to `full` size: the biggest buffers of all, so it takes a heavy-work permit too. */
function decodeFull(image: AcceptedImage): Promise<Sharp> {
  return heavyWork.run(() => decodeOriented(image, fitInside(image, VARIANT_BOXES.full)))
}

async function encodeAll(plan: readonly PlannedVariant[], full: Sharp, onVariant?: (variant: RenderedVariant) => void): Promise<RenderedVariant[]> {
  const rendered = new Array<RenderedVariant>(plan.length)
  await Promise.all(
    encodeOrder(plan).map((index) =>
      heavyWork.run(async () => {
        const variant = plan[index]!
        rendered[index] = { ...variant, bytes: new Uint8Array(await encode(full, variant)) }
        onVariant?.(rendered[index])
      }),
    ),
  )
  return rendered
}

/**
 * Full decodes and encodes running at once in this process, across all uploads: one per core keeps
 * every core busy, and each more would only hold another set of buffers (a 12 MP decode turned
 * upright takes ~50 MB, a 2048 px AVIF encode ~45 MB) without finishing sooner. Process-wide, so
 * however many uploads are in flight, native memory for pixels stays about cores × 50 MB.
 */
const heavyWork = new Semaphore(Math.max(1, os.availableParallelism()))

/** Rough encode cost per pixel, relative to JPEG (measured at 2048 px: AVIF ~4×, WebP ~2×). */
const ENCODE_COST: Readonly<Record<VariantFormat, number>> = { avif: 4, webp: 2, jpeg: 1 }

/**
 * Plan indexes, costliest encode first. The full AVIF alone is about a third of the work; started
 * last, it would leave one core idle while it runs. Longest-first keeps both busy to the end.
 */
export function encodeOrder(plan: readonly PlannedVariant[]): number[] {
  const cost = (variant: PlannedVariant) => variant.width * variant.height * ENCODE_COST[variant.format]
  return plan.map((_, index) => index).sort((a, b) => cost(plan[b]!) - cost(plan[a]!))
}

/** Bits that differ between two perceptual hashes: 0 for the same picture, ~32 for unrelated ones. */
export function hammingDistance(a: string, b: string): number {
  let differing = BigInt(`0x${a}`) ^ BigInt(`0x${b}`)
  let count = 0
  for (; differing > 0n; differing >>= 1n) count += Number(differing & 1n)
  return count
}

/** `size` scaled down to fit inside `box`, keeping its proportions; never enlarged, never below 1 px. */
function fitInside(size: Size, box: Size): Size {
  const scale = Math.min(1, box.width / size.width, box.height / size.height)
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  }
}

/**
 * The one decode of an upload: auto-oriented, flattened, sRGB, resized to exactly `size`, as a sharp
 * pipeline over raw pixels that callers `clone()`. The pixel limit is what intake measured.
 */
async function decodeOriented(image: AcceptedImage, size: Size): Promise<Sharp> {
  const { data, info } = await sharp(image.bytes, decodeOptions(image.width * image.height))
    .autoOrient()
    .flatten({ background: FLATTEN_BACKGROUND })
    .resize(size.width, size.height, { fit: 'fill', kernel: RESIZE_KERNEL })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
}

/** `pixels` (raw, from decodeOriented) resized to exactly `size`, as raw pixels again. */
async function scaled(pixels: Sharp, size: Size): Promise<Sharp> {
  const { data, info } = await pixels
    .clone()
    .resize(size.width, size.height, { fit: 'fill', kernel: RESIZE_KERNEL })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
}

function encode(full: Sharp, variant: PlannedVariant): Promise<Buffer> {
  const resized = full.clone().resize(variant.width, variant.height, { fit: 'fill', kernel: RESIZE_KERNEL })
  switch (variant.format) {
    case 'avif':
      return resized.avif(ENCODERS.avif).toBuffer()
    case 'webp':
      return resized.webp(ENCODERS.webp).toBuffer()
    case 'jpeg':
      return resized.jpeg(ENCODERS.jpeg).toBuffer()
  }
}

async function dominantColourOf(preview: Sharp): Promise<string> {
  const { r, g, b } = (await preview.clone().stats()).dominant
  return `#${[r, g, b].map((channel) => channel.toString(16).padStart(2, '0')).join('')}`
}

async function placeholderOf(preview: Sharp): Promise<string> {
  const webp = await preview
    .clone()
    .resize(PLACEHOLDER_BOX, PLACEHOLDER_BOX, { fit: 'inside', kernel: RESIZE_KERNEL })
    .blur(PLACEHOLDER_BLUR_SIGMA)
    .webp(PLACEHOLDER_WEBP)
    .toBuffer()
  return `data:image/webp;base64,${webp.toString('base64')}`
}

/**
 * dHash (Krawetz, "Kind of Like That"): shrink to 9 × 8 grey pixels, then one bit per pixel pair,
 * set when the left one is brighter. It survives rescaling, re-encoding and small colour changes
 * (a few bits flip) but not crops or rotations; lost/found matching uses it to spot the same photo.
 */
async function perceptualHashOf(preview: Sharp): Promise<string> {
  const grey = await preview
    .clone()
    .greyscale()
    .resize(DHASH_WIDTH, DHASH_HEIGHT, { fit: 'fill', kernel: RESIZE_KERNEL })
    .raw()
    .toBuffer()
  let hash = 0n
  for (let y = 0; y < DHASH_HEIGHT; y++) {
    for (let x = 0; x < DHASH_WIDTH - 1; x++) {
      const left = grey[y * DHASH_WIDTH + x]!
      const right = grey[y * DHASH_WIDTH + x + 1]!
      hash = (hash << 1n) | (left > right ? 1n : 0n)
    }
  }
  return hash.toString(16).padStart(16, '0')
}
