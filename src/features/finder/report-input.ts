/**
 * Checking what a person typed into the report form (new or edit) and turning it into the facts of
 * a report, with a message per field for everything that is wrong.
 */
import { describePoint, type Place } from '@/features/finder/gazetteer'
import type { LatLng } from '@/features/finder/geodesy'
import { publicPoint } from '@/features/finder/privacy-grid'
import { readPlace, type PlaceField, type PlaceInput } from '@/features/finder/place'
import {
  AGE_BANDS,
  COLOURS,
  FOUND_STATES,
  PATTERNS,
  REPORT_KINDS,
  SEXES,
  YES_NO,
  isOneOf,
  type AgeBand,
  type Colour,
  type FoundState,
  type Pattern,
  type ReportKind,
  type Sex,
  type YesNo,
} from '@/features/finder/vocabulary'
import { textProblem } from '@/shared/text'

/** The report form as typed: every value a string (or list of strings), nothing trusted yet. */
export interface ReportInput {
  kind: string
  foundState: string
  name: string
  colours: string[]
  pattern: string
  breed: string
  sex: string
  neutered: string
  ageBand: string
  microchipped: string
  microchipNumber: string
  collar: string
  collarNote: string
  /** `YYYY-MM-DDTHH:MM` from a datetime-local field: the reporter's local time. */
  lastSeenAt: string
  /** Minutes behind UTC (JS `getTimezoneOffset()`), filled in by our script; '' without JavaScript. */
  timezoneOffset: string
  description: string
  reward: string
  place: PlaceInput
}

export type ReportField = Exclude<keyof ReportInput, 'place' | 'timezoneOffset'> | PlaceField | 'photos' | 'photoAlt'
export type ReportErrors = Partial<Record<ReportField, string>>

/** A report's facts, checked. */
export interface ReportFacts {
  kind: ReportKind
  foundState: FoundState | null
  name: string | null
  colours: Colour[]
  pattern: Pattern
  breed: string | null
  sex: Sex
  neutered: YesNo
  ageBand: AgeBand
  microchipped: YesNo
  microchipNumber: string | null
  collar: YesNo
  collarNote: string | null
  lastSeenAt: Date
  description: string
  reward: string | null
  exact: LatLng
  public: LatLng
  placeLabel: string
}

export type CheckedReport = { ok: true; facts: ReportFacts } | { ok: false; errors: ReportErrors; suggestions: Place[] }

export const LIMITS = { name: 60, breed: 60, microchipNumber: 40, collarNote: 120, description: 2000, reward: 80 } as const
/** How far back a "last seen" may go: older reports are history, not a search. */
const LAST_SEEN_MAX_AGE_MS = 366 * 86_400_000
/**
 * How far in the future a "last seen" may seem. With JavaScript the browser tells its time zone and
 * a few minutes of clock drift is all; without it the zone is estimated from the place's longitude
 * (15° an hour), which can be 3 hours off (Spain, western China), so the check must allow that.
 */
const FUTURE_SLACK_KNOWN_ZONE_MS = 15 * 60_000
const FUTURE_SLACK_ESTIMATED_ZONE_MS = 3 * 3600_000

export const REPORT_MESSAGES = {
  kind: 'Please say whether the cat is lost or found.',
  foundState: 'Please say whether the cat is still out there or with you.',
  name: 'Please give the name of your cat.',
  pattern: 'Please choose a coat pattern, or “Not sure”.',
  colours: 'Please choose colours from the list.',
  choose: 'Please choose one of the options.',
  tooLong: (max: number) => `At most ${max} characters, please.`,
  lastSeenMissing: 'Please give the date and time the cat was last seen.',
  lastSeenFuture: 'That time is in the future. Please give the time the cat was last seen.',
  lastSeenOld: 'That is more than a year ago. Please give a time within the last year.',
} as const

/** Checks the form; with `gridMetres`, the public point is the exact one rounded to the privacy grid. */
export function checkReport(input: ReportInput, { now, gridMetres }: { now: Date; gridMetres: number }): CheckedReport {
  const errors: ReportErrors = {}
  const choice = <T extends string>(field: ReportField, words: readonly T[], value: string, fallback?: T): T => {
    if (isOneOf(words, value)) return value
    if (fallback !== undefined && value === '') return fallback
    errors[field] = REPORT_MESSAGES.choose
    return words[0]!
  }
  const text = (field: keyof typeof LIMITS, value: string): string | null => {
    const trimmed = value.trim()
    if ([...trimmed].length > LIMITS[field]) errors[field] = REPORT_MESSAGES.tooLong(LIMITS[field])
    const refused = textProblem(value, field === 'description' ? 'lines' : 'line')
    if (refused) errors[field] = refused
    return trimmed || null
  }

  const kind = isOneOf(REPORT_KINDS, input.kind) ? input.kind : ((errors.kind = REPORT_MESSAGES.kind), 'lost' as const)
  const foundState = kind === 'found' ? (isOneOf(FOUND_STATES, input.foundState) ? input.foundState : ((errors.foundState = REPORT_MESSAGES.foundState), null)) : null
  const name = text('name', input.name)
  if (kind === 'lost' && !name && !errors.name) errors.name = REPORT_MESSAGES.name
  const colours = [...new Set(input.colours)]
  if (!colours.every((colour) => isOneOf(COLOURS, colour))) errors.colours = REPORT_MESSAGES.colours
  // Left out of the first step (the essentials), the pattern is "not sure" until the reporter says.
  const pattern = input.pattern === '' ? ('unknown' as const) : isOneOf(PATTERNS, input.pattern) ? input.pattern : ((errors.pattern = REPORT_MESSAGES.pattern), 'unknown' as const)

  const place = readPlace(input.place)
  if (!place.ok) Object.assign(errors, place.errors)
  const lastSeenAt = readLastSeen(input, place.ok ? place.point : null, now, errors)

  const facts = {
    kind,
    foundState,
    // Required for a lost cat; a finder may know one too, from a tag.
    name,
    // Cast: checked above: every colour is one of COLOURS, else the input was refused.
    colours: colours as Colour[],
    pattern,
    breed: text('breed', input.breed),
    sex: choice('sex', SEXES, input.sex, 'unknown'),
    neutered: choice('neutered', YES_NO, input.neutered, 'unknown'),
    ageBand: choice('ageBand', AGE_BANDS, input.ageBand, 'unknown'),
    microchipped: choice('microchipped', YES_NO, input.microchipped, 'unknown'),
    microchipNumber: text('microchipNumber', input.microchipNumber),
    collar: choice('collar', YES_NO, input.collar, 'unknown'),
    collarNote: text('collarNote', input.collarNote),
    description: text('description', input.description) ?? '',
    reward: text('reward', input.reward),
  }
  if (Object.keys(errors).length > 0 || !place.ok || !lastSeenAt) {
    return { ok: false, errors, suggestions: place.ok ? [] : place.suggestions }
  }
  const shown = publicPoint(place.point, gridMetres)
  return { ok: true, facts: { ...facts, lastSeenAt, exact: place.point, public: shown, placeLabel: place.townLabel ?? describePoint(shown) } }
}

/** The last-seen time as an instant, or null with a message in `errors`. */
function readLastSeen(input: ReportInput, point: LatLng | null, now: Date, errors: ReportErrors): Date | null {
  const time = readPastTime(input.lastSeenAt, input.timezoneOffset, point, now)
  if (time.ok) return time.at
  errors.lastSeenAt = { missing: REPORT_MESSAGES.lastSeenMissing, future: REPORT_MESSAGES.lastSeenFuture, too_old: REPORT_MESSAGES.lastSeenOld }[time.problem]
  return null
}

export type PastTime = { ok: true; at: Date } | { ok: false; problem: 'missing' | 'future' | 'too_old' }

/** A local date-time from a form that must lie in the past year (allowing for an estimated time zone). */
export function readPastTime(local: string, offset: string, point: LatLng | null, now: Date): PastTime {
  const parsed = localTimeAsUtc(local, offset, point)
  if (!parsed) return { ok: false, problem: 'missing' }
  const slack = parsed.zoneKnown ? FUTURE_SLACK_KNOWN_ZONE_MS : FUTURE_SLACK_ESTIMATED_ZONE_MS
  if (parsed.at.getTime() > now.getTime() + slack) return { ok: false, problem: 'future' }
  if (parsed.at.getTime() < now.getTime() - LAST_SEEN_MAX_AGE_MS) return { ok: false, problem: 'too_old' }
  return { ok: true, at: parsed.at }
}

/**
 * A local date-time from a datetime-local field as a UTC instant: with the browser's offset when the
 * script sent it, else with the offset the place's longitude suggests (no time-zone database needed).
 */
export function localTimeAsUtc(local: string, offset: string, point: LatLng | null): { at: Date; zoneKnown: boolean } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim())
  if (!match) return null
  // Cast: the pattern has six groups, so slice(1) has six parts (the seconds may be undefined, hence ?? 0).
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number]
  const wallClockAsUtc = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 30 February over into March: a date that doesn't come back unchanged wasn't one.
  const check = new Date(wallClockAsUtc)
  if (check.getUTCDate() !== day || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute) return null
  const given = /^-?\d{1,4}$/.test(offset.trim()) ? Number(offset) : null
  const zoneKnown = given !== null && Math.abs(given) <= 14 * 60
  // getTimezoneOffset() is UTC minus local time, in minutes: add it to get UTC.
  const offsetMinutes = zoneKnown ? given! : -Math.round((point?.lng ?? 0) / 15) * 60
  return { at: new Date(wallClockAsUtc + offsetMinutes * 60_000), zoneKnown }
}
