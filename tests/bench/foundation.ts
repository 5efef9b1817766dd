/**
 * Foundation benchmark (issue 2), one command: `bun tests/bench/foundation.ts [--services]`.
 *
 * In one run it prints: requests/s of a trivial route (/healthz) and of the signed-in home page
 * (session look-up, unread count, layout, compression), their ratio, and the embedded mode's cold
 * (empty DATA_DIR) and warm start-up. `--services` runs the HTTP part on DATABASE_URL/REDIS_URL.
 */
import { formatResult, measure } from '@tests/bench/loadgen'
import { measureStartup, signedInCookie, startBenchServer } from '@tests/bench/run-server'

const CONNECTIONS = 32
const DURATION_MS = 8000
const WARMUP_MS = 2000

const services = process.argv.includes('--services')
const server = await startBenchServer({ inheritServices: services })
try {
  const cookie = await signedInCookie(server)
  const trivial = await measure({ url: `${server.url}/healthz`, connections: CONNECTIONS, durationMs: DURATION_MS, warmupMs: WARMUP_MS })
  const home = await measure({
    url: `${server.url}/`,
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    headers: { cookie, 'accept-encoding': 'br, gzip' },
  })
  console.log(`mode: ${services ? 'PostgreSQL + Redis' : 'embedded PGlite + in-process store'}, ${CONNECTIONS} connections`)
  console.log(formatResult('trivial route (/healthz)', trivial))
  console.log(formatResult('signed-in home page (/)', home))
  console.log(`ratio home / trivial: ${(home.rps / trivial.rps).toFixed(3)}`)
} finally {
  await server.stop()
}

const startup = await measureStartup()
console.log(`embedded cold start (empty DATA_DIR): ${startup.firstMs} ms`)
console.log(`embedded warm start: ${startup.warmMs} ms`)
