import { sql, type Kysely } from 'kysely'

/**
 * The finder domain's outbox (src/infra/outbox.ts): jobs that must follow a write, written in the
 * write's transaction and deleted once queued; what Redis could not take waits here for the sweeper.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('finder_outbox')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('finder_outbox').execute()
}
