/**
 * In-app notifications: the one `notify` other features call, and the list at /notifications.
 * Every notification lands in the list; `pushed` then sends it to the member's browsers if they want
 * that kind pushed (src/features/notifications/member-push.ts).
 */
import { sql, type Kysely } from 'kysely'
import type { NotificationRow } from '@/features/notifications/tables'
import { CHANGED_MARK, markChanged, nearKey, type Store } from '@/infra/store/store'
import type { AccountsDomain } from '@/schema'
import { decodeCursor, encodeCursor, pageOf } from '@/shared/cursor'
import { cacheCounter } from '@/infra/metrics'

const unreadLookups = cacheCounter('unread-counts')

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
  /** Names the event (`alert:<report id>`): a member gets one notification per key, however often it is sent. */
  dedupeKey?: string
}

/** A notification just stored, as the push hook gets it. */
export interface StoredNotification extends NewNotification {
  id: number
}

export interface NotificationPage {
  notifications: NotificationRow[]
  nextCursor: string | null
}

export interface NotificationsDeps {
  /** Called after `notify` stored a notification (not after `notifyMany`, whose callers push themselves). */
  pushed?: (userId: string, notification: StoredNotification) => Promise<void>
}

export function createNotifications(db: Kysely<AccountsDomain>, store: Store, { pushed }: NotificationsDeps = {}) {
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

  const rowOf = (userId: string, notification: NewNotification) => ({
    user_id: userId,
    kind: notification.kind,
    text: notification.text.slice(0, TEXT_MAX),
    url: notification.url ?? null,
    dedupe_key: notification.dedupeKey ?? null,
  })

  return {
    async notify(userId: string, notification: NewNotification): Promise<void> {
      const row = await db
        .insertInto('notifications')
        .values(rowOf(userId, notification))
        .onConflict((conflict) => conflict.doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!row) return // this event's notification is there already
      await countChanged(userId)
      await pushed?.(userId, { ...notification, id: Number(row.id) })
    },

    /** Many members' notifications in one insert (a batch of lost-cat alerts); each dedupe key lands once per member. */
    async notifyMany(notifications: readonly (NewNotification & { userId: string })[]): Promise<void> {
      if (notifications.length === 0) return
      await db
        .insertInto('notifications')
        .values(notifications.map(({ userId, ...notification }) => rowOf(userId, notification)))
        .onConflict((conflict) => conflict.doNothing())
        .execute()
      await Promise.all([...new Set(notifications.map((notification) => notification.userId))].map(countChanged))
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
      const { shown, next } = pageOf(rows, NOTIFICATIONS_PAGE_SIZE, (last) => encodeCursor({ at: last.created_at, id: String(last.id) }))
      return { notifications: shown, nextCursor: next }
    },

    /** For the header on every page, so cached; exact after `notify` and `markAllRead`. */
    async unreadCount(userId: string): Promise<number> {
      const key = unreadCountKey(userId)
      const cached = await store.getNear(key)
      unreadLookups(cached !== null && cached !== CHANGED_MARK)
      if (cached !== null && cached !== CHANGED_MARK) return Number(cached)
      const count = await countUnread(userId)
      // setIfAbsent: a change marked since this count was read must not be overwritten by it.
      await store.setIfAbsent(key, String(count), UNREAD_COUNT_CACHE_SECONDS)
      return count
    },

    /** The notifications a member has just been shown (those of one page of the list), now read. */
    async markShownRead(userId: string, shown: readonly NotificationRow[]): Promise<void> {
      const unread = shown.filter((notification) => notification.read_at === null).map((notification) => notification.id)
      if (unread.length === 0) return
      await db.updateTable('notifications').set({ read_at: new Date() }).where('user_id', '=', userId).where('id', 'in', unread).where('read_at', 'is', null).execute()
      await countChanged(userId)
    },

    async markAllRead(userId: string): Promise<void> {
      await db.updateTable('notifications').set({ read_at: new Date() }).where('user_id', '=', userId).where('read_at', 'is', null).execute()
      await countChanged(userId)
    },
  }
}

export type Notifications = ReturnType<typeof createNotifications>
