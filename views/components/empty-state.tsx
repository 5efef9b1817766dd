import { Icon } from '@views/components/icon'
import type { IconName } from '@views/components/icon-names'

export interface EmptyStateProps {
  icon: IconName
  title: string
  /** What to do next, in a sentence or two. */
  children: JSX.Element
  /** Links or buttons that do it. */
  actions?: JSX.Element
}

/** What a list says when it has nothing yet: what would be here, and what to do next. */
export function EmptyState({ icon, title, children, actions }: EmptyStateProps): JSX.Element {
  return (
    <div class="empty-state empty">
      <Icon name={icon} />
      <p class="empty-title" safe>
        {title}
      </p>
      <p>{children as 'safe'}</p>
      {actions ? <p class="actions">{actions as 'safe'}</p> : ''}
    </div>
  )
}
