/** The memorials feature's scheduled work, listed in src/background.ts: notes on anniversaries. */
import type { Anniversaries } from '@/features/memorials/anniversaries'
import type { Scheduler } from '@/infra/scheduler'

export function memorialJobs({ anniversaries }: { anniversaries: Pick<Anniversaries, 'sendAnniversaryNotes'> }) {
  return {
    schedule(scheduler: Scheduler): void {
      // Daily at 07:05 UTC: notes to owners on their cat's anniversaries (morning in Europe, before
      // the working day in most of the world; never in the middle of a European night).
      scheduler.every('memorials.anniversaryNotes', '0 5 7 * * *', async () => {
        await anniversaries.sendAnniversaryNotes()
      })
    },
  }
}
