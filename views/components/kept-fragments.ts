/**
 * Rendered fragments kept by a key that names everything they show, for lists whose items repeat
 * from page to page (search results around a place, posts in feeds): rendering an item costs far
 * more than building its key. The least recently used go first.
 *
 * @example
 * const renderedCards = keptFragments(20_000)
 * const html = renderedCards(`${post.id}|${post.likeCount}|${ago}`, () => <PostCard post={post} />)
 */
import { boundedMap } from '@/shared/bounded-map'

export function keptFragments(max: number): (key: string, render: () => JSX.Element) => JSX.Element {
  const kept = boundedMap<string, JSX.Element>(max)
  return (key, render) => {
    let html = kept.get(key)
    if (html === undefined) {
      const rendered = render()
      html = typeof rendered === 'string' ? flattened(rendered) : rendered
      kept.set(key, html)
    }
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
