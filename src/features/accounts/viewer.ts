import type { Role } from '@/features/accounts/tables'

/** The signed-in person looking at a page, as every feature sees them. */
export interface Viewer {
  id: string
  handle: string
  displayName: string
  role: Role
}

export const isStaff = (viewer: Viewer | null): boolean => viewer?.role === 'admin' || viewer?.role === 'moderator'
