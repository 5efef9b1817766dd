/**
 * The people shown beside posts and comments: name, handle and avatar. Profiles belong to the
 * accounts feature and photos to the media feature, so they come through their batch look-ups
 * (never a join: users may live in another database), and are kept in the Store for a minute,
 * which takes both look-ups off every page of a busy feed.
 */
import type { Accounts, PublicProfile } from '@/features/accounts/service'
import type { Media, MediaPicture } from '@/features/media/service'
import { nearRecords } from '@/infra/store/near-records'
import type { Store } from '@/infra/store/store'

export interface Author {
  id: string
  handle: string
  displayName: string
  avatar: MediaPicture | null
}

/** A renamed member or a new avatar shows within a minute; no write elsewhere has to know about this cache. */
const AUTHOR_TTL_SECONDS = 60

export function createAuthors({ accounts, media, store }: { accounts: Accounts; media: Media; store: Store }) {
  async function lookUp(ids: string[]): Promise<Author[]> {
    const profiles = [...(await accounts.profilesByIds(ids)).values()]
    const avatars = await media.urlsFor(profiles.map((profile) => profile.avatarMediaId))
    return profiles.map((profile: PublicProfile) => ({
      id: profile.id,
      handle: profile.handle,
      displayName: profile.displayName,
      avatar: (profile.avatarMediaId && avatars.get(profile.avatarMediaId)) || null,
    }))
  }

  // Near copies: every post on every page names its author, so busy instances keep them in memory.
  const kept = nearRecords({ store, name: 'feed:author', ttlSeconds: AUTHOR_TTL_SECONDS, load: lookUp, idOf: (author) => author.id })

  return {
    /** Authors by id; ids that name nobody (a deleted account) are left out. */
    byIds: (ids: readonly string[]): Promise<Map<string, Author>> => kept.byIds(ids),
  }
}

export type Authors = ReturnType<typeof createAuthors>
