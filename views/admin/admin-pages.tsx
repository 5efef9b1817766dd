import type { Viewer } from '@/features/accounts/viewer'
import { AUDIT_ACTIONS, isAuditAction, isSubjectKind, SUBJECT_KINDS, type AuditAction, type SubjectKind } from '@/features/admin/audit'
import type { AuditRow } from '@/features/admin/tables'
import { Choice } from '@views/components/choice'
import { Field } from '@views/components/field'

/** The back office's sections, for its start page. */
export function AdminHome({ viewer }: { viewer: Viewer }): JSX.Element {
  return (
    <>
      <h1>Back office</h1>
      <p class="muted" safe>
        {`Signed in as @${viewer.handle}, ${viewer.role}.`}
      </p>
      <ul class="list admin-sections">
        <li>
          <a href="/admin/reports">Reports</a> <span class="muted">what members flagged, the most trusted reports first</span>
        </li>
        <li>
          <a href="/admin/audit">Audit log</a> <span class="muted">every staff action: who, when, what and why</span>
        </li>
      </ul>
    </>
  )
}

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'flags.dismiss': 'Reports dismissed',
  'item.hide': 'Hidden',
  'item.restore': 'Restored',
  'role.change': 'Role changed',
  'member.suspend': 'Member suspended',
  'member.unsuspend': 'Member unsuspended',
  'member.revokeSessions': 'Sessions revoked',
  'member.delete': 'Account deleted',
}

export const SUBJECT_KIND_LABELS: Record<SubjectKind, string> = {
  member: 'Member',
  post: 'Post',
  comment: 'Comment',
  profile: 'Profile',
  report: 'Lost/found report',
  sighting: 'Sighting',
  memorial: 'Memorial',
  tribute: 'Tribute',
  message: 'Relay message',
  photo: 'Photo',
  flag: 'Flag',
}

/** The audit log's filters as typed, shown back in the form and kept by the pager. */
export interface AuditQuery {
  actor: string
  action: string
  kind: string
  subject: string
}

export interface AuditPageProps {
  query: AuditQuery
  unknownActor: boolean
  rows: AuditRow[]
  next: number | null
  /** Handles of the staff in `rows`, by id; an id missing here is an account since deleted. */
  handles: Map<string, string>
}

export function AuditPage({ query, unknownActor, rows, next, handles }: AuditPageProps): JSX.Element {
  const pager = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== ''))
  if (next !== null) pager.set('before', String(next))
  return (
    <>
      <p class="muted">
        <a href="/admin">Back office</a>
      </p>
      <h1>Audit log</h1>
      <form method="get" action="/admin/audit" class="filters" role="search" aria-label="Filter the audit log">
        <Field name="actor" label="Staff member (handle)" value={query.actor} error={unknownActor ? 'No account has that handle.' : undefined} />
        <Choice name="action" label="Action" options={AUDIT_ACTIONS} labels={AUDIT_ACTION_LABELS} value={query.action} emptyLabel="Any action" />
        <Choice name="kind" label="Kind of item" options={SUBJECT_KINDS} labels={SUBJECT_KIND_LABELS} value={query.kind} emptyLabel="Any kind" />
        <Field name="subject" label="Item id" value={query.subject} />
        <div class="form-actions">
          <button type="submit" class="secondary">
            Filter the log
          </button>
        </div>
      </form>
      {rows.length === 0 ? (
        <p class="muted">No entries match.</p>
      ) : (
        <div class="table-scroll">
          <table class="data-table">
            <caption class="visually-hidden">Staff actions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Item</th>
                <th scope="col">Before → after</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <AuditRowView row={row} handle={row.actor_id ? (handles.get(row.actor_id) ?? null) : null} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next !== null && (
        <p class="pager">
          <a href={`/admin/audit?${pager}`}>Older entries</a>
        </p>
      )}
    </>
  )
}

function AuditRowView({ row, handle }: { row: AuditRow; handle: string | null }): JSX.Element {
  const who = row.actor_id === null ? 'the command line' : handle ? `@${handle}` : `deleted account ${row.actor_id.slice(0, 8)}`
  const action = isAuditAction(row.action) ? AUDIT_ACTION_LABELS[row.action] : row.action
  const kind = isSubjectKind(row.subject_kind) ? SUBJECT_KIND_LABELS[row.subject_kind] : row.subject_kind
  return (
    <tr>
      <td>
        <time datetime={row.at.toISOString()} safe>
          {row.at.toISOString().slice(0, 16).replace('T', ' ')}
        </time>
      </td>
      <td safe>{who}</td>
      <td safe>{action}</td>
      <td>
        <span safe>{kind}</span> <code safe>{row.subject_id}</code>
      </td>
      <td safe>{row.before_state === null && row.after_state === null ? '' : `${row.before_state ?? '–'} → ${row.after_state ?? '–'}`}</td>
      <td safe>{row.reason}</td>
    </tr>
  )
}
