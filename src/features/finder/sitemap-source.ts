/** Active lost and found reports in /sitemap.xml, so a search engine finds them while they matter. */
import type { Kysely } from 'kysely'
import { chunksById, type SitemapSource } from '@/features/sitemap/service'
import type { FinderDomain } from '@/schema'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function reportSitemapSource(db: Kysely<FinderDomain>): SitemapSource {
  return {
    name: 'lost-and-found',
    isKey: (text) => UUID.test(text),

    chunks: (size) => chunksById(db, db.selectFrom('lost_cats').select(['id', 'updated_at']).where('status', '=', 'active'), size),

    async entries({ from, to }, limit) {
      const rows = await db
        .selectFrom('lost_cats')
        .select(['id', 'updated_at'])
        .where('status', '=', 'active')
        .where('id', '>=', from)
        .$if(to !== null, (query) => query.where('id', '<', to!))
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map((row) => ({ path: `/finder/${row.id}`, lastmod: row.updated_at }))
    },
  }
}
