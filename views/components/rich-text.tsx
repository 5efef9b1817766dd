import { escapeHtml } from '@kitajs/html'
import { textLinks } from '@/features/feed/text-links'

/**
 * Text as members wrote it, with @mentions, #tags and web addresses as links: `/@handle`,
 * `/search?q=%23tag`, and the address itself (`rel="nofollow ugc"`: we vouch for none of them).
 * Everything is escaped; only the links' own markup is ours. Line breaks stay as typed (CSS
 * `white-space: pre-line`).
 *
 * @example
 * <p class="post-body">{richText(post.body) as 'safe'}</p>
 */
export function richText(text: string): string {
  let html = ''
  let last = 0
  for (const { start, end, link } of textLinks(text)) {
    html += escapeHtml(text.slice(last, start))
    if (link.kind === 'url') html += `<a href="${escapeHtml(link.text)}" rel="nofollow ugc">${escapeHtml(link.text)}</a>`
    else if (link.kind === 'mention') html += `<a class="mention" href="/@${link.handle}">@${link.handle}</a>`
    else html += `<a class="hashtag" href="/search?q=${encodeURIComponent(`#${link.tag}`)}">${escapeHtml(`#${link.tag}`)}</a>`
    last = end
  }
  return html + escapeHtml(text.slice(last))
}
