/**
 * The rendered first page of each member's home feed, kept in the Store for a minute (the seed's
 * "cache feeds in Redis, TTL 60 s"). Others' new posts may take that minute to show; the member's
 * own actions never do: posting, following, unfollowing, liking and commenting drop it.
 *
 * Each kept page has a version, under a key of its own: a reload asks for the few bytes of the
 * version and, when this instance still holds the finished page of that version (src/http/versioned-page.ts,
 * `versionedPage`), never fetches the page itself.
 *
 * @example
 * const version = await firstPages.version(viewer.id)
 * const html = await firstPages.get(viewer.id) ?? (await firstPages.keep(viewer.id, await render())).html
 * await firstPages.drop(viewer.id)   // after the member likes a post
 */
import { createHash } from 'node:crypto'
import { nearKey, type Store } from '@/infra/store/store'
import { cacheCounter, countedLookup as counted } from '@/infra/metrics'

/** The seed's feed TTL: a minute of staleness for others' posts and counts, in exchange for no work at all on a reload. */
export const FIRST_PAGE_TTL_SECONDS = 60

const firstPageKey = (userId: string) => `feed:first-page:${userId}`
const versionKey = (userId: string) => nearKey(`feed:first-page-version:${userId}`)

export interface KeptFirstPage {
  version: string
  html: string
}

const versionLookups = cacheCounter('feed-first-page-versions')
const pageLookups = cacheCounter('feed-first-pages')

export function createFirstPageCache(store: Store) {
  return {
    version: (userId: string): Promise<string | null> => counted(versionLookups, store.getNear(versionKey(userId))),

    get: (userId: string): Promise<string | null> => counted(pageLookups, store.get(firstPageKey(userId))),

    /** Keeps a page, then its version: a version in the Store always names a page that was kept. */
    async keep(userId: string, html: string): Promise<KeptFirstPage> {
      const version = createHash('sha1').update(html).digest('base64url')
      await store.set(firstPageKey(userId), html, FIRST_PAGE_TTL_SECONDS)
      await store.set(versionKey(userId), version, FIRST_PAGE_TTL_SECONDS)
      return { version, html }
    },

    drop: (userId: string): Promise<void> => store.del(versionKey(userId), firstPageKey(userId)),
  }
}

export type FirstPageCache = ReturnType<typeof createFirstPageCache>
