import type { Role } from '@/features/accounts/tables'

/** The signed-in person looking at a page, as every feature sees them. */
export interface Viewer {
  id: string
  handle: string
  displayName: string
  role: Role
  /** Their profile photo (a media id: ask the media feature for URLs), or null. */
  avatarMediaId: string | null
  /** Whether they confirmed their email address; until then they cannot message through the finder's relay. */
  emailVerified: boolean
}

export const isStaff = (viewer: Viewer | null): boolean => viewer?.role === 'admin' || viewer?.role === 'moderator'
