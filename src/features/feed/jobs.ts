/**
 * The feed's background work, listed in src/background.ts: the fan-out of a new post and the
 * removal of a deleted one (queued, at least once, so both are idempotent), and the trending
 * refresh (scheduled every 15 minutes, one instance per tick).
 */
import type { TimelineQueries } from '@/features/feed/timeline-queries'
import type { Timelines } from '@/features/feed/timelines'
import type { Trending } from '@/features/feed/trending'
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

/** What the jobs need of the feed service (src/features/feed/service.ts gives all three). */
export interface FeedJobDeps {
  queries: Pick<TimelineQueries, 'postForFanOut'>
  timelines: Pick<Timelines, 'fanOut' | 'unpush'>
  trending: Pick<Trending, 'refresh'>
}

export function feedJobs({ queries, timelines, trending }: FeedJobDeps) {
  return {
    registerHandlers(queue: Queue<FeedJobs>): void {
      queue.handle('feed.fanOut', async ({ postId }) => {
        const post = await queries.postForFanOut(postId)
        if (post) await timelines.fanOut(post) // a post deleted before its fan-out has nothing to push
      })
      queue.handle('feed.unpush', async ({ postId, authorId, at, inTimelines }) => {
        await timelines.unpush({ id: postId, authorId, at: new Date(at), inTimelines })
      })
    },

    schedule(scheduler: Scheduler): void {
      // The scheduler logs each run with its duration.
      scheduler.every('feed.refreshTrending', TRENDING_REFRESH_SCHEDULE, async () => {
        await trending.refresh()
      })
    },
  }
}
