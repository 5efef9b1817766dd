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
