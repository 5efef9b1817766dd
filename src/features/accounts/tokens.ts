/**
 * Single-use tokens that travel in links by email (a password reset; later an address to verify).
 * A token is 32 random bytes; only its SHA-256 is stored, so the table cannot be turned back into
 * links. A link's GET only looks (`check`); the page's POST uses the token up (`consume`), in the
 * caller's transaction, so a mail scanner that opens links never spends one.
 */
import { createHash, randomBytes } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { TokenPurpose } from '@/features/accounts/tables'
import type { AccountsDomain } from '@/schema'

/** What a link's token turned out to be. */
export type TokenState =
  | { ok: true; userId: string; email: string | null }
  | { ok: false; problem: 'unknown' | 'used' | 'expired' }

/** 32 bytes in base64url: 43 characters, nothing else. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export function createAccountTokens(db: Kysely<AccountsDomain>) {
  /** Why a token that could not be used was refused: never seen, already used, or too old. */
  async function problemWith(executor: Kysely<AccountsDomain>, token: string, purpose: TokenPurpose): Promise<TokenState> {
    if (!TOKEN_SHAPE.test(token)) return { ok: false, problem: 'unknown' }
    const row = await executor
      .selectFrom('account_tokens')
      .select(['user_id', 'email', 'used_at', sql<boolean>`expires_at <= now()`.as('expired')])
      .where('id_hash', '=', hashToken(token))
      .where('purpose', '=', purpose)
      .executeTakeFirst()
    if (!row) return { ok: false, problem: 'unknown' }
    if (row.used_at) return { ok: false, problem: 'used' }
    if (row.expired) return { ok: false, problem: 'expired' }
    return { ok: true, userId: row.user_id, email: row.email }
  }

  return {
    /** A new token for `userId`, valid for `ttlSeconds`; returns the token for the link (it is not stored). */
    async issue(userId: string, purpose: TokenPurpose, ttlSeconds: number, email: string | null = null): Promise<string> {
      const token = randomBytes(32).toString('base64url')
      await db
        .insertInto('account_tokens')
        .values({ id_hash: hashToken(token), user_id: userId, purpose, email, expires_at: sql<Date>`now() + make_interval(secs => ${ttlSeconds})` })
        .execute()
      return token
    },

    /** Whether a link's token could still be used, without using it (the GET of the link's page). */
    check: (token: string, purpose: TokenPurpose) => problemWith(db, token, purpose),

    /**
     * Uses the token up inside `trx`, or says why not. Two requests racing with one token: the
     * conditional update lets exactly one through.
     */
    async consume(trx: Transaction<AccountsDomain>, token: string, purpose: TokenPurpose): Promise<TokenState> {
      if (!TOKEN_SHAPE.test(token)) return { ok: false, problem: 'unknown' }
      const used = await trx
        .updateTable('account_tokens')
        .set({ used_at: sql<Date>`now()` })
        .where('id_hash', '=', hashToken(token))
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where(sql<boolean>`expires_at > now()`)
        .returning(['user_id', 'email'])
        .executeTakeFirst()
      return used ? { ok: true, userId: used.user_id, email: used.email } : problemWith(trx, token, purpose)
    },

    /** Drops a member's unused tokens for `purpose` (after a reset, the other reset links die with it). */
    async dropUnused(executor: Kysely<AccountsDomain>, userId: string, purpose: TokenPurpose): Promise<void> {
      await executor.deleteFrom('account_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute()
    },

    /** Deletes tokens that expired more than a day ago (the daily clean-up); used ones are kept that long too. */
    async purgeExpired(): Promise<void> {
      await db.deleteFrom('account_tokens').where(sql<boolean>`expires_at < now() - interval '1 day'`).execute()
    },
  }
}

export type AccountTokens = ReturnType<typeof createAccountTokens>
