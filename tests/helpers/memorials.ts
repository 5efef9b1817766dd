/** Making memorials through the real form, for integration tests. */
import { photoLike } from '@tests/helpers/images'
import type { TestClient } from '@tests/helpers/http'

/** The memorial form's fields, by their names in the HTML form. */
export type MemorialFields = Partial<Record<
  | 'name' | 'born_day' | 'born_month' | 'born_year' | 'passed_day' | 'passed_month' | 'passed_year'
  | 'story' | 'visibility' | 'show_on_wall' | 'tributes_need_approval' | 'cover_alt' | 'remove_cover',
  string
>>

export const MEMORIAL_DEFAULTS: MemorialFields = {
  name: 'Biscuit',
  born_day: '14',
  born_month: '3',
  born_year: '2009',
  passed_day: '2',
  passed_month: '6',
  passed_year: '2024',
  story: 'She came to us on a rainy night and *never* left.\n\nShe slept on the warm side of every radiator.',
  visibility: 'public',
}

/** A small JPEG made at run time (different seeds, different pictures). */
export async function coverJpeg(seed = 7): Promise<File> {
  const bytes = await (await photoLike(480, 360, seed)).jpeg({ quality: 80 }).toBuffer()
  return new File([bytes], 'cover.jpg', { type: 'image/jpeg' })
}

export function memorialForm(fields: MemorialFields, cover?: File): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.set(name, value)
  if (cover) form.set('cover', cover)
  return form
}

/** Posts the "Make a memorial" form as `client` (signed in) and returns the new memorial's slug. */
export async function makeMemorial(client: TestClient, fields: MemorialFields = {}, cover?: File): Promise<string> {
  const withAlt = cover ? { cover_alt: 'A tabby asleep on a red blanket', ...fields } : fields
  const response = await client.post('/memorials', memorialForm({ ...MEMORIAL_DEFAULTS, ...withAlt }, cover))
  if (response.status !== 303) throw new Error(`making a memorial failed with ${response.status}: ${(await response.text()).slice(0, 3000)}`)
  return response.headers.get('location')!.replace('/memorials/', '')
}

/** Posts the edit form, starting from `fields` over the defaults. */
export function editMemorial(client: TestClient, slug: string, fields: MemorialFields, cover?: File): Promise<Response> {
  return client.post(`/memorials/${slug}/edit`, memorialForm({ ...MEMORIAL_DEFAULTS, ...fields }, cover))
}
