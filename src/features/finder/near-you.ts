/**
 * "Lost near you" for the home page: the nearest active reports in a member's alert area, as a
 * self-contained section the home page includes (empty for a member without an alert area).
 */
import type { Viewer } from '@/features/accounts/viewer'
import type { Finder } from '@/features/finder/service'
import type { AlertAreas } from '@/features/notifications/alert-areas'
import { LostNearYou } from '@views/finder/near-you'

export function createLostNearYou({ finder, alertAreas }: { finder: Finder; alertAreas: AlertAreas }) {
  return async (viewer: Viewer): Promise<JSX.Element> => {
    const area = await alertAreas.alertAreaOf(viewer.id)
    if (!area) return ''
    const nearby = await finder.search.activeNear({ center: area.home, radiusM: area.radiusM })
    return LostNearYou({ area, reports: nearby.reports, now: new Date() })
  }
}
