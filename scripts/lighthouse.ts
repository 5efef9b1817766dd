/**
 * Lighthouse on the pages a visitor lands on from a search engine or a shared link: the signed-out
 * home, a CatFinder search, a report and a memorial, on the demo data, with Debian's Chromium.
 *
 *   bun scripts/lighthouse.ts
 *
 * Lighthouse 12 (13 needs Node 22) runs under Node, its defaults: mobile, simulated throttling.
 * Each page is measured three times and each category's median counts; the run fails unless
 * accessibility and SEO are 100 and performance and best practices at least 95.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { CHROMIUM_PATH } from '../tests/e2e/browser'
import { startDemoServer } from '../tests/helpers/demo-server'

const RUNS = 3
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const
const REQUIRED: Record<(typeof CATEGORIES)[number], number> = { performance: 95, accessibility: 100, 'best-practices': 95, seo: 100 }
const LIGHTHOUSE = path.join(path.dirname(require.resolve('lighthouse/package.json')), 'cli', 'index.js')
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

type Scores = Record<(typeof CATEGORIES)[number], number>

function lighthouse(url: string): Scores {
  const run = spawnSync(
    'node',
    [LIGHTHOUSE, url, '--output=json', '--output-path=stdout', '--quiet', `--only-categories=${CATEGORIES.join(',')}`, `--chrome-flags=${CHROME_FLAGS.join(' ')}`],
    { env: { ...process.env, CHROME_PATH: CHROMIUM_PATH }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
  )
  if (run.status !== 0) throw new Error(`lighthouse failed on ${url}:\n${run.stderr}`)
  const report = JSON.parse(run.stdout) as { categories: Record<string, { score: number | null }>; audits: Record<string, { score: number | null; title: string }> }
  return Object.fromEntries(CATEGORIES.map((category) => [category, Math.round((report.categories[category]?.score ?? 0) * 100)])) as Scores
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const started = performance.now()
const demo = await startDemoServer({ users: 12 })
let failed = false
try {
  const pages = { 'signed-out home': '/', 'CatFinder search': demo.pages.finder!, report: demo.pages.report!, memorial: demo.pages.memorial! }
  for (const [name, page] of Object.entries(pages)) {
    const runs = Array.from({ length: RUNS }, () => lighthouse(demo.server.url + page))
    const scores = Object.fromEntries(CATEGORIES.map((category) => [category, median(runs.map((run) => run[category]))])) as Scores
    const short = CATEGORIES.filter((category) => scores[category] < REQUIRED[category])
    if (short.length > 0) failed = true
    console.log(`${name.padEnd(18)} ${CATEGORIES.map((category) => `${category} ${scores[category]}`).join(', ')}${short.length ? `   BELOW: ${short.join(', ')}` : ''}`)
  }
} finally {
  await demo.stop()
}
console.log(`lighthouse: ${RUNS} runs a page, ${((performance.now() - started) / 1000).toFixed(0)} s`)
if (failed) process.exit(1)
