/**
 * Anniversaries: on the day a cat died, and on its birthday, its owner gets a gentle in-app note,
 * and the memorial page shows a candle lit for the day (views/memorials/memorial-page.tsx).
 *
 * Run daily by the scheduler (src/features/memorials/jobs.ts). Each note is sent once per memorial and day, even
 * if the job runs twice (a retry after a crash): a Store mark says it went.
 */
import { sql, type Kysely } from 'kysely'
import type { Logger } from '@/infra/log'
import type { Store } from '@/infra/store/store'
import type { Notifications } from '@/features/notifications/service'
import { anniversaryDaysOn, anniversaryOn, utcDay, type AnniversaryKind } from '@/features/memorials/dates'
import { memorialOf, type Memorial } from '@/features/memorials/service'
import type { MemorialsDomain } from '@/schema'

/** Rows read per query: the job walks every memorial with an anniversary today in batches. */
const BATCH = 500
/** A day's marks outlive the day, so a job re-run just after midnight still finds them. */
const SENT_MARK_TTL_SECONDS = 2 * 24 * 60 * 60

interface Deps {
  db: Kysely<MemorialsDomain>
  store: Store
  notifications: Notifications
  log: Logger
}

export function createAnniversaries({ db, store, notifications, log }: Deps) {
  /** Memorials whose passing or birthday falls on `today`, by id from `after`. */
  async function dueAfter(today: Date, after: string | null): Promise<Memorial[]> {
    const days = anniversaryDaysOn(today)
    const rows = await db
      .selectFrom('memorials')
      .selectAll()
      .where((eb) =>
        eb.or(
          days.flatMap(({ month, day }) => [
            eb.and([eb('passed_month', '=', month), eb('passed_day', '=', day)]),
            eb.and([eb('born_month', '=', month), eb('born_day', '=', day)]),
          ]),
        ),
      )
      .$if(after !== null, (query) => query.where('id', '>', sql<string>`${after}::uuid`))
      .orderBy('id')
      .limit(BATCH)
      .execute()
    return rows.map(memorialOf)
  }

  return {
    /** Sends today's notes; returns how many went out. */
    async sendAnniversaryNotes(today = new Date()): Promise<number> {
      let sent = 0
      let after: string | null = null
      for (;;) {
        const due = await dueAfter(today, after)
        for (const memorial of due) {
          const anniversary = anniversaryOn(memorial, today)
          if (!anniversary) continue
          const mark = `memorials:anniversary-note:${memorial.id}:${utcDay(today)}`
          if (!(await store.setIfAbsent(mark, '1', SENT_MARK_TTL_SECONDS))) continue
          await notifications.notify(memorial.ownerId, {
            kind: 'memorial.anniversary',
            text: anniversaryNote(memorial.name, anniversary.kind, anniversary.years),
            url: `/memorials/${memorial.slug}`,
          })
          sent++
        }
        if (due.length < BATCH) break
        after = due.at(-1)!.id
      }
      log.info({ sent }, 'memorial anniversary notes sent')
      return sent
    },
  }
}

export type Anniversaries = ReturnType<typeof createAnniversaries>

/** The note's words: plain, warm, and about the cat. */
export function anniversaryNote(name: string, kind: AnniversaryKind, years: number): string {
  const span = years === 1 ? 'one year' : `${years} years`
  return kind === 'passing'
    ? `It is ${span} today since ${name} died. A candle is lit on the memorial page all day. Thinking of you.`
    : `${name} was born ${span} ago today. A candle is lit on the memorial page all day, for the birthday.`
}
