/**
 * The Elysia app, built from the feature plugins. Tests use it through `app.handle(request)`
 * without listening; `main.ts` adds the listener, workers and the scheduler.
 */
import { html } from '@elysiajs/html'
import { Elysia } from 'elysia'
import { registerJobHandlers } from '@/background'
import type { Config } from '@/config'
import { accountRoutes } from '@/features/accounts/routes'
import { createAccounts } from '@/features/accounts/service'
import { createSessions } from '@/features/accounts/sessions'
import { homeRoutes } from '@/features/home/routes'
import { notificationRoutes } from '@/features/notifications/routes'
import { createNotifications } from '@/features/notifications/service'
import { assetRoutes } from '@/http/assets'
import { createHttpContext } from '@/http/context'
import { errorHandling } from '@/http/errors'
import { healthRoutes } from '@/http/health'
import { security } from '@/http/security'
import type { Databases } from '@/infra/db'
import type { Logger } from '@/infra/log'
import type { Queue } from '@/infra/queue'
import type { Store } from '@/infra/store/store'

/** The outside world the app talks to; main.ts builds it from config, tests from their harness. */
export interface Infra {
  config: Config
  log: Logger
  dbs: Databases
  store: Store
  /** Background jobs; workers run in main.ts (tests call `queue.drain()`). */
  queue: Queue
}

export function createServices({ config, dbs }: Infra) {
  return {
    accounts: createAccounts(dbs.accounts),
    sessions: createSessions(dbs.accounts, config),
    notifications: createNotifications(dbs.accounts),
  }
}

export type Services = ReturnType<typeof createServices>

export function createApp(infra: Infra) {
  const { config, log, store } = infra
  const services = createServices(infra)
  registerJobHandlers(infra.queue, services)
  const context = createHttpContext({ config, log, ...services })
  const app = new Elysia({ serve: { maxRequestBodySize: config.bodyLimitBytes } })
    .use(html({ autoDoctype: false }))
    .use(errorHandling(log))
    .use(security(config))
    .use(assetRoutes)
    .use(healthRoutes(infra))
    .use(homeRoutes({ context }))
    .use(accountRoutes({ config, store, context, ...services }))
    .use(notificationRoutes({ context, ...services }))
  return { app, services }
}

export type App = ReturnType<typeof createApp>['app']
