import type { ColumnType, Generated, Selectable } from 'kysely'

export interface NotificationsTable {
  id: Generated<number>
  user_id: string
  kind: string
  text: string
  url: string | null
  created_at: Generated<Date>
  read_at: Date | null
  /** Names the event (`alert:<report id>`) so that a retried job notifies a member once; null for one-off notes. */
  dedupe_key: ColumnType<string | null, string | null | undefined, string | null>
}

/** A member's alert area: home point (exact, private to them) and radius. */
export interface AlertAreasTable {
  user_id: string
  /** `geography(Point, 4326)`: written with ST_MakePoint, read with ST_Y/ST_X, never selected as is. */
  home_point: ColumnType<never, unknown, unknown>
  radius_m: number
  place_label: string
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

/** One browser's push subscription (the PushSubscription a browser hands out), owned by a member. */
export interface PushSubscriptionsTable {
  id: Generated<number>
  user_id: string
  endpoint: string
  /** The browser's P-256 public key, base64url (65 bytes, uncompressed). */
  p256dh: string
  /** The browser's 16-byte auth secret, base64url. */
  auth: string
  /** What the settings list calls it, e.g. "Firefox on Android". */
  label: string
  created_at: Generated<Date>
  last_success_at: Date | null
  failure_count: Generated<number>
}

/** Which kinds of notification a member wants pushed; the in-app list always has every one. */
export interface NotificationPreferencesTable {
  user_id: string
  push_alerts: Generated<boolean>
  push_reports: Generated<boolean>
  push_social: Generated<boolean>
  push_memorials: Generated<boolean>
  updated_at: Generated<Date>
}

export interface NotificationTables {
  notifications: NotificationsTable
  alert_areas: AlertAreasTable
  push_subscriptions: PushSubscriptionsTable
  notification_preferences: NotificationPreferencesTable
}

export type NotificationRow = Selectable<NotificationsTable>
