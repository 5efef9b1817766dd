/** Forms as a browser sends them, shared by the tests that post through the app. */

/** A post form: four photo slots (empty ones as empty file parts), plus any extra fields. */
export function postForm(body: string, photos: { file?: File; alt?: string }[] = [], extra: Record<string, string> = {}): FormData {
  const form = new FormData()
  form.set('body', body)
  for (let slot = 1; slot <= 4; slot++) {
    const photo = photos[slot - 1]
    form.set(`photo${slot}`, photo?.file ?? new File([], '', { type: 'application/octet-stream' }))
    form.set(`alt${slot}`, photo?.alt ?? '')
  }
  for (const [name, value] of Object.entries(extra)) form.append(name, value)
  return form
}
