/**
 * Structured data for search engines: `<script type="application/ld+json">`. A data block, not a
 * script: browsers never run it, so the CSP's `script-src 'self'` doesn't apply to it.
 *
 * The JSON is escaped for the one thing HTML would read inside it: `<` becomes `\u003c`, so a name
 * or story containing `</script>` or `<!--` can't end the element early. `>` and `&`, and U+2028/9
 * (line breaks to old JavaScript parsers), are escaped too. JSON.parse reads all of them back as
 * the same characters.
 *
 * @example
 * <JsonLd data={{ '@context': 'https://schema.org', '@type': 'Article', headline: title }} />
 */
export function JsonLd({ data }: { data: Record<string, unknown> }): JSX.Element {
  return <script type="application/ld+json">{jsonForHtml(data) as 'safe'}</script>
}

const JSON_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

export function jsonForHtml(data: unknown): string {
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (char) => JSON_ESCAPES[char]!)
}
