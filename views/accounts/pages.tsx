import { UploadScripts } from '@views/components/upload-scripts'
import type { Viewer } from '@/features/accounts/viewer'

export function SignupPage({ form }: { form: JSX.Element }): JSX.Element {
  return (
    <>
      <h1>Join Nine Lives</h1>
      <p>Share your cats, help find lost ones, and remember the ones who have gone.</p>
      {form as 'safe'}
      <p>
        Already have an account? <a href="/login">Sign in</a>
      </p>
    </>
  )
}

export function LoginPage({ form }: { form: JSX.Element }): JSX.Element {
  return (
    <>
      <h1>Sign in</h1>
      {form as 'safe'}
      <p>
        Forgot your password? <a href="/forgot-password">Reset it by email</a>
      </p>
      <p>
        New here? <a href="/signup">Create an account</a>
      </p>
    </>
  )
}

/** `more`: sections other features add (the alert area), after the profile photo. */
export interface SettingsPageProps {
  viewer: Viewer
  /** The name and bio form (profile-details.tsx). */
  details: JSX.Element
  profilePhoto: JSX.Element
  /** The email address and whether it is confirmed (email-verification.tsx). */
  email: JSX.Element
  /** Changing the password (password-section.tsx). */
  password: JSX.Element
  /** Other features' sections. */
  more?: JSX.Element
}

/** The sections of /settings by their anchors, for the menu at the top. */
const SETTINGS_SECTIONS = [
  ['profile-details', 'Profile'],
  ['profile-photo', 'Photo'],
  ['email', 'Email'],
  ['password', 'Password'],
  ['alert-area', 'Lost cats near you'],
  ['push', 'Notifications'],
  ['account', 'Account'],
] as const

export function SettingsPage({ viewer, details, profilePhoto, email, password, more = '' }: SettingsPageProps): JSX.Element {
  return (
    <>
      <h1>Settings</h1>
      <nav aria-label="Sections of the settings">
        <ul class="chips">
          {SETTINGS_SECTIONS.map(([anchor, label]) => (
            <li>
              <a class="chip" href={`#${anchor}`}>
                {label as 'safe'}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="settings">
        {details as 'safe'}
        {profilePhoto as 'safe'}
        <UploadScripts />

        {email as 'safe'}
        {password as 'safe'}
        {more as 'safe'}
        <section id="account" aria-labelledby="account-heading">
          <h2 id="account-heading">Your account</h2>
          <p>
            Signed in as <strong safe>{`@${viewer.handle}`}</strong>.
          </p>
          <form method="post" action="/logout/everywhere">
            <p>Lost a phone, or signed in on a shared computer? This signs you out on every device, this one included.</p>
            <button type="submit" class="secondary">
              Sign out everywhere
            </button>
          </form>
        </section>
      </div>
    </>
  )
}
