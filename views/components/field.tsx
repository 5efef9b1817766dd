import { controlDescription, FieldFrame } from '@views/components/field-frame'

export interface FieldProps {
  name: string
  label: string
  value?: string
  error?: string | undefined
  type?: 'text' | 'email' | 'password' | 'number' | 'date' | 'datetime-local' | 'url' | 'search' | 'file'
  /** For `type="file"`: what the picker offers, e.g. `image/*`. */
  accept?: string
  hint?: string
  required?: boolean
  autocomplete?: string
  maxlength?: number
  minlength?: number
}

/**
 * A labelled input with its hint and error, tied together with `aria-describedby` so that screen
 * readers read the message with the field.
 */
export function Field({ name, label, value, error, type = 'text', hint, required, autocomplete, maxlength, minlength, accept }: FieldProps): JSX.Element {
  const id = `field-${name}`
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={name}
        type={type}
        // A browser never shows a password or file value it is sent back, and must not be sent one.
        value={type === 'password' || type === 'file' ? undefined : value}
        accept={accept}
        required={required}
        autocomplete={autocomplete}
        maxlength={maxlength}
        minlength={minlength}
        {...controlDescription(id, hint, error)}
      />
    </FieldFrame>
  )
}
