import type { MediaPicture, UploadErrors } from '@/features/media/service'
import { ALT_MAX } from '@/features/media/service'
import { Field } from '@views/components/field'
import { Picture } from '@views/components/picture'
import { PhotoField } from '@views/components/photo-field'

export interface ProfilePhotoProps {
  /** The current photo, or null when there is none yet. */
  current: MediaPicture | null
  /** What the person typed, shown again when the upload was refused. */
  values: { alt?: string }
  errors: UploadErrors
  /** The largest file taken, for the hint. */
  maxBytes: number
}

/** The id of the section: the page's anchor, and what static/upload-progress.js swaps on a refusal. */
export const PROFILE_PHOTO_ID = 'profile-photo'

/**
 * The profile photo part of /settings: the current photo and the form to replace it. A plain
 * multipart form (works with JS off); with JS, static/upload-progress.js sends it and shows progress.
 * The form leaves htmx out (`hx-boost="false"`): htmx sends with fetch, which reports no progress.
 * It keeps the browser's own checks (no `novalidate`): a missing description is caught before a
 * phone spends its data sending 5 MB for nothing.
 */
export function ProfilePhotoSection({ current, values, errors, maxBytes }: ProfilePhotoProps): JSX.Element {
  return (
    <section id={PROFILE_PHOTO_ID} class="profile-photo" aria-labelledby="profile-photo-heading">
      <h2 id="profile-photo-heading">Profile photo</h2>
      {current ? (
        <Picture picture={current} sizes="96px" priority class="avatar avatar-large" />
      ) : (
        <p class="muted">You have no profile photo yet.</p>
      )}
      <form
        class="stack"
        method="post"
        action="/settings/avatar"
        enctype="multipart/form-data"
        hx-boost="false"
        data-upload-progress={PROFILE_PHOTO_ID}
      >
        <PhotoField name="photo" label={current ? 'New photo' : 'Photo'} error={errors.photo} maxBytes={maxBytes} required />
        <Field
          name="alt"
          label="Describe the photo"
          value={values.alt}
          error={errors.alt}
          hint="For people who can’t see it, e.g. “Me holding Biscuit, a ginger cat”."
          required
          maxlength={ALT_MAX}
        />
        <progress class="upload-progress" max="100" value="0" aria-label="Upload progress" hidden></progress>
        <p class="upload-status" role="status"></p>
        <button type="submit">Save photo</button>
      </form>
    </section>
  )
}
