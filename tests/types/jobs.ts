/**
 * Type tests of the job map (src/jobs.ts), checked by `tsc --noEmit` (`npm test` runs it first):
 * each `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused. Never
 * run, only compiled.
 */
import type { FeedJobs } from '@/features/feed/jobs'
import type { Queue } from '@/infra/queue'
import type { JobQueue } from '@/jobs'

export async function jobTypeChecks(queue: JobQueue): Promise<void> {
  await queue.enqueue('feed.fanOut', { postId: 1 })
  await queue.enqueueMany('media.remove', [{ ids: [], ownerId: 'a member' }])
  queue.handle('cdn.purge', async ({ tags }) => void tags.join(','))

  // @ts-expect-error a misspelt job type
  await queue.enqueue('feed.fanOt', { postId: 1 })
  // @ts-expect-error a payload field of the wrong type
  await queue.enqueue('feed.fanOut', { postId: '1' })
  // @ts-expect-error a payload without a field its job needs
  await queue.enqueue('media.remove', { ids: [] })
  // @ts-expect-error another job's payload
  await queue.enqueueMany('alerts.fanOut', [{ postId: 1 }])
  // @ts-expect-error a handler for a job type nobody queues
  queue.handle('feed.fanOt', async () => {})
  // @ts-expect-error a handler reading what its payload does not carry
  queue.handle('feed.fanOut', async ({ reportId }) => void reportId)

  // A feature takes the queue typed with its own jobs: the app's queue is one…
  const feedQueue: Queue<FeedJobs> = queue
  // @ts-expect-error …but a queue of the feed's jobs alone cannot stand in for the app's
  const appQueue: JobQueue = feedQueue
  void appQueue
}
