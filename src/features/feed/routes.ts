/**
 * The feed's pages and actions: `/` (home feed or landing), `/explore`, `/@handle` (+ follow,
 * unfollow), `/posts/…` (write, read, delete, like, comment), `/comments/:id/delete`, `/cats/…`.
 * Parse, authorize, call the service, render: rules and SQL live in service.ts.
 */
import { Elysia, t } from 'elysia'
import type { Config } from '@/config'
import type { Viewer } from '@/features/accounts/viewer'
import { NO_SUCH_CAT, type CatErrors, type CatInput } from '@/features/feed/cats'
import type { KeptFirstPage } from '@/features/feed/first-page-cache'
import { FEED_MESSAGES, POST_PHOTOS_MAX, type Feed, type PostErrors, type PostInput } from '@/features/feed/service'
import type { MediaPicture } from '@/features/media/service'
import type { HttpContext } from '@/http/context'
import { doneOrRefuse, HttpError, refuse, throwIfAbandoned } from '@/http/errors'
import { fileCount, fileField, formText, readFormData, textField } from '@/http/form'
import { localPath } from '@/http/local-path'
import { integerIdParam } from '@/http/params'
import { byAccount, byAddress, limitRate } from '@/http/rate-limit'
import { afterPost, invalid, isPartial, page, seeOther, type RenderContext } from '@/http/page'
import type { PublicCache } from '@/http/shared-page'
import { versionedPage } from '@/http/versioned-page'
import { requireViewer } from '@/http/viewer'
import type { Store } from '@/infra/store/store'
import { boundedMap } from '@/shared/bounded-map'
import { integerId } from '@/shared/ids'
import { keptFragments } from '@views/components/kept-fragments'
import { CatForm, CatFormPage, type CatFormValues } from '@views/feed/cat-form'
import { EmptyHomeFeed, EmptyTrending, ExplorePage, HomePage, LandingPage, NewPostPage } from '@views/feed/pages'
import { DeletePostPage, LikeControl, PostDeleted, PostFeed, PostItems } from '@views/feed/post-card'
import { PostForm, type PostFormValues } from '@views/feed/post-form'
import { SideContent } from '@views/layout/side-column'
import { WelcomePage } from '@views/feed/welcome'
import { CommentForm, CommentsSection, CommentsUpdate, PostHead, PostPage } from '@views/feed/post-page'
import { FollowControl, FollowerCount, NoPostsYet, ProfilePage } from '@views/feed/profile'
import { cacheCounter } from '@/infra/metrics'

export interface FeedRouteDeps {
  config: Pick<Config, 'publicUrl' | 'feed' | 'mediaMaxBytes' | 'mediaUploadRateLimit'>
  store: Store
  context: HttpContext
  feed: Feed
  /** Sections of other features on a member's home page (CatFinder's "lost near you"), above the feed. */
  homeSections?: (viewer: Viewer) => Promise<JSX.Element>
}

/** Public feed pages may be shared by the CDN for a minute, and served stale while it refetches. */
const PUBLIC_PAGE_CACHE = { sMaxAge: 60, staleWhileRevalidate: 600 } as const
/** How many trending posts the landing page shows; Explore has the rest. */
const LANDING_TRENDING = 10
/** Open Graph descriptions are cut to what previews show. */
const DESCRIPTION_MAX = 200
/** Empty composers by the cats they offer to tag: a few KB each. */
const EMPTY_COMPOSERS_KEPT = 2000
/**
 * Post cards as rendered (views/feed/post-card.tsx `PostItems`): the same posts fill the feeds of
 * everyone who follows their authors, and rendering twenty cards afresh was a fifth of a home page's
 * CPU. ~2 KB each.
 */
const POST_CARDS_KEPT = 20_000

/** `path?cursor=…`, or null at the end of a list. */
function pageUrl(path: string, cursor: string | null): string | null {
  return cursor ? `${path}?cursor=${encodeURIComponent(cursor)}` : null
}

/** Elysia's types don't read a parameter after `@` in a path; this names it. */
const handleParam = { params: t.Object({ handle: t.String() }) }

const publicCache = (tags: string[]): PublicCache => ({ ...PUBLIC_PAGE_CACHE, tags })

export function feedRoutes({ config, store, context, feed, homeSections }: FeedRouteDeps) {
  const absolute = (path: string) => new URL(path, config.publicUrl).toString()
  /** Where a form without JavaScript goes back to after an action: the page it was on. */
  const backTo = (body: unknown, fallback: string) => localPath(textField(body, 'back'), config.publicUrl, fallback)

  /**
   * The empty composer is the same for every member with the same cats to tag (most have none), so
   * it is rendered once per set of cats rather than on every home page.
   */
  const emptyComposers = boundedMap<string, JSX.Element>(EMPTY_COMPOSERS_KEPT, cacheCounter('empty-composers'))
  const cards = keptFragments(POST_CARDS_KEPT, 'post-cards')

  /** The composer, empty or coming back with what was typed and what was wrong. */
  async function composer(viewer: Viewer, typed?: { values: PostFormValues; errors: PostErrors }): Promise<JSX.Element> {
    const cats = await feed.cats.ofOwner(viewer.id)
    const form = (values: PostFormValues, errors: PostErrors) => PostForm({ values, errors, cats, maxChars: config.feed.postMaxChars, maxBytes: config.mediaMaxBytes })
    if (typed) return form(typed.values, typed.errors)
    const tags = cats.map((cat) => `${cat.id}:${cat.name}`).join('\n')
    const kept = emptyComposers.get(tags)
    if (kept !== undefined) return kept
    const empty = await form({}, {})
    emptyComposers.set(tags, empty)
    return empty
  }

  /** The main content of `/` for a member: composer and first page. Kept in the Store for a minute. */
  async function firstHomePage(viewer: Viewer, version: string | null): Promise<KeptFirstPage> {
    const html = version === null ? null : await feed.firstPages.get(viewer.id)
    if (version !== null && html !== null) return { version, html }
    const [form, list, more] = await Promise.all([composer(viewer), feed.homeFeed(viewer), homeSections?.(viewer) ?? ''])
    const items = PostItems({ posts: list.posts, nextUrl: pageUrl('/', list.nextCursor), back: '/', empty: EmptyHomeFeed(), first: true, cards })
    return feed.firstPages.keep(viewer.id, await HomePage({ displayName: viewer.displayName, composer: form, feed: PostFeed({ label: 'Your home feed', children: items }), more }))
  }

  async function homePage(render: RenderContext, viewer: Viewer, cursor: string | undefined) {
    if (!cursor) {
      // A reload within the minute: the version alone tells whether this instance's finished page is still it.
      return versionedPage(render, feed.firstPages.version(viewer.id), async (version) => {
        const first = await firstHomePage(viewer, version)
        return { version: first.version, view: { title: 'Home', main: first.html, noindex: true } }
      })
    }
    const partial = isPartial(render.request)
    // A partial request (Load more) gets only the posts: no composer to build.
    const [list, form] = await Promise.all([feed.homeFeed(viewer, cursor), partial ? null : composer(viewer)])
    const items = () => PostItems({ posts: list.posts, nextUrl: pageUrl('/', list.nextCursor), back: pageUrl('/', cursor)!, empty: EmptyHomeFeed(), cards })
    const main = form ? HomePage({ displayName: viewer.displayName, composer: form, feed: PostFeed({ label: 'Your home feed', children: items() }) }) : ''
    return page(render, { title: 'Home', main, fragment: items, noindex: true })
  }

  async function trendingPage(render: RenderContext, path: '/' | '/explore', cursor: string | undefined) {
    const landing = path === '/'
    const list = await feed.trendingPage(render.viewer, landing ? null : cursor, landing ? LANDING_TRENDING : undefined)
    const nextUrl = landing ? null : pageUrl('/explore', list.nextCursor)
    const items = () => PostItems({ posts: list.posts, nextUrl, back: pageUrl(path, cursor ?? null) ?? path, empty: EmptyTrending(), first: !cursor, cards })
    const trending = PostFeed({ label: 'Trending posts', children: items() })
    return page(render, {
      title: landing ? 'Nine Lives' : 'Explore',
      description: 'A community for cat people: share your cats, find lost cats nearby, and remember the ones who have gone.',
      canonical: absolute(landing ? '/' : pageUrl('/explore', cursor ?? null) ?? '/explore'),
      main: landing ? LandingPage({ trending }) : ExplorePage({ trending }),
      fragment: items,
      publicCache: publicCache(['trending']),
    })
  }

  async function profilePage(render: RenderContext, handle: string, cursor: string | undefined) {
    const found = await feed.profile(handle, render.viewer)
    if (!found) throw new HttpError(404, FEED_MESSAGES.noSuchHandle)
    const { profile, cats, viewerFollows } = found
    const path = `/@${profile.handle}`
    const list = await feed.postsBy(profile.id, render.viewer, cursor)
    const own = render.viewer?.id === profile.id
    const items = () => PostItems({ posts: list.posts, nextUrl: pageUrl(path, list.nextCursor), back: pageUrl(path, cursor ?? null) ?? path, empty: NoPostsYet({ own }), first: !cursor, cards })
    const actions =
      viewerFollows === null
        ? FollowerCount({ followers: profile.followers, signInTo: render.viewer ? null : path })
        : FollowControl({ state: { profile, following: viewerFollows, followers: profile.followers } })
    return page(render, {
      title: `${profile.displayName} (@${profile.handle})`,
      description: profile.bio || `${profile.displayName} and their cats on Nine Lives.`,
      canonical: absolute(pageUrl(path, cursor ?? null) ?? path),
      main: ProfilePage({ profile, cats, actions, own, posts: PostFeed({ label: `Posts by ${profile.displayName}`, children: items() }) }),
      fragment: items,
      publicCache: publicCache([`profile:${profile.id}`]),
    })
  }

  /** `/posts/:id` with a page of its thread; `comments` replaces the thread (a refused comment). */
  async function postPage(render: RenderContext, postId: number, cursor: string | null, comment?: { value: string; error: string }) {
    const post = await feed.post(postId, render.viewer)
    if (!post) throw new HttpError(404, 'This post doesn’t exist, or has been deleted.')
    const comments = await commentsSection(render.viewer, postId, cursor, comment)
    const url = absolute(`/posts/${postId}`)
    const title = `${post.author.displayName} on Nine Lives`
    const description = excerpt(post.body) || `A post by @${post.author.handle}.`
    return page(render, {
      title,
      description,
      canonical: url,
      head: PostHead({ title, description, url, image: shareImage(post.photos[0]), post, authorUrl: absolute(`/@${post.author.handle}`) }),
      main: PostPage({ post, comments, url }),
      fragment: () => comments,
      status: comment ? 422 : 200,
      publicCache: publicCache([`post:${postId}`]),
    })
  }

  async function commentsSection(viewer: Viewer | null, postId: number, cursor: string | null, comment?: { value: string; error: string }) {
    const thread = await feed.thread(postId, viewer, cursor)
    const form = viewer ? CommentForm({ postId, value: comment?.value, error: comment?.error, maxChars: config.feed.commentMaxChars }) : null
    return CommentsSection({ postId, thread, form, cursor })
  }

  /** After a comment is added or deleted with htmx: the thread, and the count on the post. */
  async function commentsUpdate(viewer: Viewer, postId: number) {
    const thread = await feed.thread(postId, viewer, null)
    const form = CommentForm({ postId, maxChars: config.feed.commentMaxChars })
    return CommentsUpdate({ section: CommentsSection({ postId, thread, form, cursor: null }), postId, commentCount: thread.commentCount })
  }

  function shareImage(photo: MediaPicture | undefined) {
    return photo ? { url: absolute(photo.fallback.url), width: photo.fallback.width, height: photo.fallback.height, alt: photo.alt } : null
  }

  async function catPage(render: RenderContext, viewer: Viewer, catId: number | null, values: CatFormValues, errors: CatErrors, status = 200, photoDropped = false) {
    const cat = catId === null ? null : await feed.cats.ownedBy(viewer.id, catId)
    if (catId !== null && !cat) throw new HttpError(404, NO_SUCH_CAT)
    const form = CatForm({ cat, values, errors, maxBytes: config.mediaMaxBytes, photoDropped })
    const title = cat ? `Edit ${cat.name}` : 'Add a cat'
    return page(render, { title, main: CatFormPage({ title, form }), fragment: () => form, status, noindex: true })
  }

  async function saveCat(render: RenderContext, request: Request, catId: number | null, meta: { ip: string }) {
    const viewer = requireViewer(render)
    const form = await readFormData(request)
    const values: CatFormValues = { name: formText(form, 'name'), breed: formText(form, 'breed'), colours: formText(form, 'colours'), birthday: formText(form, 'birthday'), alt: formText(form, 'alt') }
    const bytes = await fileField(form, 'photo')
    if (bytes) await limitRate(store, [byAddress('upload', meta.ip), byAccount('upload', viewer.id)], config.mediaUploadRateLimit)
    const input: CatInput = { name: values.name!, breed: values.breed!, colours: values.colours!, birthday: values.birthday!, photo: bytes ? { bytes, alt: values.alt! } : null }
    const result = catId === null ? await feed.cats.add(viewer.id, input) : await feed.cats.edit(viewer.id, catId, input)
    if (!result.ok) {
      if (result.status === 404) refuse(result)
      return catPage(render, viewer, catId, values, result.errors, result.status, bytes !== null)
    }
    await feed.firstPages.drop(viewer.id) // the composer lists the member's cats
    return afterPost(render, `/@${viewer.handle}#cat-${result.value.id}`)
  }

  async function writePostFrom(render: RenderContext, request: Request, meta: { ip: string }) {
    const viewer = requireViewer(render)
    await limitRate(store, [byAccount('post', viewer.id)], config.feed.postRateLimit)
    const form = await readFormData(request)
    const { input, values } = await postInput(form)
    if (input.photos.length > 0) await limitRate(store, [byAddress('upload', meta.ip), byAccount('upload', viewer.id)], config.mediaUploadRateLimit)
    throwIfAbandoned(render.request)
    const result = await feed.writePost(viewer, input)
    if (!result.ok) {
      const refused = await composer(viewer, { values, errors: result.errors })
      return invalid(render, { title: 'New post', main: NewPostPage({ composer: refused }), fragment: () => refused, status: result.status, noindex: true })
    }
    return afterPost(render, '/')
  }

  return (
    new Elysia({ name: 'feed' })
      .use(context)
      .get('/', ({ render, query }) => (render.viewer ? homePage(render, render.viewer, query.cursor) : trendingPage(render, '/', undefined)))
      .get('/explore', ({ render, query }) => trendingPage(render, '/explore', query.cursor))
      // Where sign-up leads: the first steps, each skippable.
      .get('/welcome', async ({ render }) => {
        const viewer = requireViewer(render)
        const [cats, people] = await Promise.all([feed.cats.ofOwner(viewer.id), feed.suggestedMembers(viewer)])
        return page(render, { title: 'Welcome', main: WelcomePage({ displayName: viewer.displayName, catCount: cats.length, people }), noindex: true })
      })
      // The layout's second column, fetched after the page: private, so shared pages stay shared.
      .get('/side', async ({ render }) => {
        const viewer = render.viewer
        const [nearYou, people] = viewer ? await Promise.all([homeSections?.(viewer) ?? '', feed.suggestedMembers(viewer)]) : ['', []]
        const side = () => SideContent({ signedIn: viewer !== null, nearYou, people })
        return page(render, { title: 'Around you', main: side(), fragment: side, noindex: true })
      })

      // Profiles and follows
      .get('/@:handle', ({ render, params, query }) => profilePage(render, params.handle, query.cursor), handleParam)
      .post('/@:handle/follow', async ({ render, params, body }) => {
        const state = doneOrRefuse(await feed.follow(requireViewer(render), params.handle))
        return afterPost(render, backTo(body, `/@${state.profile.handle}`), () => FollowControl({ state }))
      }, handleParam)
      .post('/@:handle/unfollow', async ({ render, params, body }) => {
        const state = doneOrRefuse(await feed.unfollow(requireViewer(render), params.handle))
        return afterPost(render, backTo(body, `/@${state.profile.handle}`), () => FollowControl({ state }))
      }, handleParam)

      // Posts
      .get('/posts/new', async ({ render }) => {
        const viewer = requireViewer(render)
        const form = await composer(viewer)
        return page(render, { title: 'New post', main: NewPostPage({ composer: form }), fragment: () => form, noindex: true })
      })
      // The composer posts to /posts/new, where a refused post reloads as the form; /posts is the old address.
      // Read as FormData in writePostFrom, after the sign-in and rate checks (as the avatar upload does).
      .post('/posts/new', ({ render, request, meta }) => writePostFrom(render, request, meta), { parse: 'none' })
      .post('/posts', ({ render, request, meta }) => writePostFrom(render, request, meta), { parse: 'none' })
      .get('/posts/:id', ({ render, params, query }) => postPage(render, integerIdParam(params.id), query.cursor ?? null))
      // Without JavaScript, "Delete post" asks here first; this page's form posts the delete.
      .get('/posts/:id/delete', async ({ render, params, query }) => {
        const viewer = requireViewer(render)
        const post = await feed.post(integerIdParam(params.id), viewer)
        if (!post?.ownedByViewer) throw new HttpError(404, 'This post doesn’t exist, or isn’t yours to delete.')
        const back = backTo(query, `/posts/${post.id}`)
        return page(render, { title: 'Delete this post?', main: DeletePostPage({ postId: post.id, body: post.body, back }), noindex: true })
      })
      .post('/posts/:id/delete', async ({ render, params, body }) => {
        const postId = integerIdParam(params.id)
        doneOrRefuse(await feed.deletePost(requireViewer(render), postId))
        const back = backTo(body, '/')
        // From the post's own page there is nothing left to show: go home.
        if (back === `/posts/${postId}`) return afterPost(render, '/')
        return afterPost(render, back, PostDeleted)
      })
      .post('/posts/:id/like', async ({ render, params, body }) => {
        throwIfAbandoned(render.request)
        const state = doneOrRefuse(await feed.like(requireViewer(render), integerIdParam(params.id)))
        return afterPost(render, backTo(body, `/posts/${state.postId}`), () => LikeControl({ ...state, back: backTo(body, '/') }))
      })
      .post('/posts/:id/unlike', async ({ render, params, body }) => {
        throwIfAbandoned(render.request)
        const state = doneOrRefuse(await feed.unlike(requireViewer(render), integerIdParam(params.id)))
        return afterPost(render, backTo(body, `/posts/${state.postId}`), () => LikeControl({ ...state, back: backTo(body, '/') }))
      })

      // Comments
      .post('/posts/:id/comments', async ({ render, params, body }) => {
        const viewer = requireViewer(render)
        const postId = integerIdParam(params.id)
        await limitRate(store, [byAccount('comment', viewer.id)], config.feed.commentRateLimit)
        const text = textField(body, 'body')
        throwIfAbandoned(render.request)
        const result = await feed.comment(viewer, postId, text)
        if (!result.ok) {
          if (result.status !== 422) refuse(result)
          return postPage(render, postId, null, { value: text, error: result.errors.body ?? '' })
        }
        return afterPost(render, `/posts/${postId}#comment-${result.value.id}`, () => commentsUpdate(viewer, postId))
      })
      // A refused comment is shown on its post's page, where the comment form is.
      .get('/posts/:id/comments', ({ params }) => seeOther(`/posts/${integerIdParam(params.id)}#comments`))
      .post('/comments/:id/delete', async ({ render, params }) => {
        const viewer = requireViewer(render)
        const postId = doneOrRefuse(await feed.deleteComment(viewer, integerIdParam(params.id)))
        return afterPost(render, `/posts/${postId}#comments`, () => commentsUpdate(viewer, postId))
      })

      // Cats
      .get('/cats/new', ({ render }) => catPage(render, requireViewer(render), null, {}, {}))
      // Each cat form posts to its own address (/cats and /cats/:id are the old ones, still taken).
      .post('/cats/new', ({ render, request, meta }) => saveCat(render, request, null, meta), { parse: 'none' })
      .post('/cats', ({ render, request, meta }) => saveCat(render, request, null, meta), { parse: 'none' })
      .get('/cats/:id/edit', async ({ render, params }) => {
        const viewer = requireViewer(render)
        const cat = await feed.cats.ownedBy(viewer.id, integerIdParam(params.id))
        if (!cat) throw new HttpError(404, NO_SUCH_CAT)
        return catPage(render, viewer, cat.id, { name: cat.name, breed: cat.breed, colours: cat.colours, birthday: cat.birthday ?? '' }, {})
      })
      .post('/cats/:id/edit', ({ render, request, params, meta }) => saveCat(render, request, integerIdParam(params.id), meta), { parse: 'none' })
      .post('/cats/:id', ({ render, request, params, meta }) => saveCat(render, request, integerIdParam(params.id), meta), { parse: 'none' })
  )
}

/** A post form's fields as the service takes them, and as typed (to show again on a refusal). */
async function postInput(form: FormData): Promise<{ input: PostInput; values: PostFormValues }> {
  const slots = Array.from({ length: POST_PHOTOS_MAX }, (_, i) => i + 1)
  const alts = slots.map((slot) => formText(form, `alt${slot}`))
  const files = await Promise.all(slots.map((slot) => fileField(form, `photo${slot}`)))
  const photos = files.flatMap((bytes, i) => (bytes ? [{ bytes, alt: alts[i]!, slot: i + 1 }] : []))
  const catIds = form.getAll('cats').flatMap((value) => integerId(value) ?? [])
  const body = formText(form, 'body')
  return { input: { body, photos, catIds, fileCount: fileCount(form) }, values: { body, alts, catIds } }
}

/** The start of a post, for descriptions: whole words, at most DESCRIPTION_MAX characters. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= DESCRIPTION_MAX) return flat
  return `${flat.slice(0, DESCRIPTION_MAX - 1).replace(/\s+\S*$/, '')}…`
}
