// Prometheus metrics (issue 25): after some traffic the series are there, labelled by route pattern
// (never the path); /metrics is never public (its own loopback port, or the main port with the
// token); with WEB_PROCESSES=2 one scrape covers both processes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, startServer, type RunningServer } from '@tests/helpers/server'

const TOKEN = 'a-metrics-token-of-thirty-two-chars'

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(url, { headers })
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') }
}

describe('one process (embedded)', () => {
  let server: RunningServer
  let metricsUrl: string

  beforeAll(async () => {
    const metricsPort = await freePort()
    server = await startServer({ env: { METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN } })
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
    const home = await (await fetch(`${server.url}/`)).text()
    const css = /href="(\/assets\/[^"]+\/app\.css)"/.exec(home)![1]!
    for (const path of ['/', '/memorials', '/memorials/no-such-cat-4821', '/finder', css, '/no/such/page?lat=51.5']) {
      await (await fetch(`${server.url}${path}`)).arrayBuffer()
    }
  }, 120_000) // an embedded cold start (PGlite, every migration) while other suites run

  afterAll(async () => {
    await server?.stop()
  })

  test('the series are there after some traffic, HTTP by route pattern and never by path', async () => {
    const { status, text, type } = await scrape(metricsUrl)
    expect(status).toBe(200)
    expect(type).toStartWith('text/plain')
    // HTTP: duration by pattern and status class, in flight, bytes.
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/memorials/:slug",status="4xx"} 1')
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/",status="2xx"} 2')
    expect(text).toContain('route="(unmatched)",status="4xx"')
    expect(text).not.toContain('no-such-cat')
    expect(text).not.toContain('lat=')
    expect(text).toMatch(/^http_requests_in_flight \d+$/m)
    expect(text).toMatch(/^http_response_bytes_total\{route="\/assets\/\*"\} [1-9]\d*$/m)
    // Queries by domain and a query name (kind and table), never SQL.
    expect(text).toMatch(/^db_query_duration_seconds_count\{domain="memorials",query="select memorials"\} [1-9]/m)
    expect(text).not.toMatch(/query="[^"]*(?:where|\$1)/i)
    expect(text).toContain('# TYPE db_pool_waiting gauge')
    // Store commands, caches, the queue, schedules, pushes, media.
    expect(text).toMatch(/^store_command_duration_seconds_count\{command="\w+",outcome="ok"\} [1-9]/m)
    expect(text).toMatch(/^cache_lookups_total\{cache="signed-out-shells",result="(hit|miss)"\} [1-9]/m)
    // Every cache's two series exist from the start, looked up or not.
    expect(text).toContain('cache_lookups_total{cache="record:feed:post",result="hit"} 0')
    expect(text).toMatch(/^queue_jobs\{queue="main",state="ready"\} \d+$/m)
    expect(text).toMatch(/^queue_oldest_ready_job_age_seconds\{queue="main"\} [\d.]+$/m)
    for (const name of ['queue_jobs_total', 'scheduled_job_runs_total', 'push_messages_total']) expect(text).toContain(`# TYPE ${name} counter`)
    for (const name of ['scheduled_job_duration_seconds', 'media_processing_duration_seconds']) expect(text).toContain(`# TYPE ${name} histogram`)
    // The process: event-loop lag, heap, RSS; no GC series (always empty under Bun).
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+$/m)
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m)
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m)
    expect(text).not.toContain("nodejs_gc_duration_seconds")
    expect(text).not.toContain("nodejs_eventloop_lag_min_seconds")
    expect(text).toMatch(/^server_processes 1$/m)
  })

  test('the main port serves /metrics only to the bearer of METRICS_TOKEN', async () => {
    expect((await scrape(`${server.url}/metrics`)).status).toBe(404)
    expect((await scrape(`${server.url}/metrics`, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status).toBe(404)
    expect((await scrape(`${server.url}/metrics`, { authorization: TOKEN })).status).toBe(404)
    const allowed = await scrape(`${server.url}/metrics`, { authorization: `Bearer ${TOKEN}` })
    expect(allowed.status).toBe(200)
    expect(allowed.text).toContain('http_request_duration_seconds_bucket')
    // The metrics port serves nothing else.
    expect((await scrape(metricsUrl.replace('/metrics', '/'))).status).toBe(404)
  })
})

describe.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)('two processes (PostgreSQL and Redis)', () => {
  test('one scrape holds both processes, on the metrics port and on the main port', async () => {
    const metricsPort = await freePort()
    const pair = await startServer({
      inheritServices: true,
      env: { WEB_PROCESSES: '2', LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN },
    })
    try {
      for (let tries = 0; tries < 100 && pair.output().split('Nine Lives is listening').length < 3; tries++) await Bun.sleep(100)
      const requests = 40
      await Promise.all(Array.from({ length: requests }, () => fetch(`${pair.url}/memorials`).then((response) => response.arrayBuffer())))
      const { text } = await scrape(`http://127.0.0.1:${metricsPort}/metrics`)
      expect(text).toMatch(/^server_processes 2$/m)
      // Every request counted once, whichever process took it.
      expect(text).toContain(`http_request_duration_seconds_count{method="GET",route="/memorials",status="2xx"} ${requests}`)
      // One pool per database URL: all four domains share one unless each has its own (as in CI).
      expect(text).toMatch(/^db_pool_waiting\{pool="(accounts|social|finder|memorials)(\+[a-z]+)*"\} \d+$/m)
      // A scrape of the main port lands on either process and still holds both.
      for (let i = 0; i < 6; i++) {
        const viaMain = await scrape(`${pair.url}/metrics`, { authorization: `Bearer ${TOKEN}` })
        expect(viaMain.status).toBe(200)
        expect(viaMain.text).toMatch(/^server_processes 2$/m)
      }
    } finally {
      expect(await pair.stop()).toBe(0)
    }
  }, 90_000)
})
