import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    // Millisecond precision, so the (created_at, id) cursor survives the round trip through a JS Date.
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .execute()
  // The list: a user's notifications newest first, keyset-paged by (created_at, id).
  await sql`create index notifications_user_newest on notifications (user_id, created_at desc, id desc)`.execute(db)
  // The unread badge in every signed-in page's header counts only these.
  await sql`create index notifications_user_unread on notifications (user_id) where read_at is null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notifications').execute()
}
