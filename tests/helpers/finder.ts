/** Lost/found reports and sightings through the real forms, for integration tests. */
import type { TestClient } from '@tests/helpers/http'

/** A datetime-local value `hours` from now, in UTC (the form also says offset 0). */
export function localTime(hoursFromNow: number): string {
  return new Date(Date.now() + hoursFromNow * 3600_000).toISOString().slice(0, 16)
}

export type Fields = Record<string, string | string[]>

export function reportForm(fields: Fields = {}, photo?: Buffer): FormData {
  const all: Fields = {
    kind: 'lost',
    name: 'Biscuit',
    colours: ['ginger', 'white'],
    pattern: 'tabby',
    sex: 'male',
    neutered: 'yes',
    age_band: 'adult',
    microchipped: 'yes',
    microchip_number: '941000012345678',
    collar: 'yes',
    collar_note: 'Red collar with a bell',
    last_seen_at: localTime(-3),
    timezone_offset: '0',
    description: 'Shy ginger tabby with a white chest.',
    reward: '£100',
    town: 'Kreuzberg',
    lat: '',
    lng: '',
    ...fields,
  }
  const form = new FormData()
  for (const [name, value] of Object.entries(all)) for (const one of [value].flat()) form.append(name, one)
  if (photo) {
    form.append('photos', new File([new Uint8Array(photo)], 'biscuit.png', { type: 'image/png' }))
    form.append('photo_alt', 'Biscuit, a ginger tabby, on a blue blanket')
  }
  return form
}

/** Posts the report form as `browser` (signed in) and returns the new report's id. */
export async function report(browser: TestClient, fields: Fields = {}, photo?: Buffer): Promise<string> {
  const response = await browser.post('/finder', reportForm(fields, photo))
  if (response.status !== 303) throw new Error(`report failed with ${response.status}: ${(await response.text()).slice(0, 3000)}`)
  return response.headers.get('location')!.split('/').pop()!
}

export function sightingForm(fields: Fields = {}): FormData {
  const form = new FormData()
  const all: Fields = { kind: 'seen', seen_at: localTime(-1), timezone_offset: '0', town: '', lat: '52.5012', lng: '13.4101', note: 'Under a parked car', ...fields }
  for (const [name, value] of Object.entries(all)) for (const one of [value].flat()) form.append(name, one)
  return form
}
