import type { MediaPicture } from '@/features/media/service'
import { Picture } from '@views/components/picture'

export interface AvatarProps {
  handle: string
  displayName: string
  picture: MediaPicture | null
  /** `small` (32 px: beside names), the default 40 px, `large` (96 px: the profile). */
  size?: 'small' | 'large'
  /** The page's main image (a profile's photo). */
  priority?: boolean
}

const SIZES = { small: '32px', medium: '40px', large: '96px' }
/** How many colours a default avatar can take (.hue-0 … .hue-11 in static/app.css). */
const HUES = 12

/**
 * A member's photo, or, when they have none, their initials on a colour that comes from their
 * handle: the same member always looks the same, and no one is a blank circle. Decoration beside
 * the name it goes with (`alt=""`, `aria-hidden`).
 */
export function Avatar({ handle, displayName, picture, size, priority = false }: AvatarProps): JSX.Element {
  const sizeClass = size ? `avatar avatar-${size}` : 'avatar'
  if (picture) return <Picture picture={picture} sizes={SIZES[size ?? 'medium']} class={sizeClass} alt="" priority={priority} />
  return (
    <span class={`${sizeClass} avatar-initials hue-${hueOf(handle)}`} aria-hidden="true" safe>
      {initials(displayName, handle)}
    </span>
  )
}

/** A stable colour index from the handle (FNV-1a), so a renamed member keeps their colour. */
export function hueOf(handle: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < handle.length; i++) hash = Math.imul(hash ^ handle.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % HUES
}

/** "Amara Okafor" → "AO", "amara_whiskers" → "A": one or two letters of the name. */
export function initials(displayName: string, handle: string): string {
  const words = (displayName.trim() || handle).split(/[\s_.-]+/).filter(Boolean)
  const letters = words.length > 1 && displayName.trim().includes(' ') ? [words[0]!, words.at(-1)!] : [words[0] ?? handle]
  return letters.map((word) => Array.from(word)[0] ?? '').join('')
}
