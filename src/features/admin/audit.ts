/**
 * The audit log (issue 20): every staff action, who, when, what, before → after and why, appended
 * and never changed (the table's triggers refuse UPDATE, DELETE and TRUNCATE). Rows hold opaque ids
 * only. Read newest first, filtered, keyset-paged by id (never OFFSET).
 */
import type { Kysely } from 'kysely'
import type { AuditRow } from '@/features/admin/tables'
import type { AccountsDomain } from '@/schema'
import { pageOf } from '@/shared/cursor'

/** What a staff member can do, by name as it is stored (and filtered on). */
export const AUDIT_ACTIONS = [
  'flags.dismiss',
  'item.hide',
  'item.restore',
  'role.change',
  'member.suspend',
  'member.unsuspend',
  'member.revokeSessions',
  'member.delete',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** What an action can be about. */
export const SUBJECT_KINDS = ['member', 'post', 'comment', 'profile', 'report', 'sighting', 'memorial', 'tribute', 'message', 'photo', 'flag'] as const
export type SubjectKind = (typeof SUBJECT_KINDS)[number]

/** The actions the public moderation log (/moderation) shows: what happened to content, never who reported it. */
export const PUBLIC_ACTIONS = ['item.hide', 'item.restore'] as const satisfies readonly AuditAction[]

/** An item a moderator hid and has not restored since, for the queue's "Hidden" list. */
export interface HiddenItem {
  subjectKind: string
  subjectId: string
  at: Date
  reason: string
}

export interface AuditEntry {
  /** The staff member; null for the operator's command line. */
  actorId: string | null
  action: AuditAction
  subjectKind: SubjectKind
  subjectId: string
  before?: string | null
  after?: string | null
  reason?: string
}

export interface AuditFilter {
  actorId?: string | undefined
  action?: AuditAction | undefined
  subjectKind?: SubjectKind | undefined
  subjectId?: string | undefined
}

export interface AuditPage {
  rows: AuditRow[]
  /** The id to page on from (`?before=`), or null at the end. */
  next: number | null
}

export const AUDIT_PAGE_SIZE = 50
/** Longer subject ids are no ids of ours: the filter then matches nothing rather than scanning with them. */
const SUBJECT_ID_MAX = 100

export function createAuditLog(db: Kysely<AccountsDomain>) {
  return {
    /** Appends one entry; the caller acts first and records what it did. */
    async record(entry: AuditEntry): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          actor_id: entry.actorId,
          action: entry.action,
          subject_kind: entry.subjectKind,
          subject_id: entry.subjectId,
          before_state: entry.before ?? null,
          after_state: entry.after ?? null,
          reason: entry.reason ?? '',
        })
        .execute()
    },

    /** Newest first, `AUDIT_PAGE_SIZE` at a time, from before the id `before` when given. */
    async page(filter: AuditFilter, before: number | null): Promise<AuditPage> {
      if (filter.subjectId !== undefined && filter.subjectId.length > SUBJECT_ID_MAX) return { rows: [], next: null }
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .$if(filter.actorId !== undefined, (query) => query.where('actor_id', '=', filter.actorId!))
        .$if(filter.action !== undefined, (query) => query.where('action', '=', filter.action!))
        .$if(filter.subjectKind !== undefined, (query) => query.where('subject_kind', '=', filter.subjectKind!))
        .$if(filter.subjectId !== undefined, (query) => query.where('subject_id', '=', filter.subjectId!))
        .$if(before !== null, (query) => query.where('id', '<', before!))
        .orderBy('id', 'desc')
        .limit(AUDIT_PAGE_SIZE + 1)
        .execute()
      const { shown, next } = pageOf(rows, AUDIT_PAGE_SIZE, (last) => last.id)
      return { rows: shown, next }
    },

    /** The public moderation log, newest first: only PUBLIC_ACTIONS, and only date, action, kind and reason are shown. */
    async publicPage(before: number | null): Promise<AuditPage> {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', 'in', PUBLIC_ACTIONS)
        .$if(before !== null, (query) => query.where('id', '<', before!))
        .orderBy('id', 'desc')
        .limit(AUDIT_PAGE_SIZE + 1)
        .execute()
      const { shown, next } = pageOf(rows, AUDIT_PAGE_SIZE, (last) => last.id)
      return { rows: shown, next }
    },

    /** Items whose last hide-or-restore was a hide, newest first: what a moderator may restore. */
    async hiddenItems(limit = AUDIT_PAGE_SIZE): Promise<HiddenItem[]> {
      const latest = db
        .selectFrom('audit_log')
        .distinctOn(['subject_kind', 'subject_id'])
        .select(['subject_kind', 'subject_id', 'action', 'at', 'reason', 'id'])
        .where('action', 'in', ['item.hide', 'item.restore'])
        .orderBy('subject_kind')
        .orderBy('subject_id')
        .orderBy('id', 'desc')
        .as('latest')
      const rows = await db.selectFrom(latest).selectAll().where('action', '=', 'item.hide').orderBy('id', 'desc').limit(limit).execute()
      return rows.map((row) => ({ subjectKind: row.subject_kind, subjectId: row.subject_id, at: row.at, reason: row.reason }))
    },
  }
}

export type AuditLog = ReturnType<typeof createAuditLog>

// Cast: includes() on the readonly tuple takes only its members; widening lets the guard ask any string.
export const isAuditAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value)
export const isSubjectKind = (value: string): value is SubjectKind => (SUBJECT_KINDS as readonly string[]).includes(value)
