import { CAT_BREED_MAX, CAT_COLOURS_MAX, CAT_NAME_MAX, type Cat, type CatErrors } from '@/features/feed/cats'
import { ALT_MAX } from '@/features/media/service'
import { Field } from '@views/components/field'
import { Picture } from '@views/components/picture'
import { UploadScripts } from '@views/components/upload-scripts'
import { PhotoField } from '@views/components/photo-field'

/** The id of the form's section: what static/upload-progress.js swaps when the form is refused. */
export const CAT_FORM_ID = 'cat-form'

export interface CatFormValues {
  name?: string
  breed?: string
  colours?: string
  birthday?: string
  alt?: string
}

export interface CatFormProps {
  /** The cat being edited, or null for a new one. */
  cat: Cat | null
  values: CatFormValues
  errors: CatErrors
  maxBytes: number
  /** The refused form carried a photo, which it did not keep. */
  photoDropped?: boolean
}

/** Adding or editing a cat: a multipart form (works with JavaScript off), sent with progress when it is on. */
export function CatForm({ cat, values, errors, maxBytes, photoDropped = false }: CatFormProps): JSX.Element {
  const action = cat ? `/cats/${cat.id}/edit` : '/cats/new'
  return (
    <section id={CAT_FORM_ID}>
      {cat?.photo ? <Picture picture={cat.photo} sizes="160px" class="cat-photo" /> : ''}
      <form class="stack" method="post" action={action} enctype="multipart/form-data" hx-boost="false" data-upload-progress={CAT_FORM_ID} novalidate>
        <Field name="name" label="Name" value={values.name} error={errors.name} required maxlength={CAT_NAME_MAX} />
        <Field name="breed" label="Breed" value={values.breed} error={errors.breed} hint="Optional, e.g. “Maine Coon” or “moggy”." maxlength={CAT_BREED_MAX} />
        <Field name="colours" label="Colours" value={values.colours} error={errors.colours} hint="Optional, e.g. “ginger and white”." maxlength={CAT_COLOURS_MAX} />
        <Field name="birthday" label="Birthday" type="date" value={values.birthday} error={errors.birthday} hint="Optional; a guess is fine." />
        <PhotoField name="photo" label={cat?.photo ? 'New photo' : 'Photo'} error={errors.photo} maxBytes={maxBytes} dropped={photoDropped && !errors.photo} />
        <Field name="alt" label="Describe the photo" value={values.alt} error={errors.alt} hint="For people who can’t see it. Required with a photo." maxlength={ALT_MAX} />
        <progress class="upload-progress" max="100" value="0" aria-label="Upload progress" hidden></progress>
        <p class="upload-status" role="status"></p>
        <button type="submit">{cat ? 'Save cat' : 'Add cat'}</button>
      </form>
    </section>
  )
}

export function CatFormPage({ title, form }: { title: string; form: JSX.Element }): JSX.Element {
  return (
    <>
      <h1 safe>{title}</h1>
      {form as 'safe'}
      <UploadScripts />
    </>
  )
}
