/**
 * What in a post or comment becomes a link: web addresses, @mentions and #tags. The views render
 * them (views/components/rich-text.tsx); the feed notifies the members a text mentions.
 */

export type TextLink = { kind: 'url'; text: string } | { kind: 'mention'; handle: string } | { kind: 'tag'; tag: string }

export interface TextPiece {
  start: number
  end: number
  link: TextLink
}

/** Handles as accounts allows them (letters, digits, underscore, 3–30); tags of letters and digits. */
const TOKENS = /(https?:\/\/[^\s<>"']+)|@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])|#([\p{L}\p{N}_]{1,50})/gu
/** A mention or tag starts a word: the middle of "me@example.org" or "C#" is neither. */
const WORD_BEFORE = /[\p{L}\p{N}_@#&/]/u

/** The links in a text, in order, with where each is. */
export function* textLinks(text: string): Generator<TextPiece> {
  for (const match of text.matchAll(TOKENS)) {
    const [whole, url, handle, tag] = match
    const start = match.index
    if (url) {
      // Punctuation that ends a sentence, not the address: "see https://example.org."
      const trimmed = url.replace(/[.,;:!?)\]]+$/, '')
      yield { start, end: start + trimmed.length, link: { kind: 'url', text: trimmed } }
      continue
    }
    if (start > 0 && WORD_BEFORE.test(text[start - 1]!)) continue
    if (handle) yield { start, end: start + whole.length, link: { kind: 'mention', handle } }
    else if (tag) yield { start, end: start + whole.length, link: { kind: 'tag', tag } }
  }
}

/** The handles a text mentions, each once, lower-cased. */
export function mentionedHandles(text: string): string[] {
  const handles = new Set<string>()
  for (const piece of textLinks(text)) if (piece.link.kind === 'mention') handles.add(piece.link.handle.toLowerCase())
  return [...handles]
}
