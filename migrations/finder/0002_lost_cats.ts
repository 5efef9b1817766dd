import { sql, type Kysely } from 'kysely'

/**
 * Lost and found reports (src/features/finder). Each keeps two points (docs/architecture.md, Locations): the
 * exact one, seen only by its reporter (and, later, used to send alerts), and the public one, rounded
 * to the privacy grid, which everything public uses: search, order, distances, maps, tags.
 *
 * The vocabularies below are frozen copies of src/features/finder/vocabulary.ts at the time of this
 * migration; a later change to the lists gets a migration of its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lost_cats')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // No foreign key: members live in the accounts domain, possibly another database.
    .addColumn('reporter_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('lost', 'found')`))
    // For a found cat: still out there ('seen') or with the reporter ('taken_in').
    .addColumn('found_state', 'text', (c) => c.check(sql`found_state in ('seen', 'taken_in')`))
    .addColumn('name', 'text', (c) => c.check(sql`char_length(name) between 1 and 60`))
    // Media ids (social domain): the media feature owns the photos. First one is the main photo.
    .addColumn('photo_media_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`).check(sql`cardinality(photo_media_ids) <= 6`))
    .addColumn('colours', sql`text[]`, (c) =>
      c.notNull().defaultTo(sql`'{}'`).check(sql`colours <@ array['black', 'white', 'grey', 'ginger', 'cream', 'brown', 'silver', 'fawn']::text[]`),
    )
    .addColumn('pattern', 'text', (c) =>
      c.notNull().check(sql`pattern in ('solid', 'tabby', 'tuxedo', 'bicolour', 'calico', 'tortoiseshell', 'colourpoint', 'smoke', 'other', 'unknown')`),
    )
    .addColumn('breed', 'text', (c) => c.check(sql`char_length(breed) between 1 and 60`))
    .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('female', 'male', 'unknown')`))
    .addColumn('neutered', 'text', (c) => c.notNull().check(sql`neutered in ('yes', 'no', 'unknown')`))
    .addColumn('age_band', 'text', (c) => c.notNull().check(sql`age_band in ('kitten', 'young', 'adult', 'senior', 'unknown')`))
    .addColumn('microchipped', 'text', (c) => c.notNull().check(sql`microchipped in ('yes', 'no', 'unknown')`))
    // Private: a vet or shelter asks the owner for it; published, it helps a scammer pose as the owner.
    .addColumn('microchip_number', 'text', (c) => c.check(sql`char_length(microchip_number) between 1 and 40`))
    .addColumn('collar', 'text', (c) => c.notNull().check(sql`collar in ('yes', 'no', 'unknown')`))
    .addColumn('collar_note', 'text', (c) => c.check(sql`char_length(collar_note) between 1 and 120`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(description) <= 2000`))
    .addColumn('reward', 'text', (c) => c.check(sql`char_length(reward) between 1 and 80`))
    .addColumn('last_seen_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('exact_point', sql`geography(Point, 4326)`, (c) => c.notNull())
    .addColumn('public_point', sql`geography(Point, 4326)`, (c) => c.notNull())
    // Where it is, in words, from the public point ("near Kreuzberg, Germany").
    .addColumn('place_label', 'text', (c) => c.notNull().check(sql`char_length(place_label) between 1 and 200`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'reunited', 'closed', 'expired')`))
    .addColumn('happy_note', 'text', (c) => c.check(sql`char_length(happy_note) between 1 and 1000`))
    // When the report was first announced to people nearby (in-app "lost near you" now, push alerts
    // with the alerts issue). From then on, changes to its key facts are kept in report_edits.
    .addColumn('alerts_sent_at', sql`timestamptz(3)`)
    // A sighting, a message, an edit or "still looking" counts as activity; 30 days without any
    // brings a reminder, and then expiry (src/features/finder/jobs.ts).
    .addColumn('last_activity_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reminder_sent_at', sql`timestamptz(3)`)
    .addColumn('closed_at', sql`timestamptz(3)`)
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('lost_cats_found_state', sql`(kind = 'found') = (found_state is not null)`)
    .execute()

  // The seed's idx_lost_cats_active_geo, on the geography column: radius search (ST_DWithin) and
  // nearest-first order (<->) over active reports only, which are what anyone searches.
  await sql`create index idx_lost_cats_active_geo on lost_cats using gist (public_point) where status = 'active'`.execute(db)
  // "Your reports", newest first.
  await sql`create index lost_cats_reporter on lost_cats (reporter_id, created_at desc)`.execute(db)
  // The daily reminder and expiry job looks for active reports idle the longest.
  await sql`create index lost_cats_active_idle on lost_cats (last_activity_at) where status = 'active'`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lost_cats').execute()
}
