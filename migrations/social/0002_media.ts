import { sql, type Kysely } from 'kysely'

/**
 * Photos, owned by the media feature (src/features/media). Other features keep a media id and ask
 * the media feature for URLs; the variants live in blob storage under `m/<content_hash>/`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('media')
    // A uuid, not a bigint identity: the id is stored by features in other databases (users in the
    // accounts domain hold avatar_media_id), where a sequence of this one means nothing, and it can
    // appear in forms and URLs without telling anyone how many photos there are or inviting a walk.
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // No foreign key: users live in the accounts domain, possibly another database.
    .addColumn('owner_id', 'uuid', (c) => c.notNull())
    // Names the folder of the variants; two uploads of the same bytes share it (and its objects).
    .addColumn('content_hash', 'text', (c) => c.notNull().check(sql`content_hash ~ '^[0-9a-f]{32}$'`))
    .addColumn('width', 'integer', (c) => c.notNull().check(sql`width > 0`))
    .addColumn('height', 'integer', (c) => c.notNull().check(sql`height > 0`))
    .addColumn('dominant_colour', 'text', (c) => c.notNull().check(sql`dominant_colour ~ '^#[0-9a-f]{6}$'`))
    // A ~160-character data URI; the cap keeps a bug from inlining kilobytes into every page.
    .addColumn('placeholder', 'text', (c) =>
      c.notNull().check(sql`placeholder like 'data:image/%' and char_length(placeholder) <= 1024`),
    )
    .addColumn('perceptual_hash', 'text', (c) => c.notNull().check(sql`perceptual_hash ~ '^[0-9a-f]{16}$'`))
    .addColumn('alt', 'text', (c) => c.notNull().check(sql`char_length(alt) between 1 and 300`))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // "Does another photo still use these objects?" on every delete, and the orphan sweep.
  await db.schema.createIndex('media_content_hash').on('media').column('content_hash').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('media').execute()
}
