import type { ColumnType, Generated, Selectable } from 'kysely'

/** Who may see a memorial: everyone (and search engines), whoever has the link, or its owner only. */
export type Visibility = 'public' | 'unlisted' | 'private'
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private']

/** Waiting for the owner's approval, on the page, or taken off it by the owner. */
export type TributeStatus = 'waiting' | 'shown' | 'hidden'

/** Timestamps the database sets by default and the app may set on update. */
type Stamp = ColumnType<Date, Date | undefined, Date>

/** See migrations/memorials/0002_memorials.ts. */
export interface MemorialsTable {
  id: Generated<string>
  owner_id: string
  slug: string
  name: string
  born_year: number | null
  born_month: number | null
  born_day: number | null
  passed_year: number
  passed_month: number | null
  passed_day: number | null
  story: ColumnType<string, string | undefined, string>
  cover_media_id: string | null
  visibility: ColumnType<Visibility, Visibility | undefined, Visibility>
  show_on_wall: ColumnType<boolean, boolean | undefined, boolean>
  tributes_need_approval: ColumnType<boolean, boolean | undefined, boolean>
  candle_count: ColumnType<number, never, number>
  created_at: Stamp
  updated_at: Stamp
}

export interface MemorialOldSlugsTable {
  slug: string
  memorial_id: string
  created_at: Generated<Date>
}

export interface MemorialPhotosTable {
  memorial_id: string
  media_id: string
  added_at: Generated<Date>
}

export interface CandlesTable {
  memorial_id: string
  /** The visitor's day, `YYYY-MM-DD` (UTC). */
  day: ColumnType<Date, string, string>
  visitor_key: string
  lit_at: Generated<Date>
}

export interface TributesTable {
  id: Generated<number>
  memorial_id: string
  author_id: string
  author_handle: string
  author_name: string
  body: string
  status: TributeStatus
  flag_count: ColumnType<number, never, number>
  created_at: Generated<Date>
}

export interface TributeFlagsTable {
  tribute_id: number
  flagger_key: string
  created_at: Generated<Date>
}

export interface MemorialTables {
  memorials: MemorialsTable
  memorial_old_slugs: MemorialOldSlugsTable
  memorial_photos: MemorialPhotosTable
  candles: CandlesTable
  tributes: TributesTable
  tribute_flags: TributeFlagsTable
}

export type MemorialRow = Selectable<MemorialsTable>
export type TributeRow = Selectable<TributesTable>
