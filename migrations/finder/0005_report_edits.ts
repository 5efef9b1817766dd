import { sql, type Kysely } from 'kysely'

/**
 * Edit history of a report's key facts (photos, kind, place) once alerts have gone out, shown on the
 * report page, so a report that travelled cannot be silently turned into something else. Places are
 * recorded as public points and labels only: the history is public.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_edits')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('lost_cats.id').onDelete('cascade'))
    .addColumn('editor_id', 'uuid', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull().check(sql`field in ('photos', 'kind', 'place')`))
    .addColumn('before', 'jsonb', (c) => c.notNull())
    .addColumn('after', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index report_edits_report on report_edits (report_id, created_at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_edits').execute()
}
