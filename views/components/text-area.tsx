import { controlDescription, FieldFrame } from '@views/components/field-frame'

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
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea id={id} name={name} rows={String(rows)} maxlength={maxlength} required={required} {...controlDescription(id, hint, error)} safe>
        {value}
      </textarea>
    </FieldFrame>
  )
}
