import { sql, type Kysely } from 'kysely'
import { installSearchText } from '../../src/infra/search-text'

/**
 * Full-text search of lost and found reports (src/features/search): the cat's name weighs most, then
 * what it looks like, then the public place label. Never the exact point, the microchip number or
 * the relay messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await installSearchText(db)
  await sql`
    alter table lost_cats add column search_vector tsvector generated always as (
      setweight(to_tsvector('english', search_unaccent(coalesce(name, ''))), 'A') ||
      setweight(to_tsvector('english', search_unaccent(coalesce(breed, '') || ' ' || description)), 'B') ||
      setweight(to_tsvector('english', search_unaccent(place_label)), 'C')
    ) stored
  `.execute(db)
  await sql`create index lost_cats_search on lost_cats using gin (search_vector) where status = 'active'`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table lost_cats drop column search_vector`.execute(db)
}
