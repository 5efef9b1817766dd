/**
 * Memorial addresses: `/memorials/<slug>`, the slug made from the cat's name so that it reads well
 * when shared ("/memorials/mrs-biscuit"). Never one of our own words (`new`, `edit`, … shared with
 * handles in src/features/accounts/reserved-names.ts), never one another memorial has or had.
 */
import { RESERVED_NAMES } from '@/features/accounts/reserved-names'

/** Long enough for any name people give a cat; short enough to share. */
export const SLUG_MAX = 60
/** When a name has no letters we can spell in an address (e.g. only emoji or another script). */
const FALLBACK_SLUG = 'cat'
const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/

/** `"Mrs. Biscuit O'Malley"` → `"mrs-biscuit-omalley"`; `"Zoë"` → `"zoe"`. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents, split off by NFKD
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '')
  return slug || FALLBACK_SLUG
}

/** True for words that are our own URLs or roles (shared with handles). */
function isReservedSlug(slug: string): boolean {
  return RESERVED_NAMES.has(slug) || RESERVED_NAMES.has(slug.replace(/-/g, '_'))
}

/**
 * The candidates for a name in order: the slug itself, then `-2`, `-3`, …; a reserved slug is
 * never offered, so "New" becomes `new-2`.
 */
export function* slugCandidates(name: string): Generator<string> {
  const base = slugFromName(name)
  if (!isReservedSlug(base)) yield base
  for (let n = 2; ; n++) yield `${base.slice(0, SLUG_MAX - String(n).length - 1)}-${n}`
}

/** True when `text` could be a memorial slug at all (checked before any look-up). */
export function looksLikeSlug(text: string): boolean {
  return text.length <= SLUG_MAX + 8 && SLUG_PATTERN.test(text)
}
