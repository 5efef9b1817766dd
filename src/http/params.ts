/**
 * What a URL carries: ids in paths (one that is not an id names nothing, so the answer is a 404
 * before any query), and the query string's characters.
 */
import { HttpError } from '@/http/errors'
import { integerId } from '@/shared/ids'
import { hasRefusedCharacters } from '@/shared/text'

/** The integer id in a path (`/posts/:id`), or a 404. */
export function integerIdParam(raw: string): number {
  const id = integerId(raw)
  if (id === null) throw new HttpError(404)
  return id
}

/**
 * The message for a query string holding a character no typed text may have (a control character,
 * a bidi override; src/shared/text.ts), in any name or value, or null. Every request's query is
 * checked here (src/http/security.ts), before any route reads it: a query parameter is one line.
 */
export function queryProblem(url: string): string | null {
  const start = url.indexOf('?')
  if (start === -1) return null
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) {
    if (hasRefusedCharacters(name, 'line') || hasRefusedCharacters(value, 'line')) return QUERY_MESSAGE
  }
  return null
}

export const QUERY_MESSAGE = `This address has characters that cannot be typed here (control or direction-changing characters). Please go back and try again.`
