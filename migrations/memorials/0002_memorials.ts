import { sql, type Kysely } from 'kysely'

/**
 * Memorials (src/features/memorials): the pages, the slugs they used to have, candles, tributes and
 * the flags on tributes. Owners, tribute authors and photos live in other domains (accounts, social),
 * possibly other databases: their ids are kept here without foreign keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('memorials')
    // A uuid: it appears in cache tags, sitemap chunk URLs and forms without telling how many there are.
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('owner_id', 'uuid', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique().check(sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 80`))
    // Dates may be known to the year or the month only: a day needs a month, a month needs a year.
    .addColumn('born_year', 'smallint')
    .addColumn('born_month', 'smallint', (c) => c.check(sql`born_month between 1 and 12`))
    .addColumn('born_day', 'smallint', (c) => c.check(sql`born_day between 1 and 31`))
    .addColumn('passed_year', 'smallint', (c) => c.notNull())
    .addColumn('passed_month', 'smallint', (c) => c.check(sql`passed_month between 1 and 12`))
    .addColumn('passed_day', 'smallint', (c) => c.check(sql`passed_day between 1 and 31`))
    .addColumn('story', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(story) <= 10000`))
    // A media id (social domain); the gallery is memorial_photos.
    .addColumn('cover_media_id', 'uuid')
    // New memorials start unlisted: a public page can show a home or a family before its owner has thought about it.
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('unlisted').check(sql`visibility in ('public', 'unlisted', 'private')`))
    .addColumn('show_on_wall', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('tributes_need_approval', 'boolean', (c) => c.notNull().defaultTo(false))
    // Kept here so that a page never counts candles: one row per visitor per day adds up quickly.
    .addColumn('candle_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Millisecond precision: the wall's (created_at, id) cursor goes through a JS Date.
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    // Whenever what the page shows changes (edits, photos, tributes): Last-Modified and sitemap lastmod.
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('memorials_born_precision', sql`(born_month is null or born_year is not null) and (born_day is null or born_month is not null)`)
    .addCheckConstraint('memorials_passed_precision', sql`passed_day is null or passed_month is not null`)
    .execute()
  // The wall, newest first.
  await sql`CREATE INDEX idx_memorials_wall ON memorials(created_at DESC) WHERE visibility = 'public' AND show_on_wall = true`.execute(db)
  // "Your memorials".
  await sql`create index memorials_owner on memorials (owner_id, created_at desc)`.execute(db)
  // The sitemap walks public memorials by id.
  await sql`create index memorials_public_id on memorials (id) where visibility = 'public'`.execute(db)
  // The daily anniversary job looks up today's day and month.
  await sql`create index memorials_passing_day on memorials (passed_month, passed_day) where passed_day is not null`.execute(db)
  await sql`create index memorials_birthday on memorials (born_month, born_day) where born_day is not null`.execute(db)

  await db.schema
    .createTable('memorial_old_slugs')
    // Old addresses keep working (301) and are never handed to another memorial.
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('memorial_id', 'uuid', (c) => c.notNull().references('memorials.id').onDelete('cascade'))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('memorial_old_slugs_memorial').on('memorial_old_slugs').column('memorial_id').execute()

  await db.schema
    .createTable('memorial_photos')
    .addColumn('memorial_id', 'uuid', (c) => c.notNull().references('memorials.id').onDelete('cascade'))
    .addColumn('media_id', 'uuid', (c) => c.notNull())
    .addColumn('added_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('memorial_photos_pk', ['memorial_id', 'media_id'])
    .execute()

  await db.schema
    .createTable('candles')
    .addColumn('memorial_id', 'uuid', (c) => c.notNull().references('memorials.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    // `user:<id>` for members; for signed-out visitors a keyed hash of address and day whose key is
    // thrown away after two days, so nobody (us included) can tell afterwards who lit it.
    .addColumn('visitor_key', 'text', (c) => c.notNull())
    .addColumn('lit_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    // One candle per visitor per memorial per day.
    .addPrimaryKeyConstraint('candles_pk', ['memorial_id', 'day', 'visitor_key'])
    .execute()

  await db.schema
    .createTable('tributes')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('memorial_id', 'uuid', (c) => c.notNull().references('memorials.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull())
    // As signed: a tribute is a message of its moment, and the page never needs the accounts domain.
    .addColumn('author_handle', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 1000`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('waiting', 'shown', 'hidden')`))
    .addColumn('flag_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // A page's shown tributes, oldest first; the owner's list by status.
  await sql`create index tributes_memorial on tributes (memorial_id, status, created_at)`.execute(db)

  await db.schema
    .createTable('tribute_flags')
    .addColumn('tribute_id', 'bigint', (c) => c.notNull().references('tributes.id').onDelete('cascade'))
    // The same kind of key as a candle's: one flag per visitor (per day when signed out).
    .addColumn('flagger_key', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('tribute_flags_pk', ['tribute_id', 'flagger_key'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tribute_flags', 'tributes', 'candles', 'memorial_photos', 'memorial_old_slugs', 'memorials']) {
    await db.schema.dropTable(table).execute()
  }
}
