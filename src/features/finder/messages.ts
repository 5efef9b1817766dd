/**
 * The message relay at /finder/:id/messages: a member writes to a reporter through the app and the
 * reporter answers there. One thread per report and correspondent; only its two people read it. No
 * email address or phone number is ever shown: the app carries the words.
 *
 * Each message is checked for the scripts of reward scams (src/features/finder/scam.ts); a match is
 * still delivered, with a warning to its recipient, and counted for moderators.
 */
import { sql, type Kysely } from 'kysely'
import { scamSignals, type ScamSignal } from '@/features/finder/scam'
import { REPORT_REFUSALS, type Reports } from '@/features/finder/reports'
import type { FinderDomain } from '@/schema'
import type { Result } from '@/shared/result'
import { textProblem } from '@/shared/text'

export interface Message {
  id: number
  authorId: string
  body: string
  scamSignals: ScamSignal[]
  createdAt: Date
}

export interface Thread {
  id: number
  reportId: string
  reporterId: string
  correspondentId: string
  lastMessageAt: Date
  messages: Message[]
}

export interface ThreadSummary {
  id: number
  correspondentId: string
  lastMessageAt: Date
  messageCount: number
  flaggedCount: number
}

/** The thread with the message in it, or why not: a message to write again (`body`), or a refusal. */
export type SendResult = Result<Thread, 'body'>

export const BODY_MAX = 2000
/** A thread page shows its latest messages; a relay about one cat rarely runs longer. */
const THREAD_MESSAGES = 200
const INBOX_THREADS = 100

export interface MessagesDeps {
  db: Kysely<FinderDomain>
  reports: Reports
  notify: (userId: string, text: string, url: string) => Promise<void>
}

export function createMessages({ db, reports, notify }: MessagesDeps) {
  async function loadThread(threadId: number): Promise<Thread | null> {
    const thread = await db.selectFrom('message_threads').selectAll().where('id', '=', threadId).executeTakeFirst()
    if (!thread) return null
    const messages = await db
      .selectFrom('messages')
      .select(['id', 'author_id', 'body', 'scam_signals', 'created_at'])
      .where('thread_id', '=', threadId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(THREAD_MESSAGES)
      .execute()
    return {
      id: thread.id,
      reportId: thread.report_id,
      reporterId: thread.reporter_id,
      correspondentId: thread.correspondent_id,
      lastMessageAt: thread.last_message_at,
      messages: messages.reverse().map((row) => ({
        id: row.id,
        authorId: row.author_id,
        body: row.body,
        // Cast: the column is text[]; the service writes only ScamSignal names into it.
        scamSignals: row.scam_signals as ScamSignal[],
        createdAt: row.created_at,
      })),
    }
  }

  async function threadWith(reportId: string, correspondentId: string): Promise<Thread | null> {
    const row = await db.selectFrom('message_threads').select('id').where('report_id', '=', reportId).where('correspondent_id', '=', correspondentId).executeTakeFirst()
    return row ? loadThread(row.id) : null
  }

  return {
    /** The reporter's threads for a report, liveliest first, with counts of flagged messages. */
    async inbox(viewerId: string, reportId: string): Promise<Result<ThreadSummary[]>> {
      const report = await reports.ownReport(viewerId, reportId)
      if (!report.ok) return report
      const rows = await db
        .selectFrom('message_threads as t')
        .innerJoin('messages as m', 'm.thread_id', 't.id')
        .select(['t.id', 't.correspondent_id', 't.last_message_at'])
        .select((eb) => [
          eb.fn.countAll<number>().as('message_count'),
          sql<number>`count(*) filter (where cardinality(m.scam_signals) > 0)`.as('flagged_count'),
        ])
        .where('t.report_id', '=', reportId)
        .groupBy(['t.id', 't.correspondent_id', 't.last_message_at'])
        .orderBy('t.last_message_at', 'desc')
        .limit(INBOX_THREADS)
        .execute()
      const threads = rows.map((row) => ({
        id: row.id,
        correspondentId: row.correspondent_id,
        lastMessageAt: row.last_message_at,
        messageCount: Number(row.message_count),
        flaggedCount: Number(row.flagged_count),
      }))
      return { ok: true, value: threads }
    },

    /**
     * A thread for one of its two people: the reporter names it by id; anyone else has at most one,
     * with the reporter (null before their first message). A thread of another report is not found.
     */
    async threadFor(viewerId: string, reportId: string, threadId: number | null): Promise<Result<Thread | null>> {
      const report = await reports.publicReport(reportId)
      if (!report) return REPORT_REFUSALS.notFound
      if (viewerId !== report.reporterId) return { ok: true, value: await threadWith(reportId, viewerId) }
      if (threadId === null) return { ok: true, value: null }
      const thread = await loadThread(threadId)
      return thread && thread.reportId === reportId ? { ok: true, value: thread } : REPORT_REFUSALS.notFound
    },

    /**
     * Sends a message: a member to the reporter (starting their thread if needed), or the reporter's
     * answer in a thread. The recipient is notified; a message that follows a scam script is flagged.
     */
    async send(viewerId: string, reportId: string, { threadId, body }: { threadId: number | null; body: string }): Promise<SendResult> {
      const report = await reports.publicReport(reportId)
      if (!report) return REPORT_REFUSALS.notFound
      const text = body.trim()
      const refused = textProblem(text, 'lines')
      if (refused) return { ok: false, status: 422, errors: { body: refused } }
      if (!text) return { ok: false, status: 422, errors: { body: 'Please write a message.' } }
      if ([...text].length > BODY_MAX) return { ok: false, status: 422, errors: { body: `A message can have at most ${BODY_MAX} characters.` } }
      const fromReporter = viewerId === report.reporterId
      let thread: Thread | null = null
      if (fromReporter) {
        thread = threadId === null ? null : await loadThread(threadId)
        if (!thread || thread.reportId !== reportId) return REPORT_REFUSALS.notFound
      } else if (report.status !== 'active' && !(await threadWith(reportId, viewerId))) {
        return REPORT_REFUSALS.closed
      }
      const signals = scamSignals(text)
      // A thread is opened with its first message, or not at all: never an empty thread in an inbox.
      const threadOf = await db.transaction().execute(async (trx) => {
        const id = fromReporter
          ? thread!.id
          : (
              await trx
                .insertInto('message_threads')
                .values({ report_id: reportId, reporter_id: report.reporterId, correspondent_id: viewerId })
                .onConflict((conflict) => conflict.columns(['report_id', 'correspondent_id']).doUpdateSet({ last_message_at: new Date() }))
                .returning('id')
                .executeTakeFirstOrThrow()
            ).id
        await trx.insertInto('messages').values({ thread_id: id, author_id: viewerId, body: text, scam_signals: signals }).execute()
        await trx.updateTable('message_threads').set({ last_message_at: new Date() }).where('id', '=', id).execute()
        return id
      })
      await reports.touch(reportId)
      const recipient = fromReporter ? thread!.correspondentId : report.reporterId
      const about = report.name ?? 'the cat you reported'
      const url = fromReporter ? `/finder/${reportId}/messages` : `/finder/${reportId}/messages?thread=${threadOf}`
      await notify(recipient, signals.length > 0 ? `A message about ${about} — careful, it looks like a scam.` : `A new message about ${about}.`, url)
      return { ok: true, value: (await loadThread(threadOf))! }
    },

    /** For moderators: flagged messages, all time and in the last 7 days, and on one report. */
    async scamCounts(reportId?: string): Promise<{ total: number; lastWeek: number }> {
      const row = await db
        .selectFrom('messages as m')
        .$if(reportId !== undefined, (query) => query.innerJoin('message_threads as t', 't.id', 'm.thread_id').where('t.report_id', '=', reportId!))
        .select([
          sql<number>`count(*)`.as('total'),
          sql<number>`count(*) filter (where m.created_at > now() - interval '7 days')`.as('last_week'),
        ])
        .where(sql<boolean>`cardinality(m.scam_signals) > 0`)
        .executeTakeFirstOrThrow()
      return { total: Number(row.total), lastWeek: Number(row.last_week) }
    },
  }
}

export type Messages = ReturnType<typeof createMessages>
