import type { SignupField } from '@/features/accounts/service'
import type { FieldErrors } from '@/shared/result'
import { PASSWORD_MAX, PASSWORD_MIN } from '@/features/accounts/service'
import { Field } from '@views/components/field'

export interface SignupFormProps {
  values: { handle?: string; email?: string }
  errors: FieldErrors<SignupField | 'form'>
}

/** The sign-up form: the page's main content, and the fragment htmx swaps in with inline errors. */
export function SignupForm({ values, errors }: SignupFormProps): JSX.Element {
  return (
    <form class="stack" method="post" action="/signup" hx-post="/signup" hx-target="this" hx-swap="outerHTML" novalidate>
      <FormError message={errors.form} />
      <Field name="handle" label="Handle" value={values.handle} error={errors.handle} hint="3 to 30 letters, digits or underscores: your address will be /@handle." autocomplete="username" required maxlength={30} />
      <Field name="email" label="Email" type="email" value={values.email} error={errors.email} hint="Never shown to anyone." autocomplete="email" required />
      <Field name="password" label="Password" type="password" error={errors.password} hint={`At least ${PASSWORD_MIN} characters.`} autocomplete="new-password" required minlength={PASSWORD_MIN} maxlength={PASSWORD_MAX} />
      <button type="submit">Sign up</button>
    </form>
  )
}

export interface LoginFormProps {
  values: { identifier?: string }
  next: string
  error?: string
}

export function LoginForm({ values, next, error }: LoginFormProps): JSX.Element {
  return (
    <form class="stack" method="post" action="/login" hx-post="/login" hx-target="this" hx-swap="outerHTML" novalidate>
      <FormError message={error} />
      <input type="hidden" name="next" value={next} />
      <Field name="identifier" label="Handle or email" value={values.identifier} autocomplete="username" required />
      <Field name="password" label="Password" type="password" autocomplete="current-password" required />
      <button type="submit">Sign in</button>
    </form>
  )
}

function FormError({ message }: { message: string | undefined }): JSX.Element {
  return message ? (
    <p class="form-error" role="alert" safe>
      {message}
    </p>
  ) : (
    ''
  )
}
