import { sql, type Kysely } from 'kysely'

/**
 * Single-use tokens sent by email (src/features/accounts/tokens.ts): a password reset, and later an
 * address to verify. Only the SHA-256 of a token is kept, as for sessions: the table (or a backup)
 * cannot be replayed as links. `email` is the address the link was sent to, where that matters.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_tokens')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('account_tokens_user_purpose').on('account_tokens').columns(['user_id', 'purpose']).execute()
  await db.schema.createIndex('account_tokens_expires_at').on('account_tokens').column('expires_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_tokens').execute()
}
