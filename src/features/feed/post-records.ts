/**
 * What every reader sees of a post — text, counts, photo ids, tagged cats — kept near
 * (src/infra/store/near-cache.ts) for a minute: a post in many timelines is read from PostgreSQL
 * about once a minute, not once per page that shows it. Every write to a post (a like, a comment,
 * its deletion) marks it changed, so counts are exact at once; a renamed cat may take the minute.
 * Whether the viewer likes a post is the viewer's own and never kept here.
 *
 * @example
 * const records = await postRecords.byIds([41, 42])   // Map: id → record; deleted posts are absent
 * await postRecords.changed([42])                      // after the like is committed
 */
import type { Kysely } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { nearRecords } from '@/infra/store/near-records'
import type { Store } from '@/infra/store/store'
import type { SocialDomain } from '@/schema'

export interface PostRecord {
  id: number
  authorId: string
  body: string
  likeCount: number
  commentCount: number
  createdAt: Date
  photoIds: string[]
  cats: { id: number; name: string }[]
}

/** The minute of the seed's feed cache; writes to the post itself never wait for it. */
const POST_RECORD_SECONDS = 60

export function createPostRecords(db: Kysely<SocialDomain>, store: Store) {
  /** The posts among `ids` that exist and are not hidden, from PostgreSQL: one query with their photos and cats. */
  async function fromPostgres(ids: readonly number[]): Promise<PostRecord[]> {
    const rows = await db
      .selectFrom('posts')
      .select(['id', 'author_id', 'body', 'like_count', 'comment_count', 'created_at'])
      .select((eb) => [
        jsonArrayFrom(eb.selectFrom('post_photos').select('media_id').whereRef('post_photos.post_id', '=', 'posts.id').orderBy('position')).as('photos'),
        jsonArrayFrom(
          eb
            .selectFrom('post_cats')
            .innerJoin('cats', 'cats.id', 'post_cats.cat_id')
            .select(['cats.id', 'cats.name'])
            .whereRef('post_cats.post_id', '=', 'posts.id')
            .orderBy('cats.name'),
        ).as('cats'),
      ])
      .where('id', 'in', [...ids])
      // A post a moderator hid is absent, like a deleted one, for everyone.
      .where('hidden_at', 'is', null)
      .execute()
    return rows.map((row) => ({
      id: row.id,
      authorId: row.author_id,
      body: row.body,
      likeCount: row.like_count,
      commentCount: row.comment_count,
      createdAt: row.created_at,
      photoIds: row.photos.map((photo) => photo.media_id),
      cats: row.cats.map((cat) => ({ id: Number(cat.id), name: cat.name })),
    }))
  }

  return nearRecords({ store, name: 'feed:post', ttlSeconds: POST_RECORD_SECONDS, load: fromPostgres, idOf: (record) => record.id, revive })
}

function revive(json: string): PostRecord {
  // Cast: JSON.parse is untyped; the store holds only what this file wrote from a PostRecord.
  const record = JSON.parse(json) as Omit<PostRecord, 'createdAt'> & { createdAt: string }
  return { ...record, createdAt: new Date(record.createdAt) }
}

export type PostRecords = ReturnType<typeof createPostRecords>
