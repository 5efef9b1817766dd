/**
 * Members' flags (issue 20): a "Report" on a post, comment, profile, lost/found report, sighting,
 * memorial or tribute, with a reason. One table in the accounts domain keyed by (domain, kind, item
 * id); what a kind's item is, and whose, is asked of its own feature through `targets` (wired in
 * src/services.ts), never by a query across domains. One open flag per member and item.
 */
import type { Kysely } from 'kysely'
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
  }
}

export type Flags = ReturnType<typeof createFlags>
