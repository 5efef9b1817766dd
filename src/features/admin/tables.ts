import type { ColumnType, Generated, Selectable } from 'kysely'

/**
 * One staff action (src/features/admin/audit.ts). Append-only: a trigger refuses UPDATE, DELETE and
 * TRUNCATE (migrations/accounts/0008_audit_log.ts). Only opaque ids, never content.
 */
export interface AuditLogTable {
  id: Generated<number>
  at: Generated<Date>
  /** The staff member who acted; null for the operator's command line (`npm run make-admin`). */
  actor_id: string | null
  action: string
  subject_kind: string
  subject_id: string
  before_state: ColumnType<string | null, string | null | undefined, never>
  after_state: ColumnType<string | null, string | null | undefined, never>
  reason: ColumnType<string, string | undefined, never>
}

/** A member's flag on an item of any domain (src/features/admin/flags.ts). */
export interface FlagsTable {
  id: Generated<number>
  domain: string
  kind: string
  item_id: string
  /** The member who flagged; null for a signed-out visitor's tribute flag (only counted) or a deleted account. */
  reporter_id: string | null
  /** A visitor's key, for flags copied from the memorials domain; null for members' flags made here. */
  reporter_key: ColumnType<string | null, string | null | undefined, string | null>
  reason: string
  note: ColumnType<string, string | undefined, string>
  status: ColumnType<'open' | 'upheld' | 'dismissed', 'open' | 'upheld' | 'dismissed' | undefined, 'open' | 'upheld' | 'dismissed'>
  created_at: Generated<Date>
  resolved_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface AdminTables {
  audit_log: AuditLogTable
  flags: FlagsTable
}

export type AuditRow = Selectable<AuditLogTable>
