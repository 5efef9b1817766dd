/** Public memorials in the sitemap (src/features/sitemap/service.ts), walked by id (`memorials_public_id`). */
import type { Kysely } from 'kysely'
import { chunksById, type SitemapSource } from '@/features/sitemap/service'
import type { MemorialsDomain } from '@/schema'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function memorialSitemapSource(db: Kysely<MemorialsDomain>): SitemapSource {
  return {
    name: 'memorials',
    isKey: (text) => UUID.test(text),

    chunks: (size) => chunksById(db, db.selectFrom('memorials').select(['id', 'updated_at']).where('visibility', '=', 'public'), size),

    async entries({ from, to }, limit) {
      const rows = await db
        .selectFrom('memorials')
        .select(['slug', 'updated_at'])
        .where('visibility', '=', 'public')
        .where('id', '>=', from)
        .$if(to !== null, (query) => query.where('id', '<', to!))
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map((row) => ({ path: `/memorials/${row.slug}`, lastmod: row.updated_at }))
    },
  }
}
