/**
 * Trending: the seed's `trending_posts` view (top 100 of the last 7 days by
 * `like_count * 2 + comment_count * 3`), refreshed every 15 minutes by a scheduled job that runs on
 * one instance (src/features/feed/jobs.ts), and read a page at a time, keyset by (score, id).
 */
import { sql, type Kysely } from 'kysely'
import type { SocialDomain } from '@/schema'

/** Where a trending page ends: the (score, id) of its last post. */
export interface RankCursor {
  score: number
  id: number
}

/** Opaque like the feed's cursors, so nobody builds on its shape: base64url of `score.id`. */
export function encodeRankCursor({ score, id }: RankCursor): string {
  return Buffer.from(`${score}.${id}`).toString('base64url')
}

/** The cursor in `raw`, or null when it is missing or not one of ours (then the page starts at the top). */
export function decodeRankCursor(raw: string | null | undefined): RankCursor | null {
  if (!raw || raw.length > 60) return null
  const match = /^(\d{1,12})\.(\d{1,16})$/.exec(Buffer.from(raw, 'base64url').toString())
  return match ? { score: Number(match[1]), id: Number(match[2]) } : null
}

export function createTrending(db: Kysely<SocialDomain>) {
  return {
    /**
     * Recomputes the view. CONCURRENTLY (allowed by its unique index) keeps it readable meanwhile.
     * Returns how long it took, in milliseconds.
     */
    async refresh(): Promise<number> {
      const startedAt = performance.now()
      await sql`refresh materialized view concurrently trending_posts`.execute(db)
      return performance.now() - startedAt
    },

    /** Post ids of one page, highest score first, below `cursor`; one more than `limit` says there is a next page. */
    async page(cursor: RankCursor | null, limit: number): Promise<RankCursor[]> {
      const rows = await db
        .selectFrom('trending_posts')
        .select(['id', 'trending_score as score'])
        .$if(cursor !== null, (q) => q.where(sql<boolean>`(trending_score, id) < (${cursor!.score}, ${cursor!.id})`))
        .orderBy('trending_score', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute()
      return rows
    },
  }
}

export type Trending = ReturnType<typeof createTrending>
