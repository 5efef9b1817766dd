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
  created_at: Generated<Date>
}

export interface SessionsTable {
  id_hash: string
  user_id: string
  expires_at: Date
  created_at: Generated<Date>
}

export interface AccountsTables {
  users: UsersTable
  sessions: SessionsTable
}

export type UserRow = Selectable<UsersTable>
