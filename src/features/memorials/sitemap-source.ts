/** Public memorials in the sitemap (src/features/sitemap/service.ts), walked by id (`memorials_public_id`). */
import type { Kysely } from 'kysely'
import { sourceById, type SitemapSource } from '@/features/sitemap/service'
import type { MemorialsDomain } from '@/schema'

export function memorialSitemapSource(db: Kysely<MemorialsDomain>): SitemapSource {
  return sourceById({
    name: 'memorials',
    db,
    listed: db.selectFrom('memorials').select(['id', 'slug', 'updated_at']).where('visibility', '=', 'public'),
    path: (row) => `/memorials/${row.slug}`,
  })
}
