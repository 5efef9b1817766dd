import { escapeHtml } from '@kitajs/html'
import { MARK_START, MARK_STOP, SEARCH_KINDS, SEARCH_QUERY_MAX, type SearchHit, type SearchKind } from '@/features/search/service'
import { EmptyState } from '@views/components/empty-state'

const KIND_LABELS: Record<SearchKind, string> = { posts: 'Posts', reports: 'Lost and found', memorials: 'Memorials', members: 'Members' }

/**
 * A snippet as HTML: the text escaped first, then the private-use marks PostgreSQL put around the
 * matched words turned into `<mark>` (ts_headline itself escapes nothing).
 */
export function markedSnippet(snippet: string): string {
  return escapeHtml(snippet).replaceAll(MARK_START, '<mark>').replaceAll(MARK_STOP, '</mark>')
}

export interface SearchPageProps {
  q: string
  kind: SearchKind | null
  /** What was wrong with the search (too long, a cursor of another search), shown under the form. */
  message: string | null
  /** Every kind's first results (the "All" tab), or one kind's page. */
  results: { kind: SearchKind; hits: SearchHit[] }[]
  /** The next page of `kind`, when there is one. */
  nextUrl: string | null
  /** Post authors' handles by id. */
  handles: Map<string, string>
}

export const searchUrl = (q: string, kind: SearchKind | null, cursor?: string) =>
  `/search?${new URLSearchParams({ q, ...(kind ? { type: kind } : {}), ...(cursor ? { cursor } : {}) })}`

export function SearchPage({ q, kind, message, results, nextUrl, handles }: SearchPageProps): JSX.Element {
  const nothing = q !== '' && message === null && results.every((group) => group.hits.length === 0)
  return (
    <section class="stack search-page" aria-labelledby="search-title">
      <h1 id="search-title">Search</h1>
      <form class="stack" method="get" action="/search" role="search">
        <div class="field">
          <label for="search-q">Words, "an exact phrase", -left-out words</label>
          <input id="search-q" name="q" type="search" value={q} maxlength={SEARCH_QUERY_MAX} aria-describedby={message ? 'search-message' : undefined} />
        </div>
        {kind !== null && <input type="hidden" name="type" value={kind} />}
        <div>
          <button type="submit" class="button">
            Search
          </button>
        </div>
      </form>
      {message !== null && (
        <p id="search-message" class="error" role="alert" safe>
          {message}
        </p>
      )}
      {q !== '' && (
        <nav class="search-kinds" aria-label="What to search">
          <a href={searchUrl(q, null)} aria-current={kind === null ? 'page' : undefined}>
            All
          </a>
          {SEARCH_KINDS.map((each) => (
            <a href={searchUrl(q, each)} aria-current={kind === each ? 'page' : undefined} safe>
              {KIND_LABELS[each]}
            </a>
          ))}
        </nav>
      )}
      {nothing && (
        <EmptyState icon="search" title="Nothing found">
          Try fewer words, or another spelling.
        </EmptyState>
      )}
      {results
          .filter((group) => group.hits.length > 0)
          .map((group) => (
            <section class="stack search-group" aria-labelledby={`search-${group.kind}`}>
              <h2 id={`search-${group.kind}`} safe>
                {KIND_LABELS[group.kind]}
              </h2>
              <ol class="search-results">
                {group.hits.map((hit) => (
                  <li class="search-hit">
                    <a href={hit.href} safe>
                      {hit.kind === 'posts' ? `Post by @${handles.get(hit.authorId ?? '') ?? 'someone'}` : hit.title}
                    </a>
                    {hit.snippet !== '' && <p class="search-snippet">{markedSnippet(hit.snippet) as 'safe'}</p>}
                  </li>
                ))}
              </ol>
              {kind === null && group.hits.length > 0 && (
                <p>
                  <a href={searchUrl(q, group.kind)} safe>
                    {`More ${KIND_LABELS[group.kind].toLowerCase()}`}
                  </a>
                </p>
              )}
            </section>
          ))}
      {nextUrl !== null && (
        <p class="pager">
          <a href={nextUrl}>Next results</a>
        </p>
      )}
    </section>
  )
}
