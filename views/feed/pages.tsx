import { assetUrl } from '@/http/assets'
import { UploadScripts } from '@views/components/upload-scripts'
import { ButtonLink } from '@views/components/button-link'
import { EmptyState } from '@views/components/empty-state'
import { Icon } from '@views/components/icon'
import type { IconName } from '@views/components/icon-names'
import { WayInButtons } from '@views/layout/layout'

/** `/` for a member: a greeting, the composer, then their feed (the cached first page, or a later one). */
/** `more`: other features' sections for members (CatFinder's "lost near you"), above the composer. */
export function HomePage({ displayName, composer, feed, more = '' }: { displayName: string; composer: JSX.Element; feed: JSX.Element; more?: JSX.Element }): JSX.Element {
  return (
    <>
      <h1 class="greeting" safe>{`Welcome, ${displayName}`}</h1>
      {more as 'safe'}
      {composer as 'safe'}
      <UploadScripts />
      {feed as 'safe'}
    </>
  )
}

/** What an empty home feed says: how to fill it. */
export function EmptyHomeFeed(): JSX.Element {
  return (
    <EmptyState
      icon="users"
      title="Your feed is quiet"
      actions={
        <>
          <ButtonLink href="/explore" icon="compass">
            Find people on Explore
          </ButtonLink>
          <ButtonLink href="/cats/new" icon="cat" secondary>
            Add your cat
          </ButtonLink>
        </>
      }
    >
      Posts from people you follow show up here. Write your first post above, or follow a few cat people.
    </EmptyState>
  )
}

/** What the landing page offers, each leading to where it is. */
const FEATURES: { href: string; icon: IconName; title: string; text: string }[] = [
  { href: '/explore', icon: 'camera', title: 'Share your cats', text: 'Photos, stories, and the people who love them too.' },
  { href: '/finder', icon: 'map-pin', title: 'Lost &amp; found', text: 'Report a missing cat and get your neighbours looking.' },
  { href: '/memorials', icon: 'flower-2', title: 'Memorials', text: 'A quiet page to remember a cat who has gone.' },
]

/** `/` for a visitor: what Nine Lives is, a way in, and what people love this week. */
export function LandingPage({ trending }: { trending: JSX.Element }): JSX.Element {
  return (
    <>
      <section class="landing">
        <svg class="logo" aria-hidden="true" focusable="false">
          <use href={`${assetUrl('icons.svg')}#logo`} />
        </svg>
        <h1>Nine Lives</h1>
        <p class="lede">A home for cat people: share your cats, help bring lost cats home, and remember the ones who have gone.</p>
        <p class="actions">
          <WayInButtons />
        </p>
        <ul class="features">
          {FEATURES.map((feature) => (
            <li>
              <a href={feature.href}>
                <strong>
                  <Icon name={feature.icon} />
                  {feature.title as 'safe'}
                </strong>
                <span safe>{feature.text}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <div class="section-head">
        <h2>Trending this week</h2>
        <a href="/explore">See more on Explore</a>
      </div>
      {trending as 'safe'}
    </>
  )
}

/** `/explore`: trending posts of the last 7 days. */
export function ExplorePage({ trending }: { trending: JSX.Element }): JSX.Element {
  return (
    <>
      <header class="page-head">
        <h1>Explore</h1>
        <p>The most liked and discussed posts of the last 7 days, updated every 15 minutes.</p>
      </header>
      {trending as 'safe'}
    </>
  )
}

export function EmptyTrending(): JSX.Element {
  return (
    <EmptyState icon="sparkles" title="Nothing is trending yet">
      Posts with likes and comments from the last 7 days show up here.
    </EmptyState>
  )
}

/** `/posts/new`: the composer on its own, where a refused post comes back with its messages. */
export function NewPostPage({ composer }: { composer: JSX.Element }): JSX.Element {
  return (
    <>
      <h1>New post</h1>
      {composer as 'safe'}
      <UploadScripts />
    </>
  )
}
