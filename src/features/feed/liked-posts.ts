/**
 * Which posts a member likes, for the heart on each card, kept near
 * (src/infra/store/near-records.ts): their LIKES_KEPT likes of the newest posts. A feed shows new
 * posts, so a page is nearly always answered in the process; posts older than the kept ones are
 * asked of PostgreSQL (`likes_user`). Liking and unliking mark the member's record changed.
 *
 * @example
 * const liked = await likedPosts.among(viewer.id, [41, 42])   // Set of the ids they like
 * await likedPosts.changed(viewer.id)                           // after a like or unlike is committed
 */
import type { Kysely } from 'kysely'
import { nearRecords } from '@/infra/store/near-records'
import type { Store } from '@/infra/store/store'
import type { SocialDomain } from '@/schema'

/** A few KB a member: far more likes than the posts of a day's reading. */
const LIKES_KEPT = 500
/** A member's own likes are marked on change; the time-out only bounds what an idle member costs. */
const KEPT_SECONDS = 60

interface KeptLikes {
  userId: string
  /** The ids of the newest posts they like, highest first. */
  postIds: number[]
  /** True when `postIds` are all of their likes; else likes of posts below the lowest are unknown here. */
  complete: boolean
}

export function createLikedPosts(db: Kysely<SocialDomain>, store: Store) {
  /** A member's likes of the newest posts: `likes_user` (user_id, post_id), read backwards. */
  async function newestLikes(userId: string): Promise<KeptLikes> {
    const rows = await db.selectFrom('likes').select('post_id').where('user_id', '=', userId).orderBy('post_id', 'desc').limit(LIKES_KEPT + 1).execute()
    const postIds = rows.slice(0, LIKES_KEPT).map((row) => Number(row.post_id))
    return { userId, postIds, complete: rows.length <= LIKES_KEPT }
  }

  const kept = nearRecords({
    store,
    name: 'feed:liked',
    ttlSeconds: KEPT_SECONDS,
    idOf: (record: KeptLikes) => record.userId,
    load: (userIds: string[]) => Promise.all(userIds.map(newestLikes)),
  })

  return {
    /** The posts among `ids` that the member likes. */
    async among(userId: string, ids: readonly number[]): Promise<Set<number>> {
      const record = (await kept.byIds([userId])).get(userId)
      if (!record) return new Set()
      const lowest = record.complete ? -Infinity : (record.postIds.at(-1) ?? Infinity)
      const liked = new Set(ids.filter((id) => id >= lowest && includes(record.postIds, id)))
      const older = ids.filter((id) => id < lowest)
      if (older.length === 0) return liked
      const rows = await db.selectFrom('likes').select('post_id').where('user_id', '=', userId).where('post_id', 'in', older).execute()
      for (const row of rows) liked.add(Number(row.post_id))
      return liked
    },

    changed: (userId: string) => kept.changed([userId]),
  }
}

/** Whether `ids`, sorted highest first, holds `id`: a binary search, no set built per page. */
function includes(ids: readonly number[], id: number): boolean {
  let low = 0
  let high = ids.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    const at = ids[middle]!
    if (at === id) return true
    if (at > id) low = middle + 1
    else high = middle - 1
  }
  return false
}

export type LikedPosts = ReturnType<typeof createLikedPosts>
