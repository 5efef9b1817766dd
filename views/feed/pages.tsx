import { assetUrl } from '@/http/assets'

/** Only pages with an upload form load it; in the body, so htmx runs it after a boosted visit too. */
export function UploadProgressScript(): JSX.Element {
  return <script src={assetUrl('upload-progress.js')} defer></script>
}

/** `/` for a member: a greeting, the composer, then their feed (the cached first page, or a later one). */
/** `more`: other features' sections for members (CatFinder's "lost near you"), above the composer. */
export function HomePage({ displayName, composer, feed, more = '' }: { displayName: string; composer: JSX.Element; feed: JSX.Element; more?: JSX.Element }): JSX.Element {
  return (
    <>
      <h1 safe>{`Welcome, ${displayName}`}</h1>
      {more as 'safe'}
      {composer as 'safe'}
      <UploadProgressScript />
      {feed as 'safe'}
    </>
  )
}

/** What an empty home feed says. */
export function EmptyHomeFeed(): JSX.Element {
  return (
    <p class="muted empty">
      Nothing here yet. Write your first post, or find people to follow on <a href="/explore">Explore</a>.
    </p>
  )
}

/** `/` for a visitor: what Nine Lives is, a way in, and what people love this week. */
export function LandingPage({ trending }: { trending: JSX.Element }): JSX.Element {
  return (
    <>
      <section class="landing">
        <h1>Nine Lives</h1>
        <p>A home for cat people: share your cats, help bring lost cats home, and remember the ones who have gone.</p>
        <p>
          <a class="button" href="/signup">
            Sign up
          </a>{' '}
          or <a href="/login">sign in</a>
        </p>
      </section>
      <h2>Trending this week</h2>
      {trending as 'safe'}
      <p>
        <a href="/explore">See more on Explore</a>
      </p>
    </>
  )
}

/** `/explore`: trending posts of the last 7 days. */
export function ExplorePage({ trending }: { trending: JSX.Element }): JSX.Element {
  return (
    <>
      <h1>Explore</h1>
      <p class="muted">The most liked and discussed posts of the last 7 days, updated every 15 minutes.</p>
      {trending as 'safe'}
    </>
  )
}

export function EmptyTrending(): JSX.Element {
  return <p class="muted empty">Nothing is trending yet. Posts with likes and comments from the last 7 days show up here.</p>
}

/** `/posts/new`: the composer on its own, where a refused post comes back with its messages. */
export function NewPostPage({ composer }: { composer: JSX.Element }): JSX.Element {
  return (
    <>
      <h1>New post</h1>
      {composer as 'safe'}
      <UploadProgressScript />
    </>
  )
}
