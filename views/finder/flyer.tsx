import type { PublicReport } from '@/features/finder/reports'
import { LABELS } from '@/features/finder/vocabulary'
import type { MediaPicture } from '@/features/media/service'
import { assetUrl } from '@/http/assets'
import { Picture } from '@views/components/picture'
import { looks } from '@views/finder/search'

export interface FlyerProps {
  report: PublicReport
  photo: MediaPicture | null
  url: string
  /** The QR code of `url`, an SVG made on the server (the `qr` package). */
  qrSvg: string
}

/**
 * A printable flyer (static/flyer.css hides everything else when printing): the big photo, the key
 * facts and a QR code to the report. Sized to fit both A4 and US Letter.
 */
export function Flyer({ report, photo, url, qrSvg }: FlyerProps): JSX.Element {
  const kind = report.kind === 'lost' ? 'LOST CAT' : 'FOUND CAT'
  const headline = report.name ? `${kind}: ${report.name}` : kind
  // What the reporter said they didn't know is left out rather than printed as "Not sure".
  const sexAndAge = [report.sex !== 'unknown' && LABELS.sex[report.sex], report.ageBand !== 'unknown' && LABELS.ageBand[report.ageBand]].filter(Boolean).join(' · ')
  return (
    <article class="flyer" aria-labelledby="flyer-title">
      {/* In the body, not the head: htmx swaps only the body when it follows a boosted link here. */}
      <link rel="stylesheet" href={assetUrl('flyer.css')} />
      <p class="no-print">
        <a href={`/finder/${report.id}`}>← Back to the report</a> · Print this page (Ctrl+P or ⌘P): it fits A4 and Letter.
      </p>
      <h1 id="flyer-title" class="flyer-headline" safe>
        {headline}
      </h1>
      {photo ? <Picture picture={photo} sizes="180mm" priority class="flyer-photo" /> : <p class="flyer-photo no-photo">No photo yet</p>}
      <ul class="flyer-facts">
        <li safe>{looks(report)}</li>
        {report.breed ? <li safe>{report.breed}</li> : ''}
        {sexAndAge ? <li safe>{sexAndAge}</li> : ''}
        {report.collarNote ? <li safe>{`Collar: ${report.collarNote}`}</li> : ''}
        <li>
          Last seen <time datetime={report.lastSeenAt.toISOString()} safe>{dayAndPartOfDay(report.lastSeenAt, report.place.lng)}</time>, <span safe>{report.place.label}</span>
        </li>
        {report.reward ? <li safe>{`Reward: ${report.reward}`}</li> : ''}
      </ul>
      {report.description ? (
        <p class="flyer-description" safe>
          {excerpt(report.description, FLYER_DESCRIPTION_MAX)}
        </p>
      ) : (
        ''
      )}
      <div class="flyer-contact">
        <div class="flyer-qr" role="img" aria-label="QR code linking to the report">
          {qrSvg as 'safe'}
        </div>
        <p>
          Seen this cat? Scan the code or visit
          <br />
          <strong safe>{url}</strong>
          <br />
          to add a sighting or send a message. Please don’t try to catch a frightened cat.
        </p>
      </div>
    </article>
  )
}

/** Enough for markings and temperament; more would push the QR code onto a second page. */
const FLYER_DESCRIPTION_MAX = 420

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/**
 * "Sunday 6 December 2026, in the evening": a flyer stays on a lamp post for weeks, so it names the
 * day, not "22 hours ago". The place's clock is reckoned from its longitude, as the report form
 * reckons it without the browser's zone; it may be an hour out, so the time is a part of the day.
 */
export function dayAndPartOfDay(at: Date, lng: number): string {
  const local = new Date(at.getTime() + Math.round(lng / 15) * 3600_000)
  const hour = local.getUTCHours()
  const part = hour >= 5 && hour < 12 ? 'in the morning' : hour >= 12 && hour < 17 ? 'in the afternoon' : hour >= 17 && hour < 21 ? 'in the evening' : 'at night'
  return `${WEEKDAYS[local.getUTCDay()]} ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()}, ${part}`
}

/** The start of `text` in whole words, at most `max` characters. */
function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`
}
