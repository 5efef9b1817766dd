import type { NotificationRow } from '@/features/notifications/tables'
import { EmptyState } from '@views/components/empty-state'
import { RelativeTime } from '@views/components/time'
import { SetAlertAreaLink } from '@views/layout/side-column'

export interface NotificationsProps {
  notifications: NotificationRow[]
  nextCursor: string | null
  unreadCount: number
}

export function NotificationsPage({ notifications, nextCursor, unreadCount }: NotificationsProps): JSX.Element {
  return (
    <>
      <h1>Notifications</h1>
      {unreadCount > 0 && (
        <form method="post" action="/notifications/read" hx-post="/notifications/read" hx-target="#notifications" hx-swap="outerHTML">
          <button type="submit" class="secondary">
            Mark all as read
          </button>
        </form>
      )}
      <NotificationList notifications={notifications} nextCursor={nextCursor} />
    </>
  )
}

/** The list with its pager: the page shows it, "Mark all as read" swaps it for htmx. */
export function NotificationList({ notifications, nextCursor }: Omit<NotificationsProps, 'unreadCount'>): JSX.Element {
  return (
    <section id="notifications" aria-label="Your notifications">
      {notifications.length === 0 ? (
        <EmptyState icon="bell" title="No notifications yet" actions={<SetAlertAreaLink />}>
          When someone comments, mentions you, sends a message or spots a cat you reported, it shows up here. Set your alert area and we’ll tell you when a cat goes missing near you.
        </EmptyState>
      ) : (
        <ul class="list">
          {notifications.map((notification) => (
            <NotificationItem notification={notification} />
          ))}
        </ul>
      )}
      {nextCursor ? (
        <p class="pager">
          <a href={`/notifications?cursor=${encodeURIComponent(nextCursor)}`}>Older notifications</a>
        </p>
      ) : (
        ''
      )}
    </section>
  )
}

function NotificationItem({ notification }: { notification: NotificationRow }): JSX.Element {
  const text = notification.url ? (
    <a href={notification.url} safe>
      {notification.text}
    </a>
  ) : (
    <span safe>{notification.text}</span>
  )
  return (
    <li class={notification.read_at ? undefined : 'unread'}>
      {notification.read_at ? '' : <span class="visually-hidden">Unread: </span>}
      {text as 'safe'} <RelativeTime at={notification.created_at} />
    </li>
  )
}
