import type { FlagKind } from '@/features/admin/flags'

export const FLAG_KIND_NAMES: Record<FlagKind, string> = {
  post: 'post',
  comment: 'comment',
  profile: 'profile',
  report: 'lost/found report',
  sighting: 'sighting',
  memorial: 'memorial',
  tribute: 'tribute',
}

/** The address of the "Report" page for an item: every view links there, with or without JavaScript. */
export const flagUrl = (kind: FlagKind, id: string | number): string => `/flag?kind=${kind}&id=${encodeURIComponent(String(id))}`

/** The small "Report" link beside an item. */
export function FlagLink({ kind, id, label }: { kind: FlagKind; id: string | number; label?: string }): JSX.Element {
  return (
    <a class="flag-link" href={flagUrl(kind, id)} rel="nofollow" safe>
      {label ?? `Report this ${FLAG_KIND_NAMES[kind]}`}
    </a>
  )
}
