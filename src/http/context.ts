/**
 * The context every feature's routes build on: request meta (id, logger, client address) and the
 * viewer with the render context. Created once per app; features `.use()` the same instance, which
 * Elysia applies once thanks to its name, and which gives their handlers the typed fields.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Avatars } from '@/features/accounts/avatars'
import type { Sessions } from '@/features/accounts/sessions'
import type { Notifications } from '@/features/notifications/service'
import type { Logger } from '@/infra/log'
import { requestContext } from '@/http/request-context'
import { viewerContext } from '@/http/viewer'

export function createHttpContext(deps: {
  config: Pick<Config, 'trustProxy'>
  log: Logger
  sessions: Sessions
  notifications: Notifications
  avatars: Avatars
}) {
  return new Elysia({ name: 'http-context' })
    .use(requestContext(deps.config, deps.log))
    .use(viewerContext(deps.sessions, deps.notifications, deps.avatars))
}

export type HttpContext = ReturnType<typeof createHttpContext>
