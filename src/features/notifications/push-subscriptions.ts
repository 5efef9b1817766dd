/**
 * Push subscriptions (the browsers a member turned push on in) and which kinds of notification they
 * want pushed. A subscription is what the browser's `PushManager.subscribe` hands out: the push
 * service URL to post to, and the keys its messages are encrypted with (RFC 8291).
 */
import { createPublicKey } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Config } from '@/config'
import { checkEndpoint } from '@/features/notifications/push-endpoint'
import type { AccountsDomain } from '@/schema'
import type { Refused, Result } from '@/shared/result'

export interface SubscriptionInput {
  endpoint: unknown
  keys: unknown
}

/** What the sender needs to reach one browser. */
export interface PushTarget {
  id: number
  userId: string
  endpoint: string
  p256dh: string
  auth: string
}

export interface SubscribedBrowser {
  id: number
  label: string
  createdAt: Date
  lastSuccessAt: Date | null
}

/** The browser as subscribed, or why not: one message about the subscription the script sent. */
export type SubscribeResult = Result<SubscribedBrowser, 'subscription'>

/** The kinds of notification a member can have pushed; each maps to a column of notification_preferences. */
export const PUSH_PREFERENCES = ['alerts', 'reports', 'social', 'memorials'] as const
export type PushPreference = (typeof PUSH_PREFERENCES)[number]
export type PushPreferences = Record<PushPreference, boolean>

const PREFERENCE_COLUMNS = {
  alerts: 'push_alerts',
  reports: 'push_reports',
  social: 'push_social',
  memorials: 'push_memorials',
} as const satisfies Record<PushPreference, string>

/**
 * Which preference a notification kind falls under, or null for notes never pushed (a welcome).
 * Kinds are the ones features pass to `notify` (src/features/*): `finder.sighting`, `like`, …
 */
export function preferenceFor(kind: string): PushPreference | null {
  if (kind === 'finder.alert') return 'alerts'
  if (kind.startsWith('finder.')) return 'reports'
  if (kind === 'like' || kind === 'comment' || kind === 'follow' || kind === 'mention') return 'social'
  if (kind.startsWith('memorial.')) return 'memorials'
  return null
}

/** A member's browsers; more is a script, not a person (phone, tablet, two computers, a few browsers). */
export const MAX_BROWSERS = 20
/** A browser that failed this many sends in a row (besides 404/410, which remove it at once) is gone. */
export const MAX_FAILURES_IN_A_ROW = 10
/** RFC 8291: the browser's key is an uncompressed P-256 point, the auth secret 16 random bytes. */
const P256DH_BYTES = 65
const AUTH_BYTES = 16
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/

export function createPushSubscriptions(db: Kysely<AccountsDomain>, config: Pick<Config, 'push' | 'production'>) {
  return {
    /** Saves the browser's subscription for a member (taking it over if another member had it), or says what is wrong. */
    async subscribe(userId: string, input: SubscriptionInput, label: string): Promise<SubscribeResult> {
      const checked = checkSubscription(input, config)
      if (!checked.ok) return checked
      const { endpoint, p256dh, auth } = checked.value
      const count = await db
        .selectFrom('push_subscriptions')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('user_id', '=', userId)
        .where('endpoint', '<>', endpoint)
        .executeTakeFirstOrThrow()
      if (Number(count.count) >= MAX_BROWSERS) return refusedSubscription(`You have push turned on in ${MAX_BROWSERS} browsers; turn it off in one first.`)
      const values = { user_id: userId, p256dh, auth, label: label.slice(0, 100) || 'A browser', failure_count: 0 }
      const row = await db
        .insertInto('push_subscriptions')
        .values({ endpoint, ...values })
        .onConflict((conflict) => conflict.column('endpoint').doUpdateSet({ ...values, created_at: new Date(), last_success_at: null }))
        .returning(['id', 'label', 'created_at', 'last_success_at'])
        .executeTakeFirstOrThrow()
      return { ok: true, value: { id: row.id, label: row.label, createdAt: row.created_at, lastSuccessAt: row.last_success_at } }
    },

    async browsersOf(userId: string): Promise<SubscribedBrowser[]> {
      const rows = await db
        .selectFrom('push_subscriptions')
        .select(['id', 'label', 'created_at', 'last_success_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map((row) => ({ id: row.id, label: row.label, createdAt: row.created_at, lastSuccessAt: row.last_success_at }))
    },

    /** Turns push off in one of the member's browsers; false when it isn't theirs (or already gone). */
    async revoke(userId: string, id: number): Promise<boolean> {
      if (!Number.isSafeInteger(id)) return false
      const result = await db.deleteFrom('push_subscriptions').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    /** The browsers to push a notification of `kind` to: the member's, if they want that kind pushed. */
    async targetsFor(userId: string, preference: PushPreference): Promise<number[]> {
      const rows = await db
        .selectFrom('push_subscriptions as s')
        .leftJoin('notification_preferences as p', 'p.user_id', 's.user_id')
        .select('s.id')
        .where('s.user_id', '=', userId)
        .where(sql<boolean>`coalesce(${sql.ref(`p.${PREFERENCE_COLUMNS[preference]}`)}, true)`)
        .execute()
      return rows.map((row) => Number(row.id))
    },

    /** Subscriptions by id, in one query; removed ones are left out. */
    async targets(ids: readonly number[]): Promise<PushTarget[]> {
      if (ids.length === 0) return []
      const rows = await db
        .selectFrom('push_subscriptions')
        .select(['id', 'user_id', 'endpoint', 'p256dh', 'auth'])
        .where('id', 'in', [...ids])
        .execute()
      return rows.map((row) => ({ id: Number(row.id), userId: row.user_id, endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth }))
    },

    /** What a batch of sends taught us: who got it, whose push service refused, which browsers are gone. */
    async recordResults({ delivered, failed, gone }: { delivered: number[]; failed: number[]; gone: number[] }, now = new Date()): Promise<void> {
      if (delivered.length > 0) {
        await db.updateTable('push_subscriptions').set({ last_success_at: now, failure_count: 0 }).where('id', 'in', delivered).execute()
      }
      if (failed.length > 0) {
        await db.updateTable('push_subscriptions').set((eb) => ({ failure_count: eb('failure_count', '+', 1) })).where('id', 'in', failed).execute()
        await db.deleteFrom('push_subscriptions').where('id', 'in', failed).where('failure_count', '>=', MAX_FAILURES_IN_A_ROW).execute()
      }
      if (gone.length > 0) await db.deleteFrom('push_subscriptions').where('id', 'in', gone).execute()
    },

    async preferencesOf(userId: string): Promise<PushPreferences> {
      const row = await db.selectFrom('notification_preferences').selectAll().where('user_id', '=', userId).executeTakeFirst()
      return {
        alerts: row?.push_alerts ?? true,
        reports: row?.push_reports ?? true,
        social: row?.push_social ?? true,
        memorials: row?.push_memorials ?? true,
      }
    },

    async savePreferences(userId: string, wanted: readonly string[]): Promise<PushPreferences> {
      // Cast: Object.fromEntries gives string keys; PUSH_PREFERENCES.map put every preference in it.
      const preferences = Object.fromEntries(PUSH_PREFERENCES.map((preference) => [preference, wanted.includes(preference)])) as PushPreferences
      const values = {
        push_alerts: preferences.alerts,
        push_reports: preferences.reports,
        push_social: preferences.social,
        push_memorials: preferences.memorials,
        updated_at: new Date(),
      }
      await db
        .insertInto('notification_preferences')
        .values({ user_id: userId, ...values })
        .onConflict((conflict) => conflict.column('user_id').doUpdateSet(values))
        .execute()
      return preferences
    },
  }
}

export type PushSubscriptions = ReturnType<typeof createPushSubscriptions>

type CheckedSubscription = Result<{ endpoint: string; p256dh: string; auth: string }, 'subscription'>

function refusedSubscription(message: string): Refused<'subscription'> {
  return { ok: false, status: 422, errors: { subscription: message } }
}

/** A subscription as the browser's `PushSubscription.toJSON()` gives it: endpoint allowed, keys the right size. */
export function checkSubscription(input: SubscriptionInput, config: Pick<Config, 'push' | 'production'>): CheckedSubscription {
  if (typeof input.endpoint !== 'string') return refusedSubscription('The subscription has no endpoint.')
  const endpoint = checkEndpoint(input.endpoint, { serviceHosts: config.push.serviceHosts, production: config.production })
  if (!endpoint.ok) return endpoint
  // Cast: keys comes from JSON; base64urlBytes checks each one below.
  const keys = (input.keys ?? {}) as Record<string, unknown>
  const p256dh = base64urlBytes(keys.p256dh)
  if (!p256dh || p256dh.length !== P256DH_BYTES || !isP256Point(p256dh)) {
    return refusedSubscription(`The subscription's p256dh key must be a ${P256DH_BYTES}-byte P-256 public key in base64url.`)
  }
  const auth = base64urlBytes(keys.auth)
  if (!auth || auth.length !== AUTH_BYTES) return refusedSubscription(`The subscription's auth secret must be ${AUTH_BYTES} bytes in base64url.`)
  return { ok: true, value: { endpoint: endpoint.value.href, p256dh: p256dh.toString('base64url'), auth: auth.toString('base64url') } }
}

function base64urlBytes(value: unknown): Buffer | null {
  return typeof value === 'string' && BASE64URL.test(value) ? Buffer.from(value, 'base64url') : null
}

/** An uncompressed point (0x04, x, y) that lies on the curve: anything else would fail every send. */
function isP256Point(bytes: Buffer): boolean {
  if (bytes[0] !== 0x04) return false
  try {
    const x = bytes.subarray(1, 33).toString('base64url')
    const y = bytes.subarray(33, 65).toString('base64url')
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' })
    return true
  } catch {
    return false
  }
}

/** First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari". */
const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser/, 'Samsung Internet'],
  [/Firefox\/|FxiOS/, 'Firefox'],
  [/Chrome\/|CriOS|Chromium/, 'Chrome'],
  [/Safari\//, 'Safari'],
]
/** First match wins: Android says "Linux", iPhones say "Mac OS X". */
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
]

/** "Firefox on Android": enough for a member to tell their browsers apart in the settings list. */
export function browserLabel(userAgent: string | null): string {
  const ua = userAgent ?? ''
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? 'A browser'
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1]
  return system ? `${browser} on ${system}` : browser
}
