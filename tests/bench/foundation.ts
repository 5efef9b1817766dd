/**
 * Foundation benchmark (issues 2 and 28), one command: `bun tests/bench/foundation.ts [--services] [--quick]`.
 *
 * In one run it prints: requests/s of the floor (a bare Elysia hello-world, tests/bench/floor-server.ts),
 * of the app's trivial route (/healthz) and its share of the floor, of the signed-in home page
 * (session look-up, unread count, layout, compression), and the embedded mode's cold (empty
 * DATA_DIR) and warm start-up. `--services` runs the HTTP part on PostgreSQL (a database of its own
 * beside DATABASE_URL's, dropped afterwards) and Redis (REDIS_URL).
 */
import { LOAD, servicesFromEnv } from '@tests/bench/args'
import { recordFigures } from '@tests/bench/figures'
import { floorUrl } from '@tests/bench/floor-server'
import { formatResult, measure } from '@tests/bench/loadgen'
import { measureStartup, signedInCookie, startBenchServer } from '@tests/bench/run-server'
import { createScratchDatabase } from '@tests/bench/scratch-database'

const services = process.argv.includes('--services')
const database = services ? await createScratchDatabase(servicesFromEnv().baseUrl, 'foundation') : null
const floor = await floorUrl()
const server = await startBenchServer(database ? { inheritServices: true, env: { DATABASE_URL: database.url } } : {})
try {
  const cookie = await signedInCookie(server)
  const bare = await measure({ url: `${floor.url}/healthz`, ...LOAD })
  const trivial = await measure({ url: `${server.url}/healthz`, ...LOAD })
  const home = await measure({ url: `${server.url}/`, ...LOAD, headers: { cookie, 'accept-encoding': 'br, gzip' } })
  recordFigures({ 'floor-rps': bare.rps, 'trivial-rps': trivial.rps, 'home-rps': home.rps, 'home-p99': home.p99Ms })
  console.log(`mode: ${services ? 'PostgreSQL + Redis' : 'embedded PGlite + in-process store'}, ${LOAD.connections} connections`)
  console.log(formatResult('floor: bare Elysia hello-world', bare))
  console.log(formatResult('trivial route (/healthz)', trivial))
  console.log(`  share of the floor: ${(trivial.rps / bare.rps).toFixed(2)}`)
  console.log(formatResult('signed-in home page (/)', home))
  console.log(`ratio home / trivial: ${(home.rps / trivial.rps).toFixed(3)}`)
} finally {
  await server.stop()
  await floor.stop()
  await database?.drop()
}

const startup = await measureStartup()
recordFigures({ 'cold-start-s': startup.firstMs / 1000, 'warm-start-s': startup.warmMs / 1000 })
console.log(`embedded cold start (empty DATA_DIR): ${startup.firstMs} ms`)
console.log(`embedded warm start: ${startup.warmMs} ms`)
