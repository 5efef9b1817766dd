import { sql, type Kysely } from 'kysely'

/**
 * A moderator's hide (issue 20): a hidden post is gone for everyone (its record is not read, so
 * no page, feed or list shows it) until a moderator restores it. Null: shown.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table posts add column hidden_at timestamptz`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table posts drop column hidden_at`.execute(db)
}
