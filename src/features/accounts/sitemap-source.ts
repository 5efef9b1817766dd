/** Members' profiles (`/@handle`) in /sitemap.xml: every profile is public. */
import type { Kysely } from 'kysely'
import { sourceById, type SitemapSource } from '@/features/sitemap/service'
import type { AccountsDomain } from '@/schema'

export function profileSitemapSource(db: Kysely<AccountsDomain>): SitemapSource {
  return sourceById({
    name: 'profiles',
    db,
    listed: db.selectFrom('users').select(['id', 'handle', 'created_at as updated_at']),
    path: (row) => `/@${row.handle}`,
  })
}
