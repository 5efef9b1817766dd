/**
 * The notifications feature's pages, as one plugin: the list at /notifications, newest first
 * (opening a page of it reads what it shows), "mark all as read", and its parts of /settings: the
 * alert area (alert-area-routes.ts) and push (push-routes.ts). Those two sections are shown inside
 * the accounts feature's /settings page through `settingsSections`, so the accounts feature
 * needn't know about either.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Viewer } from '@/features/accounts/viewer'
import { createAlertAreaSettings } from '@/features/notifications/alert-area-routes'
import type { AlertAreas } from '@/features/notifications/alert-areas'
import type { Push } from '@/features/notifications/push'
import { createPushSettings } from '@/features/notifications/push-routes'
import type { Notifications } from '@/features/notifications/service'
import type { HttpContext } from '@/http/context'
import { afterPost, page } from '@/http/page'
import { requireViewer } from '@/http/viewer'
import type { Store } from '@/infra/store/store'
import { NotificationList, NotificationsPage } from '@views/notifications/notifications'

export interface NotificationRouteDeps {
  config: Pick<Config, 'finder'>
  store: Store
  context: HttpContext
  notifications: Notifications
  alertAreas: AlertAreas
  push: Push
  /** Called after a member's alert area changes, for pages of other features that show it. */
  alertAreaChanged: (userId: string) => Promise<void>
}

export function notificationRoutes({ config, store, context, notifications, alertAreas, push, alertAreaChanged }: NotificationRouteDeps) {
  const alertArea = createAlertAreaSettings({ config, alertAreas, changed: alertAreaChanged })
  const pushSettings = createPushSettings({ push, store })

  const routes = new Elysia({ name: 'notifications' })
    .use(context)
    .get('/notifications', async ({ render, query }) => {
      const viewer = requireViewer(render)
      const list = await notifications.newestFirst(viewer.id, query.cursor)
      // Opening the list reads what it shows; the rows keep their unread mark for this one view.
      await notifications.markShownRead(viewer.id, list.notifications)
      const unreadCount = await notifications.unreadCount(viewer.id)
      return page(render, { title: 'Notifications', main: NotificationsPage({ ...list, unreadCount }), noindex: true })
    })
    .post('/notifications/read', async ({ render }) => {
      const viewer = requireViewer(render)
      await notifications.markAllRead(viewer.id)
      return afterPost(render, '/notifications', async () => NotificationList(await notifications.newestFirst(viewer.id)))
    })
    .use(alertArea.routes(context))
    .use(pushSettings.routes(context))

  return {
    routes,

    /** The feature's sections of /settings, in order: the alert area, then push. */
    async settingsSections(viewer: Viewer): Promise<JSX.Element> {
      const parts = await Promise.all([alertArea.section(viewer), pushSettings.section(viewer)])
      return parts.join('')
    },
  }
}
