/**
 * In-app notifications: the one `notify` other features call, and the list at /notifications.
 * Push delivery (a later issue) hangs off `notify` too.
 */
import { sql, type Kysely } from 'kysely'
import type { NotificationRow } from '@/features/notifications/tables'
import { CHANGED_MARK, markChanged, nearKey, type Store } from '@/infra/store/store'
import type { AccountsDomain } from '@/schema'
import { decodeCursor, encodeCursor } from '@/shared/cursor'

/** Enough to fill a phone screen twice; more comes with "Older notifications". */
export const NOTIFICATIONS_PAGE_SIZE = 20
/** Notification texts are ours, but they quote people's words: keep a row small. */
const TEXT_MAX = 500
/**
 * How long the header's unread count is kept. Every write that changes it marks it changed, so this
 * only bounds a missed invalidation; half a minute spares the count query on most page views.
 */
export const UNREAD_COUNT_CACHE_SECONDS = 30

const unreadCountKey = (userId: string) => nearKey(`notifications:unread:${userId}`)

export interface NewNotification {
  /** What happened, e.g. `welcome`, `sighting`, `message`: later issues add theirs. */
  kind: string
  text: string
  /** Where the notification leads, a path on this site. */
  url?: string
}

export interface NotificationPage {
  notifications: NotificationRow[]
  nextCursor: string | null
}

export function createNotifications(db: Kysely<AccountsDomain>, store: Store) {
  const countChanged = (userId: string) => markChanged(store, [unreadCountKey(userId)], UNREAD_COUNT_CACHE_SECONDS)

  async function countUnread(userId: string): Promise<number> {
    const row = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow()
    return Number(row.count)
  }

  return {
    async notify(userId: string, notification: NewNotification): Promise<void> {
      await db
        .insertInto('notifications')
        .values({
          user_id: userId,
          kind: notification.kind,
          text: notification.text.slice(0, TEXT_MAX),
          url: notification.url ?? null,
        })
        .execute()
      await countChanged(userId)
    },

    /** A user's notifications, newest first, from the cursor on. */
    async newestFirst(userId: string, rawCursor?: string | null): Promise<NotificationPage> {
      const cursor = decodeCursor(rawCursor)
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', userId)
        .$if(cursor !== null, (query) =>
          query.where(sql<boolean>`(created_at, id) < (${cursor!.at}, ${Number(cursor!.id)})`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(NOTIFICATIONS_PAGE_SIZE + 1)
        .execute()
      const shown = rows.slice(0, NOTIFICATIONS_PAGE_SIZE)
      const last = shown.at(-1)
      const more = rows.length > NOTIFICATIONS_PAGE_SIZE && last
      return { notifications: shown, nextCursor: more ? encodeCursor({ at: last.created_at, id: String(last.id) }) : null }
    },

    /** For the header on every page, so cached; exact after `notify` and `markAllRead`. */
    async unreadCount(userId: string): Promise<number> {
      const key = unreadCountKey(userId)
      const cached = await store.getNear(key)
      if (cached !== null && cached !== CHANGED_MARK) return Number(cached)
      const count = await countUnread(userId)
      // setIfAbsent: a change marked since this count was read must not be overwritten by it.
      await store.setIfAbsent(key, String(count), UNREAD_COUNT_CACHE_SECONDS)
      return count
    },

    async markAllRead(userId: string): Promise<void> {
      await db.updateTable('notifications').set({ read_at: new Date() }).where('user_id', '=', userId).where('read_at', 'is', null).execute()
      await countChanged(userId)
    },
  }
}

export type Notifications = ReturnType<typeof createNotifications>
