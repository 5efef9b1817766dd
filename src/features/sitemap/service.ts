/**
 * `/sitemap.xml`: a sitemap index over every public page, in chunks of at most 50,000 URLs (the
 * sitemaps.org limit), each with `lastmod`. Features add a `SitemapSource` (memorials now; lost and
 * found reports and profiles when they are public) in src/services.ts; this module never knows their tables.
 *
 * A source is walked by a key of its own choosing (an id), never by OFFSET: the index asks each source
 * for the first key of every chunk, and a chunk's URL names its range of keys
 * (`/sitemaps/memorials.xml?from=…&to=…`), so serving chunk 40 costs the same as chunk 1.
 *
 * @example
 * const sitemap = createSitemap({ publicUrl, sources: [memorials.sitemapSource, finder.sitemapSource] })
 * await sitemap.indexXml()
 */

import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import { isUuid } from '@/shared/ids'

/** The sitemaps.org limit of URLs in one sitemap file. */
export const SITEMAP_MAX_URLS = 50_000

export interface SitemapEntry {
  /** A path on this site, e.g. `/memorials/biscuit`. */
  path: string
  lastmod: Date
}

/** One sitemap file's range of keys: from `from` (included) to `to` (excluded; null: to the end). */
export interface SitemapRange {
  from: string
  to: string | null
}

export interface SitemapChunk extends SitemapRange {
  /** The newest change among its entries. */
  lastmod: Date
}

export interface SitemapSource {
  /** Names the source's files: `/sitemaps/<name>.xml`. Lowercase letters and dashes. */
  name: string
  /** Whether `text` could be one of this source's keys (checked before any query). */
  isKey(text: string): boolean
  /** The source's entries cut into chunks of `size`, in key order. */
  chunks(size: number): Promise<SitemapChunk[]>
  /** The entries in a range, in key order, at most `limit`. */
  entries(range: SitemapRange, limit: number): Promise<SitemapEntry[]>
}

const XMLNS = 'http://www.sitemaps.org/schemas/sitemap/0.9'

export function createSitemap({ publicUrl, sources, chunkSize = SITEMAP_MAX_URLS }: { publicUrl: URL; sources: SitemapSource[]; chunkSize?: number }) {
  const byName = new Map(sources.map((source) => [source.name, source]))
  const absolute = (path: string) => new URL(path, publicUrl).href

  return {
    /** The sitemap index: one `<sitemap>` per chunk of every source. */
    async indexXml(): Promise<string> {
      const files: string[] = []
      for (const source of sources) {
        for (const chunk of await source.chunks(chunkSize)) {
          files.push(`<sitemap><loc>${xmlText(absolute(chunkPath(source.name, chunk)))}</loc><lastmod>${chunk.lastmod.toISOString()}</lastmod></sitemap>`)
        }
      }
      return xmlDocument(`<sitemapindex xmlns="${XMLNS}">\n${files.join('\n')}\n</sitemapindex>`)
    },

    /** One chunk's `<urlset>`, or null when the source or the range is not one of ours. */
    async chunkXml(name: string, range: { from: unknown; to: unknown }): Promise<string | null> {
      const source = byName.get(name)
      if (!source || typeof range.from !== 'string' || !source.isKey(range.from)) return null
      const to = typeof range.to === 'string' && range.to !== '' ? range.to : null
      if (to !== null && !source.isKey(to)) return null
      const entries = await source.entries({ from: range.from, to }, chunkSize)
      const urls = entries.map((entry) => `<url><loc>${xmlText(absolute(entry.path))}</loc><lastmod>${entry.lastmod.toISOString()}</lastmod></url>`)
      return xmlDocument(`<urlset xmlns="${XMLNS}">\n${urls.join('\n')}\n</urlset>`)
    },

    /** `/robots.txt`: everything may be crawled but people's own pages, and where the sitemap is. */
    robotsTxt(): string {
      return ['User-agent: *', 'Disallow: /settings', 'Disallow: /notifications', 'Disallow: /login', 'Disallow: /signup', '', `Sitemap: ${absolute('/sitemap.xml')}`, ''].join('\n')
    },
  }
}

export type Sitemap = ReturnType<typeof createSitemap>

/**
 * A source keyed by a uuid `id`: `listed` selects the `id` and `updated_at` of what the sitemap
 * lists, with whatever `path` needs. Chunks number the rows by id once and group them; text in "C"
 * order sorts like the uuids themselves, so a chunk's smallest id is where it starts. A chunk's
 * entries are the listed rows in its range of ids.
 *
 * @example
 * sourceById({ name: 'memorials', db, listed: db.selectFrom('memorials').select(['id', 'slug', 'updated_at']).where('visibility', '=', 'public'), path: (row) => `/memorials/${row.slug}` })
 */
export function sourceById<DB, TB extends keyof DB, Row extends { id: string; updated_at: Date }>({
  name,
  db,
  listed,
  path,
}: {
  name: string
  db: Kysely<DB>
  listed: SelectQueryBuilder<DB, TB, Row>
  path: (row: Row) => string
}): SitemapSource {
  return {
    name,
    isKey: isUuid,

    async chunks(size) {
      const { rows } = await sql<{ first: string; lastmod: Date }>`
        select min(id::text collate "C") as first, max(updated_at) as lastmod
        from (select id, updated_at, (row_number() over (order by id) - 1) / ${size} as chunk from (${listed}) as listed) numbered
        group by chunk
        order by chunk`.execute(db)
      return rows.map((row, i) => ({ from: row.first, to: rows[i + 1]?.first ?? null, lastmod: new Date(row.lastmod) }))
    },

    async entries({ from, to }, limit) {
      const { rows } = await sql<Row>`
        select * from (${listed}) as listed
        where id >= ${from}::uuid ${to === null ? sql`` : sql`and id < ${to}::uuid`}
        order by id
        limit ${limit}`.execute(db)
      return rows.map((row) => ({ path: path(row), lastmod: new Date(row.updated_at) }))
    },
  }
}

function chunkPath(name: string, range: SitemapRange): string {
  const query = new URLSearchParams({ from: range.from, ...(range.to && { to: range.to }) })
  return `/sitemaps/${name}.xml?${query}`
}

function xmlDocument(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

function xmlText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!)
}
