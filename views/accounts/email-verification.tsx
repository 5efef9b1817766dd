/** Confirming an email address: the link's page with its button, the page after, and the settings card. */
import { PASSWORD_MAX } from '@/features/accounts/service'
import type { EmailChangeField } from '@/features/accounts/credentials'
import type { FieldErrors } from '@/shared/result'
import { Field } from '@views/components/field'

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
  /** The change-of-address form: what was typed (never the password) and its messages. */
  change?: { values: { email?: string }; errors: FieldErrors<EmailChangeField> }
  /** A change to this address was asked for: its link is on the way. */
  requested?: string
}

/** /settings: the member's address, whether it is confirmed, and a button to send the link again. */
export function EmailSection({ email, verified, sent = false, change = { values: {}, errors: {} }, requested }: EmailSectionProps): JSX.Element {
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
      <form class="stack" method="post" action="/settings/email" hx-post="/settings/email" hx-target={`#${EMAIL_SECTION_ID}`} hx-swap="outerHTML" novalidate>
        <h3>Change your address</h3>
        <Field name="email" label="New email address" type="email" value={change.values.email} error={change.errors.email} hint="We send a link there; the change happens when you follow it." autocomplete="email" required />
        <Field name="current" label="Current password" type="password" error={change.errors.current} autocomplete="current-password" required maxlength={PASSWORD_MAX} />
        <button type="submit">Change my email address</button>
        {requested ? (
          <p class="flash" role="status" safe>
            {`A link is on its way to ${requested}. Your address changes when you follow it.`}
          </p>
        ) : (
          ''
        )}
      </form>
    </section>
  )
}

/** A change-of-address link's page: the button's POST makes the new address the account's. */
export function ConfirmNewEmailPage({ token, email }: { token: string; email: string }): JSX.Element {
  return (
    <>
      <h1>Use your new email address</h1>
      <form class="stack" method="post" action={`/confirm-email/${token}`}>
        <p>
          Press the button to make <strong safe>{email}</strong> the address of your account.
        </p>
        <button type="submit">Use this address</button>
      </form>
    </>
  )
}

export function EmailChangedPage({ signedIn }: { signedIn: boolean }): JSX.Element {
  return (
    <>
      <h1>Your email address is changed</h1>
      <p class="flash" role="status">
        Mail from us goes to the new address from now on; the old one was told.
      </p>
      <p>{signedIn ? <a href="/settings#email">Back to your settings</a> : <a href="/login">Sign in</a>}</p>
    </>
  )
}
