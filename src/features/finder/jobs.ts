/**
 * CatFinder's scheduled work, listed in src/background.ts: reminders and expiry of idle reports
 * (src/features/finder/upkeep.ts), and the Redis GEO index kept whole.
 */
import type { Finder } from '@/features/finder/feature'
import type { Scheduler } from '@/infra/scheduler'

export function finderJobs(finder: Pick<Finder, 'upkeep' | 'rebuildGeoIndex' | 'rebuildGeoIndexSoon'>) {
  return {
    schedule(scheduler: Scheduler): void {
      // Daily at 09:13 UTC: reminders for reports idle 30 days, then expiry a week later. Morning in
      // Europe and Africa: a reminder people read and act on.
      scheduler.every('finder.remindAndExpire', '0 13 9 * * *', async () => {
        await finder.upkeep.remindIdle()
        await finder.upkeep.expireIdle()
      })
      // At start and every 5 minutes: rebuild the Redis GEO index of active reports if Redis lost it
      // (a fresh or restarted Redis; the in-process store at every start). Cheap when it is there.
      scheduler.every('finder.rebuildGeoIndex', '0 */5 * * * *', async () => {
        await finder.rebuildGeoIndex()
      })
      finder.rebuildGeoIndexSoon()
    },
  }
}
