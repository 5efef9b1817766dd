import { sql, type Kysely } from 'kysely'

/**
 * Sightings of a reported cat, and "searched here, not seen" entries, so the timeline shows where
 * people looked. Like a report, a sighting keeps its exact point (for the reporter, who is searching)
 * and a public one on the privacy grid (a sighting in someone's garden must not reveal the garden).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sightings')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('lost_cats.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('seen', 'not_seen')`))
    .addColumn('seen_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('exact_point', sql`geography(Point, 4326)`, (c) => c.notNull())
    .addColumn('public_point', sql`geography(Point, 4326)`, (c) => c.notNull())
    .addColumn('place_label', 'text', (c) => c.notNull().check(sql`char_length(place_label) between 1 and 200`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(note) <= 1000`))
    .addColumn('photo_media_id', 'uuid')
    // Set when the reporter says "yes, that was my cat": the report's last-seen place moves here.
    .addColumn('confirmed_at', sql`timestamptz(3)`)
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // The report page's timeline, newest first.
  await sql`create index sightings_report_timeline on sightings (report_id, seen_at desc, id desc)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sightings').execute()
}
