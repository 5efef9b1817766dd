/**
 * The back office (issue 20) put together from its parts, as `services.backOffice` (src/services.ts).
 * Its tables live in the accounts domain.
 */
import type { Kysely } from 'kysely'
import { createAuditLog } from '@/features/admin/audit'
import { createFlags, type FlagKind, type FlagTargets } from '@/features/admin/flags'
import { createModeration, type Hideable } from '@/features/admin/moderation'
import type { AccountsDomain } from '@/schema'

interface Deps {
  db: Kysely<AccountsDomain>
  /** What each kind of flagged item is, and whose (src/services.ts `flagTargets`). */
  targets: FlagTargets
  /** The kinds moderators can hide, through their own features. */
  hideables: Partial<Record<FlagKind, Hideable>>
  /** Tells a member something in-app. */
  tell: (userId: string, text: string) => Promise<void>
}

export function createBackOffice({ db, targets, hideables, tell }: Deps) {
  const audit = createAuditLog(db)
  const flags = createFlags({ db, targets })
  return { audit, flags, moderation: createModeration({ flags, audit, hideables, tell }) }
}

export type BackOffice = ReturnType<typeof createBackOffice>
