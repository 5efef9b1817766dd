/**
 * Confirming an email address (src/features/accounts/email-verification.ts): the mailed link opens
 * /verify-email/:token, a page whose button's POST confirms; /settings can send the link again.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Credentials } from '@/features/accounts/credentials'
import type { EmailVerification, VerificationMail } from '@/features/accounts/email-verification'
import type { Accounts } from '@/features/accounts/service'
import type { OutgoingMail } from '@/infra/mail'
import type { Store } from '@/infra/store/store'
import type { HttpContext } from '@/http/context'
import { afterPost, page, seeOther, type RenderContext } from '@/http/page'
import { byAccount, byAddress, limitRate } from '@/http/rate-limit'
import { requireViewer } from '@/http/viewer'
import { ConfirmEmailPage, ConfirmLinkProblem, ConfirmNewEmailPage, EMAIL_SECTION_ID, EmailChangedPage, EmailConfirmedPage, EmailSection } from '@views/accounts/email-verification'
import { emailChangedMail, verifyEmailMail } from '@views/mail/account'

/** Confirmation links a member may ask for again: a lost mail or two, never a way to flood an inbox. */
export const VERIFY_MAILS_PER_ACCOUNT = { attempts: 5, windowSeconds: 3600 }

interface EmailVerificationRouteDeps {
  config: Pick<Config, 'publicUrl' | 'authRateLimit'>
  store: Store
  context: HttpContext
  accounts: Accounts
  emailVerification: EmailVerification
  credentials: Credentials
  sendMail: (mail: OutgoingMail) => Promise<void>
}

/** Sends the confirmation mail, when the address still needs one. */
export function mailConfirmation(deps: Pick<EmailVerificationRouteDeps, 'config' | 'emailVerification' | 'sendMail'>) {
  return async (userId: string): Promise<VerificationMail | null> => {
    const started = await deps.emailVerification.start(userId)
    if (started) await deps.sendMail({ to: started.email, ...verifyEmailMail(started, deps.config.publicUrl) })
    return started
  }
}

export function emailVerificationRoutes(deps: EmailVerificationRouteDeps) {
  const { config, store, context, accounts, emailVerification, credentials, sendMail } = deps
  const sendConfirmation = mailConfirmation(deps)
  const problem = (render: RenderContext, message: string | undefined, status: number) =>
    page(render, { title: 'This link cannot be used', main: ConfirmLinkProblem({ message: message ?? '' }), status })
  const httpStatus = (status: number) => (status === 409 ? 410 : status)

  return new Elysia({ name: 'email-verification' })
    .use(context)
    .get('/verify-email/:token', async ({ render, params }) => {
      const seen = await emailVerification.check(params.token, render.viewer?.id ?? null)
      if (!seen.ok) return problem(render, seen.message, httpStatus(seen.status))
      return page(render, { title: 'Confirm your email address', main: ConfirmEmailPage({ token: params.token }) })
    })
    .post('/verify-email/:token', async ({ render, params, meta }) => {
      await limitRate(store, [byAddress('verify', meta.ip)], config.authRateLimit)
      const done = await emailVerification.confirm(params.token, render.viewer?.id ?? null)
      if (!done.ok) return problem(render, done.message, httpStatus(done.status))
      return afterPost(render, '/verify-email/done')
    })
    .get('/verify-email/done', ({ render }) => page(render, { title: 'Email address confirmed', main: EmailConfirmedPage({ signedIn: render.viewer !== null }) }))
    // A new address, asked for in /settings: the link mailed there, its page, its button.
    .get('/confirm-email/:token', async ({ render, params }) => {
      const seen = await credentials.checkEmailChange(params.token, render.viewer?.id ?? null)
      if (!seen.ok) return problem(render, seen.message, httpStatus(seen.status))
      return page(render, { title: 'Use your new email address', main: ConfirmNewEmailPage({ token: params.token, email: seen.value.email }) })
    })
    .post('/confirm-email/:token', async ({ render, params, meta }) => {
      await limitRate(store, [byAddress('verify', meta.ip)], config.authRateLimit)
      const done = await credentials.confirmEmailChange(params.token, render.viewer?.id ?? null)
      if (!done.ok) return problem(render, done.message, httpStatus(done.status))
      await sendMail({ to: done.value.oldEmail, ...emailChangedMail(done.value, config.publicUrl) })
      return afterPost(render, '/confirm-email/done')
    })
    .get('/confirm-email/done', ({ render }) => page(render, { title: 'Email address changed', main: EmailChangedPage({ signedIn: render.viewer !== null }) }))
    .get('/settings/verify-email', () => seeOther(`/settings#${EMAIL_SECTION_ID}`))
    .post('/settings/verify-email', async ({ render }) => {
      const viewer = requireViewer(render)
      await limitRate(store, [byAccount('verify:mail', viewer.id)], VERIFY_MAILS_PER_ACCOUNT)
      await sendConfirmation(viewer.id)
      const address = await accounts.emailOf(viewer.id)
      return afterPost(render, `/settings#${EMAIL_SECTION_ID}`, () => EmailSection({ email: address?.email ?? '', verified: address?.verified ?? false, sent: true }))
    })
}
