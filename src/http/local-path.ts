/** Where a form may send the browser next: a page of our own site, and nothing else. */

/**
 * The path (with query and fragment) that `raw` names on `site`, or `fallback` when it names anything
 * else. `raw` is read with the WHATWG URL parser, as a browser reads a Location header, so what we
 * check is what the browser would follow: it drops tabs and line breaks (`/\t/evil.example` is
 * `//evil.example`), reads `\` as `/`, and removes dot segments (`/.//evil.example`). The result is
 * percent-encoded ASCII, so it is always a valid header value.
 *
 * @example
 * localPath('/finder?near=Leeds', site)      // '/finder?near=Leeds'
 * localPath('/%09/evil.example', site)       // '/%09/evil.example' (a path of ours, encoded)
 * localPath('/\t/evil.example', site)        // '/'
 */
export function localPath(raw: string | null | undefined, site: URL, fallback = '/'): string {
  const url = raw ? URL.parse(raw, site) : null
  if (!url || url.origin !== site.origin) return fallback
  // A path that starts with two slashes would be read as a host when sent back as a Location.
  if (url.pathname.startsWith('//')) return fallback
  return url.pathname + url.search + url.hash
}
