import { BIO_MAX, DISPLAY_NAME_MAX, type ProfileDetailsInput } from '@/features/accounts/service'
import type { FieldErrors } from '@/shared/result'
import { Field } from '@views/components/field'
import { TextArea } from '@views/components/text-area'

export interface ProfileDetailsProps {
  /** What the member has now, or what they typed when it was refused. */
  values: ProfileDetailsInput
  errors: FieldErrors<keyof ProfileDetailsInput>
  /** Just saved: says so, where the button was pressed. */
  saved?: boolean
}

/** The id of the section, which htmx swaps with the answer to its form. */
export const PROFILE_DETAILS_ID = 'profile-details'

/** The name and bio others see on the profile page and beside posts; a plain form, htmx on top. */
export function ProfileDetailsSection({ values, errors, saved = false }: ProfileDetailsProps): JSX.Element {
  return (
    <section id={PROFILE_DETAILS_ID} aria-labelledby="profile-details-heading">
      <h2 id="profile-details-heading">Your profile</h2>
      <form class="stack" method="post" action="/settings/profile" hx-post="/settings/profile" hx-target={`#${PROFILE_DETAILS_ID}`} hx-swap="outerHTML">
        <Field name="displayName" label="Display name" value={values.displayName} error={errors.displayName} required maxlength={DISPLAY_NAME_MAX} autocomplete="nickname" />
        <TextArea name="bio" label="Bio" value={values.bio} error={errors.bio} hint={`A few words about you and your cats, up to ${BIO_MAX} characters.`} rows={3} maxlength={BIO_MAX} />
        <button type="submit">Save profile</button>
        {saved && <p role="status">Your profile is saved.</p>}
      </form>
    </section>
  )
}
