/**
 * "3 hours ago", with the exact time in `datetime` for machines and in the title for people.
 * `shown` is the text when the caller has it already (`timeAgo`, or a slot for a template).
 */
export function RelativeTime({ at, now = new Date(), shown = timeAgo(at, now) }: { at: Date; now?: Date; shown?: string }): JSX.Element {
  return (
    <time datetime={at.toISOString()} title={at.toUTCString()} safe>
      {shown}
    </time>
  )
}

const UNITS: [limitSeconds: number, seconds: number, name: string][] = [
  [60, 1, 'second'],
  [3600, 60, 'minute'],
  [86_400, 3600, 'hour'],
  [30 * 86_400, 86_400, 'day'],
  [365 * 86_400, 30 * 86_400, 'month'],
  [Number.POSITIVE_INFINITY, 365 * 86_400, 'year'],
]

export function timeAgo(at: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000))
  if (seconds < 10) return 'just now'
  const [, size, name] = UNITS.find(([limit]) => seconds < limit)!
  const count = Math.floor(seconds / size)
  return `${count} ${name}${count === 1 ? '' : 's'} ago`
}
