import { sql, type Kysely } from 'kysely'

/**
 * Members' flags on anything of any domain (issue 20): one table in the accounts domain keyed by
 * (domain, kind, item id), the item named by its opaque id. One open flag per member and item.
 * `reporter_key` keeps a signed-out visitor's tribute flag (copied from the memorials domain),
 * which is only counted: such rows have no reporter_id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table flags (
      id bigint generated always as identity primary key,
      domain text not null check (domain in ('accounts', 'social', 'finder', 'memorials')),
      kind text not null,
      item_id text not null,
      reporter_id uuid references users (id) on delete set null,
      reporter_key text,
      reason text not null check (reason in ('spam', 'scam', 'abuse', 'off_topic', 'private_info', 'other')),
      note text not null default '',
      status text not null default 'open' check (status in ('open', 'upheld', 'dismissed')),
      created_at timestamptz(3) not null default now(),
      resolved_at timestamptz(3)
    )`.execute(db)
  await sql`create unique index flags_one_open on flags (reporter_id, kind, item_id) where status = 'open'`.execute(db)
  await sql`create unique index flags_by_key on flags (kind, item_id, reporter_key) where reporter_key is not null`.execute(db)
  await sql`create index flags_open_by_item on flags (kind, item_id) where status = 'open'`.execute(db)
  await sql`create index flags_by_reporter on flags (reporter_id, status)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table flags`.execute(db)
}
