import { sql, type Kysely } from 'kysely'
import { installSearchText } from '../../src/infra/search-text'

/** Full-text search of posts (src/features/search): the body, accents ignored, under a GIN index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await installSearchText(db)
  await sql`
    alter table posts add column search_vector tsvector generated always as (
      setweight(to_tsvector('english', search_unaccent(body)), 'B')
    ) stored
  `.execute(db)
  await sql`create index posts_search on posts using gin (search_vector)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table posts drop column search_vector`.execute(db)
}
