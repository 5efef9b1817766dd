/**
 * Opaque keyset cursors: the (created_at, id) of the last row shown, base64url-encoded so that
 * nobody builds on their shape. A cursor that doesn't decode is treated as "start from the top".
 *
 * Example: `where (created_at, id) < (cursor.at, cursor.id) order by created_at desc, id desc`
 *
 * Paged tables declare `created_at timestamptz(3)`: a JS Date holds milliseconds, and a cursor cut
 * from a microsecond timestamp would skip the rows in between.
 */
export interface Cursor {
  at: Date
  id: string
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`).toString('base64url')
}

/** The cursor in `raw`, or null when it is missing or not one of ours; `isId` checks the id part (digits unless told). */
export function decodeCursor(raw: string | null | undefined, isId: (id: string) => boolean = isDigits): Cursor | null {
  if (!raw || raw.length > 200) return null
  const [iso, id] = Buffer.from(raw, 'base64url').toString().split('|')
  const at = new Date(iso ?? '')
  if (!id || !isId(id) || Number.isNaN(at.getTime())) return null
  return { at, id }
}

/**
 * One page of a keyset query that asked for `size + 1` rows: the rows to show, and the key of the
 * last of them when the extra row says there is more (else null: the end of the list).
 *
 * @example
 * const { shown, next } = pageOf(rows, PAGE_SIZE, (last) => encodeCursor({ at: last.created_at, id: last.id }))
 */
export function pageOf<Row, Key>(rows: readonly Row[], size: number, keyOf: (last: Row) => Key): { shown: Row[]; next: Key | null } {
  const shown = rows.slice(0, size)
  const last = shown.at(-1)
  return { shown, next: rows.length > size && last !== undefined ? keyOf(last) : null }
}

const DIGITS = /^\d+$/
const isDigits = (id: string) => DIGITS.test(id)
