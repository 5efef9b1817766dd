/**
 * What runs in the background: queue handlers (registered wherever the app is built, so tests can
 * drain the queue) and scheduled jobs (started by main.ts only). Features add theirs here, side by
 * side, so an operator sees every job in one place.
 */
import { feedJobs } from '@/features/feed/jobs'
import { registerNotificationJobs } from '@/features/notifications/jobs'
import type { Scheduler } from '@/infra/scheduler'
import type { JobQueue } from '@/jobs'
import type { Services } from '@/services'

export function registerJobHandlers(queue: JobQueue, services: Services): void {
  // Fan-out of new posts into timelines, and removal of deleted ones.
  feedJobs(services.feed).registerHandlers(queue)
  // Photos nothing shows any more (a replaced avatar): removed after the response, retried if storage is down.
  queue.handle('media.remove', async ({ ids, ownerId }) => void (await services.media.remove(ids, ownerId)))
  // CDN purges after an owner changes a public page (src/infra/cdn.ts): retried while the CDN is down.
  queue.handle('cdn.purge', (payload) => services.cdn.sendPurge(payload))
  // Lost-cat alerts (fan-out, then batches of 100 pushes) and pushes of ordinary notifications.
  registerNotificationJobs(queue, { alerts: services.alerts, push: services.push, announcementOf: services.announcementOf })
}

export function scheduleJobs(scheduler: Scheduler, services: Services): void {
  // Daily at 03:17, off the full hour when cron jobs everywhere pile up.
  scheduler.every('sessions.purgeExpired', '0 17 3 * * *', () => services.sessions.purgeExpired())
  // Daily at 04:41: media objects no row uses (a crash between storing and recording an upload).
  scheduler.every('media.collectOrphans', '0 41 4 * * *', async () => {
    await services.media.collectOrphans()
  })
  // Every 15 minutes: the trending_posts view (src/features/feed/jobs.ts).
  feedJobs(services.feed).schedule(scheduler)
  // Daily at 07:05 UTC: notes to owners on their cat's anniversaries (morning in Europe, before
  // the working day in most of the world; never in the middle of a European night).
  scheduler.every('memorials.anniversaryNotes', '0 5 7 * * *', async () => {
    await services.memorials.anniversaries.sendAnniversaryNotes()
  })
  // Daily at 09:13 UTC: CatFinder reminders for reports idle 30 days, then expiry a week later
  // (src/features/finder/jobs.ts). Morning in Europe and Africa: a reminder people read and act on.
  scheduler.every('finder.remindAndExpire', '0 13 9 * * *', async () => {
    await services.finder.upkeep.remindIdle()
    await services.finder.upkeep.expireIdle()
  })
  // At start and every 5 minutes: rebuild the Redis GEO index of active reports if Redis lost it
  // (a fresh or restarted Redis; the in-process store at every start). Cheap when it is there.
  scheduler.every('finder.rebuildGeoIndex', '0 */5 * * * *', async () => {
    await services.finder.rebuildGeoIndex()
  })
  services.finder.rebuildGeoIndexSoon()
}
