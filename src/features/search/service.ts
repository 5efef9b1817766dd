/**
 * Search (issue 22): PostgreSQL full-text search over posts (social), lost and found reports
 * (finder), public memorials (memorials) and members (accounts). Each domain is asked on its own
 * handle — no join across domains — through the weighted, accent-free `search_vector` columns and
 * GIN indexes of the `*_search` migrations. One kind's results are keyset-paginated by (rank, id).
 *
 * Never searchable: unlisted and private memorials, reports that are not active, relay messages,
 * exact points, e-mail addresses (none of them is in a search column or selected here).
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Databases } from '@/infra/db'

export const SEARCH_KINDS = ['posts', 'reports', 'memorials', 'members'] as const
export type SearchKind = (typeof SEARCH_KINDS)[number]
export const isSearchKind = (value: unknown): value is SearchKind => SEARCH_KINDS.includes(value as SearchKind)

/** The longest query taken; longer ones are refused with a message (a search box, not an essay). */
export const SEARCH_QUERY_MAX = 200
/** Results of one kind on a kind's page; the page of every kind shows the first few of each. */
export const SEARCH_PAGE_SIZE = 20
export const SEARCH_PREVIEW_SIZE = 5
/** A search that takes longer is cut off by PostgreSQL (`SET LOCAL`, so safe behind a pooler). */
export const SEARCH_TIMEOUT_MS = 2000

/** Marks of a match inside a snippet: private-use characters, which no escaping touches. */
export const MARK_START = '\uE000'
export const MARK_STOP = '\uE001'

export interface SearchHit {
  kind: SearchKind
  id: string
  /** Where the result lives, e.g. `/posts/12`. */
  href: string
  title: string
  /** Plain text with MARK_START/MARK_STOP around the matched words (views escape it, then mark). */
  snippet: string
  /** For posts: the author's id, turned into a handle by the route. */
  authorId?: string
}

export interface SearchPage {
  hits: SearchHit[]
  /** The cursor of the next page of this kind, or null at the end. */
  next: string | null
}

/** Where a kind's page goes on: the (rank, id) of its last result, tied to the query that made it. */
interface SearchCursor {
  rank: number
  id: string
}

const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`

export function createSearch(dbs: Pick<Databases, 'social' | 'finder' | 'memorials' | 'accounts'>) {
  /** One kind's query in its own transaction, with the statement timeout set for it alone. */
  async function inTransaction<DB, Row>(db: Kysely<DB>, run: (trx: Transaction<DB>) => Promise<Row[]>): Promise<Row[]> {
    return db.transaction().execute(async (trx) => {
      await sql.raw(`set local statement_timeout = ${SEARCH_TIMEOUT_MS}`).execute(trx)
      return run(trx)
    })
  }

  const query = (q: string): RawBuilder<unknown> => sql`websearch_to_tsquery('english', search_unaccent(${q}))`

  /** `(rank, id) < cursor` over a derived table with those columns, or true without a cursor. */
  const after = (cursor: SearchCursor | null, idType: 'bigint' | 'uuid') =>
    cursor ? sql`(rank, id) < (${cursor.rank}::real, ${cursor.id}::${sql.raw(idType)})` : sql`true`

  interface Row {
    id: string
    rank: number
    title: string
    snippet: string
    author_id?: string
    slug?: string
  }

  const finders: Record<SearchKind, (q: string, cursor: SearchCursor | null, limit: number) => Promise<Row[]>> = {
    posts: (q, cursor, limit) =>
      inTransaction(dbs.social, async (trx) => {
        const { rows } = await sql<Row>`
          select id::text as id, rank, author_id::text as author_id, '' as title,
                 ts_headline('english', body, ${query(q)}, ${HEADLINE}) as snippet
          from (
            select id, author_id, body, ts_rank_cd(search_vector, ${query(q)}) as rank
            from posts where hidden_at is null and search_vector @@ ${query(q)}
          ) matched
          where ${after(cursor, 'bigint')}
          order by rank desc, matched.id desc limit ${limit}`.execute(trx)
        return rows
      }),
    reports: (q, cursor, limit) =>
      inTransaction(dbs.finder, async (trx) => {
        const { rows } = await sql<Row>`
          select id::text as id, rank,
                 coalesce(name, case kind when 'lost' then 'Lost cat' else 'Found cat' end) || ', ' || place_label as title,
                 ts_headline('english', coalesce(breed, '') || ' ' || description, ${query(q)}, ${HEADLINE}) as snippet
          from (
            select id, kind, name, breed, description, place_label, ts_rank_cd(search_vector, ${query(q)}) as rank
            from lost_cats where status = 'active' and search_vector @@ ${query(q)}
          ) matched
          where ${after(cursor, 'uuid')}
          order by rank desc, matched.id desc limit ${limit}`.execute(trx)
        return rows
      }),
    memorials: (q, cursor, limit) =>
      inTransaction(dbs.memorials, async (trx) => {
        const { rows } = await sql<Row>`
          select id::text as id, rank, slug, name as title,
                 ts_headline('english', story, ${query(q)}, ${HEADLINE}) as snippet
          from (
            select id, slug, name, story, ts_rank_cd(search_vector, ${query(q)}) as rank
            from memorials where visibility = 'public' and search_vector @@ ${query(q)}
          ) matched
          where ${after(cursor, 'uuid')}
          order by rank desc, matched.id desc limit ${limit}`.execute(trx)
        return rows
      }),
    members: (q, cursor, limit) =>
      inTransaction(dbs.accounts, async (trx) => {
        const { rows } = await sql<Row>`
          select id::text as id, rank, handle as slug, display_name || ' (@' || handle || ')' as title,
                 ts_headline('english', bio, ${query(q)}, ${HEADLINE}) as snippet
          from (
            select id, handle, display_name, bio, ts_rank_cd(search_vector, ${query(q)}) as rank
            from users where search_vector @@ ${query(q)}
          ) matched
          where ${after(cursor, 'uuid')}
          order by rank desc, matched.id desc limit ${limit}`.execute(trx)
        return rows
      }),
  }

  const hrefOf = (kind: SearchKind, row: Row) =>
    kind === 'posts'
      ? `/posts/${row.id}`
      : kind === 'reports'
        ? `/finder/${row.id}`
        : kind === 'memorials'
          ? `/memorials/${encodeURIComponent(row.slug ?? '')}`
          : `/@${encodeURIComponent(row.slug ?? '')}`

  const hitOf = (kind: SearchKind, row: Row): SearchHit => ({
    kind,
    id: row.id,
    href: hrefOf(kind, row),
    title: row.title,
    snippet: row.snippet,
    ...(row.author_id ? { authorId: row.author_id } : {}),
  })

  return {
    /**
     * One page of one kind. `rawCursor` from another query or kind is refused (null), so a stale
     * link never mixes two result lists.
     */
    async page(kind: SearchKind, q: string, rawCursor: string | null): Promise<SearchPage | null> {
      const cursor = rawCursor ? decodeSearchCursor(rawCursor, kind, q) : null
      if (rawCursor && !cursor) return null
      const rows = await finders[kind](q, cursor, SEARCH_PAGE_SIZE + 1)
      const shown = rows.slice(0, SEARCH_PAGE_SIZE)
      const last = shown.at(-1)
      const next = rows.length > SEARCH_PAGE_SIZE && last ? encodeSearchCursor({ rank: Number(last.rank), id: last.id }, kind, q) : null
      return { hits: shown.map((row) => hitOf(kind, row)), next }
    },

    /** The first few of every kind, one domain after another (embedded, they share one connection). */
    async preview(q: string): Promise<Record<SearchKind, SearchHit[]>> {
      const found = {} as Record<SearchKind, SearchHit[]> // filled for every kind just below
      for (const kind of SEARCH_KINDS) found[kind] = (await finders[kind](q, null, SEARCH_PREVIEW_SIZE)).map((row) => hitOf(kind, row))
      return found
    },
  }
}

export type Search = ReturnType<typeof createSearch>

/** The query as searched: control and private-use characters out (they mark snippets), spaces collapsed. */
export function cleanSearchQuery(raw: string): string {
  return raw.replace(/[\u0000-\u001f\u007f-\u009f\uE000-\uF8FF]/g, ' ').replace(/\s+/g, ' ').trim()
}

function fingerprint(kind: SearchKind, q: string): string {
  return new Bun.CryptoHasher('sha256').update(`${kind}\n${q}`).digest('base64url').slice(0, 12)
}

function encodeSearchCursor(cursor: SearchCursor, kind: SearchKind, q: string): string {
  return Buffer.from(`${fingerprint(kind, q)}|${cursor.rank}|${cursor.id}`).toString('base64url')
}

const CURSOR_ID = /^(\d{1,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

function decodeSearchCursor(raw: string, kind: SearchKind, q: string): SearchCursor | null {
  if (raw.length > 200) return null
  const [print, rank, id] = Buffer.from(raw, 'base64url').toString().split('|')
  const value = Number(rank)
  if (print !== fingerprint(kind, q) || !id || !CURSOR_ID.test(id) || !Number.isFinite(value)) return null
  if ((kind === 'posts') !== /^\d+$/.test(id)) return null
  return { rank: value, id }
}
