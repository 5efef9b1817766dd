import { ShareTags, type ShareImage } from '@views/components/share-tags'
import type { CommentCard, PostCard as Post, Thread } from '@/features/feed/service'
import { HxPartial } from '@views/components/hx-partial'
import { JsonLd } from '@views/components/json-ld'
import { TextArea } from '@views/components/text-area'
import { richText } from '@views/components/rich-text'
import { ShareLinks } from '@views/components/share-links'
import { RelativeTime } from '@views/components/time'
import { AuthorLink, CommentCount, PostCard, count } from '@views/feed/post-card'
import { FlagLink } from '@views/components/flag-link'

export interface PostPageProps {
  post: Post
  comments: JSX.Element
  /** The post's canonical, absolute URL, for sharing. */
  url: string
}

/** `/posts/:id`: the post, then its thread. */
export function PostPage({ post, comments, url }: PostPageProps): JSX.Element {
  return (
    <>
      <h1 class="visually-hidden" safe>{`Post by ${post.author.displayName}`}</h1>
      <PostCard post={post} back={`/posts/${post.id}`} priority />
      <ShareLinks url={url} text={`${post.author.displayName} on Nine Lives`} />
      {post.ownedByViewer ? '' : <p class="flag-line"><FlagLink kind="post" id={post.id} /></p>}
      {comments as 'safe'}
    </>
  )
}

export interface CommentsProps {
  postId: number
  thread: Thread
  /** Null for a visitor: a link to sign in instead of the form. */
  form: JSX.Element | null
  /** The cursor this page of the thread started at (null: the newest comments). */
  cursor: string | null
}

/**
 * The thread: newest last, the latest page first (so a new comment is always on it), earlier ones
 * behind a link; then the form. Swapped whole by htmx after a comment is added or deleted.
 */
export function CommentsSection({ postId, thread, form, cursor }: CommentsProps): JSX.Element {
  const postUrl = `/posts/${postId}`
  return (
    <section id="comments" class="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading" safe>
        {count(thread.commentCount, 'comment')}
      </h2>
      {thread.earlierCursor ? (
        <p class="pager">
          <a href={`${postUrl}?cursor=${encodeURIComponent(thread.earlierCursor)}#comments`}>Earlier comments</a>
        </p>
      ) : (
        ''
      )}
      {thread.comments.length > 0 ? (
        <ol class="list comment-list">
          {thread.comments.map((comment) => (
            <CommentItem comment={comment} postUrl={postUrl} />
          ))}
        </ol>
      ) : (
        <p class="muted">No comments yet.</p>
      )}
      {cursor ? (
        <p class="pager">
          <a href={`${postUrl}#comments`}>Latest comments</a>
        </p>
      ) : (
        ''
      )}
      {form ? (
        (form as 'safe')
      ) : (
        <p>
          <a class="button secondary small" href={`/login?next=${encodeURIComponent(postUrl)}`}>Sign in to comment</a>
        </p>
      )}
    </section>
  )
}

function CommentItem({ comment, postUrl }: { comment: CommentCard; postUrl: string }): JSX.Element {
  const deleteAction = `/comments/${comment.id}/delete`
  return (
    <li class="comment" id={`comment-${comment.id}`}>
      <p class="comment-meta">
        <AuthorLink author={comment.author} /> <RelativeTime at={comment.createdAt} />
      </p>
      <p class="comment-body">{richText(comment.body) as 'safe'}</p>
      {comment.ownedByViewer ? (
        <form method="post" action={deleteAction} hx-post={deleteAction} hx-target="#comments" hx-swap="outerHTML">
          <input type="hidden" name="back" value={postUrl} />
          <button type="submit" class="link-button">
            Delete comment
          </button>
        </form>
      ) : (
        <FlagLink kind="comment" id={comment.id} label="Report comment" />
      )}
    </li>
  )
}

export interface CommentFormProps {
  postId: number
  value?: string
  error?: string
  maxChars: number
}

/**
 * What an htmx comment (or its deletion) answers: the thread, and the post's comment count
 * beside the heart, so the two never disagree.
 */
export function CommentsUpdate({ section, postId, commentCount }: { section: JSX.Element; postId: number; commentCount: number }): JSX.Element {
  return (
    <>
      {section as 'safe'}
      <HxPartial target={`#post-${postId}-comment-count`} swap="outerHTML">
        <CommentCount postId={postId} count={commentCount} />
      </HxPartial>
    </>
  )
}

/** Adding a comment; htmx swaps the whole thread (with a fresh form) in reply, or the form with its message. */
export function CommentForm({ postId, value, error, maxChars }: CommentFormProps): JSX.Element {
  const action = `/posts/${postId}/comments`
  return (
    <form class="stack comment-form" method="post" action={action} hx-post={action} hx-target="#comments" hx-swap="outerHTML" novalidate>
      <TextArea name="body" label="Add a comment" value={value} error={error} rows={2} maxlength={maxChars} />
      <button type="submit">Comment</button>
    </form>
  )
}

export interface PostHeadProps {
  title: string
  description: string
  /** The post's canonical, absolute URL. */
  url: string
  /** The first photo, absolute, or null for a text post. */
  image: ShareImage | null
  post: Post
  /** The author's profile, absolute. */
  authorUrl: string
}

/** Open Graph, Twitter card and JSON-LD for a shared post. */
export function PostHead({ title, description, url, image, post, authorUrl }: PostHeadProps): JSX.Element {
  return (
    <>
      <ShareTags title={title} description={description} url={url} image={image} />
      <JsonLd
        data={{
          '@context': 'https://schema.org',
          '@type': 'SocialMediaPosting',
          url,
          headline: title,
          articleBody: post.body,
          datePublished: post.createdAt.toISOString(),
          author: { '@type': 'Person', name: post.author.displayName, url: authorUrl },
          ...(image && { image: image.url }),
          interactionStatistic: [
            { '@type': 'InteractionCounter', interactionType: 'https://schema.org/LikeAction', userInteractionCount: post.likeCount },
            { '@type': 'InteractionCounter', interactionType: 'https://schema.org/CommentAction', userInteractionCount: post.commentCount },
          ],
        }}
      />
    </>
  )
}
