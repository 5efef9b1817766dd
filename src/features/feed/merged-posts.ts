/**
 * The read-time merge of the hybrid feed, kept near (src/infra/store/near-records.ts): posts of
 * authors above the fan-out threshold (`posts.in_timelines` false) go into no timeline, so every
 * home page merges them in. Asking PostgreSQL for them on every page was half of a cold page's
 * cost; these three records answer it in the process:
 *
 * - which authors have any such posts at all (a handful: the site's most followed);
 * - whom a member follows;
 * - each such author's newest MERGED_KEPT posts, with whether that is all of them.
 *
 * A page below a cursor that reaches past an author's kept posts reads that author from PostgreSQL,
 * so a page is exact however far down it is. Every write marks what it changes: a post or deletion
 * by such an author (their posts; the author list when they are new to it), a follow or unfollow
 * (the follower's list).
 *
 * @example
 * const entries = await merged.below(viewer.id, cursor, 21)   // newest first, at most 21
 * await merged.postsChanged(authorId)                          // after such an author posts or deletes
 */
import { sql, type Kysely } from 'kysely'
import type { FeedEntry, TimelineQueries } from '@/features/feed/timeline-queries'
import { nearRecords } from '@/infra/store/near-records'
import type { Store } from '@/infra/store/store'
import type { SocialDomain } from '@/schema'

/** About three pages of an author's newest merged posts: deeper pages are rare and read PostgreSQL. */
const MERGED_KEPT = 64
/** As long as the first-page cache: a minute at most between an instance and PostgreSQL, if a mark were lost. */
const KEPT_SECONDS = 60
/** The author list is one record for everybody. */
const EVERYONE = 'all'

interface MergedAuthors {
  id: typeof EVERYONE
  authorIds: string[]
}

interface Followees {
  userId: string
  followeeIds: string[]
}

interface AuthorsMergedPosts {
  authorId: string
  /** Newest first: [id, created_at in ms], as compact as the JSON can be. */
  posts: [number, number][]
  /** True when `posts` are all of the author's merged posts. */
  complete: boolean
}

const entryOf = ([id, at]: [number, number]): FeedEntry => ({ id, at: new Date(at) })
const isBelow = (post: [number, number], cursor: FeedEntry | null) =>
  cursor === null || post[1] < cursor.at.getTime() || (post[1] === cursor.at.getTime() && post[0] < cursor.id)

export function createMergedPosts(db: Kysely<SocialDomain>, store: Store, queries: TimelineQueries) {
  const mergedAuthors = nearRecords({
    store,
    name: 'feed:merged-authors',
    ttlSeconds: KEPT_SECONDS,
    idOf: (record: MergedAuthors) => record.id,
    // A loose index scan of posts_merged_at_read: one probe per author, however many posts they have.
    load: async (): Promise<MergedAuthors[]> => {
      const { rows } = await sql<{ author_id: string }>`
        with recursive authors(author_id) as (
          (select author_id from posts where not in_timelines order by author_id limit 1)
          union all
          select (select p.author_id from posts p where not p.in_timelines and p.author_id > authors.author_id order by p.author_id limit 1)
          from authors where authors.author_id is not null
        )
        select author_id from authors where author_id is not null
      `.execute(db)
      return [{ id: EVERYONE, authorIds: rows.map((row) => row.author_id) }]
    },
  })

  const followees = nearRecords({
    store,
    name: 'feed:followees',
    ttlSeconds: KEPT_SECONDS,
    idOf: (record: Followees) => record.userId,
    load: async (userIds: string[]) => {
      const rows = await db.selectFrom('follows').select(['follower_id', 'followee_id']).where('follower_id', 'in', userIds).execute()
      return userIds.map((userId) => ({ userId, followeeIds: rows.filter((row) => row.follower_id === userId).map((row) => row.followee_id) }))
    },
  })

  const postsOf = nearRecords({
    store,
    name: 'feed:merged-posts',
    ttlSeconds: KEPT_SECONDS,
    idOf: (record: AuthorsMergedPosts) => record.authorId,
    load: (authorIds: string[]) =>
      Promise.all(
        authorIds.map(async (authorId) => {
          const newest = await queries.postsByAuthor(authorId, { below: null, limit: MERGED_KEPT + 1, delivery: 'mergedAtRead' })
          const posts = newest.slice(0, MERGED_KEPT).map((entry): [number, number] => [entry.id, entry.at.getTime()])
          return { authorId, posts, complete: newest.length <= MERGED_KEPT }
        }),
      ),
  })

  /** The authors whose merged posts a member's feed shows: those they follow, and themselves. */
  async function authorsFor(userId: string): Promise<string[]> {
    const [everyone, theirs] = await Promise.all([mergedAuthors.byIds([EVERYONE]), followees.byIds([userId])])
    const merged = new Set(everyone.get(EVERYONE)?.authorIds)
    if (merged.size === 0) return []
    return [userId, ...(theirs.get(userId)?.followeeIds ?? [])].filter((authorId) => merged.has(authorId))
  }

  return {
    /** Up to `limit` merged posts of the member's feed below `cursor`, newest first. */
    async below(userId: string, cursor: FeedEntry | null, limit: number): Promise<FeedEntry[]> {
      const authorIds = await authorsFor(userId)
      if (authorIds.length === 0) return []
      const kept = await postsOf.byIds(authorIds)
      const entries: FeedEntry[] = []
      const pastKept: string[] = []
      for (const authorId of authorIds) {
        const record = kept.get(authorId)
        const shown = (record?.posts ?? []).filter((post) => isBelow(post, cursor)).slice(0, limit)
        if (record && !record.complete && shown.length < limit) pastKept.push(authorId)
        else entries.push(...shown.map(entryOf))
      }
      const older = await Promise.all(pastKept.map((authorId) => queries.postsByAuthor(authorId, { below: cursor, limit, delivery: 'mergedAtRead' })))
      return [...entries, ...older.flat()]
    },

    /** After an author's merged posts changed (a new one, a deletion). */
    async postsChanged(authorId: string): Promise<void> {
      const everyone = await mergedAuthors.byIds([EVERYONE])
      const known = everyone.get(EVERYONE)?.authorIds.includes(authorId) ?? false
      await Promise.all([postsOf.changed([authorId]), known ? null : mergedAuthors.changed([EVERYONE])])
    },

    /** After a member followed or unfollowed someone. */
    followsChanged: (userId: string) => followees.changed([userId]),
  }
}

export type MergedPosts = ReturnType<typeof createMergedPosts>
