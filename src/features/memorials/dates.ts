/**
 * Dates of a cat's life as people know them: often only the year a rescue was born, or the month.
 * A `PartialDate` has a year, maybe a month, and a day only with a month.
 *
 * @example
 * formatPartialDate({ year: 2009, month: 3 })          // "March 2009"
 * partialDateAttribute({ year: 2009, month: 3, day: 14 }) // "2009-03-14", for <time datetime>
 */
export interface PartialDate {
  year: number
  month: number | null
  day: number | null
}

export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const

/** The oldest cats on record lived about 38 years; nobody remembers a cat born before this. */
export const EARLIEST_YEAR = 1900

/** The three form fields of one date, as typed (each may be empty). */
export interface DateParts {
  day: string
  month: string
  year: string
}

export type DateCheck = { ok: true; date: PartialDate | null } | { ok: false; error: string }

/**
 * Reads one date from its three fields: all empty is "not known" (null); a day needs a month and a
 * month needs a year; the day must exist in that month.
 */
export function readPartialDate(parts: DateParts, label: string): DateCheck {
  const [day, month, year] = [parts.day.trim(), parts.month.trim(), parts.year.trim()]
  if (!day && !month && !year) return { ok: true, date: null }
  if (!year) return { ok: false, error: `Please give the year ${label}, or leave the day and month empty too.` }
  const y = wholeNumber(year)
  if (y === null || y < EARLIEST_YEAR || y > 9999) return { ok: false, error: `The year ${label} should be a year like 2012.` }
  if (!month) {
    return day ? { ok: false, error: `Please choose the month ${label} as well as the day.` } : { ok: true, date: { year: y, month: null, day: null } }
  }
  const m = wholeNumber(month)
  if (m === null || m < 1 || m > 12) return { ok: false, error: `Please choose the month ${label} from the list.` }
  if (!day) return { ok: true, date: { year: y, month: m, day: null } }
  const d = wholeNumber(day)
  if (d === null || d < 1 || d > daysInMonth(y, m)) {
    return { ok: false, error: `${MONTH_NAMES[m - 1]} ${y} has no day ${day}.` }
  }
  return { ok: true, date: { year: y, month: m, day: d } }
}

/** The first and last day a partial date may stand for, as `YYYY-MM-DD` strings (they sort as dates). */
export function dateRange(date: PartialDate): { earliest: string; latest: string } {
  const month = date.month
  const first = { year: date.year, month: month ?? 1, day: date.day ?? 1 }
  const lastMonth = month ?? 12
  const last = { year: date.year, month: lastMonth, day: date.day ?? daysInMonth(date.year, lastMonth) }
  return { earliest: isoDay(first), latest: isoDay(last) }
}

/** True when `passed` may well come after `born` (they may share a year or month). */
export function inOrder(born: PartialDate, passed: PartialDate): boolean {
  return dateRange(passed).latest >= dateRange(born).earliest
}

/** True when the date has certainly not happened yet on `today` (`YYYY-MM-DD`). */
export function isInFuture(date: PartialDate, today: string): boolean {
  return dateRange(date).earliest > today
}

/** "14 March 2009", "March 2009" or "2009". */
export function formatPartialDate(date: PartialDate): string {
  if (date.month === null) return String(date.year)
  const month = `${MONTH_NAMES[date.month - 1]} ${date.year}`
  return date.day === null ? month : `${date.day} ${month}`
}

/** The date as HTML's `datetime` accepts it: `2009`, `2009-03` or `2009-03-14`. */
export function partialDateAttribute(date: PartialDate): string {
  const parts = [String(date.year).padStart(4, '0')]
  if (date.month !== null) parts.push(pad(date.month))
  if (date.day !== null) parts.push(pad(date.day))
  return parts.join('-')
}

/** The form fields that show a stored date again (empty strings for what isn't known). */
export function dateParts(date: PartialDate | null): DateParts {
  return {
    day: date?.day ? String(date.day) : '',
    month: date?.month ? String(date.month) : '',
    year: date ? String(date.year) : '',
  }
}

export type AnniversaryKind = 'birthday' | 'passing'

/**
 * Whether `today` (a UTC date) is the birthday or the anniversary of the passing, and how many years
 * it has been. Only full dates have anniversaries; a 29 February one is kept on 28 February in other
 * years. The passing comes first when both fall on the same day; the day of the passing itself is
 * not an anniversary.
 */
export function anniversaryOn(dates: { born: PartialDate | null; passed: PartialDate }, today: Date): { kind: AnniversaryKind; years: number } | null {
  const year = today.getUTCFullYear()
  const fallsToday = (date: PartialDate | null): date is PartialDate & { month: number; day: number } => {
    if (!date || date.month === null || date.day === null || date.year >= year) return false
    const day = date.month === 2 && date.day === 29 && !isLeapYear(year) ? 28 : date.day
    return date.month === today.getUTCMonth() + 1 && day === today.getUTCDate()
  }
  if (fallsToday(dates.passed)) return { kind: 'passing', years: year - dates.passed.year }
  if (fallsToday(dates.born) && dates.passed.year < year) return { kind: 'birthday', years: year - dates.born.year }
  return null
}

/** The (month, day) pairs whose anniversaries fall on `today`: 29 February's are kept on the 28th in other years. */
export function anniversaryDaysOn(today: Date): { month: number; day: number }[] {
  const month = today.getUTCMonth() + 1
  const day = today.getUTCDate()
  const days = [{ month, day }]
  if (month === 2 && day === 28 && !isLeapYear(today.getUTCFullYear())) days.push({ month: 2, day: 29 })
  return days
}

/** `YYYY-MM-DD` of a Date in UTC: the day candles are counted in. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}

function isoDay({ year, month, day }: { year: number; month: number; day: number }): string {
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function isLeapYear(year: number): boolean {
  return daysInMonth(year, 2) === 29
}

function wholeNumber(text: string): number | null {
  return /^\d{1,4}$/.test(text) ? Number(text) : null
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
