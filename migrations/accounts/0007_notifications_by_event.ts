import { sql, type Kysely } from 'kysely'

/**
 * The members one event reached (`dedupe_key = 'alert:<report id>'`): when a lost cat is home again,
 * the good news goes to exactly those its alert went to (src/features/notifications/lost-cat-alerts.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index notifications_by_event on notifications (dedupe_key) where dedupe_key is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index notifications_by_event`.execute(db)
}
