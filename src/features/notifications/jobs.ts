/**
 * The notifications feature's queued work, registered in src/background.ts: the fan-out of a
 * lost-cat alert, its batches, and the pushes of ordinary notifications. All run at least once, so
 * each is safe to run again (dedupe keys in the in-app list, once-per-browser marks for pushes).
 */
import type { AlertBatch, LostCatAlerts, ReportAnnouncement } from '@/features/notifications/lost-cat-alerts'
import type { MemberPush } from '@/features/notifications/member-push'
import type { Push } from '@/features/notifications/push'
import type { Queue } from '@/infra/queue'

export interface NotificationJobs {
  /** Find who should hear about a new report and queue their batches. `reachM`: a boosted report's wider reach. */
  'alerts.fanOut': { reportId: string; reachM?: number }
  /** One batch of a report's alert: at most 100 push subscriptions, one region. */
  'alerts.deliver': AlertBatch
  /** An ordinary notification to one member's browsers. */
  'push.deliver': MemberPush
  [type: string]: unknown
}

export interface NotificationJobDeps {
  alerts: LostCatAlerts
  push: Push
  /** The report as the alert needs it (from the finder), or null when it is gone or no longer active. */
  announcementOf: (reportId: string) => Promise<ReportAnnouncement | null>
}

export function registerNotificationJobs(queue: Queue, { alerts, push, announcementOf }: NotificationJobDeps): void {
  const jobs = queue as Queue<NotificationJobs>
  jobs.handle('alerts.fanOut', async ({ reportId, reachM }) => {
    const announcement = await announcementOf(reportId)
    if (announcement) await alerts.fanOut(announcement, { reachM: reachM ?? 0 })
  })
  jobs.handle('alerts.deliver', (batch) => alerts.deliver(batch))
  jobs.handle('push.deliver', async (memberPush) => {
    // Push turned off since the job was queued (keys removed): the in-app list has the notification.
    await push.memberPush?.deliver(memberPush)
  })
}
