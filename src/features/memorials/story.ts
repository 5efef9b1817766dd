/**
 * A memorial's story: a small Markdown subset, rendered to HTML that is safe to put in a page.
 *
 * What it understands: paragraphs (separated by a blank line; a single line break stays a line
 * break), `*emphasis*` or `_emphasis_`, `**strong**`, links `[words](https://…)` with http, https
 * or mailto addresses, and backslash escapes (`\*`). Nothing else becomes markup.
 *
 * Why our own and not a Markdown library plus a sanitizer: the subset is tiny, and built this way the
 * output can only ever contain the five tags we write (`p`, `br`, `em`, `strong`, `a`) with the two
 * attributes we write (`href`, `rel`); every character of the input reaches the page escaped. A full
 * Markdown parser would let raw HTML through by default and need a DOM sanitizer after it — two
 * large dependencies to remove what we would never have produced.
 *
 * Raw HTML typed into a story is taken out (tags dropped; `<script>` and `<style>` with their
 * contents), so neither markup nor its remains show up on the page.
 *
 * @example
 * renderStory('She loved **sun** and [this song](https://example.com/song).').trustedHtml
 * // '<p>She loved <strong>sun</strong> and <a href="https://example.com/song" rel="nofollow ugc noopener">this song</a>.</p>'
 */

/** HTML made by `renderStory` from a story: the only raw HTML a view may print. */
export type TrustedHtml = string & { readonly __trustedHtml: unique symbol }

export interface RenderedStory {
  trustedHtml: TrustedHtml
  /** The story as plain text on one line (for meta descriptions and cards). */
  plainText: string
}

const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:'])
/** Links in stories are the writer's, not ours: no ranking credit, no window.opener. */
const LINK_REL = 'nofollow ugc noopener'
/** Characters that a backslash makes literal. */
const ESCAPABLE = new Set(['\\', '*', '_', '[', ']', '(', ')'])

export function renderStory(story: string): RenderedStory {
  const paragraphs = paragraphsOf(withoutRawHtml(story))
  const html = paragraphs.map((paragraph) => `<p>${paragraph.split('\n').map((line) => inline(line, true)).join('<br>')}</p>`).join('\n')
  // Cast: the branding says this HTML is safe: every piece of text went through inline(), which escapes it.
  return { trustedHtml: html as TrustedHtml, plainText: plainText(paragraphs) }
}

/**
 * The story without HTML: comments, `<script>`/`<style>` elements with what is inside them, then any
 * other tag (`<` followed by a letter, `/`, `!` or `?`, up to its `>`). A lone `<`, as in "<3" or
 * "a < b", is text and stays (escaped, like everything else).
 */
function withoutRawHtml(story: string): string {
  return story
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
    .replace(/<[a-z/!?][^>]*>/gi, '')
}

/** Blocks separated by blank lines, trimmed, with no empty ones. */
function paragraphsOf(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => block.trim().replace(/[ \t]+\n/g, '\n'))
    .filter((block) => block.length > 0)
}

/**
 * One line of inline Markdown to HTML. `links` is false inside a link's words (no link in a link).
 * Unmatched markers are text, so a stray `*` or `[` shows as typed.
 */
function inline(text: string, links: boolean): string {
  let html = ''
  let i = 0
  while (i < text.length) {
    const char = text[i]!
    if (char === '\\' && ESCAPABLE.has(text[i + 1] ?? '')) {
      html += escapeHtml(text[i + 1]!)
      i += 2
      continue
    }
    const link = links && char === '[' ? linkAt(text, i) : null
    if (link) {
      const words = inline(link.words, false)
      html += link.href ? `<a href="${escapeHtml(link.href)}" rel="${LINK_REL}">${words}</a>` : words
      i = link.end
      continue
    }
    const emphasis = char === '*' || char === '_' ? emphasisAt(text, i) : null
    if (emphasis) {
      const tag = emphasis.strong ? 'strong' : 'em'
      html += `<${tag}>${inline(emphasis.inner, links)}</${tag}>`
      i = emphasis.end
      continue
    }
    html += escapeHtml(char)
    i++
  }
  return html
}

/** `[words](address)` starting at `start`: its parts, with `href` null when the address is not allowed. */
function linkAt(text: string, start: number): { words: string; href: string | null; end: number } | null {
  const close = closingBracket(text, start)
  if (close < 0 || text[close + 1] !== '(') return null
  const end = text.indexOf(')', close + 2)
  if (end < 0) return null
  const words = text.slice(start + 1, close)
  if (!words.trim()) return null
  return { words, href: allowedHref(text.slice(close + 2, end).trim()), end: end + 1 }
}

/** The `]` that closes the `[` at `start`, skipping escaped ones; -1 when there is none on the line. */
function closingBracket(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === ']') return i
  }
  return -1
}

/**
 * The address as the browser would read it, when it is an absolute http, https or mailto URL.
 * Parsing first, then checking the scheme, catches `JaVaScRiPt:`, `java\tscript:` and friends: the
 * URL parser drops tabs and newlines and lowercases the scheme exactly as a browser does.
 */
function allowedHref(address: string): string | null {
  if (!address || /\s/.test(address)) return null
  try {
    const url = new URL(address)
    return LINK_SCHEMES.has(url.protocol) ? url.href : null
  } catch {
    return null
  }
}

/**
 * `**strong**`, `*em*` or `_em_` starting at `start`. The text inside must not start or end with a
 * space; `_` only works at word edges, so `snake_case_names` stay as typed.
 */
function emphasisAt(text: string, start: number): { strong: boolean; inner: string; end: number } | null {
  const marker = text[start]!
  const strong = marker === '*' && text[start + 1] === '*'
  const delimiter = strong ? '**' : marker
  const from = start + delimiter.length
  if (marker === '_' && /\w/.test(text[start - 1] ?? '')) return null
  if (!text[from] || /\s/.test(text[from]!)) return null
  for (let i = from + 1; i <= text.length - delimiter.length; i++) {
    if (text[i] === '\\') {
      i++
      continue
    }
    if (!text.startsWith(delimiter, i) || /\s/.test(text[i - 1]!)) continue
    // A single `*` must not close on half of a `**`.
    if (!strong && marker === '*' && text[i + 1] === '*') {
      i++
      continue
    }
    if (marker === '_' && /\w/.test(text[i + 1] ?? '')) continue
    return { strong, inner: text.slice(from, i), end: i + delimiter.length }
  }
  return null
}

/** The words of the story without Markdown, on one line. */
function plainText(paragraphs: string[]): string {
  return paragraphs
    .join(' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\\([\\*_[\]()])/g, '$1')
    .replace(/(\*\*|\*|\b_|_\b)/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!)
}
