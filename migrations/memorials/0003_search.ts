import { sql, type Kysely } from 'kysely'
import { installSearchText } from '../../src/infra/search-text'

/** Full-text search of public memorials (src/features/search): the name, then the story. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await installSearchText(db)
  await sql`
    alter table memorials add column search_vector tsvector generated always as (
      setweight(to_tsvector('english', search_unaccent(name)), 'A') ||
      setweight(to_tsvector('english', search_unaccent(story)), 'B')
    ) stored
  `.execute(db)
  // Only public memorials are ever searched: unlisted and private ones stay out of the index too.
  await sql`create index memorials_search on memorials using gin (search_vector) where visibility = 'public'`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table memorials drop column search_vector`.execute(db)
}
