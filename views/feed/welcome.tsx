import type { Author } from '@/features/feed/authors'
import { Icon } from '@views/components/icon'
import type { IconName } from '@views/components/icon-names'
import { PeopleToFollow } from '@views/feed/suggestions'
import { SetAlertAreaLink } from '@views/layout/side-column'

export interface WelcomeProps {
  displayName: string
  /** Cats the new member has added already (step one done). */
  catCount: number
  people: Author[]
}

/**
 * `/welcome`, where sign-up leads: three first steps, each skippable — add your cat, set your
 * alert area, follow a few people — and the way to the feed. Plain links and forms.
 */
export function WelcomePage({ displayName, catCount, people }: WelcomeProps): JSX.Element {
  return (
    <>
      <header class="page-head">
        <h1 safe>{`Welcome, ${displayName}`}</h1>
        <p>Three things make Nine Lives yours. Each is optional: skip any of them.</p>
      </header>
      <ol class="onboarding">
        <Step icon="cat" title="Add your cat" done={catCount > 0}>
          <>
            <p>A photo and a name are enough; breed and birthday can wait.</p>
            <p>
              <a class={catCount > 0 ? 'button secondary' : 'button'} href="/cats/new">
                <Icon name="plus" />
                {catCount > 0 ? 'Add another cat' : 'Add your cat'}
              </a>
            </p>
          </>
        </Step>
        <Step icon="map-pin" title="Set your alert area">
          <>
            <p>We’ll tell you when a cat goes missing near you. Your home is never shown to anyone.</p>
            <p>
              <SetAlertAreaLink />
            </p>
          </>
        </Step>
        <Step icon="users" title="Follow a few people">
          {people.length > 0 ? <PeopleToFollow people={people} back="/welcome" /> : <p>Nobody to suggest yet: find people on Explore.</p>}
        </Step>
      </ol>
      <p class="form-actions">
        <a class="button" href="/">
          Go to your feed
        </a>
        <a href="/explore">Or look around Explore</a>
      </p>
    </>
  )
}

function Step({ icon, title, done = false, children }: { icon: IconName; title: string; done?: boolean; children: JSX.Element }): JSX.Element {
  return (
    <li class={done ? 'card onboarding-step done' : 'card onboarding-step'}>
      <h2>
        <Icon name={done ? 'circle-check' : icon} />
        <span safe>{title}</span>
        {done ? <span class="visually-hidden"> (done)</span> : ''}
      </h2>
      {children as 'safe'}
    </li>
  )
}
