import { controlDescription, FieldFrame } from '@views/components/field-frame'

export interface ChoiceProps<T extends string> {
  name: string
  label: string
  options: readonly T[]
  /** How each option reads. */
  labels: Record<T, string>
  value?: string
  error?: string | undefined
  hint?: string
  /** A first, empty option ("Any"), for filters. */
  emptyLabel?: string
}

/** A labelled `<select>` with its hint and error, like Field. */
export function Choice<T extends string>({ name, label, options, labels, value, error, hint, emptyLabel }: ChoiceProps<T>): JSX.Element {
  const id = `field-${name}`
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select id={id} name={name} {...controlDescription(id, hint, error)}>
        {emptyLabel !== undefined && (
          <option value="" safe>
            {emptyLabel}
          </option>
        )}
        {options.map((option) => (
          <option value={option} selected={option === value}>
            {labels[option] as 'safe'}
          </option>
        ))}
      </select>
    </FieldFrame>
  )
}

export interface OptionGroupProps<T extends string> {
  name: string
  legend: string
  options: readonly T[]
  labels: Record<T, string>
  /** Checked values: one for radio buttons, any number for checkboxes. */
  checked: readonly string[]
  type: 'radio' | 'checkbox'
  error?: string | undefined
  hint?: string
  /** Shown as a row of pills (short options), not a column. */
  pills?: boolean
}

/** Radio buttons or checkboxes in a fieldset whose legend names them. */
export function OptionGroup<T extends string>({ name, legend, options, labels, checked, type, error, hint, pills = false }: OptionGroupProps<T>): JSX.Element {
  const id = `field-${name}`
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return (
    <fieldset class={pills ? 'field option-group pills' : 'field option-group'} aria-describedby={described || undefined}>
      <legend safe>{legend}</legend>
      {hint ? (
        <span class="hint" id={`${id}-hint`} safe>
          {hint}
        </span>
      ) : (
        ''
      )}
      {options.map((option) => (
        <label class="option">
          <input type={type} name={name} value={option} checked={checked.includes(option)} aria-invalid={error ? 'true' : undefined} />{' '}
          <span>{labels[option] as 'safe'}</span>
        </label>
      ))}
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
