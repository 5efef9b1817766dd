/** Forgot password: the form that asks for a link, what it says after, and the link's page with its form. */
import { PASSWORD_MAX, PASSWORD_MIN } from '@/features/accounts/service'
import type { FieldErrors } from '@/shared/result'
import { Field } from '@views/components/field'

export function ForgotPasswordForm({ values, errors }: { values: { email?: string }; errors: FieldErrors<'email'> }): JSX.Element {
  return (
    <form class="stack" method="post" action="/forgot-password" hx-post="/forgot-password" hx-target="this" hx-swap="outerHTML" novalidate>
      <Field name="email" label="Email" type="email" value={values.email} error={errors.email} hint="The address of your account." autocomplete="email" required />
      <button type="submit">Send me a link</button>
    </form>
  )
}

/** The same words whether or not an account has the address: nobody learns who is a member. */
export function ResetLinkSent(): JSX.Element {
  return (
    <div class="stack" id="reset-link-sent">
      <p class="flash" role="status">
        If an account uses that address, a link to choose a new password is on its way. It works once, for one hour.
      </p>
      <p>Nothing after a few minutes? Look in the spam folder, or check the address and ask again.</p>
    </div>
  )
}

export function ForgotPasswordPage({ content }: { content: JSX.Element }): JSX.Element {
  return (
    <>
      <h1>Forgot your password?</h1>
      <p>Give us the email address of your account and we will send it a link to choose a new password.</p>
      {content as 'safe'}
      <p>
        Remembered it? <a href="/login">Sign in</a>
      </p>
    </>
  )
}

export interface ResetPasswordFormProps {
  token: string
  errors: FieldErrors<'password'>
}

/** The link's page: the token goes back in the form's address, used only by this POST. */
export function ResetPasswordForm({ token, errors }: ResetPasswordFormProps): JSX.Element {
  const action = `/reset-password/${token}`
  return (
    <form class="stack" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML" novalidate>
      <Field name="password" label="New password" type="password" error={errors.password} hint={`At least ${PASSWORD_MIN} characters. This signs you out on every other device.`} autocomplete="new-password" required minlength={PASSWORD_MIN} maxlength={PASSWORD_MAX} />
      <button type="submit">Save the new password and sign in</button>
    </form>
  )
}

export function ResetPasswordPage({ form }: { form: JSX.Element }): JSX.Element {
  return (
    <>
      <h1>Choose a new password</h1>
      {form as 'safe'}
    </>
  )
}

/** A link that cannot be used (never sent, used, expired): why, and how to get a new one. */
export function ResetLinkProblem({ message }: { message: string }): JSX.Element {
  return (
    <>
      <h1>This link cannot be used</h1>
      <LinkProblemNote message={message} />
    </>
  )
}

export function LinkProblemNote({ message }: { message: string }): JSX.Element {
  return (
    <div class="stack">
      <p class="form-error" role="alert" safe>
        {message}
      </p>
      <p>
        <a href="/forgot-password">Ask for a new link</a> or <a href="/login">sign in</a>.
      </p>
    </div>
  )
}
