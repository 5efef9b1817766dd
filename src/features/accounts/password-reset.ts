/**
 * Forgot password: a link by email with a single-use token (src/features/accounts/tokens.ts) valid
 * for an hour. Asking says the same whether or not an account has the address (the route answers
 * alike; only the mail differs). Setting the new password uses the token up, drops the member's
 * other reset links and ends every session they had; the route then starts a fresh one.
 */
import type { Kysely } from 'kysely'
import type { Accounts } from '@/features/accounts/service'
import { EMAIL_MAX, EMAIL_PATTERN, passwordProblem } from '@/features/accounts/service'
import { hashPassword } from '@/features/accounts/passwords'
import type { AccountTokens, TokenState } from '@/features/accounts/tokens'
import type { AccountsDomain } from '@/schema'
import type { Result } from '@/shared/result'

/** An hour: long enough to find the mail, short enough that an old mailbox is no way in. */
export const RESET_TOKEN_SECONDS = 3600

/** What the reset mail needs: whom it goes to and the token for its link. */
export interface ResetRequest {
  handle: string
  email: string
  token: string
}

export interface PasswordResetDeps {
  db: Kysely<AccountsDomain>
  accounts: Pick<Accounts, 'findByEmail'>
  tokens: AccountTokens
  /** Ends every session of a member (`sessions.endAll`). */
  endAllSessions: (userId: string) => Promise<unknown>
}

/** The sentence for a link that cannot be used, by what is wrong with it. */
export const TOKEN_PROBLEMS: Record<Exclude<TokenState, { ok: true }>['problem'], string> = {
  unknown: 'This link is not one we sent, or it was cut short when it was copied.',
  used: 'This link has already been used: each one works once.',
  expired: 'This link has expired: a link to reset a password works for one hour.',
}

export function createPasswordResets({ db, accounts, tokens, endAllSessions }: PasswordResetDeps) {
  return {
    /**
     * A reset for the account with this address: the token for its mail, or null when no account
     * has it (the caller answers the same either way). Refused only for an address that is none.
     */
    async request(typed: string): Promise<Result<ResetRequest | null, 'email'>> {
      const email = typed.trim()
      if (!email) return { ok: false, status: 422, errors: { email: 'Please enter the email address of your account.' } }
      if (email.length > EMAIL_MAX || !EMAIL_PATTERN.test(email)) return { ok: false, status: 422, errors: { email: 'That does not look like an email address.' } }
      const user = await accounts.findByEmail(email)
      if (!user) return { ok: true, value: null }
      const token = await tokens.issue(user.id, 'reset', RESET_TOKEN_SECONDS)
      return { ok: true, value: { handle: user.handle, email: user.email, token } }
    },

    /** Whether a reset link can still be used (its page's GET), without using it. */
    check: (token: string) => tokens.check(token, 'reset'),

    /**
     * Sets the new password with the link's token, or says why not: the password (422), or the
     * link (404 never sent, 409 used or expired, with `message`). Nothing changes when refused.
     */
    async reset(token: string, password: string): Promise<Result<{ userId: string }, 'password'>> {
      const problem = await passwordProblem(password)
      if (problem) return { ok: false, status: 422, errors: { password: problem } }
      const state = await tokens.check(token, 'reset')
      if (!state.ok) return linkRefusal(state.problem)
      const passwordHash = await hashPassword(password)
      const done = await db.transaction().execute(async (trx) => {
        const used = await tokens.consume(trx, token, 'reset')
        if (!used.ok) return used
        await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', used.userId).execute()
        await tokens.dropUnused(trx, used.userId, 'reset')
        return used
      })
      if (!done.ok) return linkRefusal(done.problem)
      await endAllSessions(done.userId)
      return { ok: true, value: { userId: done.userId } }
    },
  }
}

export type PasswordResets = ReturnType<typeof createPasswordResets>

function linkRefusal(problem: Exclude<TokenState, { ok: true }>['problem']) {
  return { ok: false as const, status: problem === 'unknown' ? (404 as const) : (409 as const), errors: {}, message: TOKEN_PROBLEMS[problem] }
}
