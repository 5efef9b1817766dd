import { sql, type Kysely } from 'kysely'

/**
 * What every domain's full-text search needs in its database (src/features/search): `unaccent`, so
 * `Zoe` finds `Zoé`; `pg_trgm`, for names typed with a mistake; and `search_unaccent`, an immutable
 * wrapper of `unaccent` that a generated `tsvector` column may call (`unaccent` itself is only
 * stable: its dictionary could change under an index). The four domains share one embedded
 * database, so every statement may meet what another domain's migration already made.
 */
export async function installSearchText(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists unaccent`.execute(db)
  await sql`create extension if not exists pg_trgm`.execute(db)
  // Schema-qualified, so the function does not depend on the caller's search_path.
  await sql`
    create or replace function search_unaccent(text) returns text
    language sql immutable parallel safe strict
    as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$
  `.execute(db)
}
