/**
 * The tables of each data domain (DESIGN.md), gathered from the features that own them.
 * A feature reads and writes only its own tables; this file only says which database they live in.
 */
import type { AccountsTables } from '@/features/accounts/tables'
import type { NotificationTables } from '@/features/notifications/tables'

export type AccountsDomain = DomainSchemas['accounts']
export type SocialDomain = DomainSchemas['social']
export type FinderDomain = DomainSchemas['finder']
export type MemorialsDomain = DomainSchemas['memorials']

export interface DomainSchemas {
  accounts: AccountsTables & NotificationTables
  social: object
  finder: object
  memorials: object
}
