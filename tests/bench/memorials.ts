/**
 * Memorial pages benchmark (issues 6 and 28), one command: `bun tests/bench/memorials.ts [--services] [--quick]`.
 *
 * In one run it prints: requests/s of the floor (a bare Elysia hello-world,
 * tests/bench/floor-server.ts) and of the app's trivial route (/healthz); a public memorial page for
 * signed-out visitors served from the Store cache, and its share of both; conditional GETs answered
 * 304; the same page with the Store cache off, p99 at 32 connections; the page's HTML compressed;
 * and the bytes a first visit transfers in Chromium on a 360 px wide phone screen (2× pixels).
 * Targets: tests/bench/benchmarks.ts.
 *
 * The memorial is a realistic one, made through the real forms: a 12-paragraph story, a cover
 * photo, three gallery photos, twelve tributes and a few candles. `--services` runs on PostgreSQL
 * (a database of its own beside DATABASE_URL's, dropped afterwards) and Redis (REDIS_URL),
 * otherwise embedded.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { photoLike } from '@tests/helpers/images'
import { LOAD, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'
import { floorUrl } from '@tests/bench/floor-server'
import { formatResult, measure, type MeasureResult } from '@tests/bench/loadgen'
import { signedInCookie, startBenchServer, type RunningServer } from '@tests/bench/run-server'
import { createScratchDatabase } from '@tests/bench/scratch-database'
import { launchBrowser } from '@tests/e2e/browser'

const services = process.argv.includes('--services')
const BENCH_ENV = {
  // One benchmark client writes tributes and uploads photos from one address.
  TRIBUTE_RATE_LIMIT: '100000',
  MEDIA_UPLOAD_RATE_LIMIT: '100000',
}

const STORY = Array.from({ length: 12 }, (_, i) =>
  [
    'She arrived on a wet October night, thin and loud, and decided at once that the house was hers.',
    'For fifteen years she slept on the warm side of every radiator and supervised every meal from the kitchen chair.',
    i % 3 === 0 ? 'She was *fierce* with the neighbour’s dog and **endlessly** patient with the children.' : '',
    i === 11 ? 'Thank you to everyone at [the clinic](https://example.com/clinic) for their kindness at the end.' : '',
  ].join(' '),
).join('\n\n')

const TRIBUTES = [
  'She was the queen of our street. We will miss her greeting us every morning from the garden wall.',
  'Thinking of you all. What a beautiful, well-loved girl.',
  'I still remember her stealing the ham at Christmas. Sending love.',
]

// Both servers must open the same data, one after the other.
const database = services ? await createScratchDatabase(servicesFromEnv().baseUrl, 'memorials') : null
const dataDir = services ? undefined : mkdtempSync(path.join(tmpdir(), 'nl-bench-memorials-'))
const serverOptions = { inheritServices: services, ...(dataDir && { dataDir }) }
const serverEnv = { ...BENCH_ENV, ...(database && { DATABASE_URL: database.url }) }

const floor = await floorUrl()
try {
  const cached = await startBenchServer({ ...serverOptions, env: serverEnv })
  let slug: string
  const results: Record<string, MeasureResult> = {}
  let sizes: { brotli: number; gzip: number; raw: number }
  let firstVisit: { bytes: number; requests: number }
  try {
    slug = await makeRealisticMemorial(cached)
    const url = `${cached.url}/memorials/${slug}`
    const etag = (await fetch(url)).headers.get('etag')!
    sizes = await htmlSizes(url)
    results.floor = await load(`${floor.url}/healthz`)
    results.trivial = await load(`${cached.url}/healthz`)
    results.cached = await load(url, { 'accept-encoding': 'br, gzip' })
    results.notModified = await load(url, { 'accept-encoding': 'br, gzip', 'if-none-match': etag })
    firstVisit = await firstVisitBytes(url)
  } finally {
    await cached.stop()
  }

  const uncachedServer = await startBenchServer({ ...serverOptions, env: { ...serverEnv, MEMORIAL_CACHE_SECONDS: '0' } })
  try {
    results.uncached = await load(`${uncachedServer.url}/memorials/${slug}`, { 'accept-encoding': 'br, gzip' })
  } finally {
    await uncachedServer.stop()
  }

  // Every one of these keys was set above, or the run threw before this line.
  const { floor: bare, trivial, cached: fromCache, notModified, uncached } = results as Record<'floor' | 'trivial' | 'cached' | 'notModified' | 'uncached', MeasureResult>
  recordFigures({
    'floor-rps': bare.rps,
    'trivial-rps': trivial.rps,
    'cached-rps': fromCache.rps,
    'cached-p99': fromCache.p99Ms,
    'not-modified-rps': notModified.rps,
    'uncached-rps': uncached.rps,
    'uncached-p99': uncached.p99Ms,
    'html-bytes': sizes.raw,
    'html-brotli-bytes': sizes.brotli,
    'html-gzip-bytes': sizes.gzip,
    'first-visit-bytes': firstVisit.bytes,
    'first-visit-requests': firstVisit.requests,
  })
  console.log(`mode: ${services ? 'PostgreSQL + Redis' : 'embedded PGlite + in-process store'}, ${LOAD.connections} connections, ${LOAD.durationMs / 1000} s each`)
  console.log(formatResult('floor: bare Elysia hello-world', bare))
  console.log(formatResult('trivial route (/healthz)', trivial))
  console.log(formatResult('public memorial, Store cache', fromCache))
  console.log(`  share of the floor: ${(fromCache.rps / bare.rps).toFixed(2)}; of the trivial route: ${(fromCache.rps / trivial.rps).toFixed(2)}`)
  console.log(formatResult('conditional GET (304)', notModified))
  console.log(formatResult('public memorial, uncached', uncached))
  console.log(`HTML: ${sizes.raw} bytes, brotli ${sizes.brotli} bytes, gzip ${sizes.gzip} bytes`)
  console.log(`first visit at 360 px (2×): ${firstVisit.bytes} bytes in ${firstVisit.requests} requests`)
} finally {
  await floor.stop()
  await database?.drop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}

function load(url: string, headers: Record<string, string> = {}): Promise<MeasureResult> {
  return measure({ url, ...LOAD, headers })
}

/** Makes the memorial through the real forms and returns its slug. */
async function makeRealisticMemorial(server: RunningServer): Promise<string> {
  const owner = await signedInCookie(server)
  const post = async (path: string, body: FormData | URLSearchParams, cookie = owner) => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', body, headers: { cookie, origin: server.url }, redirect: 'manual' })
    if (response.status !== 303) throw new Error(`POST ${path} answered ${response.status}: ${(await response.text()).slice(0, 500)}`)
    return response.headers.get('location')!
  }
  const photo = async (seed: number) => new File([await (await photoLike(1600, 1200, seed)).jpeg({ quality: 82 }).toBuffer()], `p${seed}.jpg`, { type: 'image/jpeg' })
  const form = new FormData()
  const fields = { name: 'Marmalade', born_month: '4', born_year: '2009', passed_day: '2', passed_month: '6', passed_year: '2024', story: STORY, visibility: 'public', show_on_wall: 'on', cover_alt: 'Marmalade, a ginger cat, asleep in the sun' }
  for (const [name, value] of Object.entries(fields)) form.set(name, value)
  form.set('cover', await photo(11))
  const slug = (await post('/memorials', form)).replace('/memorials/', '')
  for (let i = 0; i < 3; i++) {
    const gallery = new FormData()
    gallery.set('photo', await photo(20 + i))
    gallery.set('alt', `Marmalade in the garden, photo ${i + 1}`)
    await post(`/memorials/${slug}/photos`, gallery)
  }
  const friend = await signedInCookie(server)
  for (let i = 0; i < 12; i++) await post(`/memorials/${slug}/tributes`, new URLSearchParams({ body: TRIBUTES[i % TRIBUTES.length]! }), friend)
  for (let i = 0; i < 5; i++) await fetch(`${server.url}/memorials/${slug}/candles`, { method: 'POST', headers: { origin: server.url, 'x-forwarded-for': `10.9.0.${i}` }, redirect: 'manual' })
  return slug
}

/** The page's HTML as sent with brotli and with gzip, and unpacked. */
async function htmlSizes(url: string): Promise<{ brotli: number; gzip: number; raw: number }> {
  const bytes = async (encoding: string) => {
    // Bun's fetch would unpack it; ask for the raw bytes.
    const response = await fetch(url, { headers: { 'accept-encoding': encoding }, decompress: false } as RequestInit)
    if (response.headers.get('content-encoding') !== encoding) throw new Error(`the page did not come back as ${encoding}`)
    return new Uint8Array(await response.arrayBuffer())
  }
  const [brotli, gzip] = await Promise.all([bytes('br'), bytes('gzip')])
  const raw = brotliDecompressSync(brotli).length
  if (gunzipSync(gzip).length !== raw) throw new Error('brotli and gzip pages differ')
  return { brotli: brotli.length, gzip: gzip.length, raw }
}

/** Everything a first visit transfers (headers and bodies, as Chromium counts them) on a 360 px phone. */
async function firstVisitBytes(url: string): Promise<{ bytes: number; requests: number }> {
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
    const page = await context.newPage()
    const transfers: Promise<number>[] = []
    page.on('requestfinished', (request) => {
      transfers.push(request.sizes().then((sizes) => sizes.responseHeadersSize + sizes.responseBodySize))
    })
    await page.goto(url, { waitUntil: 'networkidle' })
    const sizes = await Promise.all(transfers)
    await context.close()
    return { bytes: sizes.reduce((sum, size) => sum + size, 0), requests: sizes.length }
  } finally {
    await browser.close()
  }
}
