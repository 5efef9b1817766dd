/**
 * The tables of each data domain (docs/architecture.md), gathered from the features that own them.
 * A feature reads and writes only its own tables; this file only says which database they live in.
 */
import type { AccountsTables } from '@/features/accounts/tables'
import type { AdminTables } from '@/features/admin/tables'
import type { FeedTables } from '@/features/feed/tables'
import type { FinderTables } from '@/features/finder/tables'
import type { MediaTables } from '@/features/media/tables'
import type { MemorialTables } from '@/features/memorials/tables'
import type { NotificationTables } from '@/features/notifications/tables'

export type AccountsDomain = DomainSchemas['accounts']
export type SocialDomain = DomainSchemas['social']
export type FinderDomain = DomainSchemas['finder']
export type MemorialsDomain = DomainSchemas['memorials']

export interface DomainSchemas {
  accounts: AccountsTables & NotificationTables & AdminTables
  social: MediaTables & FeedTables
  finder: FinderTables
  memorials: MemorialTables
}
