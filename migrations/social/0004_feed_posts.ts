import { sql, type Kysely } from 'kysely'

/**
 * Posts with their photos and tagged cats, likes and comments (src/features/feed). Authors live in
 * the accounts domain: ids only. Paged tables use `timestamptz(3)` so a (created_at, id) cursor
 * survives the round trip through a JS Date (src/shared/cursor.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('posts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('author_id', 'uuid', (c) => c.notNull())
    // POST_MAX_CHARS is enforced by the app; this only stops a bug from storing a novel.
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) <= 10000`))
    // Denormalized, updated in the same transaction as the like or comment: a feed shows them on
    // every post and trending sorts by them, neither can count rows.
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`like_count >= 0`))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`comment_count >= 0`))
    // Decided when posting: true when the author had at most FEED_FANOUT_MAX_FOLLOWERS followers,
    // so the post is pushed into their followers' timelines; false when home feeds merge it in at
    // read time instead. Per post, so an author crossing the threshold leaves no gap either way.
    .addColumn('in_timelines', 'boolean', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // The feed index, with id appended: it is the cursor's tie-breaker,
  // so a keyset page of one author's posts reads the index in order and never sorts.
  await sql`create index idx_posts_feed on posts (author_id, created_at desc, id desc) where author_id is not null`.execute(db)
  // The read-time merge looks only at posts that were not fanned out: a small index, probed once
  // per followed author on every home feed page.
  await sql`create index posts_merged_at_read on posts (author_id, created_at desc, id desc) where not in_timelines`.execute(db)
  // Trending reads the last 7 days of posts.
  await sql`create index posts_created_at on posts (created_at desc)`.execute(db)

  await db.schema
    .createTable('post_photos')
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('position', 'smallint', (c) => c.notNull().check(sql`position between 0 and 3`))
    // The media feature's row (same database, but its own to delete): no foreign key.
    .addColumn('media_id', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_photos_pkey', ['post_id', 'position'])
    .execute()

  await db.schema
    .createTable('post_cats')
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('cat_id', 'bigint', (c) => c.notNull().references('cats.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('post_cats_pkey', ['post_id', 'cat_id'])
    .execute()
  await sql`create index post_cats_cat on post_cats (cat_id)`.execute(db)

  await db.schema
    .createTable('likes')
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    // One like per person per post: liking twice is a no-op, not a second like.
    .addPrimaryKeyConstraint('likes_pkey', ['post_id', 'user_id'])
    .execute()
  // "Which of these posts has the viewer liked", for every page of posts.
  await sql`create index likes_user on likes (user_id, post_id)`.execute(db)

  await db.schema
    .createTable('comments')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull())
    // COMMENT_MAX_CHARS is enforced by the app; this is the backstop.
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 5000`))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // A post's thread, oldest first, keyset-paged by (created_at, id).
  await sql`create index comments_thread on comments (post_id, created_at, id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['comments', 'likes', 'post_cats', 'post_photos', 'posts']) await db.schema.dropTable(table).execute()
}
