/**
 * Candles: one per visitor per memorial per day (UTC), counted on the memorial row so that no page
 * ever counts them. Lighting one never drops a cached page or purges the CDN: a popular memorial
 * stays cached, and the count others see may be up to a cache lifetime old.
 */
import { sql, type Kysely } from 'kysely'
import { utcDay } from '@/features/memorials/dates'
import type { MemorialsDomain } from '@/schema'

export interface CandleState {
  /** This visitor has a candle burning on the memorial today. */
  litToday: boolean
  /** The memorial's count, fresh from the database. */
  count: number
}

export function createCandles(db: Kysely<MemorialsDomain>) {
  return {
    /**
     * Lights the visitor's candle for today, once: a second candle the same day changes nothing.
     * One statement, so the candle and the count can never disagree.
     */
    async lightCandle(memorialId: string, visitorKey: string, now = new Date()): Promise<CandleState> {
      const result = await sql<{ candle_count: number }>`
        with lit as (
          insert into candles (memorial_id, day, visitor_key)
          values (${memorialId}, ${utcDay(now)}, ${visitorKey})
          on conflict do nothing
          returning memorial_id
        )
        update memorials set candle_count = candle_count + (select count(*) from lit)::int
        where id = ${memorialId}
        returning candle_count`.execute(db)
      const row = result.rows[0]
      if (!row) throw new Error(`no memorial ${memorialId} to light a candle on`)
      return { litToday: true, count: row.candle_count }
    },

    /** Whether the visitor lit a candle today, and the fresh count: the private part of a page. */
    async candleState(memorialId: string, visitorKey: string, now = new Date()): Promise<CandleState> {
      const row = await db
        .selectFrom('memorials')
        .select((eb) => [
          'candle_count',
          eb
            .exists(
              eb
                .selectFrom('candles')
                .select('candles.memorial_id')
                .where('candles.memorial_id', '=', memorialId)
                .where('candles.day', '=', sql<Date>`${utcDay(now)}::date`)
                .where('candles.visitor_key', '=', visitorKey),
            )
            .as('lit'),
        ])
        .where('id', '=', memorialId)
        .executeTakeFirst()
      return { litToday: Boolean(row?.lit), count: row?.candle_count ?? 0 }
    },
  }
}

export type Candles = ReturnType<typeof createCandles>
