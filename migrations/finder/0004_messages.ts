import { sql, type Kysely } from 'kysely'

/**
 * The message relay: people contact a reporter through the app, never by email or phone. One thread
 * per report and correspondent; both sides read it at /finder/:id/messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('message_threads')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('lost_cats.id').onDelete('cascade'))
    .addColumn('reporter_id', 'uuid', (c) => c.notNull())
    .addColumn('correspondent_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_message_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('message_threads_one_per_correspondent', ['report_id', 'correspondent_id'])
    .execute()
  // The reporter's inbox for one report, liveliest thread first.
  await sql`create index message_threads_report_recent on message_threads (report_id, last_message_at desc)`.execute(db)

  await db.schema
    .createTable('messages')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('thread_id', 'bigint', (c) => c.notNull().references('message_threads.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 2000`))
    // Which scam patterns the message matched (src/features/finder/scam.ts); empty for most.
    .addColumn('scam_signals', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index messages_thread_order on messages (thread_id, created_at, id)`.execute(db)
  // Moderators' counts of flagged messages stay cheap however many ordinary messages there are.
  await sql`create index messages_flagged on messages (created_at) where cardinality(scam_signals) > 0`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('messages').execute()
  await db.schema.dropTable('message_threads').execute()
}
