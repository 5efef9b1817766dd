/**
 * Making and editing a memorial: one form for both (`/memorials/new`, `/memorials/:slug/edit`), and
 * on the edit page the gallery. Plain multipart forms that work with JS off; with JS,
 * static/upload-progress.js sends them and shows the upload's progress (htmx sends with fetch, which
 * reports none), swapping in the form region again when the server refuses it.
 */
import { UploadScripts } from '@views/components/upload-scripts'
import type { MediaPicture, UploadErrors } from '@/features/media/service'
import { ALT_MAX } from '@/features/media/service'
import { MONTH_NAMES, type DateParts } from '@/features/memorials/dates'
import type { Memorial, MemorialErrors } from '@/features/memorials/service'
import { GALLERY_MAX, NAME_MAX, STORY_MAX } from '@/features/memorials/service'
import type { Visibility } from '@/features/memorials/tables'
import { Field } from '@views/components/field'
import { Picture } from '@views/components/picture'
import { PhotoField } from '@views/components/photo-field'

/** What the form shows: the memorial's values, or what the person typed. */
export interface MemorialFormValues {
  name: string
  born: DateParts
  passed: DateParts
  story: string
  visibility: Visibility
  showOnWall: boolean
  tributesNeedApproval: boolean
  coverAlt: string
}

export interface MemorialFormProps {
  /** null: a new memorial. */
  memorial: Memorial | null
  values: MemorialFormValues
  errors: MemorialErrors
  /** The current cover, on the edit page. */
  cover: MediaPicture | null
  maxBytes: number
}

/** The id of the form's region: what upload-progress.js replaces when the server refuses the form. */
export const MEMORIAL_FORM_ID = 'memorial-form'

export function MemorialFormPage(props: MemorialFormProps & { gallery?: JSX.Element }): JSX.Element {
  const { memorial } = props
  return (
    <>
      {memorial ? (
        <p>
          <a href={`/memorials/${memorial.slug}`}>Back to the memorial</a>
        </p>
      ) : (
        ''
      )}
      {memorial ? <h1 safe>{`Edit the memorial for ${memorial.name}`}</h1> : <h1>Make a memorial</h1>}
      {memorial ? (
        ''
      ) : (
        <p class="lede">A page to remember your cat by. It starts unlisted: only people you share the link with can see it, until you choose otherwise.</p>
      )}
      <MemorialForm {...props} />
      {(props.gallery ?? '') as 'safe'}
      <UploadScripts />
    </>
  )
}

export function MemorialForm({ memorial, values, errors, cover, maxBytes }: MemorialFormProps): JSX.Element {
  const action = memorial ? `/memorials/${memorial.slug}/edit` : '/memorials/new'
  const problems = Object.values(errors).filter(Boolean)
  return (
    <div id={MEMORIAL_FORM_ID}>
      <form class="stack memorial-form" method="post" action={action} enctype="multipart/form-data" hx-boost="false" data-upload-progress={MEMORIAL_FORM_ID} novalidate>
        {problems.length > 0 && (
          <p class="form-error" role="alert" safe>
            {problemSummary(problems.length, Boolean(errors.cover || errors.coverAlt))}
          </p>
        )}
        <Field name="name" label="Their name" value={values.name} error={errors.name} required maxlength={NAME_MAX} autocomplete="off" />
        <DateFieldset name="born" legend="Born" parts={values.born} error={errors.born} hint="If you don’t know, leave it empty, or give only the year or the month." />
        <DateFieldset name="passed" legend="Died" parts={values.passed} error={errors.passed} hint="At least the year." />
        <TextArea
          name="story"
          label="Their story"
          value={values.story}
          error={errors.story}
          maxlength={STORY_MAX}
          hint="As much or as little as you like. Leave an empty line between paragraphs; *stars* around words emphasise them, and [words](https://…) make a link."
        />
        <fieldset class="field-group">
          <legend>Cover photo</legend>
          {cover ? (
            <div class="cover-current">
              <Picture picture={cover} sizes="8rem" class="cover-thumb" />
              <Checkbox name="remove_cover" label="Remove this photo" checked={false} />
            </div>
          ) : (
            ''
          )}
          <PhotoField name="cover" label={cover ? 'A new cover photo' : 'Photo'} error={errors.cover} maxBytes={maxBytes} />
          <Field
            name="cover_alt"
            label="Describe the photo"
            value={values.coverAlt}
            error={errors.coverAlt}
            hint="For people who can’t see it, e.g. “Biscuit asleep in a sunny window”."
            maxlength={ALT_MAX}
          />
        </fieldset>
        <fieldset class="field-group">
          <legend>Who can see it</legend>
          <VisibilityChoice value={values.visibility} error={errors.visibility} />
          <Checkbox name="show_on_wall" label="Show it on the memorial wall (public memorials only)" checked={values.showOnWall} />
        </fieldset>
        <fieldset class="field-group">
          <legend>Tributes</legend>
          <Checkbox name="tributes_need_approval" label="Let me read tributes before they appear" checked={values.tributesNeedApproval} />
        </fieldset>
        <progress class="upload-progress" max="100" value="0" aria-label="Upload progress" hidden></progress>
        <p class="upload-status" role="status"></p>
        <button type="submit">{memorial ? 'Save changes' : 'Make the memorial'}</button>
      </form>
    </div>
  )
}

/** Above a refused form. A browser never sends a chosen file back, so say so unless the photo was the problem. */
function problemSummary(count: number, photoRefused: boolean): string {
  const fields = count === 1 ? 'Please check the field marked below.' : `Please check the ${count} fields marked below.`
  return photoRefused ? fields : `${fields} If you chose a photo, please choose it again.`
}

/** Day, month and year of one date, each optional, under one legend. */
function DateFieldset({ name, legend, parts, error, hint }: { name: 'born' | 'passed'; legend: string; parts: DateParts; error?: string | undefined; hint: string }): JSX.Element {
  const id = `field-${name}`
  const described = [`${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return (
    <fieldset class="field-group date-fields" aria-describedby={described}>
      <legend safe>{legend}</legend>
      <span class="hint" id={`${id}-hint`} safe>
        {hint}
      </span>
      <div class="date-parts">
        <div class="field">
          <label for={`${id}-day`}>Day</label>
          <input id={`${id}-day`} name={`${name}_day`} inputmode="numeric" pattern="[0-9]*" maxlength={2} size="2" value={parts.day} aria-invalid={error ? 'true' : undefined} />
        </div>
        <div class="field">
          <label for={`${id}-month`}>Month</label>
          <select id={`${id}-month`} name={`${name}_month`} aria-invalid={error ? 'true' : undefined}>
            <option value="">—</option>
            {MONTH_NAMES.map((month, index) => (
              <option value={String(index + 1)} selected={parts.month === String(index + 1)}>
                {month}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-year`}>Year</label>
          <input id={`${id}-year`} name={`${name}_year`} inputmode="numeric" pattern="[0-9]*" maxlength={4} size="4" value={parts.year} aria-invalid={error ? 'true' : undefined} />
        </div>
      </div>
      {error ? (
        <span class="error" id={`${id}-error`} safe>
          {error}
        </span>
      ) : (
        ''
      )}
    </fieldset>
  )
}

function TextArea({ name, label, value, error, hint, maxlength }: { name: string; label: string; value: string; error?: string | undefined; hint: string; maxlength: number }): JSX.Element {
  const id = `field-${name}`
  const described = [`${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return (
    <div class="field">
      <label for={id} safe>
        {label}
      </label>
      <span class="hint" id={`${id}-hint`} safe>
        {hint}
      </span>
      <textarea id={id} name={name} rows="10" maxlength={maxlength} aria-describedby={described} aria-invalid={error ? 'true' : undefined} safe>
        {value}
      </textarea>
      {error ? (
        <span class="error" id={`${id}-error`} safe>
          {error}
        </span>
      ) : (
        ''
      )}
    </div>
  )
}

const VISIBILITY_CHOICES: { value: Visibility; label: string; hint: string }[] = [
  { value: 'unlisted', label: 'People with the link', hint: 'Not listed anywhere, and search engines are asked not to show it.' },
  { value: 'public', label: 'Everyone', hint: 'Search engines may show it, and it can appear on the memorial wall.' },
  { value: 'private', label: 'Only me', hint: 'Nobody else can open it, not even with the link.' },
]

function VisibilityChoice({ value, error }: { value: Visibility; error?: string | undefined }): JSX.Element {
  return (
    <div class="choices" role="radiogroup" aria-label="Who can see it">
      {VISIBILITY_CHOICES.map((choice) => (
        <label class="choice">
          <input type="radio" name="visibility" value={choice.value} checked={choice.value === value} />
          <span>
            <strong safe>{choice.label}</strong>
            <span class="hint" safe>
              {choice.hint}
            </span>
          </span>
        </label>
      ))}
      {error ? (
        <span class="error" safe>
          {error}
        </span>
      ) : (
        ''
      )}
    </div>
  )
}

function Checkbox({ name, label, checked }: { name: string; label: string; checked: boolean }): JSX.Element {
  return (
    <label class="choice">
      <input type="checkbox" name={name} value="on" checked={checked} />
      <span safe>{label}</span>
    </label>
  )
}

export interface GalleryProps {
  memorial: Memorial
  photos: MediaPicture[]
  values: { alt?: string }
  errors: UploadErrors
  maxBytes: number
}

/** The id of the gallery region, swapped by upload-progress.js on a refused upload. */
export const GALLERY_ID = 'gallery-editor'

/** The edit page's gallery: the photos with a remove button each, and a form to add one. */
export function GalleryEditor({ memorial, photos, values, errors, maxBytes }: GalleryProps): JSX.Element {
  return (
    <section id={GALLERY_ID} class="gallery-editor" aria-labelledby="gallery-editor-heading">
      <h2 id="gallery-editor-heading">Photos</h2>
      {photos.length === 0 ? (
        <p class="muted">No photos yet. Add a few favourites: they appear under the story.</p>
      ) : (
        <ul class="gallery-list">
          {photos.map((photo) => (
            <li>
              <Picture picture={photo} sizes="(min-width: 42rem) 20rem, 50vw" />
              <form method="post" action={`/memorials/${memorial.slug}/photos/${photo.id}/remove`}>
                <button type="submit" class="secondary">
                  Remove<span class="visually-hidden" safe>{` the photo “${photo.alt}”`}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {photos.length < GALLERY_MAX ? (
        <form class="stack" method="post" action={`/memorials/${memorial.slug}/photos`} enctype="multipart/form-data" hx-boost="false" data-upload-progress={GALLERY_ID}>
          <PhotoField name="photo" label="Add a photo" error={errors.photo} maxBytes={maxBytes} required />
          <Field name="alt" label="Describe the photo" value={values.alt} error={errors.alt} hint="For people who can’t see it." required maxlength={ALT_MAX} />
          <progress class="upload-progress" max="100" value="0" aria-label="Upload progress" hidden></progress>
          <p class="upload-status" role="status"></p>
          <button type="submit">Add the photo</button>
        </form>
      ) : (
        <p class="muted">{`The gallery is full (${GALLERY_MAX} photos).`}</p>
      )}
    </section>
  )
}
