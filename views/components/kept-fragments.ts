/**
 * Rendered fragments kept for lists whose items repeat from page to page (posts in feeds, a search
 * form's filters): rendering an item costs far more than telling whether a kept rendering still
 * shows it right. The least recently used items go first.
 *
 * An item is kept by its id and by `shows`, a short string naming everything else the fragment
 * shows (counts, the age as shown, the viewer's own marks). Two levels rather than one long key: an
 * id that comes from a kept record is the same string every time, whose hash JavaScriptCore has
 * already worked out, while a long key built afresh had to be hashed on every lookup in a map of
 * tens of thousands (~0.5 µs a result, measured, against ~0.03 µs by id). An item shown in a few
 * ways at once (a post liked and not) keeps a few renderings.
 *
 * Views hold no caches of their own: a feature creates one (in its routes) and passes it in.
 *
 * @example
 * const renderedCards = keptFragments(20_000, 'post-cards')                 // in the feature's routes
 * const html = renderedCards(post.id, `${post.likeCount}|${ago}`, () => <PostCard post={post} />)
 */
import { boundedMap } from '@/shared/bounded-map'
import { cacheCounter } from '@/infra/metrics'

/**
 * Renderings kept per item, the most recently made first: a post is shown liked and not, with and
 * without its owner's buttons, from a few pages.
 */
const RENDERINGS_PER_ITEM = 8

interface Rendering {
  shows: string
  html: JSX.Element
}

/** Renders an item through its kept renderings: `render` runs only when none shows it as `shows`. */
export type KeptFragments = (id: string | number, shows: string, render: () => JSX.Element) => JSX.Element

/** `cache` names it in the cache metrics (`cache_lookups_total`). */
export function keptFragments(max: number, cache: string): KeptFragments {
  const kept = boundedMap<string | number, Rendering[]>(max)
  const counted = cacheCounter(cache)
  return (id, shows, render) => {
    const renderings = kept.get(id)
    const found = renderings?.find((rendering) => rendering.shows === shows)
    counted(found !== undefined)
    if (found) return found.html
    const rendered = render()
    const html = typeof rendered === 'string' ? flattened(rendered) : rendered
    kept.set(id, [{ shows, html }, ...(renderings ?? []).slice(0, RENDERINGS_PER_ITEM - 1)])
    return html
  }
}

/**
 * The same string as one flat buffer. KitaJS builds HTML by concatenation, which JavaScriptCore
 * keeps as a tree of pieces until something reads it; a kept fragment left as a tree was walked
 * again, piece by scattered piece, by every page that included it (the biggest single cost of an
 * uncached search page, measured). Reading a character makes JavaScriptCore flatten it for good.
 */
function flattened(html: string): string {
  void html[0]
  return html
}
