import type { PushPreference, PushPreferences, SubscribedBrowser } from '@/features/notifications/push-subscriptions'
import { PUSH_PREFERENCES } from '@/features/notifications/push-subscriptions'
import { assetUrl } from '@/http/assets'
import { OptionGroup } from '@views/components/choice'
import { RelativeTime } from '@views/components/time'

export interface PushSectionProps {
  /** The VAPID public key browsers subscribe with; null when push is off on this server. */
  publicKey: string | null
  preferences: PushPreferences
  browsers: SubscribedBrowser[]
}

/** The id of the section: /settings#push. */
export const PUSH_SECTION_ID = 'push'

const PREFERENCE_LABELS: Record<PushPreference, string> = {
  alerts: 'Cats lost or found in my alert area',
  reports: 'Sightings and messages on my reports',
  social: 'Comments, likes and new followers',
  memorials: 'Tributes and anniversaries of my memorials',
}

/** The notifications part of /settings: push in this browser, what to push, and the browsers that have it. */
export function PushSection({ publicKey, preferences, browsers }: PushSectionProps): JSX.Element {
  const wanted = PUSH_PREFERENCES.filter((preference) => preferences[preference])
  return (
    <section id={PUSH_SECTION_ID} aria-labelledby="push-heading">
      <h2 id="push-heading">Notifications</h2>
      <p>
        Everything shows in your <a href="/notifications">notifications</a>. Push notifications also reach this phone or computer when Nine Lives is
        closed.
      </p>
      {publicKey ? <ThisBrowser publicKey={publicKey} /> : <p class="muted">Push notifications are not set up on this server.</p>}
      <form class="stack" method="post" action="/settings/notifications">
        <OptionGroup
          name="push"
          legend="Send me a push notification for"
          type="checkbox"
          options={PUSH_PREFERENCES}
          labels={PREFERENCE_LABELS}
          checked={wanted}
          hint="These go to every browser below; your notifications list keeps everything."
        />
        <button type="submit">Save notification choices</button>
      </form>
      <h3>Browsers with push turned on</h3>
      {browsers.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul class="list" aria-label="Browsers with push turned on">
          {browsers.map((browser) => (
            <BrowserItem browser={browser} />
          ))}
        </ul>
      )}
    </section>
  )
}

/**
 * The button static/push-subscribe.js brings to life: hidden until the script finds this browser can
 * take push, so that nobody without JavaScript (or push) meets a button that does nothing.
 */
function ThisBrowser({ publicKey }: { publicKey: string }): JSX.Element {
  return (
    <div class="push-this-browser" data-push-key={publicKey}>
      <p class="muted" data-push-status role="status">
        Push notifications need JavaScript, and a browser that supports them.
      </p>
      <p data-push-tools hidden>
        <button type="button" data-push-subscribe>
          Turn on push notifications in this browser
        </button>
      </p>
      <script src={assetUrl('push-subscribe.js')} defer></script>
    </div>
  )
}

function BrowserItem({ browser }: { browser: SubscribedBrowser }): JSX.Element {
  return (
    <li>
      <strong safe>{browser.label}</strong>, turned on <RelativeTime at={browser.createdAt} />
      {browser.lastSuccessAt ? (
        <>
          , last notified <RelativeTime at={browser.lastSuccessAt} />
        </>
      ) : (
        ''
      )}
      <form method="post" action={`/settings/push/${browser.id}/remove`}>
        <button type="submit" class="secondary" safe>
          {`Turn off push in ${browser.label}`}
        </button>
      </form>
    </li>
  )
}
