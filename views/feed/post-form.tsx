import type { Cat } from '@/features/feed/cats'
import { POST_PHOTOS_MAX, type PostErrors } from '@/features/feed/service'
import { ALT_MAX } from '@/features/media/service'
import { Field } from '@views/components/field'
import { TextArea } from '@views/components/text-area'
import { PhotoField } from '@views/components/photo-field'

/** The id of the composer: what static/upload-progress.js swaps when a post is refused. */
export const COMPOSER_ID = 'post-composer'

export interface PostFormValues {
  body?: string
  /** Descriptions typed per photo slot (1-based, as the fields are named). */
  alts?: string[]
  catIds?: number[]
}

export interface PostFormProps {
  values: PostFormValues
  errors: PostErrors
  /** The author's cats, to tag. */
  cats: Cat[]
  maxChars: number
  maxBytes: number
}

/**
 * Writing a post: text, up to four photos each with its description, and the author's cats to tag.
 * A plain multipart form that works with JavaScript off; with it, static/upload-progress.js sends
 * it with a progress bar (htmx's fetch reports none), so htmx leaves it alone (`hx-boost="false"`).
 */
export function PostForm({ values, errors, cats, maxChars, maxBytes }: PostFormProps): JSX.Element {
  const photoProblem = errors.photos || Object.keys(errors).some((field) => /^(photo|alt)\d$/.test(field))
  const slots = Array.from({ length: POST_PHOTOS_MAX }, (_, i) => i + 1)
  return (
    <section id={COMPOSER_ID} class="composer" aria-labelledby="composer-heading">
      <h2 id="composer-heading">Write a post</h2>
      <form class="stack" method="post" action="/posts/new" enctype="multipart/form-data" hx-boost="false" data-upload-progress={COMPOSER_ID} novalidate>
        <TextArea name="body" label="What’s new with your cats?" value={values.body} error={errors.body} hint={`Up to ${maxChars} characters.`} rows={3} maxlength={maxChars} />
        <details class="photo-slots" open={Boolean(photoProblem || values.alts?.some(Boolean))}>
          <summary>Add photos (up to {POST_PHOTOS_MAX})</summary>
          {errors.photos ? (
            <p class="form-error" role="alert" safe>
              {errors.photos}
            </p>
          ) : (
            ''
          )}
          {slots.map((slot) => (
            <fieldset class="photo-slot">
              <legend safe>{`Photo ${slot}`}</legend>
              <PhotoField name={`photo${slot}`} label={`Photo ${slot}`} error={errors[`photo${slot}`]} maxBytes={maxBytes} />
              <Field
                name={`alt${slot}`}
                label={`Describe photo ${slot}`}
                value={values.alts?.[slot - 1]}
                error={errors[`alt${slot}`]}
                hint="For people who can’t see it. Required with a photo."
                maxlength={ALT_MAX}
              />
            </fieldset>
          ))}
        </details>
        {cats.length > 0 ? (
          <fieldset class="cat-tags">
            <legend>Tag your cats</legend>
            {errors.cats ? (
              <p class="error" role="alert" safe>
                {errors.cats}
              </p>
            ) : (
              ''
            )}
            {cats.map((cat) => (
              <label class="check">
                <input type="checkbox" name="cats" value={String(cat.id)} checked={values.catIds?.includes(cat.id)} /> <span safe>{cat.name}</span>
              </label>
            ))}
          </fieldset>
        ) : (
          ''
        )}
        <progress class="upload-progress" max="100" value="0" aria-label="Upload progress" hidden></progress>
        <p class="upload-status" role="status"></p>
        <button type="submit">Post</button>
      </form>
    </section>
  )
}
