/**
 * The media feature's background work, listed in src/background.ts: photos nothing shows any more
 * (a replaced avatar) removed after the response, retried if storage is down; and a daily sweep of
 * objects no row uses.
 */
import type { Media } from '@/features/media/service'
import type { Queue } from '@/infra/queue'
import type { Scheduler } from '@/infra/scheduler'

export interface MediaJobs {
  'media.remove': { ids: string[]; ownerId: string }
}

export function mediaJobs(media: Pick<Media, 'remove' | 'collectOrphans'>) {
  return {
    registerHandlers(queue: Queue<MediaJobs>): void {
      queue.handle('media.remove', async ({ ids, ownerId }) => void (await media.remove(ids, ownerId)))
    },

    schedule(scheduler: Scheduler): void {
      // Daily at 04:41: media objects no row uses (a crash between storing and recording an upload).
      scheduler.every('media.collectOrphans', '0 41 4 * * *', async () => {
        await media.collectOrphans()
      })
    },
  }
}
