/**
 * Who lit a candle or flagged a tribute, without knowing who they are.
 *
 * A member is `user:<id>`. A signed-out visitor is a keyed hash (HMAC-SHA-256) of their address and
 * the day, under a random key made for that day and kept in the Store for two days only: enough to
 * give one candle per visitor per day on every instance, and afterwards nobody, us included, can
 * tell which address lit a candle (a plain hash of an IPv4 address is reversed in minutes by trying
 * them all). No address is ever stored.
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { Viewer } from '@/features/accounts/viewer'
import type { Store } from '@/infra/store/store'
import { utcDay } from '@/features/memorials/dates'

/** What a member's key starts with; a signed-out visitor's is `visitor:…`. */
export const MEMBER_KEY_PREFIX = 'user:'

/** A day's key outlives its day by a day, for visitors whose requests straddle midnight UTC. */
const DAY_KEY_TTL_SECONDS = 2 * 24 * 60 * 60
/** 128 bits of the hash: no two visitors collide in practice, and the key stays short. */
const KEY_BYTES = 16

export function createVisitorKeys(store: Store) {
  // The day's key, once read: one Store round trip per instance per day instead of two per candle.
  let known: { day: string; key: string } | null = null

  async function dayKey(day: string): Promise<string> {
    if (known?.day === day) return known.key
    const storeKey = `memorials:visitor-key:${day}`
    // The first instance to ask makes the day's key; every other instance then reads that one.
    await store.setIfAbsent(storeKey, randomBytes(32).toString('base64url'), DAY_KEY_TTL_SECONDS)
    const key = await store.get(storeKey)
    if (!key) throw new Error(`the visitor key for ${day} vanished from the store`)
    known = { day, key }
    return key
  }

  return {
    /** The key a candle or flag is stored under: the member, or the address on that day. */
    async keyFor(viewer: Viewer | null, address: string, now = new Date()): Promise<string> {
      if (viewer) return `${MEMBER_KEY_PREFIX}${viewer.id}`
      const day = utcDay(now)
      const hash = createHmac('sha256', await dayKey(day)).update(`${day} ${address}`).digest().subarray(0, KEY_BYTES)
      return `visitor:${hash.toString('base64url')}`
    },
  }
}

export type VisitorKeys = ReturnType<typeof createVisitorKeys>
