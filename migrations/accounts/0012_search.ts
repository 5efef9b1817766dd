import { sql, type Kysely } from 'kysely'
import { installSearchText } from '../../src/infra/search-text'

/** Full-text search of members (src/features/search): handle and name, then the bio. Never the email. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await installSearchText(db)
  await sql`
    alter table users add column search_vector tsvector generated always as (
      setweight(to_tsvector('english', search_unaccent(handle || ' ' || display_name)), 'A') ||
      setweight(to_tsvector('english', search_unaccent(bio)), 'B')
    ) stored
  `.execute(db)
  await sql`create index users_search on users using gin (search_vector)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop column search_vector`.execute(db)
}
