/**
 * The Elysia app, built from the feature plugins. Tests use it through `app.handle(request)`
 * without listening; `main.ts` adds the listener, workers and the scheduler.
 */
import { html } from '@elysiajs/html'
import { Elysia, type AnyElysia } from 'elysia'
import { registerJobHandlers } from '@/background'
import type { Viewer } from '@/features/accounts/viewer'
import { emailVerificationRoutes } from '@/features/accounts/email-verification-routes'
import { passwordResetRoutes } from '@/features/accounts/password-reset-routes'
import { accountRoutes } from '@/features/accounts/routes'
import { flagRoutes } from '@/features/admin/flag-routes'
import { adminRoutes } from '@/features/admin/routes'
import { feedRoutes } from '@/features/feed/routes'
import { finderRoutes, lostNearYou } from '@/features/finder/routes'
import { mediaRoutes } from '@/features/media/routes'
import { memorialRoutes } from '@/features/memorials/routes'
import { notificationRoutes } from '@/features/notifications/routes'
import { offlineRoutes } from '@/features/offline/routes'
import { searchRoutes } from '@/features/search/routes'
import { sitemapRoutes } from '@/features/sitemap/routes'
import { styleguideRoutes } from '@/features/styleguide/routes'
import { assetRoutes } from '@/http/assets'
import { createHttpContext } from '@/http/context'
import { requestViewers } from '@/http/viewer'
import { errorHandling } from '@/http/errors'
import { healthRoutes } from '@/http/health'
import { loopbackRedirect } from '@/http/loopback'
import { gatherOwnMetrics, httpMetrics, metricsRoute, type GatherMetrics } from '@/http/metrics'
import { security } from '@/http/security'
import { createServices, type Infra, type Services } from '@/services'

/** `gatherMetrics`: what `/metrics` on the main port shows; this process's own metrics unless main.ts merges several. */
export function createApp(infra: Infra, gatherMetrics: GatherMetrics = gatherOwnMetrics) {
  const { config, log, store, blobs } = infra
  const services = createServices(infra)
  registerJobHandlers(infra.queue, services)
  const viewers = requestViewers(services.sessions, services.notifications, services.avatars)
  const context = createHttpContext({ config, log, viewers })
  const notificationPages = notificationRoutes({
    config,
    store,
    context,
    ...services,
    // The home page lists "lost near you" from the area, and the feed keeps it for a minute.
    alertAreaChanged: (userId) => services.feed.firstPages.drop(userId),
  })
  const app = new Elysia({ serve: { maxRequestBodySize: config.bodyLimitBytes } })
    .use(httpMetrics())
    .use(html({ autoDoctype: false }))
    .use(errorHandling(log, async (request) => (await viewers(request)).render))
    .use(loopbackRedirect(config))
    .use(security(config, (): AnyElysia['routes'] => app.routes))
    .use(assetRoutes)
    .use(mediaRoutes({ blobs }))
    .use(healthRoutes(infra))
    .use(metricsRoute(config.metrics, gatherMetrics))
    .use(feedRoutes({ config, store, context, ...services, homeSections: lostNearYou(services) }))
    .use(
      accountRoutes({
        config,
        store,
        context,
        ...services,
        settingsSections: notificationPages.settingsSections,
        // The profile page and the home feed's first page show the name and bio.
        profileChanged: async (userId) => {
          await services.feed.firstPages.drop(userId)
          await services.cdn.purge([`profile:${userId}`])
        },
      }),
    )
    .use(passwordResetRoutes({ config, store, context, ...services }))
    .use(emailVerificationRoutes({ config, store, context, ...services }))
    .use(notificationPages.routes)
    .use(memorialRoutes({ config, store, context, memorials: services.memorials }))
    .use(finderRoutes({ config, store, context, ...services, postToFeed: happyEndingPoster(services) }))
    .use(flagRoutes({ config, store, context, flags: services.backOffice.flags, audit: services.backOffice.audit }))
    .use(adminRoutes({ context, backOffice: services.backOffice, accounts: services.accounts }))
    .use(searchRoutes({ context, store, search: services.search, accounts: services.accounts }))
    .use(sitemapRoutes(services))
    .use(offlineRoutes())
    .use(styleguideRoutes({ config, context }))
  return { app, services }
}

/** The finder's "post the happy ending to my feed": a text post through the feed's own post creation. */
function happyEndingPoster({ feed }: Services) {
  return async (viewer: Viewer, text: string) => {
    await feed.writePost(viewer, { body: text, photos: [], catIds: [] })
  }
}

export type App = ReturnType<typeof createApp>['app']
