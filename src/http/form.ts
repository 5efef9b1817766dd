/** Reading plain-HTML form bodies, which Elysia hands over as loosely typed objects. */
import { HttpError } from '@/http/errors'

export type FormBody = Record<string, unknown>

/** The first text value of a field ('' when absent): a repeated or file field never passes as text. */
export function textField(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return ''
  // Cast: checked just above to be a non-null object; each value is checked below.
  const value = (body as FormBody)[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : ''
}

/** Every text value of a field, in order: checkboxes sharing a name send one value each ticked box. */
export function textFields(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return []
  // Cast: checked just above to be a non-null object; each value is checked below.
  const value = (body as FormBody)[name]
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string')
}

/**
 * The body of a form POST (multipart or urlencoded) as FormData, for routes that take files and
 * so read the body themselves (`parse: 'none'`); a body that isn't a readable form is a 400.
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData()
  } catch {
    throw new HttpError(400)
  }
}

/** How many files a form carries, under any field name: what a files-per-request limit counts. */
export function fileCount(form: FormData): number {
  let count = 0
  for (const [, value] of form) if (value instanceof File) count++
  return count
}

/**
 * The bytes of the file in field `name`, or null when none was chosen (a browser sends an empty part
 * with `filename=""` for a file input left empty; Bun then gives the File no name at all, not '').
 * A chosen file with no bytes is an empty Uint8Array.
 */
export async function fileField(form: FormData, name: string): Promise<Uint8Array | null> {
  const value = form.get(name)
  if (!(value instanceof File) || (value.size === 0 && !value.name)) return null
  return new Uint8Array(await value.arrayBuffer())
}

/** The files chosen in a multiple file field (`<input type="file" multiple>`), in order, as bytes. */
export async function fileFields(form: FormData, name: string): Promise<Uint8Array[]> {
  const chosen = form.getAll(name).filter((value): value is File => value instanceof File && (value.size > 0 || Boolean(value.name)))
  return Promise.all(chosen.map(async (file) => new Uint8Array(await file.arrayBuffer())))
}

/** The text of field `name` in FormData ('' when absent or a file). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}
