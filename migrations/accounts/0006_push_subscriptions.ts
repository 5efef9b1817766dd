import { sql, type Kysely } from 'kysely'

/**
 * Web push (notifications feature): the browsers a member turned push on in, which kinds of
 * notification they want pushed, and a key that makes an in-app notification of one event land once
 * per member however often a queued job runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // A push service URL names one browser's subscription: if another member signs in there and
    // turns push on, the browser is theirs now (the row moves, see push-subscriptions.ts).
    .addColumn('endpoint', 'text', (c) => c.notNull().unique().check(sql`char_length(endpoint) between 12 and 2048`))
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull().check(sql`char_length(label) between 1 and 100`))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_success_at', sql`timestamptz(3)`)
    // Failed sends in a row (not 404/410, which delete the row at once); a success resets it.
    .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  // The settings list and "does this member have push anywhere?" on every notify.
  await db.schema.createIndex('push_subscriptions_user').on('push_subscriptions').column('user_id').execute()

  await db.schema
    .createTable('notification_preferences')
    // No row: everything on, the way a member who just turned push on expects.
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('push_alerts', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('push_reports', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('push_social', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('push_memorials', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema.alterTable('notifications').addColumn('dedupe_key', 'text').execute()
  // One notification per member per event (e.g. `alert:<report id>`), so a retried job adds nothing.
  await sql`create unique index notifications_user_dedupe on notifications (user_id, dedupe_key) where dedupe_key is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index notifications_user_dedupe`.execute(db)
  await db.schema.alterTable('notifications').dropColumn('dedupe_key').execute()
  await db.schema.dropTable('notification_preferences').execute()
  await db.schema.dropTable('push_subscriptions').execute()
}
