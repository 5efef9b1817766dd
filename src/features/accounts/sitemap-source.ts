/** Members' profiles (`/@handle`) in /sitemap.xml: every profile is public. */
import type { Kysely } from 'kysely'
import { chunksById, type SitemapSource } from '@/features/sitemap/service'
import type { AccountsDomain } from '@/schema'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function profileSitemapSource(db: Kysely<AccountsDomain>): SitemapSource {
  return {
    name: 'profiles',
    isKey: (text) => UUID.test(text),

    chunks: (size) => chunksById(db, db.selectFrom('users').select(['id', 'created_at as updated_at']), size),

    async entries({ from, to }, limit) {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'handle', 'created_at'])
        .where('id', '>=', from)
        .$if(to !== null, (query) => query.where('id', '<', to!))
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map((row) => ({ path: `/@${row.handle}`, lastmod: row.created_at }))
    },
  }
}
