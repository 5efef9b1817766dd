/**
 * Open-model load (issue 18), one command: `npm run bench -- load` (or `bun tests/bench/load.ts [--quick]`).
 *
 * Requests go out at a fixed arrival rate whatever the server does, and each one's latency is taken
 * from the moment it was due to be sent, not from when a free connection sent it: a stall shows in
 * every request that should have gone out meanwhile (no coordinated omission, as wrk2 and k6's
 * arrival-rate executors). The client is plain Node.js `http` in a process of its own.
 *
 * The mix: signed-out memorial, report, search and post pages 70 %; signed-in home feeds and
 * notifications 25 %; writes 5 % (posts, likes, comments, sightings, candles), each as a member
 * would send them, on PostgreSQL + Redis (a scratch database beside DATABASE_URL's, REDIS_URL).
 *
 * It steps the rate up for short trials, takes the highest that held p99 < 100 ms with no error, and
 * holds it for the full window; then holds 1,000 keep-alive connections open for the full window at
 * that rate (each request on the next connection in turn). The machine's load average is printed
 * beside each figure: it is shared.
 */
import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { QUICK, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'
import { startBenchServer } from '@tests/bench/run-server'
import { createScratchDatabase } from '@tests/bench/scratch-database'

const WINDOW_MS = QUICK ? 10_000 : 60_000
const TRIAL_MS = QUICK ? 4000 : 10_000
const RATES = QUICK ? [50, 100, 200] : [50, 100, 150, 200, 300, 400, 500, 700]
const P99_LIMIT_MS = 100
const MANY_CONNECTIONS = 1000
const MEMBERS = 60

export interface Step {
  method: 'GET' | 'POST'
  path: string
  /** Index into the members' cookies, for signed-in requests. */
  member?: number
  body?: string
}

export interface OpenLoadResult {
  sent: number
  ok: number
  errors: number
  statusCounts: Record<string, number>
  p50Ms: number
  p99Ms: number
  maxMs: number
  rate: number
  durationMs: number
  connections: number
  /** Largest number of requests in flight at once. */
  maxInFlight: number
  /** Per second of the window (by intended send time): answers by status. */
  timeline: Record<string, number>[]
  /** Sequence numbers of the POST /posts that were answered 303: acknowledged posts. */
  ackedPosts: number[]
  /** Sequence numbers of every POST /posts sent. */
  sentPosts: number[]
}

// Runs under Node. Reads { origin, cookies, steps, rate, durationMs, connections } from stdin.
const WORKER = `
import http from 'node:http'
let input = ''
for await (const chunk of process.stdin) input += chunk
const { origin, cookies, steps, rate, durationMs, connections, warm } = JSON.parse(input)
const url = new URL(origin)
// One agent per connection, one socket each: request i goes on connection i mod n, so n sockets stay open.
const agents = Array.from({ length: connections }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }))
const latencies = []
const statusCounts = {}
const timeline = []
const ackedPosts = [], sentPosts = []
let errors = 0, ok = 0, inFlight = 0, maxInFlight = 0, done = 0
function send(i, due, record) {
  const step = steps[i % steps.length]
  const headers = { 'x-forwarded-for': '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255), 'accept-encoding': 'gzip' }
  if (step.member !== undefined) headers.cookie = cookies[step.member % cookies.length]
  if (step.method === 'POST') { headers.origin = origin; headers['content-type'] = 'application/x-www-form-urlencoded' }
  const body = step.body ? step.body.replaceAll('{n}', String(i)) : undefined
  if (step.method === 'POST') headers['content-length'] = body ? Buffer.byteLength(body) : 0
  inFlight++; if (inFlight > maxInFlight) maxInFlight = inFlight
  return new Promise((resolve) => {
    const finish = (status) => {
      inFlight--; done++
      if (record) {
        const second = Math.floor((due - start) / 1000)
        timeline[second] ??= {}
        timeline[second][status] = (timeline[second][status] ?? 0) + 1
        if (step.method === 'POST' && step.path === '/posts') { sentPosts.push(i); if (status === 303) ackedPosts.push(i) }
        latencies.push(performance.now() - due)
        statusCounts[status] = (statusCounts[status] ?? 0) + 1
        if (typeof status === 'number' && status < 400) ok++; else errors++
      }
      resolve()
    }
    const req = http.request({ host: url.hostname, port: url.port, method: step.method, path: step.path.replaceAll('{n}', String(i)), headers, agent: agents[i % connections], timeout: 30000 }, (res) => {
      res.on('data', () => {})
      res.on('end', () => finish(res.statusCode))
      res.on('error', () => finish('error'))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (e) => finish(e.message === 'timeout' ? 'timeout' : 'error'))
    if (body) req.write(body)
    req.end()
  })
}
const pending = []
if (warm) {
  // Open every connection first (unmeasured), so the window runs with all of them held.
  for (let c = 0; c < connections; c += 100) {
    const batch = []
    for (let k = c; k < Math.min(connections, c + 100); k++) batch.push(send(k, performance.now(), false))
    await Promise.all(batch)
  }
}
const total = Math.round((rate * durationMs) / 1000)
var start = performance.now() + 20
let next = 0
await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now()
    while (next < total && start + (next * 1000) / rate <= now) {
      pending.push(send(next, start + (next * 1000) / rate, true))
      next++
    }
    if (next < total) setTimeout(tick, 1)
    else resolve()
  }
  tick()
})
await Promise.all(pending)
latencies.sort((a, b) => a - b)
const at = (q) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0
console.log(JSON.stringify({ sent: total, ok, errors, statusCounts, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies.at(-1) ?? 0, rate, durationMs, connections, maxInFlight, timeline: Array.from(timeline, (s) => s ?? {}), ackedPosts, sentPosts }))
for (const agent of agents) agent.destroy()
`

export async function openLoad(options: { origin: string; cookies: string[]; steps: Step[]; rate: number; durationMs: number; connections: number; warm?: boolean }): Promise<OpenLoadResult> {
  const child = spawn('node', ['--input-type=module', '-e', WORKER], { stdio: ['pipe', 'pipe', 'inherit'] })
  child.stdin.end(JSON.stringify(options))
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`the load client exited with ${code}`)
  return JSON.parse(output.trim().split('\n').at(-1)!) as OpenLoadResult
}

function describe(label: string, result: OpenLoadResult): string {
  const load = loadavg().map((value) => value.toFixed(1)).join(' ')
  const statuses = Object.entries(result.statusCounts).map(([status, count]) => `${status}×${count}`).join(' ')
  return `${label}: ${result.rate}/s for ${result.durationMs / 1000} s on ${result.connections} connections: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(0)} ms, ${result.errors} errors (${statuses}), at most ${result.maxInFlight} in flight; load average ${load}`
}

// ---------------------------------------------------------------------------------------------------

/** Signs a member up through the form; returns the session cookie. */
async function signUp(origin: string, n: number): Promise<{ cookie: string; handle: string }> {
  const handle = `load_${Date.now().toString(36)}_${n}`
  const response = await fetch(`${origin}/signup`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.200.0.${n}` },
    body: new URLSearchParams({ handle, email: `${handle}@example.test`, password: 'correct horse battery staple' }),
  })
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => !pair.endsWith('='))
  if (response.status !== 303 || !cookie) throw new Error(`sign-up failed: ${response.status}`)
  return { cookie, handle }
}

async function post(origin: string, cookie: string, path: string, fields: Record<string, string>): Promise<Response> {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return fetch(`${origin}${path}`, { method: 'POST', redirect: 'manual', headers: { origin, cookie }, body: form })
}

const localTime = (hoursFromNow: number) => new Date(Date.now() + hoursFromNow * 3600_000).toISOString().slice(0, 16)

/** Members, posts, memorials and reports to read, and the weighted mix of requests over them. */
export async function prepare(origin: string): Promise<{ cookies: string[]; steps: Step[] }> {
  const members = []
  for (let n = 0; n < MEMBERS; n++) members.push(await signUp(origin, n))
  const cookies = members.map((member) => member.cookie)
  const posts: string[] = []
  const memorials: string[] = []
  const reports: string[] = []
  for (let n = 0; n < 20; n++) {
    const cookie = cookies[n]!
    const written = await post(origin, cookie, '/posts', { body: `Load test post ${n}: a cat on a windowsill` })
    if (written.status !== 303) throw new Error(`post failed: ${written.status}`)
    const memorial = await post(origin, cookie, '/memorials', {
      name: `Whiskers ${n}`, born_day: '1', born_month: '2', born_year: '2010', passed_day: '3', passed_month: '4', passed_year: '2024',
      story: 'She sat in the sun every afternoon.', visibility: 'public',
    })
    if (memorial.status !== 303) throw new Error(`memorial failed: ${memorial.status}`)
    memorials.push(memorial.headers.get('location')!)
    const report = await post(origin, cookie, '/finder', {
      kind: 'lost', name: `Pepper ${n}`, colours: 'black', pattern: 'solid', sex: 'female', neutered: 'yes', age_band: 'adult',
      microchipped: 'no', collar: 'no', last_seen_at: localTime(-2), timezone_offset: '0', description: 'Small and shy.',
      town: '', lat: (52.5 + n * 0.002).toFixed(4), lng: (13.4 + n * 0.002).toFixed(4),
    })
    if (report.status !== 303) throw new Error(`report failed: ${report.status} ${[...(await report.text()).matchAll(/class="[^"]*error[^"]*"[^>]*>([^<]+)/g)].map((m) => m[1]).join('; ')}`)
    reports.push(report.headers.get('location')!)
  }
  for (const member of members.slice(0, 20)) {
    const html = await (await fetch(`${origin}/@${member.handle}`)).text()
    for (const match of html.matchAll(/href="\/posts\/(\d+)/g)) if (!posts.includes(match[1]!)) posts.push(match[1]!)
  }
  if (posts.length === 0) throw new Error('no posts found on the members’ profiles')
  // Everyone follows a few others, so home feeds have something in them.
  const handles = members.slice(0, 20).map((member) => member.handle)
  for (const [n, cookie] of cookies.entries()) {
    for (const handle of handles.slice(n % 5, (n % 5) + 4)) await post(origin, cookie, `/@${handle}/follow`, {})
  }

  const steps: Step[] = []
  const add = (weight: number, make: (k: number) => Step) => {
    for (let k = 0; k < weight; k++) steps.push(make(k))
  }
  // Per 100 requests: 70 signed-out pages, 25 signed-in, 5 writes.
  add(20, (k) => ({ method: 'GET', path: memorials[k % memorials.length]! }))
  add(15, (k) => ({ method: 'GET', path: reports[k % reports.length]! }))
  add(15, (k) => ({ method: 'GET', path: `/finder?lat=${(52.5 + (k % 10) * 0.003).toFixed(3)}&lng=${(13.4 + (k % 7) * 0.003).toFixed(3)}&radius_km=5` }))
  add(20, (k) => ({ method: 'GET', path: `/posts/${posts[k % posts.length]}` }))
  add(18, (k) => ({ method: 'GET', path: '/', member: k }))
  add(7, (k) => ({ method: 'GET', path: '/notifications', member: k + 20 }))
  const reportId = (k: number) => reports[k % reports.length]!.split('/').pop()!
  add(1, (k) => ({ method: 'POST', path: '/posts', member: k + 30, body: 'body=Load+test+post+{n}' }))
  add(1, (k) => ({ method: 'POST', path: `/posts/${posts[k % posts.length]}/like`, member: k + 40, body: 'back=%2F' }))
  add(1, (k) => ({ method: 'POST', path: `/posts/${posts[(k + 1) % posts.length]}/comments`, member: k + 50, body: 'body=Lovely+{n}' }))
  add(1, (k) => ({
    method: 'POST', path: `/finder/${reportId(k)}/sightings`, member: k + 10,
    body: new URLSearchParams({ kind: 'seen', seen_at: localTime(-1), timezone_offset: '0', town: '', lat: '52.501', lng: '13.41', note: 'Seen {n}' }).toString(),
  }))
  add(1, (k) => ({ method: 'POST', path: `${memorials[k % memorials.length]}/candles`, member: k + 5 }))
  // Shuffled with a fixed seed, so the kinds interleave.
  let seed = 7
  for (let i = steps.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const j = seed % (i + 1)
    ;[steps[i], steps[j]] = [steps[j]!, steps[i]!]
  }
  return { cookies, steps }
}

if (import.meta.main) {
  const { baseUrl } = servicesFromEnv()
  const database = await createScratchDatabase(baseUrl, 'load')
  const unlimited = '100000'
  const server = await startBenchServer({
    inheritServices: true,
    env: {
      DATABASE_URL: database.url,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      POST_RATE_LIMIT: unlimited, COMMENT_RATE_LIMIT: unlimited, FINDER_SIGHTING_RATE_LIMIT: unlimited, CANDLE_RATE_LIMIT: unlimited,
      FINDER_REPORT_RATE_LIMIT: unlimited, MEDIA_UPLOAD_RATE_LIMIT: unlimited,
    },
  })
  try {
    const { cookies, steps } = await prepare(server.url)
    const base = { origin: server.url, cookies, steps }
    // A check that every kind of request answers before any load (a 4xx here is the mix's fault).
    const check = await openLoad({ ...base, rate: 20, durationMs: (steps.length / 20) * 1000, connections: 16 })
    console.log(describe('one of each step', check))
    let best = 0
    for (const rate of RATES) {
      const trial = await openLoad({ ...base, rate, durationMs: TRIAL_MS, connections: 64 })
      console.log(describe('trial', trial))
      if (trial.errors > 0 || trial.p99Ms >= P99_LIMIT_MS) break
      best = rate
    }
    const held = best > 0 ? await openLoad({ ...base, rate: best, durationMs: WINDOW_MS, connections: 64 }) : null
    if (held) console.log(describe('held', held))
    // Each connection must carry a request more often than the server closes idle ones (Bun: 10 s).
    const manyRate = Math.max(best, 150)
    const many = await openLoad({ ...base, rate: manyRate, durationMs: WINDOW_MS, connections: MANY_CONNECTIONS, warm: true })
    console.log(describe(`${MANY_CONNECTIONS} connections`, many))
    const [load1] = loadavg()
    recordFigures({
      'open-rate': held && held.errors === 0 && held.p99Ms < P99_LIMIT_MS ? best : 0,
      ...(held && { 'open-p99': held.p99Ms, 'open-errors': held.errors }),
      'many-connections-errors': many.errors,
      'many-connections-p99': many.p99Ms,
      'load-average': load1!,
    })
  } finally {
    await server.stop()
    await database.drop()
  }
}
