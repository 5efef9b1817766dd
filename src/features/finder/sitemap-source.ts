/** Active lost and found reports in /sitemap.xml, so a search engine finds them while they matter. */
import type { Kysely } from 'kysely'
import { sourceById, type SitemapSource } from '@/features/sitemap/service'
import type { FinderDomain } from '@/schema'

export function reportSitemapSource(db: Kysely<FinderDomain>): SitemapSource {
  return sourceById({
    name: 'lost-and-found',
    db,
    listed: db.selectFrom('lost_cats').select(['id', 'updated_at']).where('status', '=', 'active'),
    path: (row) => `/finder/${row.id}`,
  })
}
