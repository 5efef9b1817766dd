import type { ColumnType, Generated, Selectable } from 'kysely'

/** Timestamps the database sets, read back as Dates. */
type CreatedAt = ColumnType<Date, Date | undefined, never>

/** See migrations/social/0003_feed_follows_and_cats.ts. */
export interface FollowsTable {
  follower_id: string
  followee_id: string
  created_at: CreatedAt
}

export interface FollowCountsTable {
  user_id: string
  followers: Generated<number>
  following: Generated<number>
}

export interface CatsTable {
  id: Generated<number>
  owner_id: string
  name: string
  breed: Generated<string>
  colours: Generated<string>
  /** A date without a time zone: read back as a `YYYY-MM-DD` string (see src/features/feed/cats.ts). */
  birthday: ColumnType<string | null, string | null | undefined, string | null>
  photo_media_id: ColumnType<string | null, string | null | undefined, string | null>
  created_at: CreatedAt
}

/** See migrations/social/0004_feed_posts.ts. */
export interface PostsTable {
  id: Generated<number>
  author_id: string
  body: string
  like_count: Generated<number>
  comment_count: Generated<number>
  in_timelines: boolean
  created_at: CreatedAt
  /** Set while a moderator has hidden the post (src/features/admin/moderation.ts); null when shown. */
  hidden_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface PostPhotosTable {
  post_id: number
  position: number
  media_id: string
}

export interface PostCatsTable {
  post_id: number
  cat_id: number
}

export interface LikesTable {
  post_id: number
  user_id: string
  created_at: CreatedAt
}

export interface CommentsTable {
  id: Generated<number>
  post_id: number
  author_id: string
  body: string
  created_at: CreatedAt
}

/** The materialized view of migrations/social/0005_feed_trending.ts: read only. */
export interface TrendingPostsTable {
  id: ColumnType<number, never, never>
  author_id: ColumnType<string, never, never>
  created_at: ColumnType<Date, never, never>
  trending_score: ColumnType<number, never, never>
}

export interface FeedTables {
  follows: FollowsTable
  follow_counts: FollowCountsTable
  cats: CatsTable
  posts: PostsTable
  post_photos: PostPhotosTable
  post_cats: PostCatsTable
  likes: LikesTable
  comments: CommentsTable
  trending_posts: TrendingPostsTable
}

export type CatRow = Selectable<CatsTable>
export type PostRow = Selectable<PostsTable>
export type CommentRow = Selectable<CommentsTable>
