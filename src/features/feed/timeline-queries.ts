/**
 * The PostgreSQL side of home timelines: who gets a post, what a rebuilt timeline holds, and the
 * plain fan-out-on-read feed that timelines stand in for (and fall back to past their end).
 *
 * Every query that reads "posts by the people X follows" takes each followed author's newest posts
 * from `idx_posts_feed` in a LATERAL join, at most `limit` per author, and sorts only those: the
 * cost grows with the number of people followed, never with how much they have ever posted.
 */
import { sql, type Kysely } from 'kysely'
import type { SocialDomain } from '@/schema'

/** A post's place in a feed: newest first by (at, id), the same key the cursor holds. */
export interface FeedEntry {
  id: number
  at: Date
}

/** Which posts a query takes: all of them, the ones pushed into timelines, or the ones merged at read time. */
export type Delivery = 'all' | 'inTimelines' | 'mergedAtRead'

export interface AuthorsPageQuery {
  /** Posts strictly older than this entry (the cursor); from the newest when null. */
  below: FeedEntry | null
  /** Posts at least as new as this entry; no lower bound when null. */
  notBelow?: FeedEntry | null
  limit: number
  delivery: Delivery
}

export function createTimelineQueries(db: Kysely<SocialDomain>) {
  /** The authors of X's home feed: the people X follows, and X. */
  const homeAuthors = (userId: string) =>
    db
      .selectFrom('follows')
      .select('followee_id as author_id')
      .where('follower_id', '=', userId)
      .unionAll(db.selectNoFrom(sql<string>`${userId}::uuid`.as('author_id')))

  /** Newest first, from `authors` (a query selecting `author_id`), as the page asks. */
  function postsOfAuthors(authors: ReturnType<typeof homeAuthors>, { below, notBelow = null, limit, delivery }: AuthorsPageQuery) {
    return db
      .selectFrom(authors.as('a'))
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('posts')
            .select(['posts.id', 'posts.created_at'])
            .whereRef('posts.author_id', '=', 'a.author_id')
            .$if(delivery === 'inTimelines', (q) => q.where('posts.in_timelines', '=', true))
            .$if(delivery === 'mergedAtRead', (q) => q.where('posts.in_timelines', '=', false))
            .$if(below !== null, (q) => q.where(sql<boolean>`(posts.created_at, posts.id) < (${below!.at}, ${below!.id})`))
            .$if(notBelow !== null, (q) => q.where(sql<boolean>`(posts.created_at, posts.id) >= (${notBelow!.at}, ${notBelow!.id})`))
            .orderBy('posts.created_at', 'desc')
            .orderBy('posts.id', 'desc')
            .limit(limit)
            .as('p'),
        (join) => join.onTrue(),
      )
      .select(['p.id', 'p.created_at as at'])
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(limit)
  }

  return {
    /**
     * X's home feed straight from PostgreSQL ("fan-out on read"): posts by the people X follows and
     * by X, newest first. The reference the hybrid feed must equal, and where it reads past the end
     * of a timeline.
     */
    homeFeedFromPostgres(userId: string, query: AuthorsPageQuery): Promise<FeedEntry[]> {
      return postsOfAuthors(homeAuthors(userId), query).execute()
    },

    /** One author's posts for X's timeline (follow back-fill, unfollow removal). */
    postsByAuthor(authorId: string, query: AuthorsPageQuery): Promise<FeedEntry[]> {
      return postsOfAuthors(db.selectNoFrom(sql<string>`${authorId}::uuid`.as('author_id')), query).execute()
    },

    /** What the fan-out needs of a post; null once it is deleted. */
    async postForFanOut(postId: number): Promise<{ id: number; at: Date; authorId: string; inTimelines: boolean } | null> {
      const post = await db
        .selectFrom('posts')
        .select(['id', 'created_at as at', 'author_id as authorId', 'in_timelines as inTimelines'])
        .where('id', '=', postId)
        .executeTakeFirst()
      return post ?? null
    },

    /** Up to `limit` followers of an author after `after` (by id), for the fan-out's batches. */
    async followersAfter(authorId: string, after: string | null, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('follows')
        .select('follower_id')
        .where('followee_id', '=', authorId)
        .$if(after !== null, (q) => q.where('follower_id', '>', after!))
        .orderBy('follower_id')
        .limit(limit)
        .execute()
      return rows.map((row) => row.follower_id)
    },
  }
}

export type TimelineQueries = ReturnType<typeof createTimelineQueries>
