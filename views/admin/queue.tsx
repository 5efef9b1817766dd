import type { HiddenItem } from '@/features/admin/audit'
import { isFlagKind, isFlagReason, type QueuedItem } from '@/features/admin/flags'
import { REASON_MAX } from '@/features/admin/moderation'
import { FLAG_KIND_NAMES } from '@views/components/flag-link'
import { FLAG_REASON_LABELS } from '@views/admin/flag-form'

export interface QueueItemView extends QueuedItem {
  /** Where the item is seen, or null when it is gone (deleted, or hidden). */
  url: string | null
}

export interface QueuePageProps {
  items: QueueItemView[]
  hidden: HiddenItem[]
  /** The item whose form was refused, its message and what was typed. */
  refused?: { kind: string; id: string; reason: string; message: string } | undefined
  done?: string | undefined
}

const kindName = (kind: string) => (isFlagKind(kind) ? FLAG_KIND_NAMES[kind] : kind)
const reasonName = (reason: string) => (isFlagReason(reason) ? FLAG_REASON_LABELS[reason] : reason)

export function QueuePage({ items, hidden, refused, done }: QueuePageProps): JSX.Element {
  return (
    <>
      <p class="muted">
        <a href="/admin">Back office</a>
      </p>
      <h1>Reports</h1>
      {done ? (
        <p class="flash" role="status" safe>
          {done}
        </p>
      ) : (
        ''
      )}
      {refused ? (
        <p class="form-error" role="alert" safe>
          {refused.message}
        </p>
      ) : (
        ''
      )}
      {items.length === 0 ? (
        <p class="muted">Nothing is waiting. Thank you.</p>
      ) : (
        <ol class="list queue">
          {items.map((item) => (
            <li class="card queue-item" id={`item-${item.kind}-${item.itemId}`}>
              <p>
                <strong safe>{`${kindName(item.kind)} ${item.itemId}`}</strong>{' '}
                {item.url ? <a href={item.url}>Open it</a> : <span class="muted">gone</span>}
              </p>
              <p class="muted" safe>
                {`${item.flags} report${item.flags === 1 ? '' : 's'} · score ${item.score.toFixed(1)} · ${item.reasons.map(reasonName).join(', ')}`}
              </p>
              {item.notes.length > 0 ? (
                <ul class="queue-notes">
                  {item.notes.map((note) => (
                    <li safe>{note}</li>
                  ))}
                </ul>
              ) : (
                ''
              )}
              <ActionForm kind={item.kind} id={item.itemId} actions={['hide', 'dismiss']} refused={refused} />
            </li>
          ))}
        </ol>
      )}
      <h2>Hidden by moderators</h2>
      {hidden.length === 0 ? (
        <p class="muted">Nothing is hidden.</p>
      ) : (
        <ul class="list queue">
          {hidden.map((item) => (
            <li class="card queue-item" id={`hidden-${item.subjectKind}-${item.subjectId}`}>
              <p safe>{`${kindName(item.subjectKind)} ${item.subjectId}, hidden ${item.at.toISOString().slice(0, 10)}: ${item.reason}`}</p>
              <ActionForm kind={item.subjectKind} id={item.subjectId} actions={['restore']} refused={refused} />
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

const ACTION_LABELS = { hide: 'Hide it', dismiss: 'Dismiss the reports', restore: 'Restore it' } as const

function ActionForm({ kind, id, actions, refused }: { kind: string; id: string; actions: (keyof typeof ACTION_LABELS)[]; refused: QueuePageProps['refused'] }): JSX.Element {
  const fieldId = `reason-${actions[0]}-${kind}-${id}`
  const typed = refused && refused.kind === kind && refused.id === id ? refused.reason : ''
  return (
    <form method="post" action="/admin/reports" class="stack">
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="id" value={id} />
      <div class="field">
        <label for={fieldId}>Reason (the author is told it)</label>
        <input id={fieldId} name="reason" required maxlength={REASON_MAX} value={typed} />
      </div>
      <div class="form-actions">
        {actions.map((action) => (
          <button type="submit" name="action" value={action} class={action === 'dismiss' ? 'secondary' : undefined}>
            {ACTION_LABELS[action]}
          </button>
        ))}
      </div>
    </form>
  )
}
