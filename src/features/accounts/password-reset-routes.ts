/**
 * Forgot password (src/features/accounts/password-reset.ts): /forgot-password asks for a link by
 * email; the link opens /reset-password/:token, whose form's POST uses the token up. A link's GET
 * never does: mail scanners open links.
 */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import { TOKEN_PROBLEMS, type PasswordResets } from '@/features/accounts/password-reset'
import type { Sessions } from '@/features/accounts/sessions'
import type { Store } from '@/infra/store/store'
import type { OutgoingMail } from '@/infra/mail'
import type { HttpContext } from '@/http/context'
import { textField } from '@/http/form'
import { afterPost, page, type RenderContext } from '@/http/page'
import { byAddress, byTyped, limitRate } from '@/http/rate-limit'
import { ForgotPasswordForm, ForgotPasswordPage, LinkProblemNote, ResetLinkProblem, ResetLinkSent, ResetPasswordForm, ResetPasswordPage } from '@views/accounts/password-reset'
import { passwordResetMail } from '@views/mail/account'

/**
 * Reset mails to one address: a person who lost a mail asks again once or twice; more would let
 * anyone fill a stranger's mailbox. Counted per address typed, whether or not it is a member's.
 */
export const RESET_MAILS_PER_ADDRESS = { attempts: 5, windowSeconds: 3600 }

interface PasswordResetRouteDeps {
  config: Pick<Config, 'publicUrl' | 'authRateLimit'>
  store: Store
  context: HttpContext
  passwordResets: PasswordResets
  sessions: Sessions
  sendMail: (mail: OutgoingMail) => Promise<void>
}

export function passwordResetRoutes({ config, store, context, passwordResets, sessions, sendMail }: PasswordResetRouteDeps) {
  const forgotPage = (render: RenderContext, content: JSX.Element, status = 200) =>
    page(render, { title: 'Forgot your password?', main: ForgotPasswordPage({ content }), fragment: () => content, status })
  const resetPage = (render: RenderContext, form: JSX.Element, status = 200) =>
    page(render, { title: 'Choose a new password', main: ResetPasswordPage({ form }), fragment: () => form, status })
  const linkProblem = (render: RenderContext, message: string, status: number) =>
    // For htmx, the note takes the place of the form.
    page(render, { title: 'This link cannot be used', main: ResetLinkProblem({ message }), fragment: () => LinkProblemNote({ message }), status })

  return new Elysia({ name: 'password-reset' })
    .use(context)
    .get('/forgot-password', ({ render }) => forgotPage(render, ForgotPasswordForm({ values: {}, errors: {} })))
    .get('/forgot-password/sent', ({ render }) => forgotPage(render, ResetLinkSent()))
    .post('/forgot-password', async ({ render, body, meta }) => {
      const email = textField(body, 'email')
      await limitRate(store, [byAddress('reset', meta.ip)], config.authRateLimit)
      if (email.trim()) await limitRate(store, [byTyped('reset:email', email)], RESET_MAILS_PER_ADDRESS)
      const result = await passwordResets.request(email)
      if (!result.ok) return forgotPage(render, ForgotPasswordForm({ values: { email }, errors: result.errors }), 422)
      if (result.value) {
        await sendMail({ to: result.value.email, ...passwordResetMail(result.value, config.publicUrl) })
      }
      return afterPost(render, '/forgot-password/sent', () => ResetLinkSent())
    })
    .get('/reset-password/:token', async ({ render, params }) => {
      const state = await passwordResets.check(params.token)
      if (!state.ok) return linkProblem(render, TOKEN_PROBLEMS[state.problem], state.problem === 'unknown' ? 404 : 410)
      return resetPage(render, ResetPasswordForm({ token: params.token, errors: {} }))
    })
    .post('/reset-password/:token', async ({ render, params, body, meta, set }) => {
      await limitRate(store, [byAddress('reset', meta.ip)], config.authRateLimit)
      const result = await passwordResets.reset(params.token, textField(body, 'password'))
      if (!result.ok) {
        if (result.status === 422) return resetPage(render, ResetPasswordForm({ token: params.token, errors: result.errors }), 422)
        return linkProblem(render, result.message ?? '', result.status === 404 ? 404 : 410)
      }
      set.headers['set-cookie'] = await sessions.start(result.value.userId)
      return afterPost(render, '/')
    })
}
