import type { Cat } from '@/features/feed/cats'
import type { FollowState, Profile } from '@/features/feed/service'
import { Avatar } from '@views/components/avatar'
import { ButtonLink } from '@views/components/button-link'
import { EmptyState } from '@views/components/empty-state'
import { Icon } from '@views/components/icon'
import { Picture } from '@views/components/picture'
import { count } from '@views/feed/post-card'
import { FlagLink } from '@views/components/flag-link'

export interface ProfilePageProps {
  profile: Profile
  cats: Cat[]
  /** The follow control (FollowControl), the owner's links, or a link to sign in. */
  actions: JSX.Element
  /** True when the viewer is looking at their own profile: cats get "Edit" links. */
  own: boolean
  posts: JSX.Element
}

/** `/@handle`: who they are, their cats, their posts. */
export function ProfilePage({ profile, cats, actions, own, posts }: ProfilePageProps): JSX.Element {
  return (
    <>
      <header class="profile">
        <Avatar handle={profile.handle} displayName={profile.displayName} picture={profile.avatar} size="large" priority />
        <div class="profile-body">
          <h1 safe>{profile.displayName}</h1>
          <p class="handle" safe>{`@${profile.handle}`}</p>
          {profile.bio ? (
            <p class="bio" safe>
              {profile.bio}
            </p>
          ) : (
            ''
          )}
          <p class="profile-stats" safe>
            {`Following ${profile.following}`}
          </p>
          {actions as 'safe'}
          {own ? '' : <FlagLink kind="profile" id={profile.id} />}
        </div>
      </header>
      <section class="cats" aria-labelledby="cats-heading">
        <h2 id="cats-heading">Cats</h2>
        {cats.length > 0 ? (
          <ul class="cat-list">
            {cats.map((cat) => (
              <CatCard cat={cat} editable={own} />
            ))}
          </ul>
        ) : (
          <EmptyState icon="cat" title="No cats here yet">
            {own ? 'Add your cat: a photo and a name are enough.' : 'Their cats will show here once they add them.'}
          </EmptyState>
        )}
        {own ? (
          <p>
            <ButtonLink href="/cats/new" icon="plus" secondary>
              Add a cat
            </ButtonLink>
          </p>
        ) : (
          ''
        )}
      </section>
      <h2>Posts</h2>
      {posts as 'safe'}
    </>
  )
}

function CatCard({ cat, editable }: { cat: Cat; editable: boolean }): JSX.Element {
  const details = [cat.breed, cat.colours].filter(Boolean).join(' · ')
  return (
    <li class="cat" id={`cat-${cat.id}`}>
      {cat.photo ? (
        <Picture picture={cat.photo} sizes="(min-width: 48rem) 12rem, 50vw" class="cat-photo" />
      ) : (
        <span class="cat-photo empty">
          <Icon name="cat" />
        </span>
      )}
      <h3 safe>{cat.name}</h3>
      {details ? (
        <p safe>
          {details}
        </p>
      ) : (
        ''
      )}
      {cat.birthday ? (
        <p>
          Birthday: <time datetime={cat.birthday} safe>{formatBirthday(cat.birthday)}</time>
        </p>
      ) : (
        ''
      )}
      {editable ? (
        <a href={`/cats/${cat.id}/edit`}>
          Edit <span class="visually-hidden" safe>{cat.name}</span>
        </a>
      ) : (
        ''
      )}
    </li>
  )
}

/** "23 April 2019": the day as typed, whatever the server's time zone. */
function formatBirthday(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
}

/**
 * The follower count and the Follow/Unfollow button: a plain form posting back to the profile,
 * which htmx swaps for the updated control.
 */
export function FollowControl({ state }: { state: FollowState }): JSX.Element {
  const { handle } = state.profile
  const action = `/@${handle}/${state.following ? 'unfollow' : 'follow'}`
  return (
    <div class="follow" id="follow">
      <p class="follower-count" safe>
        {count(state.followers, 'follower')}
      </p>
      <form method="post" action={action} hx-post={action} hx-target="closest .follow" hx-swap="outerHTML">
        <input type="hidden" name="back" value={`/@${handle}`} />
        <button type="submit" class={state.following ? 'secondary' : undefined}>
          {state.following ? 'Unfollow' : 'Follow'}
        </button>
      </form>
    </div>
  )
}

/** What a visitor or the owner sees instead of the button. */
export function FollowerCount({ followers, signInTo }: { followers: number; signInTo: string | null }): JSX.Element {
  return (
    <div class="follow">
      <p class="follower-count" safe>
        {count(followers, 'follower')}
      </p>
      {signInTo ? (
        <p>
          <a class="button secondary small" href={`/login?next=${encodeURIComponent(signInTo)}`}>Sign in to follow</a>
        </p>
      ) : (
        ''
      )}
    </div>
  )
}

/** A profile's empty list of posts; its owner (`own`) is shown where to write the first one. */
export function NoPostsYet({ own = false }: { own?: boolean } = {}): JSX.Element {
  return own ? (
    <EmptyState
      icon="camera"
      title="You haven’t posted yet"
      actions={
        <ButtonLink href="/posts/new" icon="image-plus">
          Write your first post
        </ButtonLink>
      }
    >
      A photo of your cat and a line about their day: your posts show here and in your followers’ feeds.
    </EmptyState>
  ) : (
    <EmptyState icon="camera" title="No posts yet">
      Photos and news of their cats will show here. Follow them to see their first post in your feed.
    </EmptyState>
  )
}
