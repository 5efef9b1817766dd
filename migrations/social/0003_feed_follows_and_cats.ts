import { sql, type Kysely } from 'kysely'

/**
 * The follow graph the home feed reads, with its counts, and the cats people show on their profile
 * (src/features/feed). Users live in the accounts domain, possibly another database: ids only, no
 * foreign keys to them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'uuid', (c) => c.notNull())
    .addColumn('followee_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    // The primary key answers "whom does X follow" (rebuilding a timeline, the read-time merge).
    .addPrimaryKeyConstraint('follows_pkey', ['follower_id', 'followee_id'])
    .addCheckConstraint('follows_not_self', sql`follower_id <> followee_id`)
    .execute()
  // "Who follows X": the fan-out walks it in follower_id order, a batch at a time.
  await sql`create index follows_followee on follows (followee_id, follower_id)`.execute(db)

  // Kept in the same transaction as each follow and unfollow: a profile shows the counts, and the
  // fan-out decision on every new post reads the author's count without counting a million rows.
  await db.schema
    .createTable('follow_counts')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey())
    .addColumn('followers', 'integer', (c) => c.notNull().defaultTo(0).check(sql`followers >= 0`))
    .addColumn('following', 'integer', (c) => c.notNull().defaultTo(0).check(sql`following >= 0`))
    .execute()

  await db.schema
    .createTable('cats')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('owner_id', 'uuid', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 60`))
    .addColumn('breed', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(breed) <= 60`))
    .addColumn('colours', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(colours) <= 100`))
    .addColumn('birthday', 'date')
    // A media id (the media feature's row, same database, but its own to delete): no foreign key.
    .addColumn('photo_media_id', 'uuid')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // A profile lists its owner's cats, oldest first.
  await sql`create index cats_owner on cats (owner_id, created_at, id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cats').execute()
  await db.schema.dropTable('follow_counts').execute()
  await db.schema.dropTable('follows').execute()
}
