import { sql, type Kysely } from 'kysely'

/**
 * The back office's audit log (issue 20): every staff action, append-only at the database. Rows
 * hold opaque ids (of the member who acted, of the content acted on), never copies of content or
 * personal data, so they may outlive a deleted account: no foreign key to users.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz(3) not null default now(),
      actor_id uuid,
      action text not null,
      subject_kind text not null,
      subject_id text not null,
      before_state text,
      after_state text,
      reason text not null default ''
    )`.execute(db)
  await sql`create index audit_log_by_actor on audit_log (actor_id, id)`.execute(db)
  await sql`create index audit_log_by_subject on audit_log (subject_kind, subject_id, id)`.execute(db)
  await sql`create index audit_log_by_action on audit_log (action, id)`.execute(db)
  // Nothing may change or remove a row once written, whoever connects: UPDATE, DELETE and TRUNCATE fail.
  await sql`
    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db)
  await sql`create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_refuse_change()`.execute(db)
  await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_refuse_change()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_log`.execute(db)
  await sql`drop function audit_log_refuse_change()`.execute(db)
}
