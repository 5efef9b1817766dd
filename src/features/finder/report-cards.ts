/**
 * What a search result shows of a report — kind, name, first photo, colours, pattern, when and
 * where last seen — and what a search filters on (status, the public point), kept near
 * (src/infra/store/near-cache.ts) for ten minutes. With them the Redis GEO path answers a search
 * from Redis and memory alone: GEOSEARCH names the reports, the cards tell what they are.
 *
 * Every change to a report's public picture goes through `published` (reports.ts), which marks its
 * card changed, so a search never shows a report as it was before its reporter's edit, close or move.
 *
 * @example
 * const cards = await reportCards.byIds([id])   // Map: id → card; ids PostgreSQL doesn't have are absent
 * await reportCards.changed([id])               // after the report's row was written
 */
import { sql, type Kysely } from 'kysely'
import { latOf, lngOf, type LatLng } from '@/features/finder/geodesy'
import type { Colour, FoundState, Pattern, ReportKind, ReportStatus } from '@/features/finder/vocabulary'
import { nearRecords } from '@/infra/store/near-records'
import type { Store } from '@/infra/store/store'
import type { FinderDomain } from '@/schema'

export interface ReportCard {
  id: string
  status: ReportStatus
  kind: ReportKind
  foundState: FoundState | null
  name: string | null
  photoId: string | null
  colours: Colour[]
  pattern: Pattern
  lastSeenAt: Date
  placeLabel: string
  /** The public point, never the exact one. */
  point: LatLng
  /** When the report last changed: a rendering of it is good while this stays the same. */
  updatedAt: Date
}

/**
 * A searched area's reports are read from PostgreSQL about once in this long, not once a search, and
 * their copies in each instance live as long (src/infra/store/near-cache.ts, RECORD_MAX_AGE_MS): a
 * card whose copy is gone costs its search a round trip, or three to PostgreSQL and back.
 */
const CARD_SECONDS = 600

/** The columns of `lost_cats` a card is made of: every query that shows reports as results selects these. */
export const cardColumns = [
  'id',
  'status',
  'kind',
  'found_state',
  'name',
  sql<string | null>`photo_media_ids[1]`.as('photo_id'),
  'colours',
  'pattern',
  'last_seen_at',
  'place_label',
  'updated_at',
  latOf('public_point').as('lat'),
  lngOf('public_point').as('lng'),
] as const

export interface CardRow {
  id: string
  status: ReportStatus
  kind: ReportKind
  found_state: FoundState | null
  name: string | null
  photo_id: string | null
  colours: Colour[]
  pattern: Pattern
  last_seen_at: Date
  place_label: string
  updated_at: Date
  lat: number
  lng: number
}

export function cardOf(row: CardRow): ReportCard {
  return {
    id: row.id,
    status: row.status,
    kind: row.kind,
    foundState: row.found_state,
    name: row.name,
    photoId: row.photo_id,
    colours: row.colours,
    pattern: row.pattern,
    lastSeenAt: row.last_seen_at,
    placeLabel: row.place_label,
    point: { lat: row.lat, lng: row.lng },
    updatedAt: row.updated_at,
  }
}

export function createReportCards(db: Kysely<FinderDomain>, store: Store) {
  async function fromPostgres(ids: readonly string[]): Promise<ReportCard[]> {
    const rows = await db.selectFrom('lost_cats').select(cardColumns).where('id', 'in', [...ids]).execute()
    return rows.map(cardOf)
  }

  return nearRecords({ store, name: 'finder:card', ttlSeconds: CARD_SECONDS, load: fromPostgres, idOf: (card) => card.id, revive })
}

export type ReportCards = ReturnType<typeof createReportCards>

function revive(json: string): ReportCard {
  // Cast: JSON.parse is untyped; the store holds only what this file wrote from a ReportCard.
  const card = JSON.parse(json) as Omit<ReportCard, 'lastSeenAt' | 'updatedAt'> & { lastSeenAt: string; updatedAt: string }
  return { ...card, lastSeenAt: new Date(card.lastSeenAt), updatedAt: new Date(card.updatedAt) }
}
