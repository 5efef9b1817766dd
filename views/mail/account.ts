/**
 * The messages about a member's own account. Each takes what it says and the site's address and
 * gives the message to queue (`'mail.send'`), less its recipient.
 */
import { renderMail, SITE_NAME, type RenderedMail } from '@views/mail/layout'

const ABOUT_ACCOUNT = `You get this message because of your ${SITE_NAME} account. It is not a newsletter, so there is nothing to unsubscribe from.`

/** The link to set a new password (src/features/accounts/password-reset.ts). */
export function passwordResetMail({ handle, token }: { handle: string; token: string }, siteUrl: URL): RenderedMail {
  return renderMail(
    {
      subject: `Reset your ${SITE_NAME} password`,
      greeting: `Hello @${handle},`,
      paragraphs: ['Somebody, hopefully you, asked to reset the password of your account. Open the link to choose a new one.'],
      action: { label: 'Choose a new password', url: new URL(`/reset-password/${token}`, siteUrl).href },
      after: [
        'The link works once, for one hour. Choosing a new password signs you out on every other device.',
        'If you did not ask for this, you can ignore this message: your password stays as it is.',
      ],
      reason: ABOUT_ACCOUNT,
    },
    siteUrl,
  )
}

/** The link that confirms a member's address (src/features/accounts/email-verification.ts). */
export function verifyEmailMail({ handle, token }: { handle: string; token: string }, siteUrl: URL): RenderedMail {
  return renderMail(
    {
      subject: `Confirm your email address for ${SITE_NAME}`,
      greeting: `Hello @${handle},`,
      paragraphs: [
        `Welcome to ${SITE_NAME}! Please confirm that this address is yours. Until then you cannot send messages about lost and found cats.`,
      ],
      action: { label: 'Confirm my email address', url: new URL(`/verify-email/${token}`, siteUrl).href },
      after: ['The link works for a week. If you did not sign up, you can ignore this message: nothing happens without the link.'],
      reason: ABOUT_ACCOUNT,
    },
    siteUrl,
  )
}

/** After a password was changed in /settings: so a member who did not do it knows at once. */
export function passwordChangedMail({ handle }: { handle: string }, siteUrl: URL): RenderedMail {
  return renderMail(
    {
      subject: `Your ${SITE_NAME} password was changed`,
      greeting: `Hello @${handle},`,
      paragraphs: ['The password of your account was just changed, and every other device was signed out.'],
      action: { label: 'Not you? Reset your password', url: new URL('/forgot-password', siteUrl).href },
      reason: ABOUT_ACCOUNT,
    },
    siteUrl,
  )
}

/** To the new address asked for in /settings: following the link makes it the account's. */
export function emailChangeMail({ handle, token }: { handle: string; token: string }, siteUrl: URL): RenderedMail {
  return renderMail(
    {
      subject: `Confirm your new address for ${SITE_NAME}`,
      greeting: `Hello @${handle},`,
      paragraphs: ['You asked to use this address for your account. Confirm it, and mail from us comes here from then on.'],
      action: { label: 'Use this address', url: new URL(`/confirm-email/${token}`, siteUrl).href },
      after: ['The link works for a day. If you did not ask for this, ignore this message: nothing changes without the link.'],
      reason: ABOUT_ACCOUNT,
    },
    siteUrl,
  )
}

/** To the old address once the new one is confirmed. */
export function emailChangedMail({ handle, newEmail }: { handle: string; newEmail: string }, siteUrl: URL): RenderedMail {
  return renderMail(
    {
      subject: `The address of your ${SITE_NAME} account was changed`,
      greeting: `Hello @${handle},`,
      paragraphs: [
        `Your account now uses ${newEmail}. We will not write to this address again.`,
        'If you did not make this change, someone who knows your password did.',
      ],
      reason: ABOUT_ACCOUNT,
    },
    siteUrl,
  )
}
