/**
 * The rendered first page of each member's home feed, kept in the Store for a minute (the seed's
 * "cache feeds in Redis, TTL 60 s"). Others' new posts may take that minute to show; the member's
 * own actions never do: posting, following, unfollowing, liking and commenting drop it.
 *
 * @example
 * const html = await firstPages.get(viewer.id) ?? (await firstPages.keep(viewer.id, await render()))
 * await firstPages.drop(viewer.id)   // after the member likes a post
 */
import type { Store } from '@/infra/store/store'

/** The seed's feed TTL: a minute of staleness for others' posts and counts, in exchange for no work at all on a reload. */
export const FIRST_PAGE_TTL_SECONDS = 60

const firstPageKey = (userId: string) => `feed:first-page:${userId}`

export function createFirstPageCache(store: Store) {
  return {
    get: (userId: string): Promise<string | null> => store.get(firstPageKey(userId)),

    async keep(userId: string, html: string): Promise<string> {
      await store.set(firstPageKey(userId), html, FIRST_PAGE_TTL_SECONDS)
      return html
    },

    drop: (userId: string): Promise<void> => store.del(firstPageKey(userId)),
  }
}

export type FirstPageCache = ReturnType<typeof createFirstPageCache>
