/**
 * What runs in the background, feature by feature: each feature's jobs.ts registers its queue
 * handlers and its schedules (the job types and their payloads are in src/jobs.ts). Handlers are
 * registered wherever the app is built, so tests and CLI commands can drain the queue; schedules
 * start in main.ts only.
 */
import { accountJobs } from '@/features/accounts/jobs'
import { feedJobs } from '@/features/feed/jobs'
import { finderJobs } from '@/features/finder/jobs'
import { mediaJobs } from '@/features/media/jobs'
import { memorialJobs } from '@/features/memorials/jobs'
import { notificationJobs } from '@/features/notifications/jobs'
import type { Cdn, CdnJobs } from '@/infra/cdn'
import type { Mailer, MailJobs } from '@/infra/mail'
import type { Outbox } from '@/infra/outbox'
import type { JobTypes, Queue } from '@/infra/queue'
import type { Scheduler } from '@/infra/scheduler'
import type { JobQueue } from '@/jobs'
import type { Services } from '@/services'

/** A feature's background work: the handlers of its queued jobs, its scheduled jobs. */
interface BackgroundWork {
  registerHandlers?(queue: JobQueue): void
  schedule?(scheduler: Scheduler): void
}

function backgroundWork(services: Services): BackgroundWork[] {
  return [
    accountJobs(services.sessions, services.accountTokens),
    mediaJobs(services.media),
    feedJobs(services.feed),
    memorialJobs(services.memorials),
    finderJobs(services.finder),
    notificationJobs(services),
    cdnJobs(services.cdn),
    mailJobs(services.mailer),
    outboxJobs(Object.values(services.outboxes)),
  ]
}

export function registerJobHandlers(queue: JobQueue, services: Services): void {
  for (const work of backgroundWork(services)) work.registerHandlers?.(queue)
}

export function scheduleJobs(scheduler: Scheduler, services: Services): void {
  for (const work of backgroundWork(services)) work.schedule?.(scheduler)
}

/** Every five seconds, one instance queues what the outboxes hold (left there while Redis was away). */
export const OUTBOX_SWEEP_SCHEDULE = '*/5 * * * * *'

/** The outboxes of the domains (src/infra/outbox.ts): swept on a schedule, once across instances. */
function outboxJobs(outboxes: readonly Pick<Outbox<JobTypes>, 'sweep'>[]) {
  return {
    schedule(scheduler: Scheduler): void {
      scheduler.every('outbox.sweep', OUTBOX_SWEEP_SCHEDULE, async () => {
        for (const outbox of outboxes) while ((await outbox.sweep()) > 0);
      })
    },
  }
}

/** CDN purges after an owner changes a public page (src/infra/cdn.ts): retried while the CDN is down. */
function cdnJobs(cdn: Cdn) {
  return {
    registerHandlers(queue: Queue<CdnJobs>): void {
      queue.handle('cdn.purge', (payload) => cdn.sendPurge(payload))
    },
  }
}

/** Every message (src/infra/mail.ts): sent, or written to the outbox; a server that is down is retried. */
function mailJobs(mailer: Mailer) {
  return {
    registerHandlers(queue: Queue<MailJobs>): void {
      queue.handle('mail.send', (mail) => mailer.send(mail))
    },
  }
}
