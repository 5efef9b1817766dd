import type { ColumnType, Generated } from 'kysely'
import type { AgeBand, Colour, FoundState, Pattern, ReportKind, ReportStatus, SightingKind, Sex, YesNo } from '@/features/finder/vocabulary'

/**
 * A `geography(Point, 4326)` column. Never selected as is: queries read `ST_Y(col::geometry)` and
 * `ST_X(col::geometry)` and write `ST_MakePoint(lng, lat)::geography` (src/features/finder/geodesy.ts).
 */
export type Geography = ColumnType<never, unknown, unknown>

type Timestamp = ColumnType<Date, Date | undefined, Date>

export interface LostCatsTable {
  id: Generated<string>
  reporter_id: string
  kind: ReportKind
  found_state: FoundState | null
  name: string | null
  photo_media_ids: ColumnType<string[], string[] | undefined, string[]>
  colours: ColumnType<Colour[], Colour[] | undefined, Colour[]>
  pattern: Pattern
  breed: string | null
  sex: Sex
  neutered: YesNo
  age_band: AgeBand
  microchipped: YesNo
  microchip_number: string | null
  collar: YesNo
  collar_note: string | null
  description: Generated<string>
  reward: string | null
  last_seen_at: Date
  exact_point: Geography
  public_point: Geography
  place_label: string
  status: ColumnType<ReportStatus, ReportStatus | undefined, ReportStatus>
  happy_note: string | null
  alerts_sent_at: Date | null
  last_activity_at: Timestamp
  reminder_sent_at: Date | null
  closed_at: Date | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SightingsTable {
  id: Generated<number>
  report_id: string
  author_id: string
  kind: SightingKind
  seen_at: Date
  exact_point: Geography
  public_point: Geography
  place_label: string
  note: Generated<string>
  photo_media_id: string | null
  confirmed_at: Date | null
  created_at: Timestamp
}

export interface MessageThreadsTable {
  id: Generated<number>
  report_id: string
  reporter_id: string
  correspondent_id: string
  created_at: Timestamp
  last_message_at: Timestamp
}

export interface MessagesTable {
  id: Generated<number>
  thread_id: number
  author_id: string
  body: string
  scam_signals: ColumnType<string[], string[] | undefined, string[]>
  created_at: Timestamp
}

/** What an edit-history entry records of one key fact, before and after (public values only). */
export type EditedFact =
  | { field: 'photos'; mediaIds: string[] }
  | { field: 'kind'; kind: ReportKind; foundState: FoundState | null }
  | { field: 'place'; label: string; lat: number; lng: number }

export interface ReportEditsTable {
  id: Generated<number>
  report_id: string
  editor_id: string
  field: EditedFact['field']
  before: ColumnType<EditedFact, string, string>
  after: ColumnType<EditedFact, string, string>
  created_at: Timestamp
}

export interface FinderTables {
  lost_cats: LostCatsTable
  sightings: SightingsTable
  message_threads: MessageThreadsTable
  messages: MessagesTable
  report_edits: ReportEditsTable
}
