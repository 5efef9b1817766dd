/**
 * Sessions: the only module that knows about lucia. Lucia 3 is no longer developed upstream; keeping
 * it behind `createSessions` means it can be swapped for the upstream's copy-in session code without
 * touching a caller.
 *
 * The browser holds a random session id; the table keeps only its SHA-256, so a leaked table (or
 * backup) cannot be replayed as cookies.
 *
 * Every signed-in request resumes a session, so the resolved viewer is kept in the Store for a short
 * while, under the same hash (never the raw id). Ending a session or changing what a viewer shows
 * marks the keys changed (`markChanged`) in the shared Store, so it takes effect at once on every
 * instance rather than after the cache time.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia'
import type { Config } from '@/config'
import type { Role } from '@/features/accounts/tables'
import type { Viewer } from '@/features/accounts/viewer'
import { CHANGED_MARK, markChanged, nearKey, type Store } from '@/infra/store/store'
import type { AccountsDomain } from '@/schema'
import { cacheCounter } from '@/infra/metrics'

const sessionLookups = cacheCounter('sessions')

export const SESSION_COOKIE = 'nl_session'

/**
 * How long a resolved session stays in the Store. Sign-out and changes to the viewer invalidate it
 * explicitly, so this only bounds how long a missed invalidation could last; a minute already turns
 * a busy reader's per-page session query into one a minute.
 */
export const SESSION_CACHE_SECONDS = 60

export interface Sessions {
  /** Starts a session and returns its Set-Cookie header value. */
  start(userId: string): Promise<string>
  /** The viewer behind a Cookie header, and a refreshed cookie when the session was extended. */
  resume(cookieHeader: string | null): Promise<{ viewer: Viewer; sessionId: string; refreshCookie: string | null } | null>
  /** Ends one session; returns the Set-Cookie value that clears the cookie. */
  end(sessionId: string): Promise<string>
  /** Ends every session of a user ("sign out everywhere"); returns the clearing Set-Cookie value. */
  endAll(userId: string): Promise<string>
  /** Deletes sessions past their expiry (a daily job): they can no longer be resumed anyway. */
  purgeExpired(): Promise<void>
  /** Drops the cached viewer of every session of a user, after their role, name or photo changed. */
  forgetViewer(userId: string): Promise<void>
}

/** A resumed session as the Store keeps it; `expiresAt` in epoch ms. */
interface CachedSession {
  viewer: Viewer
  expiresAt: number
}

interface UserAttributes {
  handle: string
  display_name: string
  role: Role
  avatar_media_id: string | null
  email_verified_at: Date | null
}

declare module 'lucia' {
  interface Register {
    Lucia: Lucia<Record<never, never>, UserAttributes>
    DatabaseUserAttributes: UserAttributes
  }
}

export function createSessions(
  db: Kysely<AccountsDomain>,
  store: Store,
  config: Pick<Config, 'publicUrl' | 'sessionDays'>,
): Sessions {
  const sessionExpiresIn = new TimeSpan(config.sessionDays, 'd')
  const adapter = hashedSessionAdapter(db)
  const lucia = new Lucia(adapter, {
    sessionExpiresIn,
    sessionCookie: {
      name: SESSION_COOKIE,
      attributes: { sameSite: 'lax', secure: config.publicUrl.protocol === 'https:' },
    },
    getUserAttributes: (attributes) => attributes,
  })
  const blank = () => lucia.createBlankSessionCookie().serialize()

  /** When lucia extends a session (validateSession): once it is in the second half of its life. */
  const refreshDueAt = (expiresAt: number) => expiresAt - sessionExpiresIn.milliseconds() / 2

  /** Marks the cached viewers of all a user's sessions changed; getUserSessions hands back hashes. */
  async function markUserSessionsChanged(userId: string): Promise<void> {
    const sessions = await adapter.getUserSessions(userId)
    await markChanged(store, sessions.map((session) => cacheKey(session.id)), SESSION_CACHE_SECONDS)
  }

  async function cachedSession(key: string): Promise<CachedSession | null> {
    const raw = await store.getNear(key)
    // Cast: JSON.parse is untyped; this key holds only what cacheSession wrote from a CachedSession.
    const cached = raw === null || raw === CHANGED_MARK ? null : (JSON.parse(raw) as CachedSession)
    // Due for extension: lucia must extend it and send the refreshed cookie.
    const usable = cached !== null && Date.now() < refreshDueAt(cached.expiresAt) ? cached : null
    sessionLookups(usable !== null)
    return usable
  }

  /**
   * Caches a session until it is due for extension at the latest, so a cached session is never one
   * lucia would have extended. `setIfAbsent`: a change marked meanwhile must win over this older read.
   */
  async function cacheSession(key: string, cached: CachedSession): Promise<void> {
    const secondsUntilDue = Math.floor((refreshDueAt(cached.expiresAt) - Date.now()) / 1000)
    const ttlSeconds = Math.min(SESSION_CACHE_SECONDS, secondsUntilDue)
    if (ttlSeconds > 0) await store.setIfAbsent(key, JSON.stringify(cached), ttlSeconds)
  }

  return {
    async start(userId) {
      const session = await lucia.createSession(userId, {})
      return lucia.createSessionCookie(session.id).serialize()
    },
    async resume(cookieHeader) {
      const sessionId = lucia.readSessionCookie(cookieHeader ?? '')
      if (!sessionId) return null
      const key = cacheKey(hashId(sessionId))
      const cached = await cachedSession(key)
      if (cached) return { viewer: cached.viewer, sessionId, refreshCookie: null }
      const { session, user } = await lucia.validateSession(sessionId)
      if (!session) return null
      const viewer: Viewer = {
        id: user.id,
        handle: user.handle,
        displayName: user.display_name,
        role: user.role,
        avatarMediaId: user.avatar_media_id,
        emailVerified: user.email_verified_at !== null,
      }
      await cacheSession(key, { viewer, expiresAt: session.expiresAt.getTime() })
      return { viewer, sessionId, refreshCookie: session.fresh ? lucia.createSessionCookie(session.id).serialize() : null }
    },
    // Mark before deleting rows: a request between the two still reads the (live) row, and after
    // the deletion nothing can cache the session again.
    async end(sessionId) {
      await markChanged(store, [cacheKey(hashId(sessionId))], SESSION_CACHE_SECONDS)
      await lucia.invalidateSession(sessionId)
      return blank()
    },
    async endAll(userId) {
      await markUserSessionsChanged(userId)
      // Deleted here rather than through lucia, to learn every row that went: a session started
      // between the marking above and this deletion gets its mark too.
      const deleted = await db.deleteFrom('sessions').where('user_id', '=', userId).returning('id_hash').execute()
      await markChanged(store, deleted.map((row) => cacheKey(row.id_hash)), SESSION_CACHE_SECONDS)
      return blank()
    },
    purgeExpired: () => lucia.deleteExpiredSessions(),
    forgetViewer: markUserSessionsChanged,
  }
}

const hashId = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex')
const cacheKey = (idHash: string) => nearKey(`session:${idHash}`)

/** Lucia's adapter over our `sessions` table, storing and looking up hashed ids only. */
function hashedSessionAdapter(db: Kysely<AccountsDomain>): Adapter {
  const toDatabaseSession = (row: { id: string; user_id: string; expires_at: Date }): DatabaseSession => ({
    id: row.id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    attributes: {},
  })
  return {
    async getSessionAndUser(sessionId) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.user_id',
          'sessions.expires_at',
          'users.handle',
          'users.display_name',
          'users.role',
          'users.avatar_media_id',
          'users.email_verified_at',
        ])
        .where('sessions.id_hash', '=', hashId(sessionId))
        .executeTakeFirst()
      if (!row) return [null, null]
      const user: DatabaseUser = {
        id: row.user_id,
        attributes: { handle: row.handle, display_name: row.display_name, role: row.role, avatar_media_id: row.avatar_media_id, email_verified_at: row.email_verified_at },
      }
      return [toDatabaseSession({ id: sessionId, user_id: row.user_id, expires_at: row.expires_at }), user]
    },
    async getUserSessions(userId) {
      // Only hashes are stored, so the ids handed back are hashes: callers here never use them as cookies.
      const rows = await db.selectFrom('sessions').select(['id_hash', 'user_id', 'expires_at']).where('user_id', '=', userId).execute()
      return rows.map((row) => toDatabaseSession({ id: row.id_hash, user_id: row.user_id, expires_at: row.expires_at }))
    },
    async setSession(session) {
      await db
        .insertInto('sessions')
        .values({ id_hash: hashId(session.id), user_id: session.userId, expires_at: session.expiresAt })
        .execute()
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id_hash', '=', hashId(sessionId)).execute()
    },
    async deleteSession(sessionId) {
      await db.deleteFrom('sessions').where('id_hash', '=', hashId(sessionId)).execute()
    },
    async deleteUserSessions(userId) {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute()
    },
    async deleteExpiredSessions() {
      await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).execute()
    },
  }
}
