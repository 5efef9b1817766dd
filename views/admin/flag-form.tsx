import { FLAG_REASONS, NOTE_MAX, type FlagField, type FlagKind, type FlagReason } from '@/features/admin/flags'
import type { FieldErrors } from '@/shared/result'
import { OptionGroup } from '@views/components/choice'
import { FLAG_KIND_NAMES } from '@views/components/flag-link'
import { TextArea } from '@views/components/text-area'

export const FLAG_REASON_LABELS: Record<FlagReason, string> = {
  spam: 'Spam',
  scam: 'Scam or fraud',
  abuse: 'Abuse or harassment',
  off_topic: 'Not about a cat',
  private_info: 'Private information',
  other: 'Something else (say what below)',
}

export interface FlagFormProps {
  kind: FlagKind
  id: string
  /** Where the item is seen, to go back to. */
  url: string
  values: { reason: string; note: string }
  errors: FieldErrors<FlagField>
}

export function FlagFormPage(props: FlagFormProps): JSX.Element {
  return (
    <>
      <h1 safe>{`Report a ${FLAG_KIND_NAMES[props.kind]}`}</h1>
      <p class="muted">
        Moderators read every report. The person you report is not told who reported them.{' '}
        <a href={props.url}>Back to what you are reporting</a>
      </p>
      <FlagForm {...props} />
    </>
  )
}

export function FlagForm({ kind, id, values, errors }: FlagFormProps): JSX.Element {
  return (
    <form id="flag-form" class="card" method="post" action="/flag" hx-post="/flag" hx-target="this" hx-swap="outerHTML">
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="id" value={id} />
      <OptionGroup name="reason" legend="What is wrong?" options={FLAG_REASONS} labels={FLAG_REASON_LABELS} checked={[values.reason]} type="radio" error={errors.reason} />
      <TextArea name="note" label="Anything a moderator should know (optional)" value={values.note} error={errors.note} maxlength={NOTE_MAX} rows={3} />
      <div class="form-actions">
        <button type="submit">Send the report</button>
      </div>
    </form>
  )
}

export function FlagThanks({ url }: { url: string }): JSX.Element {
  return (
    <div id="flag-form" class="flash" role="status">
      <p>
        Thank you. A moderator will look at it. <a href={url}>Go back</a>
      </p>
    </div>
  )
}

export function FlagSentPage({ url }: { url: string }): JSX.Element {
  return (
    <>
      <h1>Report sent</h1>
      <FlagThanks url={url} />
    </>
  )
}
