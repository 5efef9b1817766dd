import { formatResult, measure } from './loadgen'
import { measureStartup, signedInCookie, startBenchServer, BENCH_LOG_DIR } from './run-server'
const server = await startBenchServer()
console.log('server', server.url, server.startupMs, 'ms')
const cookie = await signedInCookie(server)
console.log('cookie', cookie.slice(0, 24) + '…')
const trivial = await measure({ url: `${server.url}/healthz`, durationMs: 5000, warmupMs: 1000 })
const home = await measure({ url: `${server.url}/`, durationMs: 5000, warmupMs: 1000, headers: { cookie } })
console.log(formatResult('GET /healthz', trivial))
console.log(formatResult('GET / signed in', home))
console.log('ratio', (trivial.rps / home.rps).toFixed(2))
console.log('exit', await server.stop())
console.log('startup', await measureStartup())
console.log('log dir', BENCH_LOG_DIR)
