/**
 * Per-request facts every layer needs: a request id, a logger that stamps it on every line, the
 * client's address and the start time. Created in `onRequest`, so that even a 404 or an error that
 * never reached a route has them, and kept on the Request object itself.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Logger } from '@/infra/log'
import { clientAddress } from '@/http/client'

export interface RequestMeta {
  id: string
  log: Logger
  ip: string
  startedAt: number
}

/**
 * Where a request's meta is kept: on the Request, under a symbol of ours. Not in a WeakMap keyed by
 * requests: it would hold an entry for every request since the last collection, and JavaScriptCore
 * walks a written WeakMap in every young-generation collection, which lengthens every pause under load.
 */
const META = Symbol('request meta')

type WithMeta = Request & { [META]?: RequestMeta }

/** The meta of a request that went through `requestContext`; a bare fallback for one that didn't. */
export function requestMeta(request: Request, fallbackLog: Logger): RequestMeta {
  const carrier: WithMeta = request
  return carrier[META] ?? { id: 'none', log: fallbackLog, ip: 'unknown', startedAt: performance.now() }
}

export function requestContext(config: Pick<Config, 'trustProxy'>, log: Logger) {
  return new Elysia({ name: 'request-context' })
    .onRequest(({ request, server, set }) => {
      const id = crypto.randomUUID()
      const carrier: WithMeta = request
      carrier[META] = {
        id,
        log: log.child({ reqId: id }),
        ip: clientAddress(request, server, config.trustProxy),
        startedAt: performance.now(),
      }
      set.headers['x-request-id'] = id
    })
    .derive({ as: 'global' }, ({ request }) => ({ meta: requestMeta(request, log) }))
    .onAfterResponse({ as: 'global' }, ({ request, set, responseValue }) => {
      const meta = requestMeta(request, log)
      const status = responseValue instanceof Response ? responseValue.status : Number(set.status ?? 200)
      const path = new URL(request.url).pathname
      const ms = Math.round((performance.now() - meta.startedAt) * 10) / 10
      meta.log.info({ method: request.method, path, status, ms, ip: meta.ip }, 'request')
    })
}
