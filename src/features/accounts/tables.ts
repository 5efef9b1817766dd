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
