import type { Generated, Selectable } from 'kysely'

export interface NotificationsTable {
  id: Generated<number>
  user_id: string
  kind: string
  text: string
  url: string | null
  created_at: Generated<Date>
  read_at: Date | null
}

export interface NotificationTables {
  notifications: NotificationsTable
}

export type NotificationRow = Selectable<NotificationsTable>
