import type { Author } from '@/features/feed/authors'
import type { PostCard as Post } from '@/features/feed/service'
import { keptFragments } from '@views/components/kept-fragments'
import { Picture } from '@views/components/picture'
import { RelativeTime, timeAgo } from '@views/components/time'

/** A photo across the feed column; two side by side when a post has several. */
const ONE_PHOTO_SIZES = '(min-width: 42rem) 40rem, 100vw'
const GRID_PHOTO_SIZES = '(min-width: 42rem) 20rem, 50vw'

export interface PostCardProps {
  post: Post
  /** Where a form without JavaScript sends the browser back to (the page the card is on). */
  back: string
  /** The page's first photo loads at once; the rest lazily. */
  priority?: boolean
  now?: Date
}

/** One post as every list shows it: author, text, photos, tagged cats, likes, comments. */
export function PostCard({ post, back, priority = false, now }: PostCardProps): JSX.Element {
  const postUrl = `/posts/${post.id}`
  return (
    <article class="post" id={`post-${post.id}`} aria-labelledby={`post-${post.id}-by`}>
      <header class="post-header">
        <AuthorLink author={post.author} id={`post-${post.id}-by`} />
        <a class="post-time" href={postUrl}>
          <RelativeTime at={post.createdAt} now={now} />
        </a>
      </header>
      {post.body ? (
        <p class="post-body" safe>
          {post.body}
        </p>
      ) : (
        ''
      )}
      {post.photos.length > 0 ? (
        <div class={post.photos.length > 1 ? 'post-photos grid' : 'post-photos'}>
          {post.photos.map((photo, i) => (
            <Picture picture={photo} sizes={post.photos.length > 1 ? GRID_PHOTO_SIZES : ONE_PHOTO_SIZES} priority={priority && i === 0} />
          ))}
        </div>
      ) : (
        ''
      )}
      {post.cats.length > 0 ? (
        <p class="post-cats">
          <span class="visually-hidden">Cats in this post: </span>
          {post.cats.map((cat) => (
            <a class="tag" href={`/@${post.author.handle}#cat-${cat.id}`} safe>
              {cat.name}
            </a>
          ))}
        </p>
      ) : (
        ''
      )}
      <footer class="post-actions">
        <LikeControl postId={post.id} liked={post.likedByViewer} likeCount={post.likeCount} back={back} />
        <a href={`${postUrl}#comments`} safe>
          {count(post.commentCount, 'comment')}
        </a>
        {post.ownedByViewer ? <DeletePostForm postId={post.id} back={back} /> : ''}
      </footer>
    </article>
  )
}

/** Avatar, name and @handle, linking to the profile. */
export function AuthorLink({ author, id }: { author: Author; id?: string }): JSX.Element {
  return (
    <a class="author" href={`/@${author.handle}`} id={id}>
      {author.avatar ? <Picture picture={author.avatar} sizes="28px" class="avatar avatar-small" alt="" /> : ''}
      <strong safe>{author.displayName}</strong> <span class="handle" safe>{`@${author.handle}`}</span>
    </a>
  )
}

export interface LikeControlProps {
  postId: number
  /** Null for a visitor: the count alone, no button. */
  liked: boolean | null
  likeCount: number
  back: string
}

/** The like button and count: a plain form, which htmx swaps for the updated one. */
export function LikeControl({ postId, liked, likeCount, back }: LikeControlProps): JSX.Element {
  if (liked === null)
    return (
      <span class="like-count" safe>
        {count(likeCount, 'like')}
      </span>
    )
  const action = `/posts/${postId}/${liked ? 'unlike' : 'like'}`
  return (
    <form class="like" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML">
      <input type="hidden" name="back" value={back} />
      <button type="submit" class={liked ? 'liked' : 'secondary'}>
        {liked ? 'Unlike' : 'Like'}
      </button>{' '}
      <span class="like-count" safe>
        {count(likeCount, 'like')}
      </span>
    </form>
  )
}

function DeletePostForm({ postId, back }: { postId: number; back: string }): JSX.Element {
  const action = `/posts/${postId}/delete`
  return (
    <form class="delete" method="post" action={action} hx-post={action} hx-target="closest article" hx-swap="outerHTML" hx-confirm="Delete this post?">
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="link-button">
        Delete post
      </button>
    </form>
  )
}

/** What replaces a deleted post in a list (htmx), so the list doesn't jump without a word. */
export function PostDeleted(): JSX.Element {
  return (
    <p class="muted post-deleted" role="status">
      Post deleted.
    </p>
  )
}

export interface PostItemsProps {
  posts: Post[]
  /** The next page's URL, or null at the end. */
  nextUrl: string | null
  back: string
  /** Shown when there are no posts at all. */
  empty: JSX.Element
  /** True on a page's first screen: its first photo loads at once. */
  first?: boolean
}

/**
 * A page of posts and its "Load more" link: inside the feed on a full page, and alone as the
 * fragment htmx appends in place of the old link. Without JavaScript the link simply opens the next
 * page, which is a full page of its own (and so is every URL htmx pushes into history).
 */
export function PostItems({ posts, nextUrl, back, empty, first = false }: PostItemsProps): JSX.Element {
  const now = new Date()
  return (
    <>
      {posts.length === 0 && first ? empty : ''}
      {posts.map((post, i) => renderedCard(post, back, first && i === 0, now))}
      {nextUrl ? (
        <p class="pager">
          <a href={nextUrl} hx-get={nextUrl} hx-target="closest .pager" hx-swap="outerHTML" hx-push-url="true">
            Load more
          </a>
        </p>
      ) : (
        ''
      )}
    </>
  )
}

/**
 * Cards as rendered, by post and everything else they show: the same posts fill the feeds of
 * everyone who follows their authors, and rendering twenty cards afresh was a fifth of a home
 * page's CPU. Posts are never edited, so the id stands for the text; the rest is named. ~2 KB each.
 */
const renderedCards = keptFragments(20_000)

function renderedCard(post: Post, back: string, priority: boolean, now: Date): JSX.Element {
  const { author } = post
  const shows = [
    timeAgo(post.createdAt, now),
    post.likeCount,
    post.commentCount,
    post.likedByViewer,
    post.ownedByViewer,
    priority,
    back,
    author.id,
    author.handle,
    author.displayName,
    author.avatar?.id,
    post.photos.map((photo) => photo.id).join(),
    post.cats.map((cat) => `${cat.id}:${cat.name}`).join(),
  ].join('|')
  return renderedCards(post.id, shows, () => <PostCard post={post} back={back} priority={priority} now={now} />)
}

/** The list around PostItems on a full page. */
export function PostFeed({ label, children }: { label: string; children: JSX.Element }): JSX.Element {
  return (
    <section class="feed" aria-label={label}>
      {children as 'safe'}
    </section>
  )
}

/** "1 like", "3 comments". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
