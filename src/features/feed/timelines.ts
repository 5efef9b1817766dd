/**
 * Home timelines: the one owner of their Store keys, limits and upkeep, after Mastodon's FeedManager.
 *
 * A timeline is a sorted set per member, `timeline:home:<userId>`, of post ids scored by their
 * time (ms). It holds the newest MAX_ITEMS posts of the people the member follows and their own,
 * except posts that were not fanned out (`posts.in_timelines` false: their author had more than
 * FEED_FANOUT_MAX_FOLLOWERS followers), which every read merges in (src/features/feed/merged-posts.ts).
 *
 * What a timeline promises: from its lowest entry up, it holds exactly those posts. Below that a
 * read continues in PostgreSQL, unless the timeline carries the COMPLETE marker, which says there
 * is nothing below. So a timeline may be short, trimmed or missing and a page is still right:
 *
 * - missing (never built, expired, evicted): rebuilt from PostgreSQL on the next read (`populate`);
 * - a new post: pushed into the author's and each follower's existing timeline (`fanOut`, a queue
 *   job), then trimmed; nothing is created for followers who have no timeline;
 * - follow: the author's posts that fall within the timeline are added (`backFill`);
 * - unfollow and post deletion: the posts are removed (`removeAuthor`, `unpush`).
 *
 * Entries with the same millisecond are ordered by member: ids are zero-padded so that the Store's
 * member order is numeric, and a timeline sorts exactly as `order by created_at desc, id desc`.
 *
 * @example
 * const page = await timelines.homePage(viewer.id, cursor, 20)   // { entries, next }
 * await queue.enqueue('feed.fanOut', { postId })                // later: timelines.fanOut(post)
 */
import type { MergedPosts } from '@/features/feed/merged-posts'
import type { FeedEntry, TimelineQueries } from '@/features/feed/timeline-queries'
import type { Store } from '@/infra/store/store'

/**
 * Mastodon keeps 800: about 40 pages of a feed, more than anyone scrolls in a sitting, in ~40 KB of
 * Redis per member. Older pages come from PostgreSQL.
 */
export const MAX_ITEMS = 800

/**
 * Timelines of members who stop reading expire after a week (Mastodon stops fanning out to members
 * inactive for as long), so Redis holds the active ones; a returning member's is rebuilt on first
 * read. With a TTL they are also what `volatile-lru` may evict under memory pressure.
 */
export const TIMELINE_TTL_SECONDS = 7 * 24 * 3600

/** Followers handled per fan-out batch: one PostgreSQL page, then one burst of Store commands. */
const FAN_OUT_BATCH = 1000

/**
 * The marker member that says "nothing older exists". It scores 0, below every post, so the first
 * trim of a full timeline drops it: exactly when the timeline stops reaching back to the beginning.
 */
const COMPLETE = 'complete'
const COMPLETE_ENTRY = { member: COMPLETE, score: 0 }

/** Ids as 16 digits (2^53 has 16): the Store orders equal scores by member bytes, so this orders by id. */
const ID_DIGITS = 16

/** Ties at a cursor's millisecond are rare; a page first asks for this many extra to step over them. */
const TIE_SLACK = 8

export interface TimelinePost extends FeedEntry {
  authorId: string
  inTimelines: boolean
}

export interface TimelinePage {
  /** Newest first, at most the page size. */
  entries: FeedEntry[]
  /** The last entry shown, when there is more after it. */
  next: FeedEntry | null
}

export const timelineKey = (userId: string) => `timeline:home:${userId}`

const memberOf = (id: number) => String(id).padStart(ID_DIGITS, '0')
const scored = (entry: FeedEntry) => ({ member: memberOf(entry.id), score: entry.at.getTime() })
const entryOf = ({ member, score }: { member: string; score: number }): FeedEntry => ({ id: Number(member), at: new Date(score) })

/** Newest first by (at, id), without repeats. */
export function newestFirst(...lists: FeedEntry[][]): FeedEntry[] {
  const byId = new Map<number, FeedEntry>()
  for (const entry of lists.flat()) byId.set(entry.id, entry)
  return [...byId.values()].sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id)
}

export const isOlder = (entry: FeedEntry, than: FeedEntry) =>
  entry.at.getTime() < than.at.getTime() || (entry.at.getTime() === than.at.getTime() && entry.id < than.id)

export interface TimelinesDeps {
  store: Store
  queries: TimelineQueries
  merged: MergedPosts
  /** MAX_ITEMS unless a test wants to reach a timeline's end in a few posts. */
  maxItems?: number
}

export function createTimelines({ store, queries, merged, maxItems = MAX_ITEMS }: TimelinesDeps) {
  /** Adds entries to an existing timeline and trims it; the marker, being lowest, goes first. */
  async function push(userId: string, entries: FeedEntry[]): Promise<void> {
    if (entries.length === 0) return
    const key = timelineKey(userId)
    await store.zadd(key, entries.map(scored))
    await store.ztrim(key, maxItems)
  }

  /**
   * Pushes a new post into a timeline that exists and reaches down to it. A follower without a
   * timeline gets theirs rebuilt, post included, when they next read. A post older than the
   * timeline's lowest entry (its transaction outlived hundreds of others) is left to PostgreSQL,
   * where reads continue below that entry: inside the timeline it would leave a gap above it, as
   * Mastodon's FeedManager also refuses. (Should the timeline expire between the look and the
   * push, what is left is a short timeline without a TTL until its owner reads it: harmless.)
   */
  async function pushIfWithin(userId: string, post: FeedEntry): Promise<void> {
    const [lowest] = await store.zrangeUpTo(timelineKey(userId), Infinity, 1)
    if (!lowest) return
    if (lowest.member !== COMPLETE && isOlder(post, entryOf(lowest))) return
    await push(userId, [post])
  }

  /**
   * Builds a missing timeline from PostgreSQL. A post committed between this query and the write
   * is missed, as in Mastodon (its fan-out found no timeline): a window of milliseconds, on a rare event.
   */
  async function populate(userId: string): Promise<void> {
    const newest = await queries.homeFeedFromPostgres(userId, { below: null, limit: maxItems, delivery: 'inTimelines' })
    const complete = newest.length < maxItems
    const key = timelineKey(userId)
    await store.zadd(key, [...newest.map(scored), ...(complete ? [COMPLETE_ENTRY] : [])])
    await store.expire(key, TIMELINE_TTL_SECONDS)
  }

  /** The timeline's lowest real entry, or null when it reaches back to the beginning (or is gone). */
  async function lowestEntry(userId: string): Promise<FeedEntry | null> {
    const [lowest] = await store.zrangeUpTo(timelineKey(userId), Infinity, 1)
    return !lowest || lowest.member === COMPLETE ? null : entryOf(lowest)
  }

  /**
   * Up to `count` timeline entries older than `below`, newest first, and whether the timeline's
   * end (the COMPLETE marker) was reached. The Store pages by score only, so entries sharing the
   * cursor's millisecond are stepped over here.
   */
  async function entriesBelow(userId: string, below: FeedEntry | null, count: number): Promise<{ entries: FeedEntry[]; complete: boolean }> {
    const key = timelineKey(userId)
    for (let slack = below ? TIE_SLACK : 0; ; slack *= 2) {
      const asked = count + slack
      // Scores strictly below at + 1 ms: the cursor's own millisecond is included, then filtered.
      const raw = await store.zrevrange(key, asked, below ? below.at.getTime() + 1 : undefined)
      const complete = raw.some((member) => member.member === COMPLETE)
      const entries = raw.filter((member) => member.member !== COMPLETE).map(entryOf).filter((entry) => !below || isOlder(entry, below))
      if (complete || entries.length >= count || raw.length < asked) return { entries: entries.slice(0, count), complete }
    }
  }

  /** Runs `work` on every follower of `authorId`, a batch at a time, then on the author. */
  async function forAuthorAndFollowers(authorId: string, work: (userId: string) => Promise<void>): Promise<number> {
    let after: string | null = null
    let followers = 0
    for (;;) {
      const batch = await queries.followersAfter(authorId, after, FAN_OUT_BATCH)
      await Promise.all(batch.map(work))
      followers += batch.length
      if (batch.length < FAN_OUT_BATCH) break
      after = batch.at(-1)!
    }
    await work(authorId)
    return followers
  }

  return {
    /**
     * One page of a member's home feed, newest first, below `cursor`: their timeline (rebuilt first
     * if missing), the posts merged at read time, and PostgreSQL past the timeline's end.
     */
    async homePage(userId: string, cursor: FeedEntry | null, limit: number): Promise<TimelinePage> {
      const key = timelineKey(userId)
      // Extending a missing key does nothing, so both go at once: one round trip on every page.
      const [present] = await Promise.all([store.exists(key), store.expire(key, TIMELINE_TTL_SECONDS)])
      if (!present) await populate(userId)
      // One more than the page, to know whether there is a next one.
      const wanted = limit + 1
      const [timeline, mergedAtRead] = await Promise.all([
        entriesBelow(userId, cursor, wanted),
        merged.below(userId, cursor, wanted),
      ])
      const pastTheEnd =
        timeline.complete || timeline.entries.length === wanted
          ? []
          : await queries.homeFeedFromPostgres(userId, { below: timeline.entries.at(-1) ?? cursor, limit: wanted, delivery: 'inTimelines' })
      const all = newestFirst(timeline.entries, mergedAtRead, pastTheEnd)
      const entries = all.slice(0, limit)
      return { entries, next: all.length > limit ? entries.at(-1)! : null }
    },

    /**
     * Pushes a new post into the timelines of its author and every follower that has one. A post
     * not meant for timelines is left to the read-time merge, which is told of it. Safe to run twice
     * (a queue retry). Returns how many followers it went through.
     */
    async fanOut(post: TimelinePost): Promise<number> {
      if (!post.inTimelines) {
        await merged.postsChanged(post.authorId)
        return 0
      }
      return forAuthorAndFollowers(post.authorId, (userId) => pushIfWithin(userId, post))
    },

    /** Takes a deleted post out of every timeline it was pushed into, or out of the read-time merge. */
    async unpush(post: TimelinePost): Promise<void> {
      if (!post.inTimelines) return merged.postsChanged(post.authorId)
      const member = memberOf(post.id)
      await forAuthorAndFollowers(post.authorId, (userId) => store.zrem(timelineKey(userId), [member]))
    },

    /**
     * After X follows an author: adds the author's posts that fall within X's timeline (older ones
     * would leave a gap above them; pages read those from PostgreSQL).
     */
    async backFill(userId: string, authorId: string): Promise<void> {
      if (!(await store.exists(timelineKey(userId)))) return // rebuilt, with the author, on the next read
      const lowest = await lowestEntry(userId)
      const posts = await queries.postsByAuthor(authorId, { below: null, notBelow: lowest, limit: maxItems, delivery: 'inTimelines' })
      await push(userId, posts)
    },

    /** After X unfollows an author: removes the author's posts from X's timeline. */
    async removeAuthor(userId: string, authorId: string): Promise<void> {
      if (!(await store.exists(timelineKey(userId)))) return
      const lowest = await lowestEntry(userId)
      const posts = await queries.postsByAuthor(authorId, { below: null, notBelow: lowest, limit: maxItems, delivery: 'inTimelines' })
      if (posts.length > 0) await store.zrem(timelineKey(userId), posts.map((post) => memberOf(post.id)))
    },
  }
}

export type Timelines = ReturnType<typeof createTimelines>
