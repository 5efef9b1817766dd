/**
 * The back office (issue 20) put together from its parts, as `services.backOffice` (src/services.ts).
 * Its tables live in the accounts domain.
 */
import type { Kysely } from 'kysely'
import { createAuditLog } from '@/features/admin/audit'
import { createFlags, type FlagTargets } from '@/features/admin/flags'
import type { AccountsDomain } from '@/schema'

export function createBackOffice({ db, targets }: { db: Kysely<AccountsDomain>; targets: FlagTargets }) {
  return { audit: createAuditLog(db), flags: createFlags({ db, targets }) }
}

export type BackOffice = ReturnType<typeof createBackOffice>
