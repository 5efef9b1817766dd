/**
 * Sessions: the only module that knows about lucia. Lucia 3 is no longer developed upstream; keeping
 * it behind `createSessions` means it can be swapped for the upstream's copy-in session code without
 * touching a caller.
 *
 * The browser holds a random session id; the table keeps only its SHA-256, so a leaked table (or
 * backup) cannot be replayed as cookies.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia'
import type { Config } from '@/config'
import type { Role } from '@/features/accounts/tables'
import type { Viewer } from '@/features/accounts/viewer'
import type { AccountsDomain } from '@/schema'

export const SESSION_COOKIE = 'nl_session'

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
}

interface UserAttributes {
  handle: string
  display_name: string
  role: Role
  avatar_media_id: string | null
}

declare module 'lucia' {
  interface Register {
    Lucia: Lucia<Record<never, never>, UserAttributes>
    DatabaseUserAttributes: UserAttributes
  }
}

export function createSessions(db: Kysely<AccountsDomain>, config: Pick<Config, 'publicUrl' | 'sessionDays'>): Sessions {
  const lucia = new Lucia(hashedSessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(config.sessionDays, 'd'),
    sessionCookie: {
      name: SESSION_COOKIE,
      attributes: { sameSite: 'lax', secure: config.publicUrl.protocol === 'https:' },
    },
    getUserAttributes: (attributes) => attributes,
  })
  const blank = () => lucia.createBlankSessionCookie().serialize()

  return {
    async start(userId) {
      const session = await lucia.createSession(userId, {})
      return lucia.createSessionCookie(session.id).serialize()
    },
    async resume(cookieHeader) {
      const sessionId = lucia.readSessionCookie(cookieHeader ?? '')
      if (!sessionId) return null
      const { session, user } = await lucia.validateSession(sessionId)
      if (!session) return null
      const viewer: Viewer = {
        id: user.id,
        handle: user.handle,
        displayName: user.display_name,
        role: user.role,
        avatarMediaId: user.avatar_media_id,
      }
      return { viewer, sessionId, refreshCookie: session.fresh ? lucia.createSessionCookie(session.id).serialize() : null }
    },
    async end(sessionId) {
      await lucia.invalidateSession(sessionId)
      return blank()
    },
    async endAll(userId) {
      await lucia.invalidateUserSessions(userId)
      return blank()
    },
    purgeExpired: () => lucia.deleteExpiredSessions(),
  }
}

const hashId = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex')

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
        ])
        .where('sessions.id_hash', '=', hashId(sessionId))
        .executeTakeFirst()
      if (!row) return [null, null]
      const user: DatabaseUser = {
        id: row.user_id,
        attributes: { handle: row.handle, display_name: row.display_name, role: row.role, avatar_media_id: row.avatar_media_id },
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
