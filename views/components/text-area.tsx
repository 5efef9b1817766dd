export interface TextAreaProps {
  name: string
  label: string
  value?: string
  error?: string | undefined
  hint?: string
  rows?: number
  maxlength?: number
  required?: boolean
  /** Overrides the id (`field-<name>`), for a page that shows the same form twice. */
  id?: string
}

/** Field's sibling for longer text: a labelled textarea with its hint and error (aria-describedby). */
export function TextArea({ name, label, value = '', error, hint, rows = 4, maxlength, required, id = `field-${name}` }: TextAreaProps): JSX.Element {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return (
    <div class="field">
      <label for={id} safe>
        {label}
      </label>
      {hint ? (
        <span class="hint" id={`${id}-hint`} safe>
          {hint}
        </span>
      ) : (
        ''
      )}
      <textarea
        id={id}
        name={name}
        rows={String(rows)}
        maxlength={maxlength}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described || undefined}
        safe
      >
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
