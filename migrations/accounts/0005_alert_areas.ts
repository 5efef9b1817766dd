import { sql, type Kysely } from 'kysely'

/**
 * Alert areas (notifications feature): a member's home point and a radius for lost-cat alerts. The
 * home point is exact and private to its member; it is never shown to anyone else.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alert_areas')
    // One area per member: "around my home".
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('home_point', sql`geography(Point, 4326)`, (c) => c.notNull())
    // 100 m to 200 km: the upper bound of ALERT_RADIUS_MAX_KM; the configured maximum is checked on save.
    .addColumn('radius_m', 'integer', (c) => c.notNull().check(sql`radius_m between 100 and 200000`))
    .addColumn('place_label', 'text', (c) => c.notNull().check(sql`char_length(place_label) between 1 and 200`))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // "Whose area contains this point?" (the alerts issue): ST_DWithin(home_point, point, max radius)
  // finds candidates through this index, then each row's own radius decides.
  await sql`create index alert_areas_home on alert_areas using gist (home_point)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_areas').execute()
}
