import type { ColumnType, Generated, Selectable } from 'kysely'

export interface NotificationsTable {
  id: Generated<number>
  user_id: string
  kind: string
  text: string
  url: string | null
  created_at: Generated<Date>
  read_at: Date | null
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

export interface NotificationTables {
  notifications: NotificationsTable
  alert_areas: AlertAreasTable
}

export type NotificationRow = Selectable<NotificationsTable>
