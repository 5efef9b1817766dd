/**
 * Daily upkeep of reports (scheduled in src/features/finder/jobs.ts): a report with no activity for
 * 30 days gets a reminder to its reporter, and one still quiet a week after the reminder expires, so
 * search shows cats that are still being looked for. Any activity (a sighting, a message, an edit,
 * "still looking") starts the 30 days again.
 */
import { sql, type Kysely } from 'kysely'
import { latOf, lngOf } from '@/features/finder/geodesy'
import type { Reports } from '@/features/finder/reports'
import type { FinderDomain } from '@/schema'

/** A month: long enough that an active search always shows some activity in it. */
export const IDLE_DAYS_BEFORE_REMINDER = 30
/** A week to answer the reminder before the report leaves search. */
export const DAYS_FROM_REMINDER_TO_EXPIRY = 7
/** Rows per statement: keeps each transaction short on a large table. */
const BATCH = 500
const DAY_MS = 86_400_000

export interface UpkeepDeps {
  db: Kysely<FinderDomain>
  reports: Reports
  notify: (userId: string, text: string, url: string) => Promise<void>
}

export function createUpkeep({ db, reports, notify }: UpkeepDeps) {
  return {
    /** Sends each report idle for 30 days one reminder; returns how many were sent. */
    async remindIdle(now = new Date()): Promise<number> {
      const idleSince = new Date(now.getTime() - IDLE_DAYS_BEFORE_REMINDER * DAY_MS)
      let sent = 0
      while (true) {
        const due = await db
          .updateTable('lost_cats')
          .set({ reminder_sent_at: now })
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('lost_cats')
              .select('id')
              .where('status', '=', 'active')
              .where('last_activity_at', '<', idleSince)
              .where('reminder_sent_at', 'is', null)
              .limit(BATCH),
          )
          .returning(['id', 'reporter_id', 'name'])
          .execute()
        for (const report of due) {
          await notify(
            report.reporter_id,
            `Is ${report.name ?? 'the cat you reported'} still missing? Nothing has happened on the report for ${IDLE_DAYS_BEFORE_REMINDER} days. Keep it active, or it leaves search in ${DAYS_FROM_REMINDER_TO_EXPIRY} days.`,
            `/finder/${report.id}`,
          )
        }
        sent += due.length
        if (due.length < BATCH) return sent
      }
    },

    /** Expires reports still idle a week after their reminder; returns how many expired. */
    async expireIdle(now = new Date()): Promise<number> {
      const remindedBefore = new Date(now.getTime() - DAYS_FROM_REMINDER_TO_EXPIRY * DAY_MS)
      let expired = 0
      while (true) {
        const due = await db
          .updateTable('lost_cats')
          .set({ status: 'expired', closed_at: now, updated_at: now })
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('lost_cats')
              .select('id')
              .where('status', '=', 'active')
              .where('reminder_sent_at', '<', remindedBefore)
              .where(sql<boolean>`last_activity_at <= reminder_sent_at`)
              .limit(BATCH),
          )
          .returning(['id', 'reporter_id', 'name', latOf('public_point').as('lat'), lngOf('public_point').as('lng')])
          .execute()
        for (const report of due) {
          await reports.published({ id: report.id, point: { lat: report.lat, lng: report.lng } }, null)
          await notify(report.reporter_id, `The report for ${report.name ?? 'the cat you reported'} has expired. You can reopen it from its page.`, `/finder/${report.id}`)
        }
        expired += due.length
        if (due.length < BATCH) return expired
      }
    },
  }
}

export type Upkeep = ReturnType<typeof createUpkeep>
