/**
 * Confirming a member's email address: after sign-up (and again from /settings) a link by email with
 * a single-use token (src/features/accounts/tokens.ts) for the address it was sent to. The link opens
 * a page whose button's POST confirms. Until then the member cannot message through the finder's
 * relay (`Viewer.emailVerified`). A link opened by another signed-in member is refused: it would
 * confirm an address for someone who does not hold it.
 */
import { sql, type Kysely } from 'kysely'
import type { AccountTokens, TokenState } from '@/features/accounts/tokens'
import type { AccountsDomain } from '@/schema'
import type { Refused, Result } from '@/shared/result'

/** A week: people read mail late, and a confirmation link opens no account. */
export const VERIFY_TOKEN_SECONDS = 7 * 24 * 3600

/** What the confirmation mail needs. */
export interface VerificationMail {
  handle: string
  email: string
  token: string
}

export const VERIFY_PROBLEMS: Record<Exclude<TokenState, { ok: true }>['problem'] | 'otherMember' | 'changed', string> = {
  unknown: 'This link is not one we sent, or it was cut short when it was copied.',
  used: 'This link has already been used: your address is confirmed.',
  expired: 'This link has expired: a confirmation link works for a week. Send a new one from your settings.',
  otherMember: 'This link confirms the address of another account than the one signed in here. Sign out, then open the link again.',
  changed: 'This link was for an address the account no longer uses.',
}

export interface EmailVerificationDeps {
  db: Kysely<AccountsDomain>
  tokens: AccountTokens
  /** Drops the cached viewers of a member's sessions (their `emailVerified` changed). */
  viewerChanged: (userId: string) => Promise<void>
}

export function createEmailVerification({ db, tokens, viewerChanged }: EmailVerificationDeps) {
  /** Refused unless the link is for the signed-in member, or nobody is signed in. */
  function forViewer(state: TokenState, viewerId: string | null): Result<{ userId: string; email: string | null }> {
    if (!state.ok) return refused(state.problem)
    if (viewerId !== null && viewerId !== state.userId) return refused('otherMember')
    return { ok: true, value: { userId: state.userId, email: state.email } }
  }

  return {
    /** A confirmation link for the member's current address, or null when it is confirmed already. */
    async start(userId: string): Promise<VerificationMail | null> {
      const user = await db.selectFrom('users').select(['handle', 'email', 'email_verified_at']).where('id', '=', userId).executeTakeFirst()
      if (!user || user.email_verified_at) return null
      const token = await tokens.issue(userId, 'verify', VERIFY_TOKEN_SECONDS, user.email)
      return { handle: user.handle, email: user.email, token }
    },

    /** Whether the link can be used by whoever opened it (`viewerId`, or null signed out), without using it. */
    async check(token: string, viewerId: string | null): Promise<Result<{ userId: string }>> {
      return forViewer(await tokens.check(token, 'verify'), viewerId)
    },

    /** Confirms the address the link was sent to, if the account still uses it; refused otherwise, changing nothing. */
    async confirm(token: string, viewerId: string | null): Promise<Result<{ userId: string }>> {
      const seen = forViewer(await tokens.check(token, 'verify'), viewerId)
      if (!seen.ok) return seen
      const done = await db.transaction().execute(async (trx): Promise<Result<{ userId: string }>> => {
        const used = await tokens.consume(trx, token, 'verify')
        if (!used.ok) return refused(used.problem)
        const confirmed = await trx
          .updateTable('users')
          .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, now())` })
          .where('id', '=', used.userId)
          .where(sql<string>`lower(email)`, '=', (used.email ?? '').toLowerCase())
          .returning('id')
          .executeTakeFirst()
        if (!confirmed) return refused('changed')
        return { ok: true, value: { userId: used.userId } }
      })
      if (done.ok) await viewerChanged(done.value.userId)
      return done
    },
  }
}

export type EmailVerification = ReturnType<typeof createEmailVerification>

function refused(problem: keyof typeof VERIFY_PROBLEMS): Refused {
  const status = problem === 'otherMember' ? 403 : problem === 'unknown' ? 404 : 409
  return { ok: false, status, errors: {}, message: VERIFY_PROBLEMS[problem] }
}
