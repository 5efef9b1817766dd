import { sql, type Kysely } from 'kysely'

/**
 * The trending view: the top 100 posts of the last 7 days by
 * `like_count * 2 + comment_count * 3`, refreshed every 15 minutes (src/features/feed/trending.ts).
 *
 * It keeps only what ranks and pages a post; pages read the post itself (fresh counts, and a deleted
 * post simply drops out) by id. The unique index on id is what lets REFRESH … CONCURRENTLY swap in
 * the new rows while pages keep reading the old ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create materialized view trending_posts as
    select p.id, p.author_id, p.created_at, (p.like_count * 2 + p.comment_count * 3) as trending_score
    from posts p
    where p.created_at > now() - interval '7 days'
    order by trending_score desc, p.id desc
    limit 100
  `.execute(db)
  await sql`create unique index trending_posts_id on trending_posts (id)`.execute(db)
  await sql`create index trending_posts_rank on trending_posts (trending_score desc, id desc)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop materialized view trending_posts`.execute(db)
}
