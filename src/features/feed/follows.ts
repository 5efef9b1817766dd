/**
 * Who follows whom: follow and unfollow (the counts move in the same transaction, timelines are
 * back-filled or cleaned), and the members suggested to follow.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Accounts, PublicProfile } from '@/features/accounts/service'
import type { Viewer } from '@/features/accounts/viewer'
import type { Author, Authors } from '@/features/feed/authors'
import type { FirstPageCache } from '@/features/feed/first-page-cache'
import type { MergedPosts } from '@/features/feed/merged-posts'
import { FEED_MESSAGES } from '@/features/feed/rules'
import type { Timelines } from '@/features/feed/timelines'
import type { SocialDomain } from '@/schema'
import { refusal, type Refused, type Result } from '@/shared/result'

/** A short list beside the feed and in onboarding: a few faces, not a directory. */
const SUGGESTIONS_SHOWN = 5
/** How far back "posted lately" looks, in posts: enough for a handful of different authors. */
const RECENT_POSTS_FOR_SUGGESTIONS = 200

const NO_SUCH_HANDLE: Refused = refusal(404, FEED_MESSAGES.noSuchHandle)
const FOLLOW_YOURSELF: Refused = refusal(400, FEED_MESSAGES.followYourself)

export interface FollowState {
  profile: Pick<PublicProfile, 'id' | 'handle' | 'displayName'>
  following: boolean
  followers: number
}

export interface FollowDeps {
  db: Kysely<SocialDomain>
  accounts: Accounts
  authors: Authors
  merged: MergedPosts
  timelines: Timelines
  firstPages: FirstPageCache
  notifyOnce: (key: string, userId: string, text: string, url: string, kind: string) => Promise<void>
}

export function createFollows(deps: FollowDeps) {
  const { db, accounts, authors, merged, timelines, firstPages, notifyOnce } = deps

  async function followCounts(userId: string): Promise<{ followers: number; following: number }> {
    const row = await db.selectFrom('follow_counts').select(['followers', 'following']).where('user_id', '=', userId).executeTakeFirst()
    return row ?? { followers: 0, following: 0 }
  }

  async function isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    const row = await db
      .selectFrom('follows')
      .select('follower_id')
      .where('follower_id', '=', followerId)
      .where('followee_id', '=', followeeId)
      .executeTakeFirst()
    return row !== undefined
  }

  /** Adds `change` to a member's follower or following count, creating their row at first. */
  async function countFollow(trx: Transaction<SocialDomain>, userId: string, column: 'followers' | 'following', change: 1 | -1) {
    await trx
      .insertInto('follow_counts')
      .values({ user_id: userId, [column]: Math.max(0, change) })
      .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ [column]: sql<number>`follow_counts.${sql.ref(column)} + ${change}` }))
      .execute()
  }

  return {
    followCounts,
    isFollowing,

    /**
     * People a member might follow: first those followed by the people they follow (the more of
     * them, the sooner), then whoever posted lately; never themselves or anyone they follow. From
     * the social graph and posts only, never from alert areas (those are private).
     */
    async suggestedMembers(viewer: Viewer, limit = SUGGESTIONS_SHOWN): Promise<Author[]> {
      const followed = db.selectFrom('follows').select('followee_id').where('follower_id', '=', viewer.id)
      const [friendsOfFriends, recentAuthors] = await Promise.all([
        db
          .selectFrom('follows as mine')
          .innerJoin('follows as theirs', 'theirs.follower_id', 'mine.followee_id')
          .select('theirs.followee_id as id')
          .where('mine.follower_id', '=', viewer.id)
          .where('theirs.followee_id', '!=', viewer.id)
          .where('theirs.followee_id', 'not in', followed)
          .groupBy('theirs.followee_id')
          .orderBy(sql`count(*)`, 'desc')
          .orderBy('theirs.followee_id')
          .limit(limit)
          .execute(),
        // The newest posts by id (the primary key), their authors in order: no scan of older posts.
        db.selectFrom('posts').select('author_id as id').orderBy('id', 'desc').limit(RECENT_POSTS_FOR_SUGGESTIONS).execute(),
      ])
      const following = new Set((await followed.execute()).map((row) => row.followee_id))
      const ids = [...new Set([...friendsOfFriends, ...recentAuthors].map((row) => row.id))]
        .filter((id) => id !== viewer.id && !following.has(id))
        .slice(0, limit)
      const people = await authors.byIds(ids)
      return ids.flatMap((id) => people.get(id) ?? [])
    },

    /** Follows a member by handle; following again changes nothing. Back-fills the follower's timeline. */
    async follow(viewer: Viewer, handle: string): Promise<Result<FollowState>> {
      const profile = await accounts.profileByHandle(handle)
      if (!profile) return NO_SUCH_HANDLE
      if (profile.id === viewer.id) return FOLLOW_YOURSELF
      const followed = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('follows')
          .values({ follower_id: viewer.id, followee_id: profile.id })
          .onConflict((conflict) => conflict.doNothing())
          .returning('followee_id')
          .executeTakeFirst()
        if (inserted) {
          await countFollow(trx, profile.id, 'followers', 1)
          await countFollow(trx, viewer.id, 'following', 1)
        }
        return inserted !== undefined
      })
      if (followed) {
        await merged.followsChanged(viewer.id)
        await timelines.backFill(viewer.id, profile.id)
        await notifyOnce(`follow:${profile.id}:${viewer.id}`, profile.id, `@${viewer.handle} followed you.`, `/@${viewer.handle}`, 'follow')
      }
      await firstPages.drop(viewer.id)
      return { ok: true, value: { profile, following: true, followers: (await followCounts(profile.id)).followers } }
    },

    /** Unfollows; unfollowing someone one doesn't follow changes nothing. Their posts leave the timeline. */
    async unfollow(viewer: Viewer, handle: string): Promise<Result<FollowState>> {
      const profile = await accounts.profileByHandle(handle)
      if (!profile) return NO_SUCH_HANDLE
      if (profile.id === viewer.id) return FOLLOW_YOURSELF
      const unfollowed = await db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom('follows')
          .where('follower_id', '=', viewer.id)
          .where('followee_id', '=', profile.id)
          .returning('followee_id')
          .executeTakeFirst()
        if (removed) {
          await countFollow(trx, profile.id, 'followers', -1)
          await countFollow(trx, viewer.id, 'following', -1)
        }
        return removed !== undefined
      })
      if (unfollowed) await Promise.all([merged.followsChanged(viewer.id), timelines.removeAuthor(viewer.id, profile.id)])
      await firstPages.drop(viewer.id)
      return { ok: true, value: { profile, following: false, followers: (await followCounts(profile.id)).followers } }
    },
  }
}
