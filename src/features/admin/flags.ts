/**
 * Members' flags (issue 20): a "Report" on a post, comment, profile, lost/found report, sighting,
 * memorial or tribute, with a reason. One table in the accounts domain keyed by (domain, kind, item
 * id); what a kind's item is, and whose, is asked of its own feature through `targets` (wired in
 * src/services.ts), never by a query across domains. One open flag per member and item.
 */
import { sql, type Kysely } from 'kysely'
import type { DomainName } from '@/config'
import type { AccountsDomain } from '@/schema'
import { refusal, type Result } from '@/shared/result'

export const FLAG_KINDS = ['post', 'comment', 'profile', 'report', 'sighting', 'memorial', 'tribute'] as const
export type FlagKind = (typeof FLAG_KINDS)[number]

/** The domain whose tables hold each kind of item. */
export const FLAG_KIND_DOMAINS: Record<FlagKind, DomainName> = {
  post: 'social',
  comment: 'social',
  profile: 'accounts',
  report: 'finder',
  sighting: 'finder',
  memorial: 'memorials',
  tribute: 'memorials',
}

export const FLAG_REASONS = ['spam', 'scam', 'abuse', 'off_topic', 'private_info', 'other'] as const
export type FlagReason = (typeof FLAG_REASONS)[number]

/** What a flag is about, as its own feature describes it. */
export interface FlagTarget {
  /** Whose it is (a member id), or null when nobody's (a visitor's). */
  authorId: string | null
  /** Where it is seen. */
  url: string
}

/** For each kind, the item with that id, or null when there is none (or it is gone). */
export type FlagTargets = Record<FlagKind, (id: string) => Promise<FlagTarget | null>>

export interface FlagInput {
  kind: string
  id: string
  reason: string
  note: string
}

export type FlagField = 'reason' | 'note'

/** One item in the moderators' queue: its open flags taken together. */
export interface QueuedItem {
  kind: string
  itemId: string
  flags: number
  reasons: string[]
  notes: string[]
  firstAt: Date
  /**
   * Each open flag weighs (1 + its reporter's upheld flags) / (1 + their dismissed ones): a reporter
   * moderators agreed with before counts for more (after Discourse's reviewable score).
   */
  score: number
}

/** The queue shows this many items at a time, the highest score first. */
export const QUEUE_SIZE = 50

export const NOTE_MAX = 500
/** Longer ids are no ids of ours. */
const ITEM_ID_MAX = 64

export const FLAG_MESSAGES = {
  reason: 'Please choose what is wrong.',
  note: 'Please say in a few words what is wrong.',
  noteTooLong: (length: number) => `A note can have at most ${NOTE_MAX} characters; this one has ${length}.`,
  own: 'This is yours, so you cannot report it. You can edit or delete it instead.',
  twice: 'You have already reported this. A moderator will look at it.',
} as const

// Cast: includes() on the readonly tuple takes only its members; widening lets the guard ask any string.
export const isFlagKind = (value: string): value is FlagKind => (FLAG_KINDS as readonly string[]).includes(value)
export const isFlagReason = (value: string): value is FlagReason => (FLAG_REASONS as readonly string[]).includes(value)

export function createFlags({ db, targets }: { db: Kysely<AccountsDomain>; targets: FlagTargets }) {
  return {
    /** The item a member is about to report, or null when there is none to report. */
    async target(kind: string, id: string): Promise<FlagTarget | null> {
      if (!isFlagKind(kind) || id.length === 0 || id.length > ITEM_ID_MAX) return null
      return targets[kind](id)
    },

    /** Records a member's flag; refused when the item is unknown or theirs, the reason missing, or one is open already. */
    async flag(reporterId: string, input: FlagInput): Promise<Result<FlagTarget, FlagField>> {
      const target = await this.target(input.kind, input.id)
      if (!target || !isFlagKind(input.kind)) return refusal(404, 'There is nothing to report here: it may have been deleted.')
      if (target.authorId === reporterId) return refusal(403, FLAG_MESSAGES.own)
      const note = input.note.trim()
      if (!isFlagReason(input.reason)) return { ok: false, status: 422, errors: { reason: FLAG_MESSAGES.reason } }
      if (input.reason === 'other' && !note) return { ok: false, status: 422, errors: { note: FLAG_MESSAGES.note } }
      if (note.length > NOTE_MAX) return { ok: false, status: 422, errors: { note: FLAG_MESSAGES.noteTooLong(note.length) } }
      const inserted = await db
        .insertInto('flags')
        .values({ domain: FLAG_KIND_DOMAINS[input.kind], kind: input.kind, item_id: input.id, reporter_id: reporterId, reason: input.reason, note })
        .onConflict((conflict) => conflict.columns(['reporter_id', 'kind', 'item_id']).where('status', '=', 'open').doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!inserted) return refusal(409, FLAG_MESSAGES.twice)
      return { ok: true, value: target }
    },

    /** Open flags grouped by item, highest score first (then the longest waiting). */
    async queue(limit = QUEUE_SIZE): Promise<QueuedItem[]> {
      const { rows } = await sql<{ kind: string; item_id: string; flags: number; reasons: string[]; notes: string[]; first_at: Date; score: number }>`
        with open as (select * from flags where status = 'open'),
        track as (
          select reporter_id,
                 count(*) filter (where status = 'upheld') as upheld,
                 count(*) filter (where status = 'dismissed') as dismissed
          from flags
          where reporter_id in (select reporter_id from open)
          group by reporter_id
        )
        select o.kind, o.item_id, count(*)::int as flags,
               array_agg(distinct o.reason) as reasons,
               array_remove(array_agg(o.note order by o.id), '') as notes,
               min(o.created_at) as first_at,
               sum((1 + coalesce(t.upheld, 0))::float8 / (1 + coalesce(t.dismissed, 0))) as score
        from open o left join track t on t.reporter_id = o.reporter_id
        group by o.kind, o.item_id
        order by score desc, first_at
        limit ${limit}`.execute(db)
      return rows.map((row) => ({
        kind: row.kind,
        itemId: row.item_id,
        flags: Number(row.flags),
        reasons: row.reasons,
        notes: row.notes,
        firstAt: row.first_at,
        score: Number(row.score),
      }))
    },

    /** Closes an item's open flags as upheld or dismissed; how many there were. */
    async resolve(kind: string, itemId: string, status: 'upheld' | 'dismissed'): Promise<number> {
      const rows = await db
        .updateTable('flags')
        .set({ status, resolved_at: new Date() })
        .where('kind', '=', kind)
        .where('item_id', '=', itemId)
        .where('status', '=', 'open')
        .returning('id')
        .execute()
      return rows.length
    },
  }
}

export type Flags = ReturnType<typeof createFlags>
