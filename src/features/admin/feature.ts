/**
 * The back office (issue 20) put together from its parts, as `services.backOffice` (src/services.ts).
 * Its tables live in the accounts domain.
 */
import type { Kysely } from 'kysely'
import { createAuditLog } from '@/features/admin/audit'
import type { AccountsDomain } from '@/schema'

export function createBackOffice({ db }: { db: Kysely<AccountsDomain> }) {
  return { audit: createAuditLog(db) }
}

export type BackOffice = ReturnType<typeof createBackOffice>
