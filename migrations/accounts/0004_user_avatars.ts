import type { Kysely } from 'kysely'

/** A member's profile photo: a media id (social domain, so no foreign key), null when none. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('avatar_media_id', 'uuid').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('avatar_media_id').execute()
}
