import { Field } from '@views/components/field'

export interface PhotoFieldProps {
  name: string
  label: string
  error?: string | undefined
  /** The largest file the server takes (MEDIA_MAX_BYTES), named in the hint. */
  maxBytes: number
  /** Optional photos say so first; required ones are checked by the browser too. */
  required?: boolean
  /** The refused form carried a photo that is not kept: the member must choose it again. */
  dropped?: boolean
}

/**
 * Next to a photo field on a form refused for another answer: a browser never shows a chosen file
 * again, and the refused form kept none, so without this the photo would vanish without a word.
 */
export const PHOTO_AGAIN = 'Please choose the photo again: it was not kept when the form came back.'

/** A photo picker with the hint every upload form gives: what we take, and how big. */
export function PhotoField({ name, label, error, maxBytes, required = false, dropped = false }: PhotoFieldProps): JSX.Element {
  const megabytes = Math.floor(maxBytes / (1024 * 1024))
  const hint = `${dropped ? `${PHOTO_AGAIN} ` : ''}${required ? '' : 'Optional. '}A JPEG, PNG, WebP or AVIF photo, up to ${megabytes} MB.`
  return <Field name={name} label={label} type="file" accept="image/*" error={error} hint={hint} required={required} />
}
