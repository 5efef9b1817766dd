/**
 * How close the media pipeline comes to bare sharp (the floor) on one 12 MP phone photo.
 *
 * The floor is the least sharp code that makes the same nine variants with the same settings: one
 * decode (oriented, flattened, sRGB, resized to `full`), then nine resized clones encoded at once.
 * The pipeline adds intake (`checkUpload`), the description (`describeImage`: hash, placeholder,
 * colour) and its own bookkeeping. Storage and HTTP come in the full upload benchmark.
 *
 *   bun tests/bench/media-floor.ts [--runs N]     (default 5)
 */
import os from 'node:os'
import sharp, { type Sharp } from 'sharp'
import { loadConfig } from '@/config'
import { checkUpload } from '@/features/media/intake'
import {
  configureSharp,
  describeImage,
  ENCODERS,
  encodeOrder,
  FLATTEN_BACKGROUND,
  renderVariants,
  RESIZE_KERNEL,
  VARIANT_BOXES,
  type PlannedVariant,
  type VariantFormat,
} from '@/features/media/process'
import { Semaphore } from '@/shared/semaphore'
import { flag } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'
import { twelveMegapixelPhoto } from '@tests/helpers/images'

const RUNS = Number(flag('--runs') ?? 5)
// The first run pays for libvips start-up and encoder initialisation; neither side should carry it.
const WARM_UP_RUNS = 1
const FORMATS: readonly VariantFormat[] = ['avif', 'webp', 'jpeg']

/**
 * Bare sharp: the same nine variants, with no intake, description or planning. `formats` narrows it
 * (the upload benchmark compares JPEG and WebP alone with the vips CLI). Call `configureSharp()`
 * first, as the app does, so both sides run with the same sharp settings.
 */
export async function floor(photo: Buffer, formats: readonly VariantFormat[] = FORMATS): Promise<Buffer[]> {
  const { data, info } = await sharp(photo)
    .autoOrient()
    .flatten({ background: FLATTEN_BACKGROUND })
    .resize({ ...VARIANT_BOXES.full, fit: 'inside', withoutEnlargement: true, kernel: RESIZE_KERNEL })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  const full = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
  const variants = Object.values(VARIANT_BOXES).flatMap((box) => formats.map((format) => ({ box, format })))
  // Costliest first and one per core, as the pipeline schedules them: the floor should be the least
  // code, not a worse schedule (plan order is ~10% slower on 2 cores, and holds more encoders at once).
  const order = encodeOrder(variants.map(({ box, format }) => ({ ...box, format }) as PlannedVariant))
  const cores = new Semaphore(Math.max(1, os.availableParallelism()))
  return Promise.all(
    order.map((index) =>
      cores.run(() => {
        const { box, format } = variants[index]!
        const resized = full.clone().resize({ ...box, fit: 'inside', withoutEnlargement: true, kernel: RESIZE_KERNEL })
        return encodeAs(resized, format).toBuffer()
      }),
    ),
  )
}

function encodeAs(image: Sharp, format: VariantFormat): Sharp {
  switch (format) {
    case 'avif':
      return image.avif(ENCODERS.avif)
    case 'webp':
      return image.webp(ENCODERS.webp)
    case 'jpeg':
      return image.jpeg(ENCODERS.jpeg)
  }
}

interface PipelineTimes {
  intake: number
  describe: number
  render: number
  total: number
}

async function pipeline(photo: Buffer, limits: Parameters<typeof checkUpload>[1]): Promise<PipelineTimes> {
  const started = performance.now()
  const result = await checkUpload(photo, limits)
  if (!result.ok) throw new Error(`the benchmark photo was refused: ${result.message}`)
  const accepted = performance.now()
  await describeImage(result.image)
  const described = performance.now()
  await renderVariants(result.image)
  const rendered = performance.now()
  return {
    intake: accepted - started,
    describe: described - accepted,
    render: rendered - described,
    total: rendered - started,
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const ms = (value: number) => `${Math.round(value).toString().padStart(6)} ms`

if (import.meta.main) await main()

async function main(): Promise<void> {
  configureSharp()
  const config = loadConfig({})
  const photo = await twelveMegapixelPhoto()
  const { width, height } = await sharp(photo).metadata()
  console.log(
    `${width} × ${height} JPEG (${(photo.length / 1024 / 1024).toFixed(1)} MB), ` +
      `${os.availableParallelism()} cores, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, ` +
      `median of ${RUNS} runs after ${WARM_UP_RUNS} warm-up`,
  )

  for (let run = 0; run < WARM_UP_RUNS; run++) {
    await floor(photo)
    await pipeline(photo, config)
  }
  const floors: number[] = []
  const runs: PipelineTimes[] = []
  // Alternate the two so drift (thermal, other load) falls on both alike.
  for (let run = 0; run < RUNS; run++) {
    floors.push(await timed(() => floor(photo)))
    runs.push(await pipeline(photo, config))
  }

  const floorMs = median(floors)
  const totalMs = median(runs.map((run) => run.total))
  recordFigures({ 'floor-ms': floorMs, 'pipeline-ms': totalMs, 'pipeline-over-floor': totalMs / floorMs })
  console.log(`floor: bare sharp, 9 variants     ${ms(floorMs)}`)
  console.log(`pipeline: checkUpload             ${ms(median(runs.map((run) => run.intake)))}`)
  console.log(`          describeImage           ${ms(median(runs.map((run) => run.describe)))}   (the request's part)`)
  console.log(`          renderVariants          ${ms(median(runs.map((run) => run.render)))}   (the queue job)`)
  console.log(`          total                   ${ms(totalMs)}`)
  console.log(`ratio pipeline / floor            ${(totalMs / floorMs).toFixed(2)}`)

  const accepted = await checkUpload(photo, config)
  if (!accepted.ok) throw new Error(`the benchmark photo was refused: ${accepted.message}`)
  const variants = await renderVariants(accepted.image)
  const kilobytes = (bytes: Uint8Array) => (bytes.length / 1024).toFixed(0)
  const table = variants.map((v) => `${v.name}.${v.format} ${v.width}×${v.height} ${kilobytes(v.bytes)} KB`)
  console.log(`variants: ${table.join(', ')}`)
  const medium = variants.find((v) => v.name === 'medium' && v.format === 'webp')!
  console.log(
    `medium WebP ${kilobytes(medium.bytes)} KB vs original ${kilobytes(photo)} KB ` +
      `(${((100 * medium.bytes.length) / photo.length).toFixed(1)}%)`,
  )
}
