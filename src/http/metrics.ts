/**
 * HTTP metrics and `/metrics` itself (the metrics are in src/infra/metrics.ts).
 *
 * Every request is timed from `onRequest` to `onAfterResponse` under its route pattern (Elysia's
 * `route`: `/memorials/:slug`, never the path) and status class. `/metrics` is never public: it is
 * on `METRICS_PORT` (bound to 127.0.0.1 unless `METRICS_HOST` says otherwise), and on the main port
 * only with `Authorization: Bearer <METRICS_TOKEN>`; without a token the main port answers 404.
 */
import { timingSafeEqual } from 'node:crypto'
import { Elysia } from 'elysia'
import type { MetricsConfig } from '@/config'
import { httpRequestDuration, httpRequestsInFlight, httpResponseBytes, metricsEnabled, registry } from '@/infra/metrics'
import { NotFoundError } from 'elysia'

const STARTED = Symbol('metrics started at')
const BODY_BYTES = Symbol('body bytes')

type Timed = Request & { [STARTED]?: number }
type Sized = Response & { [BODY_BYTES]?: number }

/** Marks a response's body size, for `http_response_bytes_total`, where it is known (HTML, assets). */
export function sized(response: Response, bytes: number): Response {
  const carrier: Sized = response
  carrier[BODY_BYTES] = bytes
  return response
}

/** What a request without a route pattern (a 404, an asset redirect) is counted under. */
const UNMATCHED = '(unmatched)'
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx']

export function httpMetrics() {
  const plugin = new Elysia({ name: 'http-metrics' })
  if (!metricsEnabled()) return plugin
  return plugin
    .onRequest(({ request }) => {
      const carrier: Timed = request
      carrier[STARTED] = performance.now()
      httpRequestsInFlight.inc()
    })
    .onAfterResponse({ as: 'global' }, ({ request, route, set, responseValue }) => {
      const carrier: Timed = request
      const startedAt = carrier[STARTED]
      if (startedAt === undefined) return
      carrier[STARTED] = undefined // one count per request, whatever calls this hook twice
      httpRequestsInFlight.dec()
      const status = responseValue instanceof Response ? responseValue.status : Number(set.status ?? 200)
      const pattern = route || UNMATCHED
      httpRequestDuration.observe(
        { method: request.method, route: pattern, status: STATUS_CLASSES[Math.floor(status / 100) - 1] ?? 'other' },
        (performance.now() - startedAt) / 1000,
      )
      // Cast: Sized only adds an optional symbol field, set (or not) on this Response where it was sized.
      const bytes = responseValue instanceof Response ? (responseValue as Sized)[BODY_BYTES] : undefined
      if (bytes !== undefined) httpResponseBytes.inc({ route: pattern }, bytes)
    })
}

/** Where the text of a scrape comes from: this process's registry, or all processes' merged. */
export type GatherMetrics = () => Promise<string>

export const gatherOwnMetrics: GatherMetrics = () => registry.metrics()

/** `/metrics` on the main port, for a bearer of `METRICS_TOKEN`; a 404 for anyone else. */
export function metricsRoute(config: MetricsConfig, gather: GatherMetrics) {
  const plugin = new Elysia({ name: 'metrics-route' })
  const token = config.token
  if (!config.enabled || token === null) return plugin
  const expected = Buffer.from(`Bearer ${token}`)
  return plugin.get('/metrics', async ({ request }) => {
    const given = Buffer.from(request.headers.get('authorization') ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new NotFoundError()
    return metricsResponse(await gather())
  })
}

export function metricsResponse(text: string): Response {
  return new Response(text, { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } })
}

/** The `METRICS_PORT` listener: only `/metrics`, on loopback unless configured otherwise. Null when there is none. */
export function listenForMetrics(config: MetricsConfig, gather: GatherMetrics): { stop(): void } | null {
  if (!config.enabled || config.port === null) return null
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    async fetch(request) {
      if (new URL(request.url).pathname !== '/metrics' || request.method !== 'GET') return new Response('Not found', { status: 404 })
      return metricsResponse(await gather())
    },
  })
  return { stop: () => void server.stop(true) }
}
