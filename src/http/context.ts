/**
 * The context every feature's routes build on: request meta (id, logger, client address) and the
 * viewer with the render context. Created once per app; features `.use()` the same instance, which
 * Elysia applies once thanks to its name, and which gives their handlers the typed fields.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Logger } from '@/infra/log'
import { requestContext } from '@/http/request-context'
import { viewerContext, type RequestViewers } from '@/http/viewer'

export function createHttpContext(deps: { config: Pick<Config, 'trustProxy'>; log: Logger; viewers: RequestViewers }) {
  return new Elysia({ name: 'http-context' }).use(requestContext(deps.config, deps.log)).use(viewerContext(deps.viewers))
}

export type HttpContext = ReturnType<typeof createHttpContext>
