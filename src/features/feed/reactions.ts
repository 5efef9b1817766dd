/**
 * Likes and comments on posts: the counts move in the same transaction as the like or comment, and
 * the post's author hears of it once (notifyOnce in service.ts).
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { FeedConfig } from '@/config'
import type { Viewer } from '@/features/accounts/viewer'
import type { Author, Authors } from '@/features/feed/authors'
import type { FirstPageCache } from '@/features/feed/first-page-cache'
import type { LikedPosts } from '@/features/feed/liked-posts'
import type { Mentions } from '@/features/feed/mentions'
import type { PostRecords } from '@/features/feed/post-records'
import { characters, FEED_MESSAGES, POST_GONE } from '@/features/feed/rules'
import type { SocialDomain } from '@/schema'
import { decodeCursor, encodeCursor, pageOf } from '@/shared/cursor'
import { refusal, type Result } from '@/shared/result'
import { textProblem } from '@/shared/text'

/** A thread shows its newest this many comments, with a link to earlier ones. */
export const COMMENTS_PAGE_SIZE = 50

export interface CommentCard {
  id: number
  body: string
  createdAt: Date
  author: Author
  ownedByViewer: boolean
}

export interface LikeState {
  postId: number
  liked: boolean
  likeCount: number
}

export interface Thread {
  /** Oldest first: a page of the thread reads top to bottom. */
  comments: CommentCard[]
  commentCount: number
  /** Where the page before this one (older comments) ends, or null at the start of the thread. */
  earlierCursor: string | null
}

export interface ReactionDeps {
  db: Kysely<SocialDomain>
  config: FeedConfig
  authors: Authors
  postRecords: PostRecords
  likedPosts: LikedPosts
  firstPages: FirstPageCache
  mentions: Mentions
  purge: (tags: string[]) => Promise<void>
  /** The post's author, or null when there is no such post (any more). */
  postById: (postId: number) => Promise<{ id: number; author_id: string } | null>
  notifyOnce: (key: string, userId: string, text: string, url: string, kind: string) => Promise<void>
}

export function createReactions(deps: ReactionDeps) {
  const { db, config, authors, postRecords, likedPosts, firstPages, mentions, purge, postById, notifyOnce } = deps

  /** Moves a post's like count by `change` (0 just reads it), in the like's transaction; null once the post is deleted. */
  async function countLike(trx: Transaction<SocialDomain>, postId: number, change: -1 | 0 | 1): Promise<number | null> {
    const row =
      change === 0
        ? await trx.selectFrom('posts').select('like_count').where('id', '=', postId).executeTakeFirst()
        : await trx.updateTable('posts').set({ like_count: sql`like_count + ${change}` }).where('id', '=', postId).returning('like_count').executeTakeFirst()
    return row?.like_count ?? null
  }

  return {
    /** Likes a post; liking it again changes nothing. The count moves in the same transaction. */
    async like(viewer: Viewer, postId: number): Promise<Result<LikeState>> {
      const post = await postById(postId)
      if (!post) return POST_GONE
      const likeCount = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('likes')
          .columns(['post_id', 'user_id'])
          .expression((eb) => eb.selectFrom('posts').select([sql<number>`id`.as('post_id'), sql<string>`${viewer.id}::uuid`.as('user_id')]).where('id', '=', postId))
          .onConflict((conflict) => conflict.doNothing())
          .returning('post_id')
          .executeTakeFirst()
        const count = await countLike(trx, postId, inserted ? 1 : 0)
        return count === null ? null : { likeCount: count, inserted: inserted !== undefined }
      })
      if (!likeCount) return POST_GONE
      await Promise.all([postRecords.changed([postId]), likedPosts.changed(viewer.id), firstPages.drop(viewer.id)])
      if (likeCount.inserted && post.author_id !== viewer.id) {
        await notifyOnce(`like:${postId}:${viewer.id}`, post.author_id, `@${viewer.handle} liked your post.`, `/posts/${postId}`, 'like')
      }
      return { ok: true, value: { postId, liked: true, likeCount: likeCount.likeCount } }
    },

    /** Takes a like back; unliking a post one hasn't liked changes nothing. */
    async unlike(viewer: Viewer, postId: number): Promise<Result<LikeState>> {
      if (!(await postById(postId))) return POST_GONE
      const likeCount = await db.transaction().execute(async (trx) => {
        const removed = await trx.deleteFrom('likes').where('post_id', '=', postId).where('user_id', '=', viewer.id).returning('post_id').executeTakeFirst()
        return countLike(trx, postId, removed ? -1 : 0)
      })
      if (likeCount === null) return POST_GONE
      await Promise.all([postRecords.changed([postId]), likedPosts.changed(viewer.id), firstPages.drop(viewer.id)])
      return { ok: true, value: { postId, liked: false, likeCount } }
    },

    /** Adds a comment at the end of a post's thread. */
    async comment(viewer: Viewer, postId: number, text: string): Promise<Result<CommentCard, 'body'>> {
      const body = text.trim()
      const refused = textProblem(body, 'lines')
      if (refused) return { ok: false, status: 422, errors: { body: refused } }
      if (!body) return { ok: false, status: 422, errors: { body: FEED_MESSAGES.commentEmpty } }
      if (characters(body) > config.commentMaxChars) {
        return { ok: false, status: 422, errors: { body: FEED_MESSAGES.commentTooLong(config.commentMaxChars, characters(body)) } }
      }
      const post = await postById(postId)
      if (!post) return POST_GONE
      const comment = await db.transaction().execute(async (trx) => {
        const counted = await trx.updateTable('posts').set({ comment_count: sql`comment_count + 1` }).where('id', '=', postId).returning('id').executeTakeFirst()
        if (!counted) return null
        return trx.insertInto('comments').values({ post_id: postId, author_id: viewer.id, body }).returning(['id', 'created_at']).executeTakeFirstOrThrow()
      })
      if (!comment) return POST_GONE
      await Promise.all([postRecords.changed([postId]), firstPages.drop(viewer.id)])
      if (post.author_id !== viewer.id) {
        await notifyOnce(`comment:${comment.id}`, post.author_id, `@${viewer.handle} commented on your post: “${body}”`, `/posts/${postId}#comment-${comment.id}`, 'comment')
      }
      await mentions.notify(viewer, body, `/posts/${postId}#comment-${comment.id}`, { what: 'comment', alreadyTold: [post.author_id] })
      const author = (await authors.byIds([viewer.id])).get(viewer.id)!
      return { ok: true, value: { id: comment.id, body, createdAt: comment.created_at, author, ownedByViewer: true } }
    },

    /** Who wrote a comment and on which post, or null when there is no such comment (for a flag). */
    async commentOf(commentId: number): Promise<{ postId: number; authorId: string } | null> {
      if (!Number.isSafeInteger(commentId)) return null
      const row = await db.selectFrom('comments').select(['post_id', 'author_id']).where('id', '=', commentId).executeTakeFirst()
      return row ? { postId: row.post_id, authorId: row.author_id } : null
    },

    /** Deletes the member's own comment; the value is the post it was on. */
    async deleteComment(viewer: Viewer, commentId: number): Promise<Result<number>> {
      const comment = Number.isSafeInteger(commentId)
        ? await db.selectFrom('comments').select(['post_id', 'author_id']).where('id', '=', commentId).executeTakeFirst()
        : undefined
      if (!comment) return refusal(404, FEED_MESSAGES.commentGone)
      if (comment.author_id !== viewer.id) return refusal(403, FEED_MESSAGES.notYourComment)
      await db.transaction().execute(async (trx) => {
        const removed = await trx.deleteFrom('comments').where('id', '=', commentId).where('author_id', '=', viewer.id).returning('post_id').executeTakeFirst()
        if (removed) await trx.updateTable('posts').set({ comment_count: sql`comment_count - 1` }).where('id', '=', removed.post_id).execute()
      })
      await postRecords.changed([comment.post_id])
      await purge([`post:${comment.post_id}`])
      return { ok: true, value: comment.post_id }
    },

    /**
     * A page of a post's thread, read oldest first (flat, newest last): by default the newest
     * COMMENTS_PAGE_SIZE comments, so a new comment is always on it; with a cursor, the ones before.
     */
    async thread(postId: number, viewer: Viewer | null, rawCursor?: string | null): Promise<Thread> {
      const cursor = decodeCursor(rawCursor)
      const [rows, post] = await Promise.all([
        db
          .selectFrom('comments')
          .select(['id', 'author_id', 'body', 'created_at'])
          .where('post_id', '=', postId)
          .$if(cursor !== null, (q) => q.where(sql<boolean>`(created_at, id) < (${cursor!.at}, ${Number(cursor!.id)})`))
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(COMMENTS_PAGE_SIZE + 1)
          .execute(),
        db.selectFrom('posts').select('comment_count').where('id', '=', postId).executeTakeFirst(),
      ])
      // Newest first from the query; the thread reads oldest first, so the cursor is the oldest shown.
      const { shown: newestFirst, next: earlierCursor } = pageOf(rows, COMMENTS_PAGE_SIZE, (oldest) => encodeCursor({ at: oldest.created_at, id: String(oldest.id) }))
      const shown = newestFirst.reverse()
      const people = await authors.byIds(shown.map((row) => row.author_id))
      const comments = shown.flatMap((row): CommentCard[] => {
        const author = people.get(row.author_id)
        return author ? [{ id: row.id, body: row.body, createdAt: row.created_at, author, ownedByViewer: viewer?.id === row.author_id }] : []
      })
      return { comments, commentCount: post?.comment_count ?? 0, earlierCursor }
    },
  }
}
