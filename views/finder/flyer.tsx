import type { PublicReport } from '@/features/finder/reports'
import { LABELS } from '@/features/finder/vocabulary'
import type { MediaPicture } from '@/features/media/service'
import { assetUrl } from '@/http/assets'
import { Picture } from '@views/components/picture'
import { RelativeTime } from '@views/components/time'
import { looks } from '@views/finder/search'

export interface FlyerProps {
  report: PublicReport
  photo: MediaPicture | null
  url: string
  /** The QR code of `url`, an SVG made on the server (the `qr` package). */
  qrSvg: string
  now: Date
}

/**
 * A printable flyer (static/flyer.css hides everything else when printing): the big photo, the key
 * facts and a QR code to the report. Sized to fit both A4 and US Letter.
 */
export function Flyer({ report, photo, url, qrSvg, now }: FlyerProps): JSX.Element {
  const kind = report.kind === 'lost' ? 'LOST CAT' : 'FOUND CAT'
  const headline = report.name ? `${kind}: ${report.name}` : kind
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
        <li safe>{`${LABELS.sex[report.sex]} · ${LABELS.ageBand[report.ageBand]}`}</li>
        {report.collarNote ? <li safe>{`Collar: ${report.collarNote}`}</li> : ''}
        <li>
          Last seen <RelativeTime at={report.lastSeenAt} now={now} />, <span safe>{report.place.label}</span>
        </li>
        {report.reward ? <li safe>{`Reward: ${report.reward}`}</li> : ''}
      </ul>
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
