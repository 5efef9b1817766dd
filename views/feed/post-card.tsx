import type { Author } from '@/features/feed/authors'
import type { PostCard as Post } from '@/features/feed/service'
import type { KeptFragments } from '@views/components/kept-fragments'
import { Avatar } from '@views/components/avatar'
import { Icon } from '@views/components/icon'
import { Picture } from '@views/components/picture'
import { richText } from '@views/components/rich-text'
import { RelativeTime, timeAgo } from '@views/components/time'

/** A photo across the feed column; in a swipeable row (most of the width each) when a post has several. */
const ONE_PHOTO_SIZES = '(min-width: 48rem) 40rem, 100vw'
const ROW_PHOTO_SIZES = '(min-width: 48rem) 36rem, 88vw'

export interface PostCardProps {
  post: Post
  /** Where a form without JavaScript sends the browser back to (the page the card is on). */
  back: string
  /** The page's first photo loads at once; the rest lazily. */
  priority?: boolean
  now?: Date
}

/**
 * One post as every list shows it, photos first: the author, the photos at their own shape (a
 * row to swipe through when there are several), the text with its links, tagged cats, then the
 * heart, the comments and sharing.
 */
export function PostCard({ post, back, priority = false, now }: PostCardProps): JSX.Element {
  const postUrl = `/posts/${post.id}`
  const several = post.photos.length > 1
  return (
    <article class="post" id={`post-${post.id}`} aria-labelledby={`post-${post.id}-by`}>
      <header class="post-header">
        <AuthorLink author={post.author} id={`post-${post.id}-by`} />
        <a class="post-time" href={postUrl}>
          <RelativeTime at={post.createdAt} now={now} />
        </a>
      </header>
      {post.photos.length > 0 ? (
        <div class={several ? 'post-photos several' : 'post-photos'} tabindex={several ? '0' : undefined} aria-label={several ? `${post.photos.length} photos, scroll sideways` : undefined} role={several ? 'group' : undefined}>
          {post.photos.map((photo, i) => (
            <Picture picture={photo} sizes={several ? ROW_PHOTO_SIZES : ONE_PHOTO_SIZES} priority={priority && i === 0} />
          ))}
        </div>
      ) : (
        ''
      )}
      {post.body ? <p class="post-body">{richText(post.body) as 'safe'}</p> : ''}
      {post.cats.length > 0 ? (
        <p class="post-cats">
          <span class="visually-hidden">Cats in this post: </span>
          {post.cats.map((cat) => (
            <a class="tag" href={`/@${post.author.handle}#cat-${cat.id}`}>
              <Icon name="paw-print" />
              <span safe>{cat.name}</span>
            </a>
          ))}
        </p>
      ) : (
        ''
      )}
      <footer class="post-actions">
        <LikeControl postId={post.id} liked={post.likedByViewer} likeCount={post.likeCount} back={back} />
        <CommentCount postId={post.id} count={post.commentCount} />
        <a class="icon-button" href={`${postUrl}#share`}>
          <Icon name="share-2" />
          Share
        </a>
        {post.ownedByViewer ? <DeletePostForm postId={post.id} back={back} /> : ''}
      </footer>
    </article>
  )
}

/** The comment count, linking to the thread; replaced in place when a comment is added with htmx. */
export function CommentCount({ postId, count: comments }: { postId: number; count: number }): JSX.Element {
  return (
    <a class="icon-button" id={`post-${postId}-comment-count`} href={`/posts/${postId}#comments`}>
      <Icon name="message-circle" />
      <span safe>{count(comments, 'comment')}</span>
    </a>
  )
}

/** Avatar (or initials), name and @handle, linking to the profile. */
export function AuthorLink({ author, id }: { author: Author; id?: string }): JSX.Element {
  return (
    <a class="author" href={`/@${author.handle}`} id={id}>
      <Avatar handle={author.handle} displayName={author.displayName} picture={author.avatar} size="small" />
      <span class="author-names">
        <strong safe>{author.displayName}</strong> <span class="handle" safe>{`@${author.handle}`}</span>
      </span>
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

/** The heart and the count: a plain form, which htmx swaps for the updated one. */
export function LikeControl({ postId, liked, likeCount, back }: LikeControlProps): JSX.Element {
  if (liked === null)
    return (
      <span class="icon-button like-count">
        <Icon name="heart" />
        <span safe>{count(likeCount, 'like')}</span>
      </span>
    )
  const action = `/posts/${postId}/${liked ? 'unlike' : 'like'}`
  return (
    <form class="like" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML">
      <input type="hidden" name="back" value={back} />
      <button type="submit" class={liked ? 'icon-button liked' : 'icon-button'}>
        <Icon name="heart" />
        {liked ? 'Unlike' : 'Like'}
      </button>{' '}
      <span class="like-count" safe>
        {count(likeCount, 'like')}
      </span>
    </form>
  )
}

/**
 * Without JavaScript the button opens a page that asks first (GET), whose own form deletes; with
 * it, htmx posts straight away once the browser's dialog has asked.
 */
function DeletePostForm({ postId, back }: { postId: number; back: string }): JSX.Element {
  const action = `/posts/${postId}/delete`
  return (
    <form class="delete" method="get" action={action} hx-post={action} hx-target="closest article" hx-swap="outerHTML" hx-confirm="Delete this post?">
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
  /** Cards kept between pages, made by the feed's routes. */
  cards: KeptFragments
}

/**
 * A page of posts and its "Load more" link: inside the feed on a full page, and alone as the
 * fragment htmx appends in place of the old link. Without JavaScript the link simply opens the next
 * page, which is a full page of its own (and so is every URL htmx pushes into history).
 */
export function PostItems({ posts, nextUrl, back, empty, first = false, cards }: PostItemsProps): JSX.Element {
  const now = new Date()
  return (
    <>
      {posts.length === 0 && first ? empty : ''}
      {posts.map((post, i) => renderedCard(cards, post, back, first && i === 0, now))}
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

/** A card through `cards`, by post and everything else it shows: posts are never edited, so the id stands for the text. */
function renderedCard(cards: KeptFragments, post: Post, back: string, priority: boolean, now: Date): JSX.Element {
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
  return cards(post.id, shows, () => <PostCard post={post} back={back} priority={priority} now={now} />)
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

/** "Delete this post?" without JavaScript: what the post says, the form that deletes it, and a way back. */
export function DeletePostPage({ postId, body, back }: { postId: number; body: string; back: string }): JSX.Element {
  return (
    <>
      <h1>Delete this post?</h1>
      <p>It goes for good, with its photos, likes and comments.</p>
      {body ? (
        <blockquote class="post-body" safe>
          {body}
        </blockquote>
      ) : (
        ''
      )}
      <form method="post" action={`/posts/${postId}/delete`}>
        <input type="hidden" name="back" value={back} />
        <button type="submit">Delete this post</button> <a href={back}>Keep it</a>
      </form>
    </>
  )
}
