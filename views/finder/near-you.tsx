import { shownKm } from '@/features/finder/geodesy'
import type { NearbyReport } from '@/features/finder/search'
import type { MediaPicture } from '@/features/media/service'
import type { AlertArea } from '@/features/notifications/alert-areas'
import { Picture } from '@views/components/picture'
import { RelativeTime } from '@views/components/time'
import { reportTitle } from '@views/finder/search'

/** How many reports the home page lists; the search page has the rest. */
export const NEAR_YOU_LIMIT = 5

/**
 * "Lost near you" for the home page of a member with an alert area: the nearest active reports in it.
 * A self-contained section: the home page includes it as it is (src/features/finder/routes.ts
 * `lostNearYou` renders it for a viewer, or nothing).
 */
export function LostNearYou({ area, reports, photos, now }: { area: AlertArea; reports: NearbyReport[]; photos: Map<string, MediaPicture>; now: Date }): JSX.Element {
  const searchHref = `/finder?${new URLSearchParams({ lat: String(area.home.lat), lng: String(area.home.lng), radius_km: String(area.radiusM / 1000) })}`
  return (
    <section class="lost-near-you" aria-labelledby="near-you-heading">
      <h2 id="near-you-heading">Lost near you</h2>
      {reports.length === 0 ? (
        <p class="muted" safe>
          {`No cats reported lost within ${area.radiusM / 1000} km of ${area.placeLabel}. Good news!`}
        </p>
      ) : (
        <ul class="list">
          {reports.slice(0, NEAR_YOU_LIMIT).map((report) => (
            <li class="near-you-item">
              {/* alt="": the link beside it names the cat. */}
              <NearYouPhoto photo={report.photoId ? photos.get(report.photoId) : undefined} />
              <span class="near-you-text">
                <a href={`/finder/${report.id}`} safe>
                  {reportTitle(report)}
                </a>{' '}
                <span class="near-you-meta">
                  <span class="muted" safe>{`${shownKm(report.distanceM)} away`}</span> · last seen <RelativeTime at={report.lastSeenAt} now={now} />
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={searchHref}>All reports in your area</a> · <a href="/settings#alert-area">Change your area</a>
      </p>
    </section>
  )
}

function NearYouPhoto({ photo }: { photo: MediaPicture | undefined }): JSX.Element {
  return photo ? <Picture picture={photo} sizes="48px" class="thumb thumb-small" alt="" /> : ''
}
