/** The accounts feature's scheduled work, listed in src/background.ts: expired sessions and mailed tokens removed. */
import type { Sessions } from '@/features/accounts/sessions'
import type { AccountTokens } from '@/features/accounts/tokens'
import type { Scheduler } from '@/infra/scheduler'

export function accountJobs(sessions: Pick<Sessions, 'purgeExpired'>, tokens: Pick<AccountTokens, 'purgeExpired'>) {
  return {
    schedule(scheduler: Scheduler): void {
      // Daily at 03:17, off the full hour when cron jobs everywhere pile up.
      scheduler.every('sessions.purgeExpired', '0 17 3 * * *', () => sessions.purgeExpired())
      scheduler.every('accountTokens.purgeExpired', '0 19 3 * * *', () => tokens.purgeExpired())
    },
  }
}
