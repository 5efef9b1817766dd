/**
 * GET /search (issue 22): one box over posts, lost and found reports, public memorials and members,
 * with a tab per kind (`type=`). Works as a plain GET form; each kind's results page on by cursor.
 */
import { Elysia } from 'elysia'
import type { Accounts } from '@/features/accounts/service'
import { cleanSearchQuery, isSearchKind, SEARCH_KINDS, SEARCH_QUERY_MAX, type Search, type SearchKind } from '@/features/search/service'
import type { HttpContext } from '@/http/context'
import { page } from '@/http/page'
import { byAddress, limitRate, type RateLimit } from '@/http/rate-limit'
import type { Store } from '@/infra/store/store'
import { SearchPage, searchUrl, type SearchPageProps } from '@views/search/search-page'

/** Searches per client address: a person types a few a minute; a scraper is cut off. */
export const SEARCH_RATE_LIMIT: RateLimit = { attempts: 60, windowSeconds: 60 }

interface SearchRouteDeps {
  context: HttpContext
  store: Store
  search: Search
  accounts: Pick<Accounts, 'profilesByIds'>
}

export function searchRoutes({ context, store, search, accounts }: SearchRouteDeps) {
  return new Elysia({ name: 'search' }).use(context).get('/search', async ({ render, query, meta }) => {
    const raw = typeof query.q === 'string' ? query.q : ''
    const kind: SearchKind | null = isSearchKind(query.type) ? query.type : null
    const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : null
    const q = cleanSearchQuery(raw)
    const view = (props: Omit<SearchPageProps, 'q' | 'kind' | 'handles'> & { handles?: Map<string, string> }, status = 200) =>
      page(render, {
        title: q ? `${q} · Search` : 'Search',
        main: SearchPage({ q: q.slice(0, SEARCH_QUERY_MAX), kind, handles: new Map(), ...props }),
        noindex: true,
        status,
      })

    if (q === '') return view({ message: null, results: [], nextUrl: null })
    if (q.length > SEARCH_QUERY_MAX) return view({ message: `Search for at most ${SEARCH_QUERY_MAX} characters.`, results: [], nextUrl: null }, 422)
    await limitRate(store, [byAddress('search', meta.ip)], SEARCH_RATE_LIMIT)

    if (kind) {
      // A cursor cut from another query or kind: say so, and show this search from the top.
      const fromCursor = await search.page(kind, q, cursor)
      const found = fromCursor ?? (await search.page(kind, q, null))
      const message = fromCursor ? null : 'That link was for another search: these are the first results of this one.'
      if (!found) throw new Error('a search without a cursor always has a page')
      const handles = await handlesOf(found.hits.flatMap((hit) => hit.authorId ?? []))
      return view({ message, results: [{ kind, hits: found.hits }], nextUrl: found.next ? searchUrl(q, kind, found.next) : null, handles })
    }
    const preview = await search.preview(q)
    const handles = await handlesOf(preview.posts.flatMap((hit) => hit.authorId ?? []))
    return view({ message: null, results: SEARCH_KINDS.map((each) => ({ kind: each, hits: preview[each] })), nextUrl: null, handles })
  })

  async function handlesOf(ids: string[]): Promise<Map<string, string>> {
    const profiles = await accounts.profilesByIds(ids)
    return new Map([...profiles].map(([id, profile]) => [id, profile.handle]))
  }
}
