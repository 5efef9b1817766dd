/**
 * "Lost near you" for the home page: the nearest cats reported lost in a member's alert area, with
 * their photos, as a self-contained section the home page includes (empty for a member without an
 * alert area). Found cats are left out: the member is asked to look out for lost ones.
 */
import type { Viewer } from '@/features/accounts/viewer'
import type { Finder } from '@/features/finder/service'
import type { Media } from '@/features/media/service'
import type { AlertAreas } from '@/features/notifications/alert-areas'
import { LostNearYou, NEAR_YOU_LIMIT } from '@views/finder/near-you'

export function createLostNearYou({ finder, alertAreas, media }: { finder: Finder; alertAreas: AlertAreas; media: Media }) {
  return async (viewer: Viewer): Promise<JSX.Element> => {
    const area = await alertAreas.alertAreaOf(viewer.id)
    if (!area) return ''
    const nearby = await finder.search.activeNear({ center: area.home, radiusM: area.radiusM, kind: 'lost' })
    const reports = nearby.reports.slice(0, NEAR_YOU_LIMIT)
    const photos = await media.urlsFor(reports.map((report) => report.photoId))
    return LostNearYou({ area, reports, photos, now: new Date() })
  }
}
