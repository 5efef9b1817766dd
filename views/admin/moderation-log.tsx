import { isFlagKind } from '@/features/admin/flags'
import type { AuditRow } from '@/features/admin/tables'
import { FLAG_KIND_NAMES } from '@views/components/flag-link'

const PUBLIC_ACTION_LABELS: Record<string, string> = { 'item.hide': 'Hidden', 'item.restore': 'Restored' }

/** /moderation: what moderators did, for everyone: date, action, kind of item, reason. Never who reported it, never the content. */
export function ModerationLogPage({ rows, next }: { rows: AuditRow[]; next: number | null }): JSX.Element {
  return (
    <>
      <h1>Moderation log</h1>
      <p class="muted">What moderators hid or restored, and why. Who reported it and what it said are never shown.</p>
      {rows.length === 0 ? (
        <p class="muted">Nothing yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="data-table">
            <caption class="visually-hidden">Moderation actions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date (UTC)</th>
                <th scope="col">Action</th>
                <th scope="col">Kind</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  <td>
                    <time datetime={row.at.toISOString()} safe>
                      {row.at.toISOString().slice(0, 10)}
                    </time>
                  </td>
                  <td safe>{PUBLIC_ACTION_LABELS[row.action] ?? row.action}</td>
                  <td safe>{isFlagKind(row.subject_kind) ? FLAG_KIND_NAMES[row.subject_kind] : row.subject_kind}</td>
                  <td safe>{row.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next !== null && (
        <p class="pager">
          <a href={`/moderation?before=${next}`}>Older entries</a>
        </p>
      )}
    </>
  )
}
