/**
 * Transactional outboxes (issue 18, defect 2): the job that must follow a write (a post's fan-out, a
 * report's alerts) is written into an outbox table of the write's own domain, in the same
 * transaction as the write, so the write and its job are never half-done. After the commit the
 * entry is queued at once and deleted; when that fails (Redis away, or a command that timed out),
 * the entry stays, and the sweeper queues it once Redis is back.
 *
 * Each entry is queued with `enqueueOnce` under a key of its own (`outbox:<table>:<id>`), so an
 * entry queued after its write and again by the sweeper — or whose queueing timed out yet reached
 * Redis, as a timed-out command may — still runs once.
 *
 * @example
 * const entry = await db.transaction().execute(async (trx) => {
 *   const post = await insertPost(trx, …)
 *   return outbox.add(trx, 'feed.fanOut', { postId: post.id })
 * })
 * await outbox.send([entry])   // never throws for an unreachable store: the sweeper will send it
 */
import { sql, type Generated, type QueryExecutorProvider } from 'kysely'
import type { Logger } from '@/infra/log'
import type { JobTypes, Queue } from '@/infra/queue'
import { StoreUnavailable } from '@/infra/store/store'

/** Entries sent per sweep: a sweep runs every few seconds, and an outage leaves few behind. */
const SWEEP_BATCH = 500

/** An outbox table's columns (one table per domain that needs one; see its migration). */
export interface OutboxTable {
  id: Generated<number>
  job: string
  payload: unknown
  created_at: Generated<Date>
}

export interface OutboxEntry {
  id: number
  job: string
  payload: unknown
}

export interface Outbox<Types extends JobTypes> {
  /** Writes the job into the outbox inside the caller's transaction `trx`. */
  add<Type extends keyof Types & string>(trx: QueryExecutorProvider, job: Type, payload: Types[Type]): Promise<OutboxEntry>
  /** Queues committed entries and deletes them; an entry the store could not take stays for the sweeper. */
  send(entries: readonly OutboxEntry[]): Promise<void>
  /** Queues every entry left behind (oldest first, a batch at a time); returns how many were sent. */
  sweep(): Promise<number>
  /** Entries waiting (tests, the drills). */
  pending(): Promise<number>
}

export function createOutbox<Types extends JobTypes>({ db, table, queue, log }: { db: QueryExecutorProvider; table: string; queue: Queue<Types>; log: Logger }): Outbox<Types> {
  const tableRef = sql.table(table)
  const keyOf = (entry: OutboxEntry) => `outbox:${table}:${entry.id}`

  async function sendEach(entries: readonly OutboxEntry[]): Promise<number> {
    const sent: number[] = []
    try {
      for (const entry of entries) {
        // The entry's job type and payload were checked against `Types` when it was added.
        await queue.enqueueOnce(entry.job as keyof Types & string, entry.payload as Types[keyof Types & string], keyOf(entry))
        sent.push(entry.id)
      }
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error
      log.warn({ table, waiting: entries.length - sent.length }, 'outbox: the store is unavailable; the sweeper will queue the rest')
    } finally {
      if (sent.length > 0) await sql`delete from ${tableRef} where id = any(${sent}::bigint[])`.execute(db)
    }
    return sent.length
  }

  return {
    async add(trx, job, payload) {
      const { rows } = await sql<{ id: number }>`insert into ${tableRef} (job, payload) values (${job}, ${JSON.stringify(payload)}::jsonb) returning id`.execute(trx)
      return { id: Number(rows[0]!.id), job, payload }
    },

    async send(entries) {
      await sendEach(entries)
    },

    async sweep() {
      const { rows } = await sql<OutboxEntry>`select id, job, payload from ${tableRef} order by id limit ${SWEEP_BATCH}`.execute(db)
      return sendEach(rows.map((row) => ({ ...row, id: Number(row.id) })))
    },

    async pending() {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${tableRef}`.execute(db)
      return rows[0]!.n
    },
  }
}
