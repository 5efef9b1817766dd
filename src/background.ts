/**
 * What runs in the background: queue handlers (registered wherever the app is built, so tests can
 * drain the queue) and scheduled jobs (started by main.ts only). Features add theirs here, side by
 * side, so an operator sees every job in one place.
 */
import type { Services } from '@/app'
import type { Queue } from '@/infra/queue'
import type { Scheduler } from '@/infra/scheduler'

export function registerJobHandlers(_queue: Queue, _services: Services): void {
  // Features register their queued jobs here (feed fan-out, push batches, matching).
}

export function scheduleJobs(scheduler: Scheduler, services: Services): void {
  // Daily at 03:17, off the full hour when cron jobs everywhere pile up.
  scheduler.every('sessions.purgeExpired', '0 17 3 * * *', () => services.sessions.purgeExpired())
}
