import type { Viewer } from '@/features/accounts/viewer'

/** What a visitor who isn't signed in sees at `/`: what Nine Lives is, and a way in. */
export function Landing(): JSX.Element {
  return (
    <>
      <h1>Nine Lives</h1>
      <p>A home for cat people: share your cats, help bring lost cats home, and remember the ones who have gone.</p>
      <p>
        <a class="button" href="/signup">
          Sign up
        </a>{' '}
        or <a href="/login">sign in</a>
      </p>
    </>
  )
}

export function Home({ viewer }: { viewer: Viewer }): JSX.Element {
  return (
    <>
      <h1 safe>{`Welcome, ${viewer.displayName}`}</h1>
      <p>Your home feed will show posts from the people you follow.</p>
    </>
  )
}
