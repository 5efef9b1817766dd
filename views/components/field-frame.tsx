export interface FieldFrameProps {
  id: string
  label: string
  hint?: string | undefined
  error?: string | undefined
  children: JSX.Element
}

/**
 * What every labelled control shares (Field, TextArea, Choice): the label, the hint above the
 * control, and the error below it, with ids that `controlDescription` ties to the control.
 */
export function FieldFrame({ id, label, hint, error, children }: FieldFrameProps): JSX.Element {
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
      {children as 'safe'}
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

/** `aria-invalid` and `aria-describedby` for a control in a FieldFrame, so screen readers read the messages with it. */
export function controlDescription(id: string, hint: string | undefined, error: string | undefined) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return { 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': described || undefined }
}
