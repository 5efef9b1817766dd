import { assetUrl } from '@/http/assets'
import type { IconName } from '@views/components/icon-names'

/**
 * An icon from the sprite (static/icons.svg), drawn in the text colour. Beside words it is
 * decoration (`aria-hidden`); standing alone it needs `label`, its accessible name.
 *
 * @example
 * <Icon name="heart" />                      // beside the word "Like"
 * <Icon name="bell" label="Notifications" />  // alone
 */
export function Icon({ name, label, class: extra }: { name: IconName; label?: string; class?: string }): JSX.Element {
  const className = extra ? `icon ${extra}` : 'icon'
  const href = `${assetUrl('icons.svg')}#${name}`
  return label ? (
    <svg class={className} role="img" aria-label={label} focusable="false">
      <use href={href} />
    </svg>
  ) : (
    <svg class={className} aria-hidden="true" focusable="false">
      <use href={href} />
    </svg>
  )
}
