/**
 * The social feed: follows, posts with photos and tagged cats, likes, comments, and the pages that
 * show them (home feed, profiles, a post with its thread, trending). Posts and pages live here;
 * likes and comments in src/features/feed/reactions.ts, follows in src/features/feed/follows.ts,
 * limits and messages in src/features/feed/rules.ts; timelines (src/features/feed/timelines.ts) own
 * the Store side of the home feed.
 *
 * Counters (likes, comments, followers) change in the same transaction as the row they count.
 * Everything in another domain (authors, notifications) is called after the transaction, never
 * inside it: there are no transactions across databases.
 *
 * @example
 * const feed = createFeed({ db: dbs.social, store, queue, config, accounts, media, notifications })
 * const result = await feed.writePost(viewer, { body: 'Biscuit found the sunbeam', photos: [], catIds: [] })
 * const page = await feed.homeFeed(viewer, cursor)      // { posts, nextCursor }
 */
import type { Kysely } from 'kysely'
import type { FeedConfig } from '@/config'
import type { Accounts, PublicProfile } from '@/features/accounts/service'
import type { Viewer } from '@/features/accounts/viewer'
import { createAuthors, type Author } from '@/features/feed/authors'
import { createCats, type Cat } from '@/features/feed/cats'
import { createFirstPageCache, type FirstPageCache } from '@/features/feed/first-page-cache'
import { createFollows } from '@/features/feed/follows'
import { createPostRecords } from '@/features/feed/post-records'
import type { FeedJobs } from '@/features/feed/jobs'
import { createMentions } from '@/features/feed/mentions'
import { createLikedPosts } from '@/features/feed/liked-posts'
import { createMergedPosts } from '@/features/feed/merged-posts'
import { createReactions } from '@/features/feed/reactions'
import { characters, FEED_MESSAGES, POST_GONE, POST_PHOTOS_MAX } from '@/features/feed/rules'
import { createTimelineQueries, type FeedEntry } from '@/features/feed/timeline-queries'
import { createTimelines } from '@/features/feed/timelines'
import { createTrending, decodeRankCursor, encodeRankCursor } from '@/features/feed/trending'
import { checkFileCount } from '@/features/media/intake'
import { picturesInOrder, type Media, type MediaPicture, type UploadInput } from '@/features/media/service'
import type { Notifications } from '@/features/notifications/service'
import type { Queue } from '@/infra/queue'
import type { Outbox } from '@/infra/outbox'
import { orUnavailable, type Store } from '@/infra/store/store'
import type { SocialDomain } from '@/schema'
import { decodeCursor, encodeCursor, pageOf } from '@/shared/cursor'
import { refusal, type FieldErrors, type Refused, type Result } from '@/shared/result'
import { textProblem } from '@/shared/text'

// Where the feed's types and limits were found before the split, so importers need not know of it.
export type { FollowState } from '@/features/feed/follows'
export { COMMENTS_PAGE_SIZE, type CommentCard, type LikeState, type Thread } from '@/features/feed/reactions'
export { FEED_MESSAGES, POST_PHOTOS_MAX } from '@/features/feed/rules'

/** Posts per page: a phone screen's worth twice over, and a compressed page well under 14 KB. */
export const FEED_PAGE_SIZE = 20
/** A profile lists this many posts per page. */
const PROFILE_PAGE_SIZE = 20
/** A like, follow or comment notifies once, however often it is undone and done again, within this window. */
const NOTIFY_ONCE_SECONDS = 30 * 24 * 3600

export interface FeedDeps {
  db: Kysely<SocialDomain>
  store: Store
  queue: Queue<FeedJobs>
  /** The social domain's outbox (src/infra/outbox.ts): a new post's fan-out is queued through it. */
  outbox: Outbox<FeedJobs>
  config: FeedConfig
  accounts: Accounts
  media: Media
  notifications: Notifications
  /**
   * Asks the CDN to drop public pages by their Cache-Tag (src/infra/cdn.ts) when what they show is
   * removed: a deleted post or comment must not linger for the pages' stale-while-revalidate window.
   */
  purge?: (tags: string[]) => Promise<void>
  /** Timeline length; MAX_ITEMS (src/features/feed/timelines.ts) unless a test needs short ones. */
  timelineMaxItems?: number
}

export interface PhotoInput extends UploadInput {
  /** Which of the form's photo slots (1–4) it came from, so a message lands beside it. */
  slot: number
}

export interface PostInput {
  body: string
  /** One per photo slot that has a file or a description, in slot order. */
  photos: PhotoInput[]
  catIds: number[]
  /** Files in the whole request, whatever their field: more than POST_PHOTOS_MAX is refused. */
  fileCount?: number
}

/** `photo1`…`photo4`, `alt1`…: the slot's fields, so a message lands beside the right one. */
export type PostField = 'body' | 'photos' | 'cats' | `photo${number}` | `alt${number}`
export type PostErrors = FieldErrors<PostField>

/** A post as every list shows it. */
export interface PostCard {
  id: number
  body: string
  createdAt: Date
  likeCount: number
  commentCount: number
  author: Author
  photos: MediaPicture[]
  cats: { id: number; name: string }[]
  /** Null for a visitor who isn't signed in. */
  likedByViewer: boolean | null
  ownedByViewer: boolean
}

export interface PostList {
  posts: PostCard[]
  nextCursor: string | null
}

export interface Profile extends PublicProfile {
  avatar: MediaPicture | null
  followers: number
  following: number
}

const DONE: Result<void> = { ok: true, value: undefined }

const toEntry = (cursor: { at: Date; id: string } | null): FeedEntry | null => (cursor ? { id: Number(cursor.id), at: cursor.at } : null)
const cursorOf = (entry: FeedEntry | null | undefined) => (entry ? encodeCursor({ at: entry.at, id: String(entry.id) }) : null)
export function createFeed(deps: FeedDeps) {
  const { db, store, queue, outbox, config, accounts, media, notifications } = deps
  const queries = createTimelineQueries(db)
  const merged = createMergedPosts(db, store, queries)
  const timelines = createTimelines({ store, queries, merged, maxItems: deps.timelineMaxItems })
  const likedPosts = createLikedPosts(db, store)
  const authors = createAuthors({ accounts, media, store })
  const trending = createTrending(db)
  const cats = createCats({ db, media, store })
  const firstPages: FirstPageCache = createFirstPageCache(store)
  const postRecords = createPostRecords(db, store)
  const mentions = createMentions({ accounts, notifications })
  const purge = deps.purge ?? (async () => {})

  /** Posts by id as cards, in the order given; deleted posts and posts of deleted accounts drop out. */
  async function postCards(ids: readonly number[], viewer: Viewer | null): Promise<PostCard[]> {
    if (ids.length === 0) return []
    const [records, liked] = await Promise.all([postRecords.byIds(ids), viewer ? likedPosts.among(viewer.id, ids) : null])
    const [people, pictures] = await Promise.all([
      authors.byIds([...records.values()].map((record) => record.authorId)),
      media.urlsFor([...records.values()].flatMap((record) => record.photoIds)),
    ])
    return ids.flatMap((id): PostCard[] => {
      const record = records.get(id)
      const author = record && people.get(record.authorId)
      if (!record || !author) return []
      return [
        {
          id: record.id,
          body: record.body,
          createdAt: record.createdAt,
          likeCount: record.likeCount,
          commentCount: record.commentCount,
          author,
          photos: picturesInOrder(record.photoIds, pictures),
          cats: record.cats,
          likedByViewer: liked && liked.has(id),
          ownedByViewer: viewer?.id === record.authorId,
        },
      ]
    })
  }

  /** Notifies once per (kind, subject, actor) within NOTIFY_ONCE_SECONDS: unlike-and-like-again is not news. */
  async function notifyOnce(key: string, userId: string, text: string, url: string, kind: string): Promise<void> {
    if (await store.setIfAbsent(`feed:notified:${key}`, '1', NOTIFY_ONCE_SECONDS)) await notifications.notify(userId, { kind, text, url })
  }

  /** Stores a checked post and its photos and cats in one transaction; returns the post as timelines see it. */
  async function insertPost(authorId: string, body: string, mediaIds: string[], catIds: number[]) {
    return db.transaction().execute(async (trx) => {
      const { followers } = (await trx.selectFrom('follow_counts').select('followers').where('user_id', '=', authorId).executeTakeFirst()) ?? { followers: 0 }
      const post = await trx
        .insertInto('posts')
        .values({ author_id: authorId, body, in_timelines: followers <= config.fanoutMaxFollowers })
        .returning(['id', 'created_at', 'in_timelines'])
        .executeTakeFirstOrThrow()
      if (mediaIds.length > 0) {
        await trx.insertInto('post_photos').values(mediaIds.map((media_id, position) => ({ post_id: post.id, position, media_id }))).execute()
      }
      if (catIds.length > 0) await trx.insertInto('post_cats').values(catIds.map((cat_id) => ({ post_id: post.id, cat_id }))).execute()
      // A post for timelines waits for its fan-out job, written with the post and queued after.
      const fanOut = post.in_timelines ? [await outbox.add(trx, 'feed.fanOut', { postId: post.id })] : []
      return { ...post, fanOut }
    })
  }

  /** Checks a post's text, photo count and descriptions before any photo is processed. */
  function checkPost(input: PostInput): Refused<PostField> | null {
    const fileCheck = checkFileCount(input.fileCount ?? input.photos.length, { mediaMaxFiles: POST_PHOTOS_MAX })
    if (fileCheck || input.photos.length > POST_PHOTOS_MAX) return { ok: false, status: 413, errors: { photos: FEED_MESSAGES.tooManyPhotos } }
    const errors: PostErrors = {}
    const body = input.body.trim()
    if (!body && input.photos.length === 0) errors.body = FEED_MESSAGES.empty
    if (characters(body) > config.postMaxChars) errors.body = FEED_MESSAGES.tooLong(config.postMaxChars, characters(body))
    const bodyProblem = textProblem(body, 'lines')
    if (bodyProblem) errors.body = bodyProblem
    for (const photo of input.photos) {
      const altProblem = textProblem(photo.alt, 'line')
      if (altProblem || !photo.alt.trim()) errors[`alt${photo.slot}`] = altProblem ?? FEED_MESSAGES.noAlt
    }
    return Object.keys(errors).length > 0 ? { ok: false, status: 422, errors } : null
  }

  /** Uploads every photo, or none: on the first refusal the ones already stored are removed again. */
  async function uploadAll(ownerId: string, photos: PhotoInput[]): Promise<Result<string[], PostField>> {
    const ids: string[] = []
    for (const photo of photos) {
      const result = await media.upload(ownerId, photo)
      if (!result.ok) {
        await media.remove(ids, ownerId)
        const errors: PostErrors = { [`photo${photo.slot}`]: result.errors.photo, [`alt${photo.slot}`]: result.errors.alt }
        if (photos.length > 1) errors.photos = FEED_MESSAGES.choosePhotosAgain
        return { ok: false, status: result.status, errors: Object.fromEntries(Object.entries(errors).filter(([, m]) => m)) }
      }
      ids.push(result.value.id)
    }
    return { ok: true, value: ids }
  }

  /** The post's author, or null when there is no such post (any more). */
  async function postById(postId: number): Promise<{ id: number; author_id: string } | null> {
    const post = Number.isSafeInteger(postId)
      ? await db.selectFrom('posts').select(['id', 'author_id']).where('id', '=', postId).executeTakeFirst()
      : undefined
    return post ?? null
  }

  const reactions = createReactions({ db, config, authors, postRecords, likedPosts, firstPages, mentions, purge, postById, notifyOnce })
  const { followCounts, isFollowing, ...followActions } = createFollows({ db, accounts, authors, merged, timelines, firstPages, notifyOnce })

  return {
    cats,
    firstPages,
    /** Exposed for jobs and tests: the fan-out and its PostgreSQL reference. */
    timelines,
    queries,
    trending,

    // --- Posts ---------------------------------------------------------------------------------

    /**
     * Publishes a post: text within POST_MAX_CHARS, up to four photos each with a description,
     * optionally tagging the author's cats. A refusal changes nothing (photos already stored are
     * removed). The fan-out runs as a queue job.
     */
    async writePost(viewer: Viewer, input: PostInput): Promise<Result<PostCard, PostField>> {
      const refused = checkPost(input)
      if (refused) return refused
      const catIds = [...new Set(input.catIds)]
      const ownCats = await cats.ownedIds(viewer.id, catIds)
      if (ownCats.length !== catIds.length) return { ok: false, status: 422, errors: { cats: FEED_MESSAGES.notYourCat } }
      const uploads = await uploadAll(viewer.id, input.photos)
      if (!uploads.ok) return uploads
      let post: Awaited<ReturnType<typeof insertPost>>
      try {
        post = await insertPost(viewer.id, input.body.trim(), uploads.value, ownCats)
      } catch (error) {
        await media.remove(uploads.value, viewer.id)
        throw error
      }
      // A post for timelines waits for its fan-out job; one merged at read time is merged from now on.
      if (post.in_timelines) await outbox.send(post.fanOut)
      else await timelines.fanOut({ id: post.id, at: post.created_at, authorId: viewer.id, inTimelines: false })
      // The post is written: a store gone meanwhile costs the author's cached first page (a minute
      // at most) rather than a 503 for a post that exists, which a retry would write twice.
      await orUnavailable(firstPages.drop(viewer.id), undefined)
      await mentions.notify(viewer, input.body.trim(), `/posts/${post.id}`, { what: 'post' })
      const [card] = await postCards([post.id], viewer)
      return { ok: true, value: card! }
    },

    /** Deletes the member's own post, its photos, and its entries in timelines. */
    async deletePost(viewer: Viewer, postId: number): Promise<Result<void>> {
      const post = await postById(postId)
      if (!post) return POST_GONE
      if (post.author_id !== viewer.id) return refusal(403, FEED_MESSAGES.notYourPost)
      const deleted = await db.transaction().execute(async (trx) => {
        const photos = await trx.selectFrom('post_photos').select('media_id').where('post_id', '=', postId).execute()
        const row = await trx
          .deleteFrom('posts')
          .where('id', '=', postId)
          .where('author_id', '=', viewer.id)
          .returning(['id', 'created_at', 'in_timelines'])
          .executeTakeFirst()
        return row && { ...row, mediaIds: photos.map((photo) => photo.media_id) }
      })
      if (!deleted) return DONE // deleted meanwhile, by a second click
      await postRecords.changed([deleted.id])
      await media.remove(deleted.mediaIds, viewer.id)
      // Timelines are cleaned by a job; the read-time merge only needs telling, at once.
      if (deleted.in_timelines) await queue.enqueue('feed.unpush', { postId: deleted.id, authorId: viewer.id, at: deleted.created_at.toISOString(), inTimelines: true })
      else await timelines.unpush({ id: deleted.id, at: deleted.created_at, authorId: viewer.id, inTimelines: false })
      await firstPages.drop(viewer.id)
      await purge([`post:${deleted.id}`, `profile:${viewer.id}`, 'trending'])
      return DONE
    },

    /** Who wrote a post, hidden or not, or null when there is no such post (for moderation). */
    async postAuthor(postId: number): Promise<string | null> {
      return (await postById(postId))?.author_id ?? null
    },

    /**
     * A moderator hides a post (gone for everyone: pages, feeds, lists; the CDN purged) or shows it
     * again. Null when there is no such post; `changed` false when it was so already.
     */
    async setHidden(postId: number, hidden: boolean): Promise<{ authorId: string; changed: boolean } | null> {
      const post = await postById(postId)
      if (!post) return null
      const row = await db
        .updateTable('posts')
        .set({ hidden_at: hidden ? new Date() : null })
        .where('id', '=', postId)
        .where('hidden_at', hidden ? 'is' : 'is not', null)
        .returning('id')
        .executeTakeFirst()
      if (!row) return { authorId: post.author_id, changed: false }
      await postRecords.changed([postId])
      await firstPages.drop(post.author_id)
      await purge([`post:${postId}`, `profile:${post.author_id}`, 'trending'])
      return { authorId: post.author_id, changed: true }
    },

    /** A post as a card, or null when it doesn't exist (any more). */
    async post(postId: number, viewer: Viewer | null): Promise<PostCard | null> {
      if (!Number.isSafeInteger(postId)) return null
      const [card] = await postCards([postId], viewer)
      return card ?? null
    },

    // --- Likes and comments (src/features/feed/reactions.ts) ----------------------------------------
    ...reactions,

    // --- Follows (src/features/feed/follows.ts) ------------------------------------------------------
    ...followActions,

    // --- Pages ---------------------------------------------------------------------------------

    /**
     * A member's home feed: posts by the people they follow and their own, newest first, from the
     * cursor on (hybrid fan-out: src/features/feed/timelines.ts).
     */
    async homeFeed(viewer: Viewer, rawCursor?: string | null): Promise<PostList> {
      const page = await timelines.homePage(viewer.id, toEntry(decodeCursor(rawCursor)), FEED_PAGE_SIZE)
      const posts = await postCards(page.entries.map((entry) => entry.id), viewer)
      return { posts, nextCursor: cursorOf(page.next) }
    },

    /** Trending posts of the last 7 days, highest score first (refreshed every 15 minutes). */
    async trendingPage(viewer: Viewer | null, rawCursor?: string | null, limit = FEED_PAGE_SIZE): Promise<PostList> {
      const ranked = await trending.page(decodeRankCursor(rawCursor), limit)
      const { shown, next } = pageOf(ranked, limit, encodeRankCursor)
      return { posts: await postCards(shown.map((entry) => entry.id), viewer), nextCursor: next }
    },

    /** A member's profile: who they are, their counts, whether the viewer follows them. Null for an unknown handle. */
    async profile(handle: string, viewer: Viewer | null): Promise<{ profile: Profile; cats: Cat[]; viewerFollows: boolean | null } | null> {
      const found = await accounts.profileByHandle(handle)
      if (!found) return null
      const [counts, avatar, theirCats, viewerFollows] = await Promise.all([
        followCounts(found.id),
        media.urlsFor([found.avatarMediaId]),
        cats.ofOwner(found.id),
        viewer && viewer.id !== found.id ? isFollowing(viewer.id, found.id) : Promise.resolve(null),
      ])
      const picture = (found.avatarMediaId && avatar.get(found.avatarMediaId)) || null
      return { profile: { ...found, ...counts, avatar: picture }, cats: theirCats, viewerFollows }
    },

    /** One member's posts, newest first, from the cursor on (`idx_posts_feed`). */
    async postsBy(authorId: string, viewer: Viewer | null, rawCursor?: string | null): Promise<PostList> {
      const entries = await queries.postsByAuthor(authorId, {
        below: toEntry(decodeCursor(rawCursor)),
        limit: PROFILE_PAGE_SIZE + 1,
        delivery: 'all',
      })
      const { shown, next } = pageOf(entries, PROFILE_PAGE_SIZE, cursorOf)
      return { posts: await postCards(shown.map((entry) => entry.id), viewer), nextCursor: next }
    },
  }
}

export type Feed = ReturnType<typeof createFeed>
