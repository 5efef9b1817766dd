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

export interface AdminTables {
  audit_log: AuditLogTable
}

export type AuditRow = Selectable<AuditLogTable>
