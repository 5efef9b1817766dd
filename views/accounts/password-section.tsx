/** /settings: changing the password, with the current one. */
import type { PasswordChangeField } from '@/features/accounts/credentials'
import { PASSWORD_MAX, PASSWORD_MIN } from '@/features/accounts/service'
import type { FieldErrors } from '@/shared/result'
import { Field } from '@views/components/field'

/** The id of the settings card, which htmx swaps with the answer to its form. */
export const PASSWORD_SECTION_ID = 'password'

export function PasswordSection({ errors = {}, saved = false }: { errors?: FieldErrors<PasswordChangeField>; saved?: boolean }): JSX.Element {
  return (
    <section id={PASSWORD_SECTION_ID} aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form class="stack" method="post" action="/settings/password" hx-post="/settings/password" hx-target={`#${PASSWORD_SECTION_ID}`} hx-swap="outerHTML" novalidate>
        <Field name="current" label="Current password" type="password" error={errors.current} autocomplete="current-password" required maxlength={PASSWORD_MAX} />
        <Field name="password" label="New password" type="password" error={errors.password} hint={`At least ${PASSWORD_MIN} characters. Your other devices are signed out.`} autocomplete="new-password" required minlength={PASSWORD_MIN} maxlength={PASSWORD_MAX} />
        <button type="submit">Change my password</button>
        {saved && (
          <p class="flash" role="status">
            Your password is changed, and your other devices are signed out.
          </p>
        )}
      </form>
    </section>
  )
}
