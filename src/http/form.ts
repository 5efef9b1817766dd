/** Reading plain-HTML form bodies, which Elysia hands over as loosely typed objects. */

export type FormBody = Record<string, unknown>

/** The first text value of a field ('' when absent): a repeated or file field never passes as text. */
export function textField(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return ''
  const value = (body as FormBody)[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : ''
}

/** A local path to go back to after signing in; anything else (other sites, `//host`) becomes `/`. */
export function localPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/'
  return raw
}
