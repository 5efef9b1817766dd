/**
 * The fixed words of a report: what the form offers, what the database accepts (the migrations keep
 * frozen copies), and how each is said on a page. A change here needs a migration too.
 */
export const REPORT_KINDS = ['lost', 'found'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]

export const FOUND_STATES = ['seen', 'taken_in'] as const
export type FoundState = (typeof FOUND_STATES)[number]

export const COLOURS = ['black', 'white', 'grey', 'ginger', 'cream', 'brown', 'silver', 'fawn'] as const
export type Colour = (typeof COLOURS)[number]

export const PATTERNS = ['solid', 'tabby', 'tuxedo', 'bicolour', 'calico', 'tortoiseshell', 'colourpoint', 'smoke', 'other', 'unknown'] as const
export type Pattern = (typeof PATTERNS)[number]

export const SEXES = ['female', 'male', 'unknown'] as const
export type Sex = (typeof SEXES)[number]

export const YES_NO = ['yes', 'no', 'unknown'] as const
export type YesNo = (typeof YES_NO)[number]

export const AGE_BANDS = ['kitten', 'young', 'adult', 'senior', 'unknown'] as const
export type AgeBand = (typeof AGE_BANDS)[number]

export const REPORT_STATUSES = ['active', 'reunited', 'closed', 'expired'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export const SIGHTING_KINDS = ['seen', 'not_seen'] as const
export type SightingKind = (typeof SIGHTING_KINDS)[number]

export const LABELS = {
  kind: { lost: 'Lost', found: 'Found' },
  foundState: { seen: 'Seen, still out there', taken_in: 'Taken in, safe with the finder' },
  colour: { black: 'Black', white: 'White', grey: 'Grey', ginger: 'Ginger', cream: 'Cream', brown: 'Brown', silver: 'Silver', fawn: 'Fawn' },
  pattern: {
    solid: 'Solid',
    tabby: 'Tabby',
    tuxedo: 'Tuxedo',
    bicolour: 'Bicolour',
    calico: 'Calico',
    tortoiseshell: 'Tortoiseshell',
    colourpoint: 'Colourpoint',
    smoke: 'Smoke',
    other: 'Other',
    unknown: 'Not sure',
  },
  sex: { female: 'Female', male: 'Male', unknown: 'Not sure' },
  yesNo: { yes: 'Yes', no: 'No', unknown: 'Not sure' },
  ageBand: { kitten: 'Kitten (under 1 year)', young: 'Young (1–3 years)', adult: 'Adult (3–10 years)', senior: 'Senior (over 10 years)', unknown: 'Not sure' },
  status: { active: 'Still looking', reunited: 'Reunited', closed: 'Closed', expired: 'Expired' },
} as const

/** True when `value` is one of `words`, narrowing it to that union. */
export function isOneOf<T extends string>(words: readonly T[], value: string): value is T {
  // Cast: includes() on a T[] takes only T; widening lets it ask any string.
  return (words as readonly string[]).includes(value)
}
