import { Field } from '@views/components/field'

export interface PhotoFieldProps {
  name: string
  label: string
  error?: string | undefined
  /** The largest file the server takes (MEDIA_MAX_BYTES), named in the hint. */
  maxBytes: number
  /** Optional photos say so first; required ones are checked by the browser too. */
  required?: boolean
}

/** A photo picker with the hint every upload form gives: what we take, and how big. */
export function PhotoField({ name, label, error, maxBytes, required = false }: PhotoFieldProps): JSX.Element {
  const megabytes = Math.floor(maxBytes / (1024 * 1024))
  const hint = `${required ? '' : 'Optional. '}A JPEG, PNG, WebP or AVIF photo, up to ${megabytes} MB.`
  return <Field name={name} label={label} type="file" accept="image/*" error={error} hint={hint} required={required} />
}
