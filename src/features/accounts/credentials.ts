/**
 * Changing the password and the email address from /settings, each with the current password.
 * A new password ends every other session (the route starts the member a fresh one). A new address
 * is only taken once the link mailed to it is followed (a token for that address,
 * src/features/accounts/tokens.ts); the old address is then told.
 */
import { sql, type Kysely } from 'kysely'
import { hashPassword, verifyPassword } from '@/features/accounts/passwords'
import { EMAIL_MAX, EMAIL_PATTERN, passwordProblem, PASSWORD_MAX } from '@/features/accounts/service'
import type { AccountTokens } from '@/features/accounts/tokens'
import type { AccountsDomain } from '@/schema'
import type { Refused, Result } from '@/shared/result'

/** A day: the new mailbox may be one the member checks less often. */
export const EMAIL_CHANGE_SECONDS = 24 * 3600

export type PasswordChangeField = 'current' | 'password'
export type EmailChangeField = 'email' | 'current'

const WRONG_CURRENT = 'That is not your current password.'

export interface EmailChangeMail {
  handle: string
  /** The address asked for: the link goes there. */
  email: string
  token: string
}

export interface EmailChanged {
  userId: string
  handle: string
  oldEmail: string
  newEmail: string
}

export interface CredentialDeps {
  db: Kysely<AccountsDomain>
  tokens: AccountTokens
  /** Drops the cached viewers of a member's sessions. */
  viewerChanged: (userId: string) => Promise<void>
}

export function createCredentials({ db, tokens, viewerChanged }: CredentialDeps) {
  const userRow = (userId: string) => db.selectFrom('users').select(['id', 'handle', 'email', 'password_hash']).where('id', '=', userId).executeTakeFirst()

  async function currentMatches(hash: string, current: string): Promise<boolean> {
    return current.length > 0 && current.length <= PASSWORD_MAX && (await verifyPassword(current, hash))
  }

  /** Whether a change-of-address link can be used by whoever opened it, without using it. */
  async function checkEmailChange(token: string, viewerId: string | null): Promise<Result<{ email: string }>> {
    const state = await tokens.check(token, 'email')
    if (!state.ok) return linkRefused(state.problem)
    if (viewerId !== null && viewerId !== state.userId) return linkRefused('otherMember')
    return { ok: true, value: { email: state.email ?? '' } }
  }

  return {
    /** Sets a new password if `current` is the member's; says which field is wrong otherwise, changing nothing. */
    async changePassword(userId: string, current: string, next: string): Promise<Result<{ handle: string; email: string }, PasswordChangeField>> {
      const user = await userRow(userId)
      if (!user) return { ok: false, status: 404, errors: {} }
      if (!(await currentMatches(user.password_hash, current))) return { ok: false, status: 422, errors: { current: WRONG_CURRENT } }
      const problem = await passwordProblem(next)
      if (problem) return { ok: false, status: 422, errors: { password: problem } }
      await db.updateTable('users').set({ password_hash: await hashPassword(next) }).where('id', '=', userId).execute()
      // A reset link asked for earlier must not undo this.
      await tokens.dropUnused(db, userId, 'reset')
      return { ok: true, value: { handle: user.handle, email: user.email } }
    },

    /** Starts a change of address: the token for the link mailed to the new one. Nothing changes until it is followed. */
    async requestEmailChange(userId: string, typed: string, current: string): Promise<Result<EmailChangeMail, EmailChangeField>> {
      const user = await userRow(userId)
      if (!user) return { ok: false, status: 404, errors: {} }
      const email = typed.trim()
      if (!email) return { ok: false, status: 422, errors: { email: 'Please enter the new address.' } }
      if (email.length > EMAIL_MAX || !EMAIL_PATTERN.test(email)) return { ok: false, status: 422, errors: { email: 'That does not look like an email address.' } }
      if (email.toLowerCase() === user.email.toLowerCase()) return { ok: false, status: 422, errors: { email: 'That is already your address.' } }
      if (!(await currentMatches(user.password_hash, current))) return { ok: false, status: 422, errors: { current: WRONG_CURRENT } }
      const taken = await db.selectFrom('users').select('id').where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()
      if (taken) return { ok: false, status: 422, errors: { email: 'Another account uses that address.' } }
      const token = await tokens.issue(userId, 'email', EMAIL_CHANGE_SECONDS, email)
      return { ok: true, value: { handle: user.handle, email, token } }
    },

    checkEmailChange,

    /** Takes the new address (confirmed, since the link reached it), or says why not, changing nothing. */
    async confirmEmailChange(token: string, viewerId: string | null): Promise<Result<EmailChanged>> {
      const seen = await checkEmailChange(token, viewerId)
      if (!seen.ok) return seen
      const done = await db.transaction().execute(async (trx): Promise<Result<EmailChanged>> => {
        const used = await tokens.consume(trx, token, 'email')
        if (!used.ok) return linkRefused(used.problem)
        const newEmail = used.email ?? ''
        const taken = await trx.selectFrom('users').select('id').where(sql<string>`lower(email)`, '=', newEmail.toLowerCase()).executeTakeFirst()
        if (taken) return linkRefused('taken')
        const before = await trx.selectFrom('users').select(['handle', 'email']).where('id', '=', used.userId).forUpdate().executeTakeFirstOrThrow()
        await trx.updateTable('users').set({ email: newEmail, email_verified_at: sql<Date>`now()` }).where('id', '=', used.userId).execute()
        // Links for the old address (a reset, a confirmation) no longer go to the member's mailbox.
        await trx.deleteFrom('account_tokens').where('user_id', '=', used.userId).where('used_at', 'is', null).execute()
        return { ok: true, value: { userId: used.userId, handle: before.handle, oldEmail: before.email, newEmail } }
      })
      if (done.ok) await viewerChanged(done.value.userId)
      return done
    },
  }
}

export type Credentials = ReturnType<typeof createCredentials>

const EMAIL_LINK_PROBLEMS = {
  unknown: 'This link is not one we sent, or it was cut short when it was copied.',
  used: 'This link has already been used: the address is changed.',
  expired: 'This link has expired: a link to change your address works for a day. Ask again from your settings.',
  otherMember: 'This link changes the address of another account than the one signed in here. Sign out, then open the link again.',
  taken: 'Another account started using that address meanwhile, so yours stays as it was.',
}

function linkRefused(problem: keyof typeof EMAIL_LINK_PROBLEMS): Refused {
  const status = problem === 'otherMember' ? 403 : problem === 'unknown' ? 404 : 409
  return { ok: false, status, errors: {}, message: EMAIL_LINK_PROBLEMS[problem] }
}
