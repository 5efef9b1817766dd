import type { Author } from '@/features/feed/authors'
import { Icon } from '@views/components/icon'
import { PeopleToFollow } from '@views/feed/suggestions'

/**
 * What the second column shows (`/side`, fetched after the page): for a member, cats lost near
 * their alert area (or the way to set one) and people to follow; for a visitor, the way in.
 */
export function SideContent({ signedIn, nearYou, people }: { signedIn: boolean; nearYou: JSX.Element; people: Author[] }): JSX.Element {
  if (!signedIn) {
    return (
      <div class="card">
        <h2>New to Nine Lives?</h2>
        <p>Share your cats, get alerts when a cat goes missing near you, and help bring them home.</p>
        <p class="actions">
          <a class="button small" href="/signup">
            Sign up
          </a>
          <a class="button small secondary" href="/finder">
            <Icon name="search" />
            Lost &amp; found
          </a>
        </p>
      </div>
    )
  }
  return (
    <>
      <div class="card">
        {nearYou ? (
          (nearYou as 'safe')
        ) : (
          <>
            <h2>Lost cats near you</h2>
            <p>We’ll tell you when a cat goes missing near you.</p>
            <p>
              <SetAlertAreaLink small />
            </p>
          </>
        )}
      </div>
      {people.length > 0 ? (
        <div class="card">
          <h2>People to follow</h2>
          <PeopleToFollow people={people} back="/" />
        </div>
      ) : (
        ''
      )}
    </>
  )
}

/** The way to the alert-area part of the settings, from the second column and the welcome page. */
export function SetAlertAreaLink({ small = false }: { small?: boolean }): JSX.Element {
  return (
    <a class={small ? 'button small secondary' : 'button secondary'} href="/settings#alert-area">
      <Icon name="map-pin" />
      Set your alert area
    </a>
  )
}
