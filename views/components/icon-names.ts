/**
 * The icons the pages use, from lucide-static (ISC licence). Only these go into the sprite
 * (static/icons.svg, made by `bun scripts/build-assets.ts`): the whole set is 2,000 icons.
 * Adding a name here and re-running the script is all a new icon needs.
 */
export const ICON_NAMES = [
  'arrow-left',
  'bell',
  'calendar',
  'camera',
  'cat',
  'check',
  'chevron-down',
  'circle-alert',
  'circle-check',
  'clock',
  'compass',
  'flag',
  'flame',
  'flower-2',
  'heart',
  'house',
  'image-plus',
  'info',
  'link',
  'log-in',
  'log-out',
  'mail',
  'map-pin',
  'message-circle',
  'paw-print',
  'pencil',
  'plus',
  'printer',
  'search',
  'send',
  'settings',
  'share-2',
  'sparkles',
  'trash-2',
  'user',
  'user-plus',
  'users',
] as const

export type IconName = (typeof ICON_NAMES)[number]
