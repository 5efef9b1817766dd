import { Icon } from '@views/components/icon'
import type { IconName } from '@views/components/icon-names'

/** A link that looks like a button, with its icon before the words that say where it goes. */
export function ButtonLink({ href, icon, secondary = false, children }: { href: string; icon: IconName; secondary?: boolean; children: JSX.Element }): JSX.Element {
  return (
    <a class={secondary ? 'button secondary' : 'button'} href={href}>
      <Icon name={icon} />
      {children as 'safe'}
    </a>
  )
}
