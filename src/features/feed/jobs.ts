/**
 * The feed's background work, registered in src/background.ts: the fan-out of a new post and the
 * removal of a deleted one (queued, at least once, so both are idempotent), and the trending
 * refresh (scheduled every 15 minutes, one instance per tick).
 */
import type { Feed } from '@/features/feed/service'
import type { Queue } from '@/infra/queue'
import type { Scheduler } from '@/infra/scheduler'

export interface FeedJobs {
  /** Push a new post into its author's and followers' timelines. */
  'feed.fanOut': { postId: number }
  /** Take a deleted post out of them again (the row is gone, so the payload carries what is needed). */
  'feed.unpush': { postId: number; authorId: string; at: string; inTimelines: boolean }
}

/** The seed's trending refresh: every 15 minutes, at second 0. */
export const TRENDING_REFRESH_SCHEDULE = '0 */15 * * * *'

export function registerFeedJobs(queue: Queue<FeedJobs>, feed: Feed): void {
  queue.handle('feed.fanOut', async ({ postId }) => {
    const post = await feed.queries.postForFanOut(postId)
    if (post) await feed.timelines.fanOut(post) // a post deleted before its fan-out has nothing to push
  })
  queue.handle('feed.unpush', async ({ postId, authorId, at, inTimelines }) => {
    await feed.timelines.unpush({ id: postId, authorId, at: new Date(at), inTimelines })
  })
}

export function scheduleFeedJobs(scheduler: Scheduler, feed: Feed): void {
  // The scheduler logs each run with its duration.
  scheduler.every('feed.refreshTrending', TRENDING_REFRESH_SCHEDULE, async () => {
    await feed.trending.refresh()
  })
}
