/** Confirming an email address: the link's page with its button, the page after, and the settings card. */

/** The link's page: the button's POST confirms (a GET never does: mail scanners open links). */
export function ConfirmEmailPage({ token }: { token: string }): JSX.Element {
  return (
    <>
      <h1>Confirm your email address</h1>
      <form class="stack" method="post" action={`/verify-email/${token}`}>
        <p>Press the button to confirm that this address is yours.</p>
        <button type="submit">Confirm my email address</button>
      </form>
    </>
  )
}

export function EmailConfirmedPage({ signedIn }: { signedIn: boolean }): JSX.Element {
  return (
    <>
      <h1>Your email address is confirmed</h1>
      <p class="flash" role="status">
        Thank you. You can now send messages about lost and found cats.
      </p>
      <p>{signedIn ? <a href="/">Go to your feed</a> : <a href="/login">Sign in</a>}</p>
    </>
  )
}

export function ConfirmLinkProblem({ message }: { message: string }): JSX.Element {
  return (
    <>
      <h1>This link cannot be used</h1>
      <p class="form-error" role="alert" safe>
        {message}
      </p>
      <p>
        <a href="/settings#email">Your settings</a> can send a new link.
      </p>
    </>
  )
}

/** The id of the settings card, which htmx swaps with the answer to its form. */
export const EMAIL_SECTION_ID = 'email'

export interface EmailSectionProps {
  email: string
  verified: boolean
  /** A new confirmation link was just sent. */
  sent?: boolean
}

/** /settings: the member's address, whether it is confirmed, and a button to send the link again. */
export function EmailSection({ email, verified, sent = false }: EmailSectionProps): JSX.Element {
  return (
    <section id={EMAIL_SECTION_ID} aria-labelledby="email-heading">
      <h2 id="email-heading">Email address</h2>
      <p>
        <strong safe>{email}</strong> {verified ? '(confirmed)' : '(not confirmed yet)'}. Never shown to anyone.
      </p>
      {verified ? (
        ''
      ) : (
        <form class="stack" method="post" action="/settings/verify-email" hx-post="/settings/verify-email" hx-target={`#${EMAIL_SECTION_ID}`} hx-swap="outerHTML">
          <p>Until you open the link we sent to this address, you cannot send messages about lost and found cats.</p>
          <button type="submit" class="secondary">
            Send the confirmation link again
          </button>
          {sent && (
            <p class="flash" role="status">
              A new link is on its way. It works for a week.
            </p>
          )}
        </form>
      )}
    </section>
  )
}
