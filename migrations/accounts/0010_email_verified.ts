import { sql, type Kysely } from 'kysely'

/**
 * When a member confirmed their email address (a link by email), or null until they do. Accounts
 * that exist before this migration count as confirmed: the default fills them with now(), then goes,
 * so that new sign-ups start unconfirmed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column email_verified_at timestamptz default now()`.execute(db)
  await sql`alter table users alter column email_verified_at drop default`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop column email_verified_at`.execute(db)
}
