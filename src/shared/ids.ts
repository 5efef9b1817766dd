/**
 * Ids as they come from a path, a form or a cursor, checked before they reach a query: a malformed
 * uuid would make PostgreSQL refuse the whole query, and a number past 2^53 would not be the id
 * typed. Anything that is not an id names nothing.
 *
 * @example
 * if (!isUuid(params.id)) return null              // no report has that id
 * const postId = integerId(params.id)              // 42 for '42'; null for '4x2', '' or 20 digits
 */

/** Any uuid, in either case (PostgreSQL reads both). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Digits only, at most 15 of them: always a safe integer. */
const INTEGER_ID = /^\d{1,15}$/

/** Whether `text` is a uuid: the ids of members, photos, reports and memorials. */
export function isUuid(text: unknown): text is string {
  return typeof text === 'string' && UUID.test(text)
}

/** The integer id (posts, comments, cats, tributes, sightings, threads) that `text` spells, or null. */
export function integerId(text: unknown): number | null {
  return typeof text === 'string' && INTEGER_ID.test(text) ? Number(text) : null
}
