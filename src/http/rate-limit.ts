/**
 * Fixed-window rate limits on Store counters, keyed by what is counted: a client address, an
 * account, or something a visitor typed. Every key has a bounded size whatever was sent: addresses
 * are cut to the block one client holds, typed text is hashed, and accounts are our own ids.
 */
import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import type { Store } from '@/infra/store/store'
import { HttpError } from '@/http/errors'

export interface RateLimit {
  attempts: number
  windowSeconds: number
}

/** The longest key a limit may count under ("login:ip:" and a full IPv6 /64 fit with room). */
export const RATE_KEY_MAX = 100

/**
 * Counts one attempt under each key and throws a 429 when any is over its limit.
 *
 * Example: `await limitRate(store, [byAddress('login', ip), byAccount('login', user.id)], config.authRateLimit)`
 */
export async function limitRate(store: Store, keys: readonly string[], limit: RateLimit): Promise<void> {
  const tooLong = keys.find((key) => key.length > RATE_KEY_MAX)
  if (tooLong !== undefined) throw new Error(`a rate-limit key of ${tooLong.length} characters: build keys with byAddress, byAccount or byTyped`)
  const counts = await Promise.all(keys.map((key) => store.incr(`rate:${key}`, limit.windowSeconds)))
  if (counts.some((count) => count > limit.attempts)) {
    const minutes = Math.ceil(limit.windowSeconds / 60)
    throw new HttpError(429, `Too many attempts. Please wait up to ${minutes} minutes and try again.`, {
      'Retry-After': String(limit.windowSeconds),
    })
  }
}

/** The counter of `action` for a client address (see `addressBlock`). */
export const byAddress = (action: string, address: string) => `${action}:ip:${addressBlock(address)}`

/** The counter of `action` for an account, by its id (ours, so of a known size). */
export const byAccount = (action: string, accountId: string) => `${action}:account:${accountId}`

/** The counter of `action` for something a visitor typed (an email, a handle), however large. */
export const byTyped = (action: string, text: string) => `${action}:typed:${typedDigest(text)}`

/**
 * What the visitor meant, whatever the case, spacing or width of the letters they typed: the same
 * text counts as one. Only the first characters count, so hashing a 5 MB field costs nothing
 * (an email has at most 254; a longer text is refused by its form anyway).
 */
const TYPED_MAX = 320

/** SHA-256 of the normalised text, in 22 base64url characters (128 bits: no collisions in practice). */
export function typedDigest(text: string): string {
  const normalised = text.slice(0, TYPED_MAX).normalize('NFKC').trim().toLowerCase()
  return createHash('sha256').update(normalised).digest().subarray(0, 16).toString('base64url')
}

/**
 * The block of addresses one client holds: an IPv4 address, or the /64 of an IPv6 address (ISPs hand
 * a home or a phone a whole /64, so counting single IPv6 addresses would give one client 2^64 tries).
 * An IPv4 address mapped into IPv6 counts as IPv4. Anything that is no address (a forged
 * X-Forwarded-For) is hashed, so it too has a fixed size.
 */
export function addressBlock(address: string): string {
  const bare = address.replace(/%.*$/, '') // an IPv6 zone (`fe80::1%eth0`) names an interface, not a client
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1]
  if (mapped && isIP(mapped) === 4) return mapped
  const version = isIP(bare)
  if (version === 4) return bare
  if (version === 6) return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`
  return `typed:${typedDigest(address)}`
}

/** The eight 16-bit groups of a valid IPv6 address, in lowercase hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  // An embedded IPv4 tail (`::1.2.3.4`) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address)
  const hex = dotted
    ? address.slice(0, dotted.index) + [((+dotted[1]! << 8) | +dotted[2]!).toString(16), ((+dotted[3]! << 8) | +dotted[4]!).toString(16)].join(':')
    : address
  const [head = '', tail] = hex.split('::')
  const before = head ? head.split(':') : []
  const after = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - before.length - after.length }, () => '0')
  return [...before, ...zeros, ...after].map((group) => parseInt(group, 16).toString(16))
}
