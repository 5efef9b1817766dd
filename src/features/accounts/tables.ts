import type { ColumnType, Generated, Selectable } from 'kysely'

export type Role = 'member' | 'moderator' | 'admin'
export const ROLES: readonly Role[] = ['member', 'moderator', 'admin']

export interface UsersTable {
  id: Generated<string>
  handle: string
  email: string
  password_hash: string
  display_name: string
  bio: Generated<string>
  role: ColumnType<Role, Role | undefined, Role>
  /** Profile photo: a media id (social domain, no foreign key); the media feature owns the photo. */
  avatar_media_id: ColumnType<string | null, string | null | undefined, string | null>
  /** When the member confirmed their address by the link we sent; null until then. */
  email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  created_at: Generated<Date>
}

export interface SessionsTable {
  id_hash: string
  user_id: string
  expires_at: Date
  created_at: Generated<Date>
}

/** What a token sent by email is for (src/features/accounts/tokens.ts). */
export type TokenPurpose = 'reset' | 'verify' | 'email'

export interface AccountTokensTable {
  id_hash: string
  user_id: string
  purpose: TokenPurpose
  /** The address the link went to, where it matters (a new address to confirm). */
  email: string | null
  expires_at: Date
  used_at: Date | null
  created_at: Generated<Date>
}

export interface AccountsTables {
  users: UsersTable
  sessions: SessionsTable
  account_tokens: AccountTokensTable
}

export type UserRow = Selectable<UsersTable>
