/**
 * The notifications feature's queued work, listed in src/background.ts: the fan-out of a
 * lost-cat alert, its batches, and the pushes of ordinary notifications. All run at least once, so
 * each is safe to run again (dedupe keys in the in-app list, once-per-browser marks for pushes).
 */
import type { AlertBatch, LostCatAlerts, ReportAnnouncement } from '@/features/notifications/lost-cat-alerts'
import type { MemberPush } from '@/features/notifications/member-push'
import type { Push } from '@/features/notifications/push'
import type { ReportNews } from '@/features/finder/reports'
import type { Queue } from '@/infra/queue'

export interface NotificationJobs {
  /**
   * Find who should hear about a report and queue their batches: a new one ('reported', the default;
   * `reachM` a boosted report's wider reach) to the alert areas that hold it, 'reunited' to the members
   * it alerted.
   */
  'alerts.fanOut': { reportId: string; reachM?: number; news?: ReportNews }
  /** One batch of a report's alert: at most 100 push subscriptions, one region. */
  'alerts.deliver': AlertBatch
  /** An ordinary notification to one member's browsers. */
  'push.deliver': MemberPush
}

/** The status a report must still have for its news to go out. */
const NEWS_STATUS = { reported: 'active', reunited: 'reunited' } as const

export interface NotificationJobDeps {
  alerts: LostCatAlerts
  push: Push
  /** The report as the alert needs it (from the finder), or null when it is gone. */
  announcementOf: (reportId: string) => Promise<ReportAnnouncement | null>
}

export function notificationJobs({ alerts, push, announcementOf }: NotificationJobDeps) {
  return {
    registerHandlers(queue: Queue<NotificationJobs>): void {
      queue.handle('alerts.fanOut', async ({ reportId, reachM, news = 'reported' }) => {
        const announcement = await announcementOf(reportId)
        // News that is no longer true by the time the job runs (closed meanwhile, or lost again) is not sent.
        if (announcement?.status !== NEWS_STATUS[news]) return
        if (news === 'reunited') await alerts.fanOutReunion(announcement)
        else await alerts.fanOut(announcement, { reachM: reachM ?? 0 })
      })
      queue.handle('alerts.deliver', (batch) => alerts.deliver(batch))
      queue.handle('push.deliver', async (memberPush) => {
        // Push turned off since the job was queued (keys removed): the in-app list has the notification.
        await push.memberPush?.deliver(memberPush)
      })
    },
  }
}
