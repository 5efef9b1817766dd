/**
 * The media pipeline, end to end (issue 3's benchmark), in one run:
 *
 * 1. one 12 MP phone photo uploaded through the real form (HTTP multipart, intake, processing, nine
 *    puts to S3, the row, the profile swap, the 303) against the bare-sharp floor making the same
 *    nine variants in this process (tests/bench/media-floor.ts); target ratio ≤ 1.15;
 * 2. for JPEG and WebP only, the same six variants with sharp and with Debian's `vips` CLI
 *    (informational: Debian's libvips is older than sharp's; installed with apt when missing,
 *    unless `--no-install`, as `npm run bench` runs it);
 * 3. the server's peak RSS (VmHWM) while it takes 4 uploads at once; target < 400 MB;
 * 4. the bytes of the feed-sized medium WebP against the original.
 *
 * The server runs as in production: PostgreSQL (a database of its own beside DATABASE_URL's,
 * dropped afterwards), Redis (its own key prefix) and S3 (s3rver on loopback, in this process).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
 *     bun tests/bench/media-upload.ts [--runs N] [--no-install]     (default 5 runs)
 *
 * Targets: tests/bench/benchmarks.ts.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { configureSharp, VARIANT_BOXES } from '@/features/media/process'
import { flag, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'
import { floor } from '@tests/bench/media-floor'
import { serverCpuMs, startBenchServer, signedInCookie, type RunningServer } from '@tests/bench/run-server'
import { createScratchDatabase } from '@tests/bench/scratch-database'
import { photoWithGps } from '@tests/helpers/images'
import { startS3 } from '@tests/helpers/s3'

const RUNS = Number(flag('--runs') ?? 5)
// The first upload pays for libvips start-up, encoder initialisation and cold connections.
const WARM_UP_RUNS = 1
const CONCURRENT_UPLOADS = 4
const { baseUrl: BASE_URL, redisUrl: REDIS_URL } = servicesFromEnv()

configureSharp()

// Every upload gets photo bytes of its own (another seed): an upload of bytes already stored would
// skip the puts and measure less than a real one.
let nextSeed = 100
const photos = () => photoWithGps({ width: 4032, height: 3024, orientation: 6, seed: nextSeed++ })

async function run(server: RunningServer): Promise<void> {
  const cookie = await signedInCookie(server)
  const sample = await photos()
  const { width, height } = await sharp(sample).autoOrient().metadata()
  console.log(
    `${width} × ${height} JPEG with GPS (${mb(sample.length)}), ${os.availableParallelism()} cores, ` +
      `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}; server on PostgreSQL + Redis + S3 (s3rver); ` +
      `median of ${RUNS} runs after ${WARM_UP_RUNS} warm-up`,
  )

  // 1. Upload vs floor, alternating so drift (thermal, other load) falls on both alike.
  // Wall time, and CPU time too: on a machine others are using, wall times swing with their load,
  // while the CPU each side spends (the server's from /proc, the floor's in this process, where the
  // loopback S3 sits idle meanwhile) hardly does.
  const uploads: number[] = []
  const floors: number[] = []
  let uploadCpuMs = 0
  let floorCpuMs = 0
  for (let i = 0; i < WARM_UP_RUNS + RUNS; i++) {
    const photo = await photos()
    const floorCpuBefore = process.cpuUsage()
    const floorMs = await timed(() => floor(photo))
    const floorCpu = process.cpuUsage(floorCpuBefore)
    const serverCpuBefore = serverCpuMs(server.pid)
    const uploadMs = await timed(() => upload(server, cookie, photo))
    if (i >= WARM_UP_RUNS) {
      floors.push(floorMs)
      uploads.push(uploadMs)
      floorCpuMs += (floorCpu.user + floorCpu.system) / 1000
      uploadCpuMs += serverCpuMs(server.pid) - serverCpuBefore
    }
  }
  const logged = storedLines(server.output()).slice(-RUNS)

  // 4. The medium WebP of the last upload, as the settings page links it.
  const settings = await (await fetch(`${server.url}/settings`, { headers: { cookie } })).text()
  const mediumUrl = /type="image\/webp" srcset="[^"]*?(\S+) 960w/.exec(settings)?.[1]
  if (!mediumUrl) throw new Error('the settings page shows no 960w WebP')
  const medium = await fetch(mediumUrl)
  const mediumBytes = (await medium.arrayBuffer()).byteLength

  // 2. JPEG + WebP with sharp vs the vips CLI.
  const vips = await compareWithVips(sample)

  // 3. Peak RSS with 4 uploads at once. Writing 5 to clear_refs resets VmHWM to the current RSS
  // (Linux ≥ 4.0), so the peak is this phase's, not start-up's.
  // The photos and the four members come first: sign-up hashes passwords with argon2 (tens of MB
  // each), which is not what this measures.
  const batch = await Promise.all(Array.from({ length: CONCURRENT_UPLOADS }, photos))
  const cookies: string[] = []
  for (const _ of batch) cookies.push(await signedInCookie(server))
  const rssBefore = statusKb(server.pid, 'VmRSS')
  writeFileSync(`/proc/${server.pid}/clear_refs`, '5')
  const concurrentMs = await timed(() => Promise.all(batch.map((photo, i) => upload(server, cookies[i]!, photo))))
  const peakKb = statusKb(server.pid, 'VmHWM')

  const uploadMs = median(uploads)
  const floorMs = median(floors)
  // Each upload against the floor run just before it, then the median of those: on a shared machine
  // a burst of someone else's load then hits a pair, not one side of the comparison.
  const ratio = median(uploads.map((upload, i) => upload / floors[i]!))
  recordFigures({
    'upload-ms': uploadMs,
    'floor-ms': floorMs,
    'upload-over-floor': ratio,
    'upload-over-floor-cpu': uploadCpuMs / floorCpuMs,
    'peak-rss-mb': peakKb / 1024,
    'medium-webp-bytes': mediumBytes,
  })
  const rows: [string, string][] = [
    ['12 MP upload through HTTP → 303 (median)', ms(uploadMs)],
    ['  of which processing / storing (server log)', `${ms(median(logged.map((l) => l.processMs)))} / ${ms(median(logged.map((l) => l.storeMs)))}`],
    ['bare sharp floor, same 9 variants (median)', ms(floorMs)],
    ['ratio upload / floor, wall time (median of pairs)', ratio.toFixed(2)],
    ['CPU per upload (server) / floor (this process)', `${ms(uploadCpuMs / RUNS)} / ${ms(floorCpuMs / RUNS)} = ${(uploadCpuMs / floorCpuMs).toFixed(2)}`],
    ['JPEG + WebP, 6 variants: sharp', ms(vips.sharpMs)],
    ['JPEG + WebP, 6 variants: vips CLI', vips.vipsMs === null ? vips.note : `${ms(vips.vipsMs)} (${vips.note})`],
    [`server RSS before → peak with ${CONCURRENT_UPLOADS} uploads at once`, `${mbKb(rssBefore)} → ${mbKb(peakKb)}`],
    [`${CONCURRENT_UPLOADS} uploads at once, all done`, ms(concurrentMs)],
    ['medium WebP (960 px) vs original', `${kb(mediumBytes)} vs ${mb(sample.length)} (${((100 * mediumBytes) / sample.length).toFixed(1)}%)`],
  ]
  const widest = Math.max(...rows.map(([label]) => label.length))
  console.log('')
  for (const [label, value] of rows) console.log(`${label.padEnd(widest)}  ${value}`)
}

/** One upload as a browser sends it; resolves at the 303. */
async function upload(server: RunningServer, cookie: string, photo: Buffer): Promise<void> {
  const form = new FormData()
  form.append('photo', new File([new Uint8Array(photo)], 'IMG_0001.jpg', { type: 'image/jpeg' }))
  form.append('alt', 'A ginger cat on a windowsill')
  const response = await fetch(`${server.url}/settings/avatar`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { cookie, origin: server.url },
  })
  const body = await response.text()
  if (response.status !== 303) throw new Error(`upload answered ${response.status}\n${body.slice(0, 2000)}`)
}

interface StoredLine {
  processMs: number
  storeMs: number
}

/** The service's "photo stored" log lines (pino JSON), which time its two halves. */
function storedLines(output: string): StoredLine[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"photo stored"'))
    .map((line) => JSON.parse(line) as StoredLine)
}

/**
 * The six JPEG and WebP variants, once with sharp (the floor, narrowed) and once with the vips CLI
 * (one `vips thumbnail` per variant, all at once, like sharp's parallel encodes), median of 3.
 */
async function compareWithVips(photo: Buffer): Promise<{ sharpMs: number; vipsMs: number | null; note: string }> {
  const sharpMs = median(await repeat(3, () => timed(() => floor(photo, ['webp', 'jpeg']))))
  const vips = ensureVips()
  if (!vips.ok) return { sharpMs, vipsMs: null, note: `skipped: ${vips.reason}` }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nl-bench-vips-'))
  try {
    const input = path.join(dir, 'photo.jpg')
    writeFileSync(input, photo)
    // Same boxes and qualities as ENCODERS (process.ts); `strip` drops metadata as sharp does, and
    // `vips thumbnail` turns the photo upright by its EXIF orientation as the pipeline does.
    const outputs = Object.entries(VARIANT_BOXES).flatMap(([name, box]) => [
      { box, file: path.join(dir, `${name}.jpg[Q=78,optimize_coding,strip]`) },
      { box, file: path.join(dir, `${name}.webp[Q=75,effort=4,strip]`) },
    ])
    const once = () =>
      Promise.all(
        outputs.map(({ box, file }) =>
          spawnVips(['thumbnail', input, file, String(box.width), '--height', String(box.height), '--size', 'down']),
        ),
      )
    await once() // warm-up: page cache, dynamic loading
    const vipsMs = median(await repeat(3, () => timed(once)))
    const version = spawnSync('vips', ['--version'], { encoding: 'utf8' }).stdout.trim()
    return { sharpMs, vipsMs, note: version }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs the vips CLI with `args`, resolving when it exits 0. */
async function spawnVips(args: string[]): Promise<void> {
  const child = Bun.spawn(['vips', ...args], { stdout: 'ignore', stderr: 'pipe' })
  if ((await child.exited) !== 0) throw new Error(`vips failed: ${await new Response(child.stderr).text()}`)
}

/** The vips CLI, installed from Debian (`libvips-tools`) when missing and we may; else why not. */
function ensureVips(): { ok: true } | { ok: false; reason: string } {
  if (spawnSync('vips', ['--version']).status === 0) return { ok: true }
  if (process.argv.includes('--no-install')) return { ok: false, reason: 'vips is not installed (--no-install)' }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'vips is not installed (apt-get install libvips-tools, as root)' }
  console.log('installing libvips-tools (Debian) for the vips CLI comparison…')
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'libvips-tools'], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (install.status === 0 && spawnSync('vips', ['--version']).status === 0) return { ok: true }
  return { ok: false, reason: `could not install libvips-tools: ${(install.stderr || install.error?.message || '').trim().split('\n').at(-1)}` }
}


function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`)
  return Number(match[1])
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

async function repeat(times: number, work: () => Promise<number>): Promise<number[]> {
  const results: number[] = []
  for (let i = 0; i < times; i++) results.push(await work())
  return results
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const ms = (value: number) => `${Math.round(value)} ms`
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const mbKb = (kilobytes: number) => `${(kilobytes / 1024).toFixed(0)} MB`

async function main(): Promise<void> {
  const database = await createScratchDatabase(BASE_URL, 'media')
  const s3 = await startS3()
  let server: RunningServer | null = null
  try {
    server = await startBenchServer({
      env: {
        DATABASE_URL: database.url,
        REDIS_URL,
        REDIS_KEY_PREFIX: `nl:bench:media:${process.pid}:`,
        S3_ENDPOINT: s3.config.endpoint!,
        S3_REGION: s3.config.region,
        S3_BUCKET: s3.config.bucket,
        S3_ACCESS_KEY_ID: s3.config.accessKeyId!,
        S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey!,
        S3_FORCE_PATH_STYLE: '1',
        MEDIA_UPLOAD_RATE_LIMIT: '100000',
      },
    })
    await run(server)
  } finally {
    await server?.stop()
    await s3.stop()
    await database.drop()
  }
}

await main()
