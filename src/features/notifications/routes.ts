/** /notifications: the list, newest first (opening a page of it reads what it shows), and "mark all as read". */
import { Elysia } from 'elysia'
import type { Notifications } from '@/features/notifications/service'
import type { HttpContext } from '@/http/context'
import { afterPost, page } from '@/http/page'
import { requireViewer } from '@/http/viewer'
import { NotificationList, NotificationsPage } from '@views/notifications/notifications'

export function notificationRoutes({ notifications, context }: { notifications: Notifications; context: HttpContext }) {
  return new Elysia({ name: 'notifications' })
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
}
